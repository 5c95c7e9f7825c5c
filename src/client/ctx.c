/* s_client's SSL_CTX: the common settings plus what only a client sets. */
#include "client/client.h"
#include "lib/err.h"
#include "lib/tlsctx.h"

#include <stdio.h>
#include <string.h>
#include <openssl/pem.h>

/* Turns "h2,http/1.1" into the length-prefixed wire form. Returns a malloc'd buffer or NULL. */
unsigned char *client_protos_wire(const char *list, unsigned int *outlen)
{
    size_t n = strlen(list);
    if (n == 0 || n >= 65535)
        return NULL;
    unsigned char *out = OPENSSL_malloc(n + 1);
    if (out == NULL)
        return NULL;
    size_t start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || list[i] == ',') {
            size_t len = i - start;
            if (len == 0 || len > 255) {
                OPENSSL_free(out);
                return NULL;
            }
            out[start] = (unsigned char)len;
            memcpy(out + start + 1, list + start, len);
            start = i + 1;
        }
    }
    *outlen = (unsigned int)(n + 1);
    return out;
}

/* TLS 1.3 tickets arrive after the handshake: show each one, and keep it for -sess_out. */
static int on_new_session(SSL *ssl, SSL_SESSION *sess)
{
    const struct client_config *cfg = (const void *)tls_ctx_config(SSL_get_SSL_CTX(ssl));
    if (cfg->sess_out != NULL) {
        BIO *b = BIO_new_file(cfg->sess_out, "w");
        if (b == NULL || !PEM_write_bio_SSL_SESSION(b, sess))
            err_ssl("cannot write session to \"%s\"", cfg->sess_out);
        BIO_free(b);
    }
    if (SSL_version(ssl) == TLS1_3_VERSION && !cfg->common.quiet) {
        BIO *out = BIO_new_fp(stdout, BIO_NOCLOSE);
        BIO_puts(out, "---\nPost-Handshake New Session Ticket arrived:\n");
        SSL_SESSION_print(out, sess);
        BIO_puts(out, "---\n");
        BIO_free(out);
        fflush(stdout);
    }
    return 0; /* we did not keep a reference */
}

static int client_ctx_apply_extensions(SSL_CTX *ctx, const struct client_config *cfg)
{
    const struct tls_common *c = &cfg->common;
    if (c->alpn != NULL) {
        unsigned int len = 0;
        unsigned char *wire = client_protos_wire(c->alpn, &len);
        if (wire == NULL) {
            err_msg("-alpn: bad protocol list \"%s\"", c->alpn);
            return -1;
        }
        int rc = SSL_CTX_set_alpn_protos(ctx, wire, len);
        OPENSSL_free(wire);
        if (rc != 0) {
            err_ssl("-alpn: cannot set protocols");
            return -1;
        }
    }
    if (cfg->requestCAfile != NULL) {
        STACK_OF(X509_NAME) *names = SSL_load_client_CA_file(cfg->requestCAfile);
        if (names == NULL) {
            err_ssl("cannot load CA names from \"%s\"", cfg->requestCAfile);
            return -1;
        }
        SSL_CTX_set0_CA_list(ctx, names);
    }
    if (cfg->maxfraglen > 0) {
        int mode = cfg->maxfraglen == 512    ? TLSEXT_max_fragment_length_512
                   : cfg->maxfraglen == 1024 ? TLSEXT_max_fragment_length_1024
                   : cfg->maxfraglen == 2048 ? TLSEXT_max_fragment_length_2048
                                             : TLSEXT_max_fragment_length_4096;
        SSL_CTX_set_tlsext_max_fragment_length(ctx, mode);
    }
    if (c->use_srtp != NULL && SSL_CTX_set_tlsext_use_srtp(ctx, c->use_srtp) != 0) {
        err_ssl("-use_srtp: bad profile list \"%s\"", c->use_srtp);
        return -1;
    }
    if (cfg->fallback_scsv)
        SSL_CTX_set_mode(ctx, SSL_MODE_SEND_FALLBACK_SCSV);
    return 0;
}

SSL_CTX *client_ctx_new(struct client_config *cfg)
{
    const struct tls_common *c = &cfg->common;
    SSL_CTX *ctx = tls_ctx_new(c);
    if (ctx == NULL)
        return NULL;
    if (c->id.cert != NULL && tls_ctx_use_identity(ctx, &c->id) < 0)
        goto fail;
    SSL_CTX_set_verify(ctx, cfg->verify_given || c->verify_return_error ? SSL_VERIFY_PEER
                                                                        : SSL_VERIFY_NONE,
                       tls_verify_callback);
    if (client_ctx_apply_extensions(ctx, cfg) < 0)
        goto fail;
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
    SSL_CTX_sess_set_new_cb(ctx, on_new_session);
    /* Let a read that only consumed a post-handshake message come back to the loop. */
    SSL_CTX_clear_mode(ctx, SSL_MODE_AUTO_RETRY);
    return ctx;
fail:
    SSL_CTX_free(ctx);
    return NULL;
}
