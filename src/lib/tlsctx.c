/* config -> SSL_CTX. Each tls_ctx_apply_* step handles one group of options. */
#include "lib/tlsctx.h"
#include "lib/lazyca.h"
#include "lib/crldl.h"
#include "lib/engine.h"
#include "lib/err.h"
#include "lib/load.h"
#include "lib/newlib.h"
#include "lib/opt.h"
#include "lib/print.h"
#include "lib/trace.h"
#include "lib/xcert.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <openssl/conf.h>
#include <openssl/err.h>
#include <openssl/provider.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

int tls_lib_init(const struct tls_common *c)
{
    if (c->provider_path != NULL && !OSSL_PROVIDER_set_default_search_path(NULL, c->provider_path)) {
        err_ssl("cannot set provider path \"%s\"", c->provider_path);
        return -1;
    }
    for (size_t i = 0; i < c->providers.n; i++) {
        if (OSSL_PROVIDER_load(NULL, c->providers.v[i]) == NULL) {
            err_ssl("cannot load provider \"%s\"", c->providers.v[i]);
            return -1;
        }
    }
    if (newlib_apply_provparams(&c->newlib) < 0)
        return -1;
    if (c->propquery != NULL && !EVP_set_default_properties(NULL, c->propquery)) {
        err_ssl("bad property query \"%s\"", c->propquery);
        return -1;
    }
    if (c->engine != NULL)
        engine_setup(c->engine);
    for (size_t i = 0; i < c->rand_files.n; i++) {
        /* -rand takes a list separated like PATH */
        char buf[4096];
        snprintf(buf, sizeof(buf), "%s", c->rand_files.v[i]);
        for (char *save = NULL, *f = strtok_r(buf, ":", &save); f; f = strtok_r(NULL, ":", &save))
            if (RAND_load_file(f, -1) < 0)
                err_warn("cannot load random state from \"%s\"", f);
    }
    return 0;
}

int tls_lib_finish(const struct tls_common *c)
{
    if (c->writerand != NULL && RAND_write_file(c->writerand) <= 0) {
        err_ssl("cannot write random state to \"%s\"", c->writerand);
        return -1;
    }
    return 0;
}

void tls_lib_release(const struct tls_common *c)
{
    if (c->engine != NULL)
        OPENSSL_cleanup();
}

static const SSL_METHOD *method_for(const struct tls_common *c)
{
    const SSL_METHOD *quic = newlib_quic_method(&c->newlib, c->role == ROLE_SERVER);
    if (quic != NULL)
        return quic;
    if (c->dtls)
        return c->role == ROLE_CLIENT ? DTLS_client_method() : DTLS_server_method();
    return c->role == ROLE_CLIENT ? TLS_client_method() : TLS_server_method();
}

static int tls_ctx_apply_versions(SSL_CTX *ctx, const struct tls_common *c)
{
    if (c->min_version != 0 && !SSL_CTX_set_min_proto_version(ctx, c->min_version))
        goto fail;
    if (c->max_version != 0 && !SSL_CTX_set_max_proto_version(ctx, c->max_version))
        goto fail;
    return 0;
fail:
    err_ssl("the requested protocol version is not available");
    return -1;
}

/* Role-specific SSL_CONF commands reach the wrong role as "unknown" (-2); say which it is. */
static int conf_cmd(SSL_CONF_CTX *cctx, const struct tls_common *c, const struct kv *kv)
{
    char name[80];
    snprintf(name, sizeof(name), "-%s", kv->key);
    if (strcmp(kv->key, "debug_broken_protocol") == 0) {
        err_warn("-debug_broken_protocol has no effect with this library");
        return 0;
    }
    int rc = SSL_CONF_cmd(cctx, name, kv->value);
    if (rc > 0)
        return 0;
    if (rc == -2) {
        err_msg("option %s is for %s only", name, c->role == ROLE_CLIENT ? "servers" : "clients");
        return -1;
    }
    if (kv->value != NULL)
        err_ssl("bad value \"%s\" for %s", kv->value, name);
    else
        err_ssl("option %s was refused", name);
    return -1;
}

static int tls_ctx_apply_ssl_conf(SSL_CTX *ctx, const struct tls_common *c)
{
    int ret = -1;
    SSL_CONF_CTX *cctx = SSL_CONF_CTX_new();
    if (cctx == NULL)
        goto done;
    unsigned int flags = SSL_CONF_FLAG_CMDLINE | SSL_CONF_FLAG_CERTIFICATE;
    flags |= c->role == ROLE_CLIENT ? SSL_CONF_FLAG_CLIENT : SSL_CONF_FLAG_SERVER;
    SSL_CONF_CTX_set_flags(cctx, flags);
    SSL_CONF_CTX_set_ssl_ctx(cctx, ctx);
    for (size_t i = 0; i < c->ssl_conf.n; i++)
        if (conf_cmd(cctx, c, &c->ssl_conf.v[i]) < 0)
            goto done;
    if (!SSL_CONF_CTX_finish(cctx)) {
        err_ssl("cannot finish the TLS settings");
        goto done;
    }
    if (c->ssl_config != NULL && !SSL_CTX_config(ctx, c->ssl_config)) {
        err_ssl("cannot apply configuration section \"%s\"", c->ssl_config);
        goto done;
    }
    ret = 0;
done:
    SSL_CONF_CTX_free(cctx);
    return ret;
}

/* X509_STORE says little about a path that is missing or of the wrong kind (a -CApath that
 * does not exist is even taken silently): name the path and what is wrong with it. */
static int trust_path_ok(const char *path, int want_dir, const char *what)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        err_msg("cannot use %s \"%s\": %s", what, path, strerror(errno));
        return 0;
    }
    if (!want_dir != !S_ISDIR(st.st_mode)) {
        err_msg("cannot use %s \"%s\": it is %s directory", what, path, want_dir ? "not a" : "a");
        return 0;
    }
    return 1;
}

int tls_load_trust(const struct tls_common *c, X509_STORE *store)
{
    if (c->CAfile != NULL && !trust_path_ok(c->CAfile, 0, "CA file"))
        return -1;
    if (c->CApath != NULL && !trust_path_ok(c->CApath, 1, "CA directory"))
        return -1;
    if (c->CAfile != NULL && !X509_STORE_load_file(store, c->CAfile)) {
        err_ssl("cannot load CA file \"%s\"", c->CAfile);
        return -1;
    }
    if (c->CApath != NULL && !X509_STORE_load_path(store, c->CApath)) {
        err_ssl("cannot use CA directory \"%s\"", c->CApath);
        return -1;
    }
    if (c->CAstore != NULL && !X509_STORE_load_store(store, c->CAstore)) {
        err_ssl("cannot open CA store \"%s\"", c->CAstore);
        return -1;
    }
    /* The system defaults, as openssl does: only when no -CAfile, -CApath or -CAstore was given,
     * each unless turned off; a missing default is no error. */
    if (c->CAfile != NULL || c->CApath != NULL || c->CAstore != NULL)
        goto crls;
    if (!c->no_CAfile) {
        /* The bundle is read when a verification first looks a name up, and only the
         * certificates with that name are parsed (lazyca.h): the same answers, without ~100 ms
         * of parsing at every start. */
        int lazy = lazyca_add_default_file(store) == 0;
        X509_LOOKUP *l = lazy ? NULL : X509_STORE_add_lookup(store, X509_LOOKUP_file());
        if (l != NULL)
            X509_LOOKUP_load_file_ex(l, NULL, X509_FILETYPE_DEFAULT, NULL, NULL);
    }
    if (!c->no_CApath) {
        X509_LOOKUP *l = X509_STORE_add_lookup(store, X509_LOOKUP_hash_dir());
        if (l != NULL)
            X509_LOOKUP_add_dir(l, NULL, X509_FILETYPE_DEFAULT);
    }
    if (!c->no_CAstore) {
        X509_LOOKUP *l = X509_STORE_add_lookup(store, X509_LOOKUP_store());
        if (l != NULL)
            X509_LOOKUP_add_store_ex(l, NULL, NULL, NULL);
    }
crls:
    ERR_clear_error();
    for (size_t i = 0; i < c->crl_files.n; i++) {
        STACK_OF(X509_CRL) *crls = load_crls(c->crl_files.v[i], "CRL");
        if (crls == NULL)
            return -1;
        for (int j = 0; j < sk_X509_CRL_num(crls); j++)
            X509_STORE_add_crl(store, sk_X509_CRL_value(crls, j));
        sk_X509_CRL_pop_free(crls, X509_CRL_free);
    }
    return 0;
}

static int tls_ctx_apply_trust(SSL_CTX *ctx, const struct tls_common *c)
{
    X509_STORE *store = SSL_CTX_get_cert_store(ctx);
    if (tls_load_trust(c, store) < 0)
        return -1;
    if (c->crl_download)
        crldl_setup(SSL_CTX_get_cert_store(ctx));
    return 0;
}

/* verify(1) flag options and the X509_V_FLAG_* bit each sets. */
static const struct {
    const char *name;
    unsigned long flag;
} vpm_flags[] = {
    {"ignore_critical", X509_V_FLAG_IGNORE_CRITICAL},
    {"issuer_checks", 0},
    {"crl_check", X509_V_FLAG_CRL_CHECK},
    {"crl_check_all", X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL},
    {"policy_check", X509_V_FLAG_POLICY_CHECK},
    {"explicit_policy", X509_V_FLAG_EXPLICIT_POLICY},
    {"inhibit_any", X509_V_FLAG_INHIBIT_ANY},
    {"inhibit_map", X509_V_FLAG_INHIBIT_MAP},
    {"x509_strict", X509_V_FLAG_X509_STRICT},
    {"extended_crl", X509_V_FLAG_EXTENDED_CRL_SUPPORT},
    {"use_deltas", X509_V_FLAG_USE_DELTAS},
    {"policy_print", X509_V_FLAG_NOTIFY_POLICY},
    {"check_ss_sig", X509_V_FLAG_CHECK_SS_SIGNATURE},
    {"trusted_first", X509_V_FLAG_TRUSTED_FIRST},
    {"suiteB_128_only", X509_V_FLAG_SUITEB_128_LOS_ONLY},
    {"suiteB_128", X509_V_FLAG_SUITEB_128_LOS},
    {"suiteB_192", X509_V_FLAG_SUITEB_192_LOS},
    {"partial_chain", X509_V_FLAG_PARTIAL_CHAIN},
    {"no_alt_chains", X509_V_FLAG_NO_ALT_CHAINS},
    {"no_check_time", X509_V_FLAG_NO_CHECK_TIME},
    {"allow_proxy_certs", X509_V_FLAG_ALLOW_PROXY_CERTS},
};

/* Applies one verify(1) option to vpm. Returns 0 or -1 (reported). */
static int vpm_apply(X509_VERIFY_PARAM *vpm, const struct kv *kv)
{
    for (size_t i = 0; i < sizeof(vpm_flags) / sizeof(vpm_flags[0]); i++)
        if (strcmp(kv->key, vpm_flags[i].name) == 0)
            return X509_VERIFY_PARAM_set_flags(vpm, vpm_flags[i].flag) ? 0 : -1;
    const char *v = kv->value;
    long long n = 0;
    int ok = 1;
    if (strcmp(kv->key, "policy") == 0) {
        ASN1_OBJECT *obj = OBJ_txt2obj(v, 0);
        ok = obj != NULL && X509_VERIFY_PARAM_add0_policy(vpm, obj);
        if (!ok)
            ASN1_OBJECT_free(obj);
    } else if (strcmp(kv->key, "purpose") == 0) {
        int idx = X509_PURPOSE_get_by_sname(v);
        ok = idx >= 0 && X509_VERIFY_PARAM_set_purpose(vpm, X509_PURPOSE_get_id(X509_PURPOSE_get0(idx)));
    } else if (strcmp(kv->key, "verify_name") == 0) {
        const X509_VERIFY_PARAM *named = X509_VERIFY_PARAM_lookup(v);
        ok = named != NULL && X509_VERIFY_PARAM_set1(vpm, named);
    } else if (strcmp(kv->key, "verify_depth") == 0) {
        ok = opt_parse_ll(v, 0, 1000000, &n) == 0;
        if (ok)
            X509_VERIFY_PARAM_set_depth(vpm, (int)n);
    } else if (strcmp(kv->key, "auth_level") == 0) {
        ok = opt_parse_ll(v, 0, 1000000, &n) == 0;
        if (ok)
            X509_VERIFY_PARAM_set_auth_level(vpm, (int)n);
    } else if (strcmp(kv->key, "attime") == 0) {
        ok = opt_parse_ll(v, 0, INT64_MAX, &n) == 0;
        if (ok)
            X509_VERIFY_PARAM_set_time(vpm, (time_t)n);
    } else if (strcmp(kv->key, "verify_hostname") == 0) {
        ok = X509_VERIFY_PARAM_set1_host(vpm, v, 0);
    } else if (strcmp(kv->key, "verify_email") == 0) {
        ok = X509_VERIFY_PARAM_set1_email(vpm, v, 0);
    } else if (strcmp(kv->key, "verify_ip") == 0) {
        ok = X509_VERIFY_PARAM_set1_ip_asc(vpm, v);
    }
    if (!ok) {
        err_msg("bad value \"%s\" for -%s", v ? v : "", kv->key);
        return -1;
    }
    return 0;
}

static int tls_ctx_apply_verify_params(SSL_CTX *ctx, const struct tls_common *c)
{
    X509_VERIFY_PARAM *vpm = SSL_CTX_get0_param(ctx);
    for (size_t i = 0; i < c->verify_params.n; i++)
        if (vpm_apply(vpm, &c->verify_params.v[i]) < 0)
            return -1;
    /* the trust store checks CRLs with the same flags */
    X509_STORE_set1_param(SSL_CTX_get_cert_store(ctx), vpm);
    return 0;
}

int tls_ctx_use_identity(SSL_CTX *ctx, const struct cert_spec *id, const char *engine)
{
    int ret = -1, failed = 0;
    X509 *cert = NULL;
    EVP_PKEY *key = NULL;
    STACK_OF(X509) *chain = NULL;
    char *pass = load_password(id->pass, &failed);
    if (failed)
        goto done;
    const char *keyfile = id->key ? id->key : id->cert;
    if ((cert = load_cert(id->cert, pass, "certificate")) == NULL)
        goto done;
    if ((key = load_key_as(keyfile, id->keyform, engine, pass, "private key")) == NULL)
        goto done;
    if (id->chain != NULL && (chain = load_certs(id->chain, pass, "certificate chain")) == NULL)
        goto done;
    if (!SSL_CTX_use_certificate(ctx, cert)) {
        err_ssl("cannot use the certificate in \"%s\"", id->cert);
        goto done;
    }
    if (!SSL_CTX_use_PrivateKey(ctx, key) || !SSL_CTX_check_private_key(ctx)) {
        ERR_clear_error();
        err_msg("the private key in \"%s\" does not match the certificate in \"%s\"", keyfile,
                id->cert);
        goto done;
    }
    if (chain != NULL && !SSL_CTX_set1_chain(ctx, chain)) {
        err_ssl("cannot use the chain in \"%s\"", id->chain);
        goto done;
    }
    if (id->build_chain && !SSL_CTX_build_cert_chain(ctx, 0)) {
        err_ssl("cannot build a certificate chain for \"%s\"", id->cert);
        goto done;
    }
    ret = 0;
done:
    load_password_free(pass);
    X509_free(cert);
    EVP_PKEY_free(key);
    sk_X509_pop_free(chain, X509_free);
    return ret;
}

static int tls_ctx_apply_io(SSL_CTX *ctx, const struct tls_common *c)
{
    if (c->max_send_frag > 0 && !SSL_CTX_set_max_send_fragment(ctx, c->max_send_frag))
        goto bad;
    if (c->split_send_frag > 0 && !SSL_CTX_set_split_send_fragment(ctx, c->split_send_frag))
        goto bad;
    if (c->max_pipelines > 0 && !SSL_CTX_set_max_pipelines(ctx, c->max_pipelines))
        goto bad;
    if (c->read_buf > 0)
        SSL_CTX_set_default_read_buffer_len(ctx, c->read_buf);
    if (c->ignore_unexpected_eof)
        SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
    if (c->async)
        SSL_CTX_set_mode(ctx, SSL_MODE_ASYNC);
    return 0;
bad:
    err_ssl("bad fragment or pipeline size");
    return -1;
}

SSL_CTX *tls_ctx_new(const struct tls_common *c)
{
    SSL_CTX *ctx = SSL_CTX_new(method_for(c));
    if (ctx == NULL) {
        err_ssl("cannot create a TLS context");
        return NULL;
    }
    SSL_CTX_set_app_data(ctx, (void *)c);
    /* before any certificate is loaded, so -security_debug reports on those checks too */
    if (trace_setup_ctx(ctx, c) < 0 || tls_ctx_apply_versions(ctx, c) < 0 ||
        tls_ctx_apply_io(ctx, c) < 0 || tls_ctx_apply_ssl_conf(ctx, c) < 0 || tls_ctx_apply_trust(ctx, c) < 0 ||
        tls_ctx_apply_verify_params(ctx, c) < 0 || xcert_setup_ctx(ctx, c) < 0 ||
        newlib_apply_ctx(ctx, &c->newlib) < 0) {
        SSL_CTX_free(ctx);
        return NULL;
    }
    return ctx;
}

const struct tls_common *tls_ctx_config(const SSL_CTX *ctx)
{
    return SSL_CTX_get_app_data(ctx);
}

static void print_cert_time(const char *label, const ASN1_TIME *t)
{
    BIO *b = BIO_new_fp(stderr, BIO_NOCLOSE);
    BIO_printf(b, "%s", label);
    ASN1_TIME_print(b, t);
    BIO_printf(b, "\n");
    BIO_free(b);
}

int tls_verify_callback(int ok, X509_STORE_CTX *store)
{
    SSL *ssl = X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx());
    const struct tls_common *c = tls_ctx_config(SSL_get_SSL_CTX(ssl));
    X509 *cert = X509_STORE_CTX_get_current_cert(store);
    int err = X509_STORE_CTX_get_error(store);
    int depth = X509_STORE_CTX_get_error_depth(store);
    unsigned long nmflags = print_nameopt_flags(c->nameopt);

    if (!c->verify_quiet || !ok) {
        fprintf(stderr, "depth=%d ", depth);
        if (cert != NULL)
            print_name_fp(stderr, X509_get_subject_name(cert), nmflags);
        else
            fputs("<no cert>", stderr);
        fputc('\n', stderr);
    }
    if (!ok) {
        fprintf(stderr, "verify error:num=%d:%s\n", err, X509_verify_cert_error_string(err));
        if (c->verify_depth < 0 || c->verify_depth >= depth) {
            if (!c->verify_return_error)
                ok = 1;
        } else {
            ok = 0;
        }
    }
    if (cert != NULL) {
        switch (err) {
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
            fputs("issuer= ", stderr);
            print_name_fp(stderr, X509_get_issuer_name(cert), nmflags);
            fputc('\n', stderr);
            break;
        case X509_V_ERR_CERT_NOT_YET_VALID:
        case X509_V_ERR_ERROR_IN_CERT_NOT_BEFORE_FIELD:
            print_cert_time("notBefore=", X509_get0_notBefore(cert));
            break;
        case X509_V_ERR_CERT_HAS_EXPIRED:
        case X509_V_ERR_ERROR_IN_CERT_NOT_AFTER_FIELD:
            print_cert_time("notAfter=", X509_get0_notAfter(cert));
            break;
        default:
            break;
        }
    }
    /* as openssl: a refusal is reported by the error line alone */
    if (ok && !c->verify_quiet)
        fprintf(stderr, "verify return:%d\n", ok);
    return ok;
}
