/* s_server's ClientHello analysis and -json (see chello_report.h). */
#include "server/chello_report.h"
#include "lib/chello.h"
#include "lib/conninfo.h"
#include "lib/textbuf.h"
#include "lib/err.h"
#include "lib/timing.h"
#include "proto/http.h"

#include <stdio.h>
#include <string.h>

int server_chello_attach(SSL *ssl)
{
    if (chello_record(ssl) < 0) {
        err_ssl("cannot set up the ClientHello analysis");
        return -1;
    }
    return 0;
}

/* The report on ssl's ClientHello, or why there is none, appended to t. */
static void report_text(struct textbuf *t, SSL *ssl)
{
    const char *why = NULL;
    const struct chello *ch = chello_recorded(ssl, &why);
    if (ch != NULL)
        chello_text(t, ch, ssl);
    else
        tb_printf(t, "Client Hello: not analysed (%s)\n", why);
}

void server_chello_print(BIO *out, SSL *ssl)
{
    struct textbuf t = {0};
    report_text(&t, ssl);
    tb_write(out, &t);
    tb_free(&t);
}

void server_chello_print_brief(BIO *out, SSL *ssl)
{
    const char *why = NULL;
    const struct chello *ch = chello_recorded(ssl, &why);
    if (ch != NULL)
        chello_print_brief(out, ch);
}

void server_chello_page(BIO *out, SSL *ssl)
{
    struct textbuf t = {0};
    report_text(&t, ssl);
    if (!t.failed) {
        BIO_puts(out, "---\n");
        http_html_escape(out, t.p);
    }
    tb_free(&t);
}

/* "127.0.0.1:41234" or "[::1]:41234" into address and port. */
static void split_peer(const char *peer, char *addr, size_t addrlen, char *port, size_t portlen)
{
    const char *colon = strrchr(peer, ':');
    addr[0] = port[0] = '\0';
    if (colon == NULL || strcmp(peer, "unix socket") == 0)
        return;
    const char *start = peer[0] == '[' ? peer + 1 : peer;
    size_t n = (size_t)(colon - start);
    if (n > 0 && start[n - 1] == ']')
        n--;
    snprintf(addr, addrlen, "%.*s", (int)n, start);
    snprintf(port, portlen, "%s", colon + 1);
}

/* The server's timing: from the client's first byte to now, all of it handshake. */
static void server_timing(SSL *ssl, struct timing *t)
{
    struct timespec first;
    timing_start(t);
    if (chello_first_byte(ssl, &first) == 0) {
        struct timespec now = timing_now();
        t->start = first;
        timing_set(t, TIMING_HANDSHAKE, timing_ms_between(&first, &now));
    }
}

static void json_line(struct server *srv, SSL *ssl, const char *peer,
                      const struct conninfo_error *e)
{
    char addr[64], port[16];
    const char *why = NULL;
    struct timing t;
    BIO *mem = BIO_new(BIO_s_mem());
    if (mem == NULL)
        return;
    split_peer(peer, addr, sizeof(addr), port, sizeof(port));
    server_timing(ssl, &t);
    struct conninfo ci = {
        "s_server",
        NULL,
        port[0] ? port : NULL,
        NULL,
        addr[0] ? addr : NULL,
        NULL,
        &t,
        chello_recorded(ssl, &why),
        0,
        0,
        -1,
        -1,
        e,
    };
    if (conninfo_write_json(mem, ssl, &ci) == 0)
        server_out_bio(srv, mem, 0);
    else
        err_warn("cannot write the -json report for %s", peer);
    BIO_free(mem);
}

void server_json_open(struct server *srv, SSL *ssl, const char *peer)
{
    if (srv->cfg->common.json)
        json_line(srv, ssl, peer, NULL);
}

void server_json_handshake_timeout(struct server *srv, SSL *ssl, const char *peer, int secs)
{
    struct conninfo_error err;
    char msg[160];
    if (!srv->cfg->common.json)
        return;
    snprintf(msg, sizeof(msg), "no complete handshake from %s within %d s", peer, secs);
    conninfo_error_set(&err, CONNINFO_TIMEOUT, msg);
    json_line(srv, ssl, peer, &err);
}

void server_json_handshake_failed(struct server *srv, SSL *ssl, int r, const char *peer)
{
    int e = SSL_get_error(ssl, r);
    if (!srv->cfg->common.json || e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
        return;
    struct conninfo_error err;
    char msg[128];
    snprintf(msg, sizeof(msg), "TLS handshake with %s failed", peer);
    conninfo_error_from_ssl(&err, ssl, r, msg);
    json_line(srv, ssl, peer, &err);
}
