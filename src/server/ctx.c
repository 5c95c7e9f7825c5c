/* s_server's SSL_CTXs: the common settings plus identity (with the default certificate),
 * DH, client authentication, sessions, ALPN/NPN, PSK/SRP, OCSP stapling and the -servername
 * context. Everything here runs once, at start-up. */
#include "server/server.h"
#include "lib/err.h"
#include "lib/load.h"
#include "lib/tlsctx.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <openssl/err.h>
#include <openssl/pem.h>

/* The session ID context when -context is not given: the four bytes openssl's s_server uses
 * (an int 1 in memory), so sessions print the same "Session-ID-ctx: 01000000". */
static const unsigned char default_context[] = {1, 0, 0, 0};

static int server_ctx_apply_identity(SSL_CTX *ctx, struct server_config *cfg)
{
    struct cert_spec id = cfg->common.id;
    if (cfg->nocert)
        return 0;
    if (id.cert == NULL) {
        if (access("server.pem", F_OK) != 0)
            return server_use_ephemeral_cert(ctx);
        id.cert = "server.pem";
    }
    if (tls_ctx_use_identity(ctx, &id, cfg->common.engine) < 0)
        return -1;
    if (cfg->dcert.cert != NULL && tls_ctx_use_identity(ctx, &cfg->dcert, cfg->common.engine) < 0)
        return -1;
    if (cfg->common.serverinfo != NULL &&
        !SSL_CTX_use_serverinfo_file(ctx, cfg->common.serverinfo)) {
        err_ssl("cannot use serverinfo file \"%s\"", cfg->common.serverinfo);
        return -1;
    }
    return 0;
}

/* DH parameters from file, or NULL (no error: the file just holds none). */
static EVP_PKEY *read_dh(const char *file)
{
    BIO *b = BIO_new_file(file, "r");
    EVP_PKEY *dh = b ? PEM_read_bio_Parameters(b, NULL) : NULL;
    BIO_free(b);
    if (dh != NULL && EVP_PKEY_get_base_id(dh) != EVP_PKEY_DH) {
        EVP_PKEY_free(dh);
        dh = NULL;
    }
    ERR_clear_error();
    return dh;
}

/* -dhparam, else parameters in the certificate file, else the library's automatic choice;
 * saying which as openssl does (once, for the main context). */
static int server_ctx_apply_dh(SSL_CTX *ctx, const struct server_config *cfg, int announce)
{
    if (cfg->no_dhe)
        return 0;
    const char *file = cfg->dhparam ? cfg->dhparam : cfg->common.id.cert;
    if (cfg->dhparam != NULL && load_check_file(cfg->dhparam, "DH parameters") < 0)
        return -1;
    EVP_PKEY *dh = file != NULL ? read_dh(file) : NULL;
    if (dh == NULL && cfg->dhparam != NULL) {
        err_msg("cannot read DH parameters from \"%s\"", cfg->dhparam);
        return -1;
    }
    int quiet = cfg->common.quiet || !announce;
    if (dh == NULL) {
        if (!quiet)
            printf("Using default temp DH parameters\n");
        SSL_CTX_set_dh_auto(ctx, 1);
        return 0;
    }
    if (!quiet)
        printf("Setting temp DH parameters\n");
    if (!SSL_CTX_set0_tmp_dh_pkey(ctx, dh)) {
        EVP_PKEY_free(dh);
        err_ssl("cannot use the DH parameters from \"%s\"", file);
        return -1;
    }
    return 0;
}

/* "h2, http/1.1" from the wire format, for the message openssl prints. */
static void alpn_list(const unsigned char *in, unsigned int inlen, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (unsigned int i = 0; i < inlen && i + 1u + in[i] <= inlen; i += 1u + in[i]) {
        int n = snprintf(buf + used, len - used, "%s%.*s", used ? ", " : "", (int)in[i],
                         (const char *)in + i + 1);
        if (n < 0 || (size_t)n >= len - used)
            return;
        used += (size_t)n;
    }
}

/* ALPN: the first of our protocols (our order of preference) that the client offers; none
 * in common is a fatal no_application_protocol alert, as RFC 7301 and openssl have it. */
static int select_alpn(SSL *ssl, const unsigned char **out, unsigned char *outlen,
                       const unsigned char *in, unsigned int inlen, void *arg)
{
    const struct server_config *cfg = arg;
    (void)ssl;
    if (!cfg->common.quiet) {
        char offered[1024];
        alpn_list(in, inlen, offered, sizeof(offered));
        server_outf(cfg->srv, "ALPN protocols advertised by the client: %s\n", offered);
    }
    for (const char *p = cfg->common.alpn; *p != '\0';) {
        size_t len = strcspn(p, ",");
        for (unsigned int i = 0; i < inlen && i + 1u + in[i] <= inlen; i += 1u + in[i]) {
            if (in[i] != len || memcmp(in + i + 1, p, len) != 0)
                continue;
            *out = in + i + 1;
            *outlen = in[i];
            if (!cfg->common.quiet)
                server_outf(cfg->srv, "ALPN protocols selected: %.*s\n", (int)len, p);
            return SSL_TLSEXT_ERR_OK;
        }
        p += len;
        if (*p == ',')
            p++;
    }
    return SSL_TLSEXT_ERR_ALERT_FATAL;
}

/* NPN: the protocols we advertise, in wire format, made once. */
static int advertise_npn(SSL *ssl, const unsigned char **out, unsigned int *outlen, void *arg)
{
    const struct server_config *cfg = arg;
    (void)ssl;
    *out = (const unsigned char *)cfg->npn_wire;
    *outlen = (unsigned int)cfg->npn_wire_len;
    return SSL_TLSEXT_ERR_OK;
}

static int npn_wire(struct server_config *cfg)
{
    const char *list = cfg->common.nextprotoneg;
    size_t used = 0;
    while (*list != '\0') {
        size_t n = strcspn(list, ",");
        if (n == 0 || n > 255 || used + 1 + n > sizeof(cfg->npn_wire)) {
            err_msg("-nextprotoneg: bad protocol list \"%s\"", cfg->common.nextprotoneg);
            return -1;
        }
        cfg->npn_wire[used++] = (char)n;
        memcpy(cfg->npn_wire + used, list, n);
        used += n;
        list += n;
        if (*list == ',')
            list++;
    }
    cfg->npn_wire_len = used;
    return 0;
}

static int server_ctx_apply_protocols(SSL_CTX *ctx, struct server_config *cfg)
{
    if (cfg->common.alpn != NULL)
        SSL_CTX_set_alpn_select_cb(ctx, select_alpn, cfg);
#ifndef OPENSSL_NO_NEXTPROTONEG
    if (cfg->common.nextprotoneg != NULL) {
        if (cfg->npn_wire_len == 0 && npn_wire(cfg) < 0)
            return -1;
        SSL_CTX_set_next_protos_advertised_cb(ctx, advertise_npn, cfg);
    }
#endif
    if (cfg->common.use_srtp != NULL && SSL_CTX_set_tlsext_use_srtp(ctx, cfg->common.use_srtp)) {
        err_ssl("-use_srtp: bad profile list \"%s\"", cfg->common.use_srtp);
        return -1;
    }
    return 0;
}

static int server_ctx_apply_sessions(SSL_CTX *ctx, struct server_config *cfg)
{
    const char *context = cfg->context;
    if (context != NULL) {
        if (!SSL_CTX_set_session_id_context(ctx, (const unsigned char *)context,
                                            (unsigned int)strlen(context))) {
            err_msg("-context: \"%s\" is too long (32 bytes at most)", context);
            return -1;
        }
    } else {
        SSL_CTX_set_session_id_context(ctx, default_context, sizeof(default_context));
    }
    /* openssl's s_server keeps 128 sessions; the same size keeps the statistics comparable */
    SSL_CTX_sess_set_cache_size(ctx, 128);
    if (cfg->no_cache)
        SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    if (cfg->num_tickets >= 0)
        SSL_CTX_set_num_tickets(ctx, (size_t)cfg->num_tickets);
    if (cfg->max_early_data >= 0)
        SSL_CTX_set_max_early_data(ctx, (uint32_t)cfg->max_early_data);
    if (cfg->recv_max_early_data >= 0)
        SSL_CTX_set_recv_max_early_data(ctx, (uint32_t)cfg->recv_max_early_data);
    if (cfg->no_ca_names)
        SSL_CTX_set_options(ctx, SSL_OP_DISABLE_TLSEXT_CA_NAMES);
#ifdef SSL_OP_ENABLE_KTLS
    /* -sendfile needs kernel TLS; where the kernel or the cipher cannot do it the responder
     * says so once and reads the file instead */
    if (cfg->sendfile)
        SSL_CTX_set_options(ctx, SSL_OP_ENABLE_KTLS);
#endif
    return server_sessions_setup(ctx, cfg);
}

/* The CA names a certificate request offers: the subjects of the trust store's -CAfile,
 * -CApath and -CAstore certificates, read once. */
static void load_ca_names(SSL_CTX *ctx, const struct tls_common *c)
{
    STACK_OF(X509_NAME) *names = sk_X509_NAME_new_null();
    if (names == NULL)
        return;
    if (c->CAfile != NULL)
        SSL_add_file_cert_subjects_to_stack(names, c->CAfile);
    if (c->CApath != NULL)
        SSL_add_dir_cert_subjects_to_stack(names, c->CApath);
    if (c->CAstore != NULL)
        SSL_add_store_cert_subjects_to_stack(names, c->CAstore);
    ERR_clear_error();
    if (sk_X509_NAME_num(names) > 0)
        SSL_CTX_set_client_CA_list(ctx, names);
    else
        sk_X509_NAME_free(names);
}

/* Client authentication: ask for (or insist on) a certificate, offering the trust store's
 * CA names. */
static int server_ctx_apply_client_auth(SSL_CTX *ctx, const struct server_config *cfg)
{
    SSL_CTX_set_verify(ctx, cfg->verify_mode, tls_verify_callback);
    if (cfg->verify_mode != 0 || cfg->common.enable_pha)
        load_ca_names(ctx, &cfg->common);
    return 0;
}

/* Left to itself libssl builds each certificate's chain from the trust store on every
 * handshake, which with the system CA directory means reading that directory each time. The
 * chains are built here once instead (the root left out, as libssl would), and the per-
 * handshake building is turned off. A certificate whose issuers are not found goes alone,
 * as it would have anyway. */
static void server_ctx_build_chains(SSL_CTX *ctx)
{
    for (int rc = SSL_CTX_set_current_cert(ctx, SSL_CERT_SET_FIRST); rc == 1;
         rc = SSL_CTX_set_current_cert(ctx, SSL_CERT_SET_NEXT)) {
        STACK_OF(X509) *chain = NULL;
        SSL_CTX_get0_chain_certs(ctx, &chain);
        if (sk_X509_num(chain) == 0)
            SSL_CTX_build_cert_chain(ctx, SSL_BUILD_CHAIN_FLAG_NO_ROOT |
                                              SSL_BUILD_CHAIN_FLAG_IGNORE_ERROR |
                                              SSL_BUILD_CHAIN_FLAG_CLEAR_ERROR);
    }
    ERR_clear_error();
    SSL_CTX_set_mode(ctx, SSL_MODE_NO_AUTO_CHAIN);
}

static SSL_CTX *server_ctx_build(struct server_config *cfg, const struct cert_spec *override)
{
    SSL_CTX *ctx = tls_ctx_new(&cfg->common);
    if (ctx == NULL)
        return NULL;
    int rc = override ? tls_ctx_use_identity(ctx, override, cfg->common.engine)
                      : server_ctx_apply_identity(ctx, cfg);
    if (rc < 0 || server_ctx_apply_dh(ctx, cfg, override == NULL) < 0 ||
        server_ctx_apply_sessions(ctx, cfg) < 0 || server_ctx_apply_client_auth(ctx, cfg) < 0 ||
        server_ctx_apply_protocols(ctx, cfg) < 0 || server_psk_setup(ctx, cfg) < 0 ||
        server_srp_setup(ctx, cfg) < 0 || server_ocsp_setup(ctx, cfg) < 0)
        goto fail;
    server_ctx_build_chains(ctx);
    return ctx;
fail:
    SSL_CTX_free(ctx);
    return NULL;
}

/* SNI: switch to the -cert2 context when the client names -servername. */
static int on_servername(SSL *ssl, int *alert, void *arg)
{
    SSL_CTX *sni_ctx = arg;
    const struct server_config *cfg = (const void *)tls_ctx_config(sni_ctx);
    const char *name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
    if (name == NULL)
        return SSL_TLSEXT_ERR_NOACK;
    int match = strcasecmp(name, cfg->servername) == 0;
    if (!cfg->common.quiet)
        server_outf(cfg->srv, "Hostname in TLS extension: \"%s\"\n%s", name,
                    match ? "Switching server context.\n" : "");
    if (match) {
        SSL_set_SSL_CTX(ssl, sni_ctx);
        return SSL_TLSEXT_ERR_OK;
    }
    *alert = SSL_AD_UNRECOGNIZED_NAME;
    return cfg->servername_fatal ? SSL_TLSEXT_ERR_ALERT_FATAL : SSL_TLSEXT_ERR_ALERT_WARNING;
}

/* The -servername context: -cert2/-key2 (default server2.pem), with the chain options and
 * the formats of the main certificate applied to it as well (as openssl does). */
static SSL_CTX *server_sni_ctx(struct server_config *cfg)
{
    struct cert_spec c2 = cfg->cert2;
    if (c2.cert == NULL)
        c2.cert = "server2.pem";
    if (c2.chain == NULL)
        c2.chain = cfg->common.id.chain;
    c2.build_chain = cfg->common.id.build_chain;
    c2.certform = cfg->common.id.certform;
    c2.keyform = cfg->common.id.keyform;
    return server_ctx_build(cfg, &c2);
}

int server_ctx_new(struct server_config *cfg, SSL_CTX **main_ctx, SSL_CTX **sni_ctx)
{
    *main_ctx = *sni_ctx = NULL;
    SSL_CTX *ctx = server_ctx_build(cfg, NULL);
    if (ctx == NULL)
        return -1;
    if (cfg->servername != NULL) {
        SSL_CTX *ctx2 = server_sni_ctx(cfg);
        if (ctx2 == NULL) {
            SSL_CTX_free(ctx);
            return -1;
        }
        SSL_CTX_set_tlsext_servername_callback(ctx, on_servername);
        SSL_CTX_set_tlsext_servername_arg(ctx, ctx2);
        SSL_CTX_set_tlsext_servername_callback(ctx2, on_servername);
        SSL_CTX_set_tlsext_servername_arg(ctx2, ctx2);
        *sni_ctx = ctx2;
    }
    fflush(stdout);
    *main_ctx = ctx;
    return 0;
}
