/* Session options: -ext_cache (an external session cache, shared by the workers, as an
 * application would keep one), -id_prefix, -no_resume_ephemeral and -stateless (TLS 1.3
 * cookies). The callbacks find the running server through their context. */
#include "server/sessions.h"
#include "lib/err.h"
#include "lib/tlsctx.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <sys/socket.h>

/* Sessions the external cache keeps at most; the oldest goes first when it is full. */
#define SESS_CACHE_MAX 4096

struct sess_entry {
    struct sess_entry *next; /* in insertion order */
    unsigned int idlen;
    unsigned char id[SSL_MAX_SSL_SESSION_ID_LENGTH];
    unsigned char *der;
    long derlen;
};

struct sess_cache {
    pthread_mutex_t lock;
    struct sess_entry *head, *tail;
    int n;
};

struct sess_cache *sess_cache_new(void)
{
    struct sess_cache *sc = calloc(1, sizeof(*sc));
    if (sc == NULL) {
        err_msg("out of memory");
        return NULL;
    }
    pthread_mutex_init(&sc->lock, NULL);
    return sc;
}

static void entry_free(struct sess_entry *e)
{
    OPENSSL_free(e->der);
    free(e);
}

void sess_cache_free(struct sess_cache *sc)
{
    if (sc == NULL)
        return;
    for (struct sess_entry *e = sc->head, *next; e != NULL; e = next) {
        next = e->next;
        entry_free(e);
    }
    pthread_mutex_destroy(&sc->lock);
    free(sc);
}

static struct sess_cache *cache_of(const SSL_CTX *ctx)
{
    struct server *srv = server_of_ctx(ctx);
    return srv != NULL ? srv->sessions : NULL;
}

/* Unlinks (and returns) the entry for id, under the lock. */
static struct sess_entry *unlink_entry(struct sess_cache *sc, const unsigned char *id,
                                       unsigned int idlen)
{
    struct sess_entry *prev = NULL;
    for (struct sess_entry *e = sc->head; e != NULL; prev = e, e = e->next) {
        if (e->idlen != idlen || memcmp(e->id, id, idlen) != 0)
            continue;
        if (prev != NULL)
            prev->next = e->next;
        else
            sc->head = e->next;
        if (sc->tail == e)
            sc->tail = prev;
        sc->n--;
        return e;
    }
    return NULL;
}

static void append_entry(struct sess_cache *sc, struct sess_entry *e)
{
    e->next = NULL;
    if (sc->tail != NULL)
        sc->tail->next = e;
    else
        sc->head = e;
    sc->tail = e;
    if (++sc->n > SESS_CACHE_MAX) {
        struct sess_entry *old = sc->head;
        sc->head = old->next;
        sc->n--;
        entry_free(old);
    }
}

static int on_new_session(SSL *ssl, SSL_SESSION *sess)
{
    struct sess_cache *sc = cache_of(SSL_get_SSL_CTX(ssl));
    unsigned int idlen = 0;
    const unsigned char *id = SSL_SESSION_get_id(sess, &idlen);
    struct sess_entry *e = calloc(1, sizeof(*e));
    if (sc == NULL || e == NULL || idlen > sizeof(e->id)) {
        free(e);
        return 0;
    }
    e->idlen = idlen;
    memcpy(e->id, id, idlen);
    e->derlen = i2d_SSL_SESSION(sess, &e->der);
    if (e->derlen <= 0) {
        entry_free(e);
        return 0;
    }
    pthread_mutex_lock(&sc->lock);
    struct sess_entry *old = unlink_entry(sc, id, idlen);
    append_entry(sc, e);
    pthread_mutex_unlock(&sc->lock);
    if (old != NULL)
        entry_free(old);
    fputs("New session added to external cache\n", stderr);
    return 0; /* we keep a copy, not the reference */
}

static SSL_SESSION *on_get_session(SSL *ssl, const unsigned char *id, int idlen, int *copy)
{
    struct sess_cache *sc = cache_of(SSL_get_SSL_CTX(ssl));
    SSL_SESSION *sess = NULL;
    *copy = 0;
    if (sc == NULL || idlen < 0)
        return NULL;
    pthread_mutex_lock(&sc->lock);
    for (struct sess_entry *e = sc->head; e != NULL; e = e->next) {
        if (e->idlen == (unsigned int)idlen && memcmp(e->id, id, (size_t)idlen) == 0) {
            const unsigned char *p = e->der;
            sess = d2i_SSL_SESSION(NULL, &p, e->derlen);
            break;
        }
    }
    pthread_mutex_unlock(&sc->lock);
    fprintf(stderr, "Lookup session: cache %s\n", sess != NULL ? "hit" : "miss");
    return sess;
}

static void on_remove_session(SSL_CTX *ctx, SSL_SESSION *sess)
{
    struct sess_cache *sc = cache_of(ctx);
    unsigned int idlen = 0;
    const unsigned char *id = SSL_SESSION_get_id(sess, &idlen);
    if (sc == NULL)
        return;
    pthread_mutex_lock(&sc->lock);
    struct sess_entry *e = unlink_entry(sc, id, idlen);
    pthread_mutex_unlock(&sc->lock);
    if (e != NULL)
        entry_free(e);
}

/* -id_prefix: session IDs start with the prefix, the rest random. */
static int make_session_id(SSL *ssl, unsigned char *id, unsigned int *idlen)
{
    const struct server_config *cfg = (const void *)tls_ctx_config(SSL_get_SSL_CTX(ssl));
    size_t plen = strlen(cfg->id_prefix);
    for (int tries = 0; tries < 16; tries++) {
        if (RAND_bytes(id, (int)*idlen) != 1)
            return 0;
        memcpy(id, cfg->id_prefix, plen < *idlen ? plen : *idlen);
        if (!SSL_has_matching_session_id(ssl, id, *idlen))
            return 1;
    }
    return 0;
}

/* -no_resume_ephemeral: sessions with forward secrecy are not kept for resumption. */
static int not_resumable(SSL *ssl, int is_forward_secure)
{
    (void)ssl;
    return is_forward_secure;
}

/* -stateless: the cookie is an HMAC of the client's address under a secret made at start-up,
 * so a client gets past the HelloRetryRequest only from where it asked. */
static int cookie_for(SSL *ssl, unsigned char *cookie, size_t *len)
{
    struct server *srv = server_of_ctx(SSL_get_SSL_CTX(ssl));
    struct sockaddr_storage ss;
    socklen_t sslen = sizeof(ss);
    memset(&ss, 0, sizeof(ss));
    if (srv == NULL || getpeername(SSL_get_fd(ssl), (struct sockaddr *)&ss, &sslen) < 0)
        return 0;
    unsigned int mdlen = 0;
    if (HMAC(EVP_sha256(), srv->cookie_secret, sizeof(srv->cookie_secret), (unsigned char *)&ss,
             sslen, cookie, &mdlen) == NULL)
        return 0;
    *len = mdlen;
    return 1;
}

static int generate_cookie(SSL *ssl, unsigned char *cookie, size_t *len)
{
    return cookie_for(ssl, cookie, len);
}

static int verify_cookie(SSL *ssl, const unsigned char *cookie, size_t len)
{
    unsigned char want[EVP_MAX_MD_SIZE];
    size_t wlen = 0;
    return cookie_for(ssl, want, &wlen) && wlen == len && CRYPTO_memcmp(want, cookie, len) == 0;
}

/* DTLS -listen: the same HMAC, of the peer's address as the datagram BIO knows it. */
static int dtls_cookie_for(SSL *ssl, unsigned char *cookie, unsigned int *len)
{
    struct server *srv = server_of_ctx(SSL_get_SSL_CTX(ssl));
    BIO_ADDR *peer = BIO_ADDR_new();
    int ok = 0;
    if (srv != NULL && peer != NULL && BIO_dgram_get_peer(SSL_get_rbio(ssl), peer) > 0) {
        /* family, port and address: what identifies the peer */
        unsigned char id[4 + 16];
        size_t alen = sizeof(id) - 4;
        unsigned short port = BIO_ADDR_rawport(peer);
        id[0] = (unsigned char)BIO_ADDR_family(peer);
        id[1] = 0;
        memcpy(id + 2, &port, 2);
        if (BIO_ADDR_rawaddress(peer, id + 4, &alen))
            ok = HMAC(EVP_sha256(), srv->cookie_secret, sizeof(srv->cookie_secret), id, 4 + alen,
                      cookie, len) != NULL;
    }
    BIO_ADDR_free(peer);
    return ok;
}

static int dtls_generate_cookie(SSL *ssl, unsigned char *cookie, unsigned int *len)
{
    return dtls_cookie_for(ssl, cookie, len);
}

static int dtls_verify_cookie(SSL *ssl, const unsigned char *cookie, unsigned int len)
{
    unsigned char want[EVP_MAX_MD_SIZE];
    unsigned int wlen = 0;
    return dtls_cookie_for(ssl, want, &wlen) && wlen == len &&
           CRYPTO_memcmp(want, cookie, len) == 0;
}

int server_sessions_setup(SSL_CTX *ctx, struct server_config *cfg)
{
    if (cfg->ext_cache) {
        SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER | SSL_SESS_CACHE_NO_INTERNAL);
        SSL_CTX_sess_set_new_cb(ctx, on_new_session);
        SSL_CTX_sess_set_get_cb(ctx, on_get_session);
        SSL_CTX_sess_set_remove_cb(ctx, on_remove_session);
    }
    if (cfg->id_prefix != NULL) {
        if (strlen(cfg->id_prefix) >= SSL_MAX_SSL_SESSION_ID_LENGTH) {
            err_msg("-id_prefix: \"%s\" is too long", cfg->id_prefix);
            return -1;
        }
        SSL_CTX_set_generate_session_id(ctx, make_session_id);
    }
    if (cfg->no_resume_ephemeral)
        SSL_CTX_set_not_resumable_session_callback(ctx, not_resumable);
    if (cfg->stateless) {
        SSL_CTX_set_stateless_cookie_generate_cb(ctx, generate_cookie);
        SSL_CTX_set_stateless_cookie_verify_cb(ctx, verify_cookie);
    }
    if (cfg->common.dtls) {
        SSL_CTX_set_cookie_generate_cb(ctx, dtls_generate_cookie);
        SSL_CTX_set_cookie_verify_cb(ctx, dtls_verify_cookie);
    }
    return 0;
}
