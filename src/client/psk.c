/* Pre-shared keys for s_client: -psk (hex) with -psk_identity for TLS 1.2's PSK ciphers and as
 * a TLS 1.3 external PSK, or a whole TLS 1.3 session from -psk_session. */
#include "client/client.h"
#include "lib/err.h"
#include "lib/trace.h"

#include <stdio.h>
#include <string.h>
#include <openssl/pem.h>

/* openssl's default identity, so that servers set up for it keep working */
static const char default_identity[] = "Client_identity";

static const char *identity_of(const struct client_config *cfg)
{
    return cfg->common.psk_identity != NULL ? cfg->common.psk_identity : default_identity;
}

/* -debug chatter, as openssl prints it; NULL when not asked for. */
static BIO *psk_debug_out(SSL *ssl)
{
    const struct client_config *cfg = client_ctx_config(SSL_get_SSL_CTX(ssl));
    return cfg->common.debug ? trace_out(SSL_get_SSL_CTX(ssl)) : NULL;
}

/* TLS <= 1.2: the identity and key for a PSK cipher suite. Returns the key length, 0 to fail. */
static unsigned int psk_client_cb(SSL *ssl, const char *hint, char *identity,
                                  unsigned int max_identity_len, unsigned char *psk,
                                  unsigned int max_psk_len)
{
    const struct client_config *cfg = client_ctx_config(SSL_get_SSL_CTX(ssl));
    BIO *dbg = psk_debug_out(ssl);
    unsigned int ret = 0;
    long keylen = 0;
    unsigned char *key = NULL;
    if (dbg != NULL) {
        BIO_puts(dbg, "psk_client_cb\n");
        if (hint == NULL)
            BIO_puts(dbg, "NULL received PSK identity hint, continuing anyway\n");
        else
            BIO_printf(dbg, "Received PSK identity hint '%s'\n", hint);
    }
    int n = snprintf(identity, max_identity_len, "%s", identity_of(cfg));
    if (n < 0 || (unsigned int)n >= max_identity_len) {
        err_msg("-psk_identity is too long (at most %u bytes)", max_identity_len - 1);
        goto done;
    }
    if (dbg != NULL)
        BIO_printf(dbg, "created identity '%s' len=%d\n", identity, n);
    if ((key = OPENSSL_hexstr2buf(cfg->common.psk, &keylen)) == NULL) {
        err_msg("could not convert PSK key '%s' to binary", cfg->common.psk);
        goto done;
    }
    if ((unsigned long)keylen > max_psk_len) {
        err_msg("the PSK is too long (%ld bytes; at most %u)", keylen, max_psk_len);
        goto done;
    }
    memcpy(psk, key, (size_t)keylen);
    if (dbg != NULL)
        BIO_printf(dbg, "created PSK len=%ld\n", keylen);
    ret = (unsigned int)keylen;
done:
    OPENSSL_clear_free(key, (size_t)keylen);
    return ret;
}

/* A TLS 1.3 session made from the -psk key, with TLS_AES_128_GCM_SHA256 (SHA-256), as openssl
 * makes it. NULL on failure (reported). */
static SSL_SESSION *session_from_key(SSL *ssl, const char *hex)
{
    static const unsigned char aes128gcm_sha256[] = {0x13, 0x01};
    long keylen = 0;
    unsigned char *key = OPENSSL_hexstr2buf(hex, &keylen);
    SSL_SESSION *sess = NULL;
    const SSL_CIPHER *cipher = SSL_CIPHER_find(ssl, aes128gcm_sha256);
    if (key == NULL || cipher == NULL) {
        err_msg("cannot use the PSK '%s' for TLS 1.3", hex);
        goto done;
    }
    sess = SSL_SESSION_new();
    if (sess == NULL || !SSL_SESSION_set1_master_key(sess, key, (size_t)keylen) ||
        !SSL_SESSION_set_cipher(sess, cipher) ||
        !SSL_SESSION_set_protocol_version(sess, TLS1_3_VERSION)) {
        err_ssl("cannot make a TLS 1.3 session from the PSK");
        SSL_SESSION_free(sess);
        sess = NULL;
    }
done:
    OPENSSL_clear_free(key, key != NULL ? (size_t)keylen : 0);
    return sess;
}

/* TLS 1.3: offers the external PSK when its hash matches the one the handshake uses. */
static int psk_use_session_cb(SSL *ssl, const EVP_MD *md, const unsigned char **id,
                              size_t *idlen, SSL_SESSION **sess)
{
    const struct client_config *cfg = client_ctx_config(SSL_get_SSL_CTX(ssl));
    SSL_SESSION *use = cfg->psk_sess;
    if (use != NULL && !SSL_SESSION_up_ref(use))
        return 0;
    if (use == NULL && (use = session_from_key(ssl, cfg->common.psk)) == NULL)
        return 0;
    const SSL_CIPHER *cipher = SSL_SESSION_get0_cipher(use);
    if (cipher == NULL) {
        SSL_SESSION_free(use);
        return 0;
    }
    if (md != NULL && SSL_CIPHER_get_handshake_digest(cipher) != md) {
        /* not usable with this handshake's hash: offer nothing */
        SSL_SESSION_free(use);
        *id = NULL;
        *idlen = 0;
        *sess = NULL;
        return 1;
    }
    const char *identity = identity_of(cfg);
    *sess = use;
    *id = (const unsigned char *)identity;
    *idlen = strlen(identity);
    return 1;
}

static SSL_SESSION *read_psk_session(const char *path)
{
    BIO *b = BIO_new_file(path, "r");
    if (b == NULL) {
        err_ssl("cannot open the PSK session file \"%s\"", path);
        return NULL;
    }
    SSL_SESSION *s = PEM_read_bio_SSL_SESSION(b, NULL, NULL, NULL);
    BIO_free(b);
    if (s == NULL)
        err_ssl("cannot read a TLS session from the PSK session file \"%s\"", path);
    return s;
}

int client_psk_setup(struct client_config *cfg, SSL_CTX *ctx)
{
    const struct tls_common *c = &cfg->common;
    if (c->psk != NULL) {
        BIO *out = c->debug ? trace_out(ctx) : NULL;
        if (out != NULL)
            BIO_puts(out, "PSK key given, setting client callback\n");
        SSL_CTX_set_psk_client_callback(ctx, psk_client_cb);
    }
    if (c->psk_session != NULL && (cfg->psk_sess = read_psk_session(c->psk_session)) == NULL)
        return -1;
    if (c->psk != NULL || cfg->psk_sess != NULL)
        SSL_CTX_set_psk_use_session_callback(ctx, psk_use_session_cb);
    return 0;
}
