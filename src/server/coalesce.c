/* The write-coalescing filter BIO of coalesce.h: records are copied into one buffer (allocated
 * on first use, freed whenever it has been written out, so an idle connection keeps nothing)
 * and written to the next BIO in one call when the buffer is full or the user flushes. */
#include "server/coalesce.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* What one flush writes at most in one call: with TCP_NODELAY each write is pushed at once, so
 * this is also the smallest piece a bulk transfer goes out in. */
#define COALESCE_CAP (256 * 1024)

struct coalesce {
    char *buf; /* NULL while nothing is held */
    size_t off, len; /* held bytes: buf[off..len) */
};

/* The method is made once per process and never changes after (pthread_once). */
static pthread_once_t method_once = PTHREAD_ONCE_INIT;
static BIO_METHOD *method;
static int method_type;

static int co_create(BIO *b)
{
    struct coalesce *co = calloc(1, sizeof(*co));
    if (co == NULL)
        return 0;
    BIO_set_data(b, co);
    BIO_set_init(b, 1);
    return 1;
}

static int co_destroy(BIO *b)
{
    struct coalesce *co = BIO_get_data(b);
    if (co != NULL) {
        free(co->buf);
        free(co);
    }
    BIO_set_data(b, NULL);
    return 1;
}

/* Writes held bytes to the next BIO. Returns 1 when none are left (the buffer is freed unless
 * keep), 0 when the next BIO would block (retry flags copied), -1 on its failure. */
static int co_drain(BIO *b, struct coalesce *co, int keep)
{
    BIO *next = BIO_next(b);
    BIO_clear_retry_flags(b);
    while (co->off < co->len) {
        size_t n = 0;
        if (next == NULL)
            return -1;
        if (BIO_write_ex(next, co->buf + co->off, co->len - co->off, &n) <= 0) {
            BIO_copy_next_retry(b);
            return BIO_should_retry(b) ? 0 : -1;
        }
        co->off += n;
    }
    co->off = co->len = 0;
    if (!keep) {
        free(co->buf);
        co->buf = NULL;
    }
    return 1;
}

static int co_write(BIO *b, const char *data, size_t len, size_t *written)
{
    struct coalesce *co = BIO_get_data(b);
    BIO *next = BIO_next(b);
    *written = 0;
    BIO_clear_retry_flags(b);
    if (co == NULL || next == NULL)
        return 0;
    if (len > COALESCE_CAP || BIO_get_ktls_send(next)) {
        /* too big to hold, or the kernel frames the records: what is held goes first */
        if (co_drain(b, co, 0) <= 0)
            return 0;
        int ret = BIO_write_ex(next, data, len, written);
        BIO_copy_next_retry(b);
        return ret;
    }
    if (COALESCE_CAP - co->len < len) {
        if (co_drain(b, co, 1) < 0)
            return 0;
        if (co->off > 0) { /* part went out: keep the rest at the front */
            memmove(co->buf, co->buf + co->off, co->len - co->off);
            co->len -= co->off;
            co->off = 0;
        }
        if (COALESCE_CAP - co->len < len)
            return 0; /* full and the socket too: retry flags are set */
        BIO_clear_retry_flags(b);
    }
    if (co->buf == NULL && (co->buf = malloc(COALESCE_CAP)) == NULL)
        return 0;
    memcpy(co->buf + co->len, data, len);
    co->len += len;
    *written = len;
    return 1;
}

static long co_ctrl(BIO *b, int cmd, long num, void *ptr)
{
    struct coalesce *co = BIO_get_data(b);
    BIO *next = BIO_next(b);
    if (next == NULL || co == NULL)
        return 0;
    switch (cmd) {
    case BIO_CTRL_FLUSH:
        /* libssl's flush (after a handshake flight or an alert) only marks a point: what is
         * held goes out when the owner flushes, once the SSL call returns. So a server's last
         * flight reaches the client only after libssl has finished the handshake, session
         * cache entry included: a client that reconnects at once to resume, served by another
         * worker, finds its session. (Reporting a retry here instead would not reach libssl
         * through the buffer BIO it puts above this one during handshakes: OpenSSL 3.0 does
         * not copy the retry flags of a flush.) */
        BIO_clear_retry_flags(b);
        return co->len > co->off ? 1 : BIO_ctrl(next, cmd, num, ptr);
    case BIO_CTRL_WPENDING:
        return (long)(co->len - co->off) + BIO_ctrl(next, cmd, num, ptr);
    case BIO_CTRL_DUP:
        return 0; /* not supported: nothing here duplicates a connection's BIOs */
    default:
        return BIO_ctrl(next, cmd, num, ptr);
    }
}

static long co_callback_ctrl(BIO *b, int cmd, BIO_info_cb *fp)
{
    BIO *next = BIO_next(b);
    return next != NULL ? BIO_callback_ctrl(next, cmd, fp) : 0;
}

static void method_make(void)
{
    method_type = BIO_get_new_index() | BIO_TYPE_FILTER;
    BIO_METHOD *m = BIO_meth_new(method_type, "write coalescer");
    if (m == NULL || !BIO_meth_set_create(m, co_create) || !BIO_meth_set_destroy(m, co_destroy) ||
        !BIO_meth_set_write_ex(m, co_write) || !BIO_meth_set_ctrl(m, co_ctrl) ||
        !BIO_meth_set_callback_ctrl(m, co_callback_ctrl)) {
        BIO_meth_free(m);
        m = NULL;
    }
    method = m;
}

BIO *coalesce_new(void)
{
    pthread_once(&method_once, method_make);
    return method != NULL ? BIO_new(method) : NULL;
}

static struct coalesce *coalesce_of(BIO *bio)
{
    pthread_once(&method_once, method_make);
    if (bio == NULL || method == NULL || BIO_method_type(bio) != method_type)
        return NULL;
    return BIO_get_data(bio);
}

int coalesce_flush(BIO *bio)
{
    struct coalesce *co = coalesce_of(bio);
    return co != NULL ? co_drain(bio, co, 0) : 1;
}

size_t coalesce_pending(BIO *bio)
{
    struct coalesce *co = coalesce_of(bio);
    return co != NULL ? co->len - co->off : 0;
}
