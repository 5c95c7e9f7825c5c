/* The ClientHello recorder: a filter BIO under a server's SSL that keeps a copy of the first
 * handshake message as it comes off the wire, for the analysis in chello.h. It sits in the
 * read chain only, passes every byte and control through unchanged, and stops copying once
 * the message is whole (or the stream turned out not to be TLS). Record-level capture rather
 * than the message callback, so that -msg/-trace keep that callback for themselves. */
#include "lib/chello.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct recorder {
    struct chello_capture cap;
    struct chello hello; /* parsed on first use */
    int parsed;          /* 0 not yet, 1 hello is valid, -1 it did not parse */
    const char *why;
    struct timespec first_byte;
    int seen;
};

/* The method is made once per process and never changes after (pthread_once). */
static pthread_once_t method_once = PTHREAD_ONCE_INIT;
static BIO_METHOD *method;
static int method_type;

static int rec_create(BIO *b)
{
    struct recorder *r = calloc(1, sizeof(*r));
    if (r == NULL)
        return 0;
    chello_capture_init(&r->cap);
    BIO_set_data(b, r);
    BIO_set_init(b, 1);
    return 1;
}

static int rec_destroy(BIO *b)
{
    struct recorder *r = BIO_get_data(b);
    if (r != NULL) {
        chello_capture_free(&r->cap);
        chello_free(&r->hello);
        free(r);
    }
    BIO_set_data(b, NULL);
    return 1;
}

static int rec_read(BIO *b, char *buf, size_t len, size_t *got)
{
    BIO *next = BIO_next(b);
    struct recorder *r = BIO_get_data(b);
    if (next == NULL)
        return 0;
    int ret = BIO_read_ex(next, buf, len, got);
    BIO_clear_retry_flags(b);
    BIO_copy_next_retry(b);
    if (ret > 0 && *got > 0 && r != NULL) {
        if (!r->seen) {
            clock_gettime(CLOCK_MONOTONIC, &r->first_byte);
            r->seen = 1;
        }
        if (r->cap.state == 0 || (r->cap.dtls && r->cap.state == 1))
            chello_capture_feed(&r->cap, (const unsigned char *)buf, *got);
    }
    return ret;
}

static int rec_write(BIO *b, const char *buf, size_t len, size_t *written)
{
    BIO *next = BIO_next(b);
    if (next == NULL)
        return 0;
    int ret = BIO_write_ex(next, buf, len, written);
    BIO_clear_retry_flags(b);
    BIO_copy_next_retry(b);
    return ret;
}

static long rec_ctrl(BIO *b, int cmd, long num, void *ptr)
{
    BIO *next = BIO_next(b);
    return next != NULL ? BIO_ctrl(next, cmd, num, ptr) : 0;
}

static long rec_callback_ctrl(BIO *b, int cmd, BIO_info_cb *fp)
{
    BIO *next = BIO_next(b);
    return next != NULL ? BIO_callback_ctrl(next, cmd, fp) : 0;
}

static void method_make(void)
{
    method_type = BIO_get_new_index() | BIO_TYPE_FILTER;
    BIO_METHOD *m = BIO_meth_new(method_type, "ClientHello recorder");
    if (m == NULL || !BIO_meth_set_create(m, rec_create) || !BIO_meth_set_destroy(m, rec_destroy) ||
        !BIO_meth_set_read_ex(m, rec_read) || !BIO_meth_set_write_ex(m, rec_write) ||
        !BIO_meth_set_ctrl(m, rec_ctrl) || !BIO_meth_set_callback_ctrl(m, rec_callback_ctrl)) {
        BIO_meth_free(m);
        m = NULL;
    }
    method = m;
}

static const BIO_METHOD *recorder_method(void)
{
    pthread_once(&method_once, method_make);
    return method;
}

static struct recorder *recorder_of(SSL *ssl)
{
    const BIO_METHOD *m = recorder_method();
    BIO *b = SSL_get_rbio(ssl);
    if (m == NULL)
        return NULL;
    for (; b != NULL; b = BIO_next(b))
        if (BIO_method_type(b) == method_type)
            return BIO_get_data(b);
    return NULL;
}

int chello_record(SSL *ssl)
{
    const BIO_METHOD *m = recorder_method();
    BIO *rb = SSL_get_rbio(ssl);
    if (m == NULL || rb == NULL)
        return -1;
    if (recorder_of(ssl) != NULL)
        return 0; /* recording already */
    BIO *f = BIO_new(m);
    if (f == NULL)
        return -1;
    struct recorder *r = BIO_get_data(f);
    r->cap.dtls = SSL_is_dtls(ssl);
    /* the recorder's chain holds its own reference to the old read BIO; SSL_set0_rbio()
     * then drops the SSL's, so the write side (same BIO) is left as it was */
    if (!BIO_up_ref(rb)) {
        BIO_free(f);
        return -1;
    }
    BIO_push(f, rb);
    SSL_set0_rbio(ssl, f);
    return 0;
}

const struct chello *chello_recorded(SSL *ssl, const char **why)
{
    struct recorder *r = ssl != NULL ? recorder_of(ssl) : NULL;
    *why = "no ClientHello recorded";
    if (r == NULL)
        return NULL;
    if (r->parsed == 0) {
        if (r->cap.state == 1) {
            int (*parse)(struct chello *, const unsigned char *, size_t, const char **) =
                r->cap.dtls ? chello_parse_dtls : chello_parse;
            r->parsed = parse(&r->hello, r->cap.msg, r->cap.have, &r->why) == 0 ? 1 : -1;
        } else if (r->cap.state < 0)
            r->why = r->cap.why;
        else
            r->why = "the ClientHello did not arrive whole";
        if (r->cap.state != 0 && r->parsed == 0)
            r->parsed = -1;
        if (r->cap.state != 0) {
            chello_capture_free(&r->cap); /* the parse keeps its own copy */
            r->cap.state = 2;             /* done: copy nothing more */
        }
    }
    *why = r->why;
    return r->parsed == 1 ? &r->hello : NULL;
}

int chello_first_byte(SSL *ssl, struct timespec *when)
{
    struct recorder *r = ssl != NULL ? recorder_of(ssl) : NULL;
    if (r == NULL || !r->seen)
        return -1;
    *when = r->first_byte;
    return 0;
}

void chello_set_bio(SSL *ssl, BIO *bio)
{
    BIO *f = SSL_get_rbio(ssl);
    if (recorder_method() == NULL || f == NULL || BIO_method_type(f) != method_type ||
        !BIO_up_ref(f)) {
        SSL_set_bio(ssl, bio, bio);
        return;
    }
    /* f outlives the swap (our reference); then its old transport goes, the new one comes
     * under it, and the SSL reads through it again, as chello_record() sets it up */
    SSL_set_bio(ssl, bio, bio);
    BIO_free_all(BIO_pop(f));
    if (!BIO_up_ref(bio)) {
        BIO_free(f);
        return; /* reading straight from bio: the recording is lost, nothing else */
    }
    BIO_push(f, bio);
    SSL_set0_rbio(ssl, f);
}
