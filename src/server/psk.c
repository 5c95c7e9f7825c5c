/* Pre-shared keys (-psk, -psk_identity, -psk_hint, -psk_session) for TLS 1.2 PSK suites and
 * TLS 1.3 external PSKs, and SRP (-srpvfile, -srpuserseed) through libssl 3.0's deprecated
 * but present SRP interface. */
/* SRP is deprecated in OpenSSL 3.0 but still built; the manual's options need it. */
#define OPENSSL_SUPPRESS_DEPRECATED
#include "server/server.h"
#include "lib/err.h"
#include "lib/tlsctx.h"

#include <stdio.h>
#include <string.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/srp.h>

/* The identity clients are expected to send when -psk_identity is not given (openssl's). */
#define DEFAULT_PSK_IDENTITY "Client_identity"

static const struct server_config *config_of(SSL *ssl)
{
    return (const void *)tls_ctx_config(SSL_get_SSL_CTX(ssl));
}

static const char *expected_identity(const struct server_config *cfg)
{
    return cfg->common.psk_identity ? cfg->common.psk_identity : DEFAULT_PSK_IDENTITY;
}

/* Decodes -psk's hex into key. Returns the length, or 0 (reported). */
static unsigned int psk_key(const char *hex, unsigned char *key, unsigned int max)
{
    long len = 0;
    unsigned char *bytes = OPENSSL_hexstr2buf(hex, &len);
    if (bytes == NULL || len <= 0 || (unsigned long)len > max) {
        OPENSSL_free(bytes);
        ERR_clear_error();
        err_warn("-psk: \"%s\" is not a hex key of at most %u bytes", hex, max);
        return 0;
    }
    memcpy(key, bytes, (size_t)len);
    OPENSSL_clear_free(bytes, (size_t)len);
    return (unsigned int)len;
}

/* TLS 1.2 and below: the key for the identity the client sent. A different identity is
 * warned about but served, as openssl does, since the key decides anyway. */
static unsigned int psk_server_cb(SSL *ssl, const char *identity, unsigned char *psk,
                                  unsigned int max)
{
    const struct server_config *cfg = config_of(ssl);
    const char *want = expected_identity(cfg);
    /* TLS 1.3 asks psk_find_session() first; its "no" must stay a no */
    if (SSL_version(ssl) == TLS1_3_VERSION)
        return 0;
    if (identity == NULL || strcmp(identity, want) != 0)
        server_outf(cfg->srv,
                    "PSK warning: client identity not what we expected (got '%s' "
                    "expected '%s')\n",
                    identity ? identity : "", want);
    return cfg->common.psk != NULL ? psk_key(cfg->common.psk, psk, max) : 0;
}

/* A TLS 1.3 session for -psk's key: TLS_AES_128_GCM_SHA256, whose hash (SHA-256) the key
 * is used with, as openssl's peers expect. */
static SSL_SESSION *session_from_key(SSL *ssl, const char *hex)
{
    static const unsigned char aes128gcmsha256[] = {0x13, 0x01};
    unsigned char key[64];
    unsigned int len = psk_key(hex, key, sizeof(key));
    const SSL_CIPHER *cipher = SSL_CIPHER_find(ssl, aes128gcmsha256);
    SSL_SESSION *sess = len > 0 && cipher != NULL ? SSL_SESSION_new() : NULL;
    if (sess != NULL &&
        (!SSL_SESSION_set1_master_key(sess, key, len) || !SSL_SESSION_set_cipher(sess, cipher) ||
         !SSL_SESSION_set_protocol_version(sess, TLS1_3_VERSION))) {
        SSL_SESSION_free(sess);
        sess = NULL;
    }
    OPENSSL_cleanse(key, sizeof(key));
    return sess;
}

/* TLS 1.3: the session for the identity the client offers; an unknown identity gets none (a
 * full handshake follows, if the server has a certificate). */
static int psk_find_session(SSL *ssl, const unsigned char *identity, size_t len, SSL_SESSION **sess)
{
    const struct server_config *cfg = config_of(ssl);
    const char *want = expected_identity(cfg);
    *sess = NULL;
    if (strlen(want) != len || memcmp(want, identity, len) != 0) {
        server_outf(cfg->srv,
                    "PSK warning: client identity not what we expected (got '%.*s' "
                    "expected '%s')\n",
                    (int)len, (const char *)identity, want);
        return 1;
    }
    if (cfg->psk_sess != NULL) {
        SSL_SESSION_up_ref(cfg->psk_sess);
        *sess = cfg->psk_sess;
        return 1;
    }
    *sess = session_from_key(ssl, cfg->common.psk);
    return *sess != NULL || cfg->common.psk == NULL;
}

static int load_psk_session(struct server_config *cfg)
{
    BIO *b = BIO_new_file(cfg->common.psk_session, "r");
    cfg->psk_sess = b != NULL ? PEM_read_bio_SSL_SESSION(b, NULL, NULL, NULL) : NULL;
    BIO_free(b);
    if (cfg->psk_sess == NULL) {
        err_ssl("cannot read the PSK session in \"%s\"", cfg->common.psk_session);
        return -1;
    }
    return 0;
}

int server_psk_setup(SSL_CTX *ctx, struct server_config *cfg)
{
    const struct tls_common *c = &cfg->common;
    if (c->psk == NULL && c->psk_session == NULL)
        return 0;
    if (c->psk != NULL) {
        unsigned char key[PSK_MAX_PSK_LEN];
        if (psk_key(c->psk, key, sizeof(key)) == 0)
            return -1;
        OPENSSL_cleanse(key, sizeof(key));
        SSL_CTX_set_psk_server_callback(ctx, psk_server_cb);
    }
    if (cfg->psk_hint != NULL && !SSL_CTX_use_psk_identity_hint(ctx, cfg->psk_hint)) {
        err_ssl("-psk_hint: cannot use \"%s\"", cfg->psk_hint);
        return -1;
    }
    if (c->psk_session != NULL && cfg->psk_sess == NULL && load_psk_session(cfg) < 0)
        return -1;
    SSL_CTX_set_psk_find_session_callback(ctx, psk_find_session);
    return 0;
}

/* SRP: the verifier for the user the client names. */
static int srp_user_cb(SSL *ssl, int *alert, void *arg)
{
    SRP_VBASE *vb = arg;
    char *user = SSL_get_srp_username(ssl);
    SRP_user_pwd *p = user != NULL ? SRP_VBASE_get1_by_user(vb, user) : NULL;
    if (p == NULL) {
        err_warn("SRP: user \"%s\" does not exist", user ? user : "");
        *alert = SSL_AD_UNKNOWN_PSK_IDENTITY;
        return SSL3_AL_FATAL;
    }
    int ok = SSL_set_srp_server_param(ssl, p->N, p->g, p->s, p->v, p->info) >= 0;
    if (ok)
        fprintf(stderr, "SRP parameters set: username = \"%s\" info=\"%s\"\n", user,
                p->info ? p->info : "");
    SRP_user_pwd_free(p);
    if (!ok) {
        *alert = SSL_AD_INTERNAL_ERROR;
        return SSL3_AL_FATAL;
    }
    return SSL_ERROR_NONE;
}

int server_srp_setup(SSL_CTX *ctx, struct server_config *cfg)
{
    if (cfg->srpvfile == NULL)
        return 0;
    if (cfg->srp_vbase == NULL) {
        SRP_VBASE *vb = SRP_VBASE_new((char *)cfg->srpuserseed);
        int rc = vb != NULL ? SRP_VBASE_init(vb, (char *)cfg->srpvfile) : SRP_ERR_MEMORY;
        if (rc != SRP_NO_ERROR) {
            SRP_VBASE_free(vb);
            err_msg("cannot read the SRP verifier file \"%s\" (error %d)", cfg->srpvfile, rc);
            return -1;
        }
        cfg->srp_vbase = vb;
    }
    SSL_CTX_set_srp_username_callback(ctx, srp_user_cb);
    SSL_CTX_set_srp_cb_arg(ctx, cfg->srp_vbase);
    return 0;
}

void server_auth_free(struct server_config *cfg)
{
    SRP_VBASE_free(cfg->srp_vbase);
    cfg->srp_vbase = NULL;
    SSL_SESSION_free(cfg->psk_sess);
    cfg->psk_sess = NULL;
}
