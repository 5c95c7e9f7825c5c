/* -rev: every line the client sends comes back reversed (without its CR LF, ended by LF); the
 * line "CLOSE" ends the connection. A test peer for line-based clients. */
#include "server/conn.h"
#include "server/chello_report.h"

#include <stdlib.h>
#include <string.h>

/* A longer line is answered in pieces of this size, so a client without newlines cannot make
 * us buffer without bound. */
#define REV_MAX_LINE 16384

struct rev_conn {
    size_t len;
    int closed; /* "CLOSE" came: the rest is not answered */
    char line[REV_MAX_LINE];
};

static int rev_open(struct conn *c)
{
    struct server *srv = conn_server(c);
    BIO *mem = BIO_new(BIO_s_mem());
    if (mem != NULL) {
        /* openssl says this on stderr in -rev mode, whatever -quiet says */
        BIO_puts(mem, "CONNECTION ESTABLISHED\n");
        server_print_brief(mem, conn_ssl(c), &srv->po);
        server_chello_print_brief(mem, conn_ssl(c));
        server_out_bio(srv, mem, 1);
        BIO_free(mem);
    }
    conn_arm(c, CONN_TIMER_IDLE);
    return 0;
}

static int rev_line(struct conn *c, struct rev_conn *r)
{
    size_t n = r->len;
    r->len = 0;
    while (n > 0 && (r->line[n - 1] == '\n' || r->line[n - 1] == '\r'))
        n--;
    if (n == 5 && memcmp(r->line, "CLOSE", 5) == 0) {
        struct server *srv = conn_server(c);
        BIO *mem = BIO_new(BIO_s_mem());
        if (mem != NULL) {
            BIO_puts(mem, "CONNECTION CLOSED\n");
            server_out_bio(srv, mem, 1);
            BIO_free(mem);
        }
        conn_finish(c);
        r->closed = 1;
        return 0;
    }
    for (size_t i = 0; i < n / 2; i++) {
        char t = r->line[i];
        r->line[i] = r->line[n - 1 - i];
        r->line[n - 1 - i] = t;
    }
    r->line[n] = '\n';
    return conn_send(c, r->line, n + 1);
}

static int rev_data(struct conn *c, const char *buf, size_t len)
{
    struct rev_conn *r = conn_data(c);
    if (r == NULL) {
        if ((r = malloc(sizeof(*r))) == NULL)
            return -1;
        r->len = 0;
        r->closed = 0;
        conn_set_data(c, r);
    }
    conn_arm(c, CONN_TIMER_IDLE);
    for (size_t i = 0; i < len && !r->closed; i++) {
        r->line[r->len++] = buf[i];
        /* one byte kept for the LF rev_line() adds */
        if ((buf[i] == '\n' || r->len == REV_MAX_LINE - 1) && rev_line(c, r) < 0)
            return -1;
    }
    return 0;
}

static void rev_close(struct conn *c)
{
    free(conn_data(c));
}

const struct conn_handler mode_rev_handler = {
    .open = rev_open,
    .data = rev_data,
    .close = rev_close,
};
