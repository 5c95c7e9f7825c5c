/* s_server's SSL_CTXs: the common settings plus identity (with the default certificate),
 * client authentication, sessions, DH, ALPN and the -servername context. */
#include "server/server.h"
#include "lib/err.h"
#include "lib/tlsctx.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <openssl/pem.h>

static const unsigned char default_context[] = "s_server";

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
    if (tls_ctx_use_identity(ctx, &id) < 0)
        return -1;
    if (cfg->dcert.cert != NULL && tls_ctx_use_identity(ctx, &cfg->dcert) < 0)
        return -1;
    if (cfg->common.serverinfo != NULL &&
        !SSL_CTX_use_serverinfo_file(ctx, cfg->common.serverinfo)) {
        err_ssl("cannot use serverinfo file \"%s\"", cfg->common.serverinfo);
        return -1;
    }
    return 0;
}

static int server_ctx_apply_dh(SSL_CTX *ctx, const struct server_config *cfg)
{
    if (cfg->no_dhe)
        return 0;
    if (cfg->dhparam == NULL) {
        SSL_CTX_set_dh_auto(ctx, 1);
        return 0;
    }
    BIO *b = BIO_new_file(cfg->dhparam, "r");
    EVP_PKEY *dh = b ? PEM_read_bio_Parameters(b, NULL) : NULL;
    BIO_free(b);
    if (dh == NULL || !SSL_CTX_set0_tmp_dh_pkey(ctx, dh)) {
        EVP_PKEY_free(dh);
        err_ssl("cannot use DH parameters from \"%s\"", cfg->dhparam);
        return -1;
    }
    return 0;
}

/* ALPN: pick the first of our protocols that the client offers. */
static int select_alpn(SSL *ssl, const unsigned char **out, unsigned char *outlen,
                       const unsigned char *in, unsigned int inlen, void *arg)
{
    const struct server_config *cfg = arg;
    (void)ssl;
    const char *list = cfg->common.alpn;
    for (const char *p = list; *p != '\0';) {
        size_t len = strcspn(p, ",");
        for (unsigned int i = 0; i < inlen; i += 1u + in[i]) {
            if (in[i] == len && i + 1 + len <= inlen && memcmp(in + i + 1, p, len) == 0) {
                *out = in + i + 1;
                *outlen = in[i];
                return SSL_TLSEXT_ERR_OK;
            }
        }
        p += len;
        if (*p == ',')
            p++;
    }
    return SSL_TLSEXT_ERR_NOACK;
}

static int server_ctx_apply_sessions(SSL_CTX *ctx, const struct server_config *cfg)
{
    const char *context = cfg->context;
    if (context != NULL) {
        if (!SSL_CTX_set_session_id_context(ctx, (const unsigned char *)context,
                                            (unsigned int)strlen(context))) {
            err_msg("-context: \"%s\" is too long (32 bytes at most)", context);
            return -1;
        }
    } else {
        SSL_CTX_set_session_id_context(ctx, default_context, sizeof(default_context) - 1);
    }
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
    return 0;
}

/* Client authentication: ask for (or insist on) a certificate, offering the trust store's
 * CA names. */
static int server_ctx_apply_client_auth(SSL_CTX *ctx, const struct server_config *cfg)
{
    SSL_CTX_set_verify(ctx, cfg->verify_mode, tls_verify_callback);
    if (cfg->verify_mode == 0 || cfg->common.CAfile == NULL)
        return 0;
    STACK_OF(X509_NAME) *names = SSL_load_client_CA_file(cfg->common.CAfile);
    if (names != NULL)
        SSL_CTX_set_client_CA_list(ctx, names);
    ERR_clear_error();
    return 0;
}

static SSL_CTX *server_ctx_build(struct server_config *cfg, const struct cert_spec *override)
{
    SSL_CTX *ctx = tls_ctx_new(&cfg->common);
    if (ctx == NULL)
        return NULL;
    int rc = override ? tls_ctx_use_identity(ctx, override) : server_ctx_apply_identity(ctx, cfg);
    if (rc < 0 || server_ctx_apply_dh(ctx, cfg) < 0 || server_ctx_apply_sessions(ctx, cfg) < 0 ||
        server_ctx_apply_client_auth(ctx, cfg) < 0)
        goto fail;
    if (cfg->common.alpn != NULL)
        SSL_CTX_set_alpn_select_cb(ctx, select_alpn, cfg);
    if (cfg->common.use_srtp != NULL && SSL_CTX_set_tlsext_use_srtp(ctx, cfg->common.use_srtp)) {
        err_ssl("-use_srtp: bad profile list \"%s\"", cfg->common.use_srtp);
        goto fail;
    }
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
    if (!cfg->common.quiet)
        printf("Hostname in TLS extension: \"%s\"\n", name);
    if (strcasecmp(name, cfg->servername) == 0) {
        if (!cfg->common.quiet)
            printf("Switching server context.\n");
        SSL_set_SSL_CTX(ssl, sni_ctx);
        return SSL_TLSEXT_ERR_OK;
    }
    *alert = SSL_AD_UNRECOGNIZED_NAME;
    return cfg->servername_fatal ? SSL_TLSEXT_ERR_ALERT_FATAL : SSL_TLSEXT_ERR_ALERT_WARNING;
}

int server_ctx_new(struct server_config *cfg, SSL_CTX **main_ctx, SSL_CTX **sni_ctx)
{
    *main_ctx = *sni_ctx = NULL;
    SSL_CTX *ctx = server_ctx_build(cfg, NULL);
    if (ctx == NULL)
        return -1;
    if (cfg->servername != NULL) {
        struct cert_spec c2 = cfg->cert2;
        if (c2.cert == NULL)
            c2.cert = "server2.pem";
        SSL_CTX *ctx2 = server_ctx_build(cfg, &c2);
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
    *main_ctx = ctx;
    return 0;
}
