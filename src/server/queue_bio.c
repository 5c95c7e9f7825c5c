/* The sink BIO of queue_bio.h. */
#include "server/queue_bio.h"
#include "server/conn.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct sink {
    struct conn *conn;
    int failed;
};

/* The method is made once per process and never changes after (pthread_once). */
static pthread_once_t method_once = PTHREAD_ONCE_INIT;
static BIO_METHOD *method;

static int sink_write(BIO *b, const char *data, size_t len, size_t *written)
{
    struct sink *s = BIO_get_data(b);
    *written = 0;
    if (s == NULL || s->failed || conn_send(s->conn, data, len) < 0) {
        if (s != NULL)
            s->failed = 1;
        return 0;
    }
    *written = len;
    return 1;
}

static int sink_puts(BIO *b, const char *text)
{
    size_t n = 0;
    return sink_write(b, text, strlen(text), &n) ? (int)n : -1;
}

static long sink_ctrl(BIO *b, int cmd, long num, void *ptr)
{
    (void)b, (void)num, (void)ptr;
    return cmd == BIO_CTRL_FLUSH ? 1 : 0;
}

static int sink_destroy(BIO *b)
{
    free(BIO_get_data(b));
    BIO_set_data(b, NULL);
    return 1;
}

static void method_make(void)
{
    BIO_METHOD *m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "connection queue");
    if (m == NULL || !BIO_meth_set_write_ex(m, sink_write) || !BIO_meth_set_puts(m, sink_puts) ||
        !BIO_meth_set_ctrl(m, sink_ctrl) || !BIO_meth_set_destroy(m, sink_destroy)) {
        BIO_meth_free(m);
        m = NULL;
    }
    method = m;
}

BIO *queue_bio_new(struct conn *c)
{
    pthread_once(&method_once, method_make);
    struct sink *s = calloc(1, sizeof(*s));
    BIO *b = method != NULL && s != NULL ? BIO_new(method) : NULL;
    if (b == NULL) {
        free(s);
        return NULL;
    }
    s->conn = c;
    BIO_set_data(b, s);
    BIO_set_init(b, 1);
    return b;
}

int queue_bio_free(BIO *bio)
{
    struct sink *s = bio != NULL ? BIO_get_data(bio) : NULL;
    int rc = s != NULL && !s->failed ? 0 : -1;
    BIO_free(bio);
    return rc;
}
