/* The interactive mode: what the client sends goes to stdout, what is typed on stdin goes to
 * the client. A line starting with one of the command letters openssl's manual lists does
 * something else instead (q Q r R k K c P S); -quiet turns the commands (and the chatter) off.
 *
 * Stdin EOF ends the session and the server, unless -ign_eof (or -quiet): then stdin is just
 * no longer read and the session lasts until the client closes. */
#include "server/conn.h"
#include "server/chello_report.h"
#include "lib/err.h"
#include "lib/tlsctx.h"

#include <stdlib.h>
#include <string.h>
#include <openssl/err.h>

struct echo_conn {
    int open; /* the handshake was reported: the closing lines are due */
};

static void say(struct conn *c, const char *text)
{
    server_out(conn_server(c), text, strlen(text));
}

/* -early_data: what came before the handshake finished, as openssl shows it. */
static void report_early(BIO *mem, struct conn *c)
{
    BIO *early = conn_early_data(c);
    char *data = NULL;
    long n = early != NULL ? BIO_get_mem_data(early, &data) : 0;
    if (n <= 0) {
        BIO_puts(mem, "No early data received\n");
        return;
    }
    BIO_puts(mem, "Early data received:\n");
    BIO_write(mem, data, (int)n);
    BIO_puts(mem, "\nEnd of early data\n");
}

static int echo_open(struct conn *c)
{
    struct server *srv = conn_server(c);
    const struct tls_common *t = &srv->cfg->common;
    struct echo_conn *e = calloc(1, sizeof(*e));
    BIO *mem = BIO_new(BIO_s_mem());
    if (e == NULL || mem == NULL) {
        free(e);
        BIO_free(mem);
        conn_warn(c, "out of memory");
        return -1;
    }
    e->open = 1;
    conn_set_data(c, e);
    if (srv->cfg->early_data && !t->quiet)
        report_early(mem, c);
    if (!t->quiet) {
        server_print_report(mem, conn_ssl(c), &srv->po);
        server_chello_print(mem, conn_ssl(c));
    }
    server_out_bio(srv, mem, 0);
    if (t->brief) {
        server_print_brief(mem, conn_ssl(c), &srv->po);
        server_chello_print_brief(mem, conn_ssl(c));
        server_out_bio(srv, mem, 1);
    }
    BIO_free(mem);
    return 0;
}

static int echo_data(struct conn *c, const char *buf, size_t len)
{
    if (conn_server(c)->cfg->common.json)
        return 0; /* -json: stdout carries only the JSON lines */
    server_out(conn_server(c), buf, len);
    return 0;
}

/* r, R: a renegotiation (R also asks for a certificate); TLS 1.2 and below. */
static void cmd_renegotiate(struct conn *c, int want_cert)
{
    SSL *ssl = conn_ssl(c);
    /* not SSL_VERIFY_CLIENT_ONCE: that would keep the renegotiation from asking */
    if (want_cert) {
        /* a resumed session would skip the certificate exchange */
        SSL_set_verify(ssl, SSL_VERIFY_PEER, tls_verify_callback);
        SSL_set_options(ssl, SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION);
    }
    if (!SSL_renegotiate(ssl))
        ERR_clear_error();
    server_outf(conn_server(c), "SSL_do_handshake -> %d\n", SSL_do_handshake(ssl));
    ERR_clear_error();
}

/* k, K: a TLS 1.3 key update (K asks the client to update its keys too). */
static void cmd_key_update(struct conn *c, int both)
{
    SSL *ssl = conn_ssl(c);
    if (!SSL_key_update(ssl, both ? SSL_KEY_UPDATE_REQUESTED : SSL_KEY_UPDATE_NOT_REQUESTED))
        ERR_clear_error();
    server_outf(conn_server(c), "SSL_do_handshake -> %d\n", SSL_do_handshake(ssl));
    ERR_clear_error();
}

/* c: TLS 1.3 post-handshake authentication (the client must have offered it: -enable_pha). */
static void cmd_cert_request(struct conn *c)
{
    SSL *ssl = conn_ssl(c);
    SSL_set_verify(ssl, SSL_VERIFY_PEER | SSL_VERIFY_CLIENT_ONCE, tls_verify_callback);
    if (!SSL_verify_client_post_handshake(ssl)) {
        say(c, "Failed to initiate request\n");
        err_ssl("client %s: no certificate request", conn_peer(c));
        return;
    }
    server_outf(conn_server(c), "SSL_do_handshake -> %d\n", SSL_do_handshake(ssl));
    ERR_clear_error();
}

static void cmd_stats(struct conn *c)
{
    BIO *mem = BIO_new(BIO_s_mem());
    if (mem == NULL)
        return;
    server_print_stats(mem, SSL_get_SSL_CTX(conn_ssl(c)));
    server_out_bio(conn_server(c), mem, 0);
    BIO_free(mem);
}

/* Ends the session; with quit, the server as well. */
static void cmd_quit(struct conn *c, int quit)
{
    say(c, "DONE\n");
    conn_finish(c);
    if (quit) {
        fputs("shutdown accept socket\n", stderr);
        server_stop(conn_server(c), STOP_NOW);
    }
}

/* Runs the command a chunk of stdin starts with. Returns 1 when it was one, 0 for data. The
 * one-letter commands that change the session need the letter alone on its line, so that text
 * starting with the letter is still sent; q, Q, P and S work as openssl's do, on the first
 * letter of any line. */
static int run_command(struct conn *c, const char *buf, size_t len)
{
    int alone = len >= 2 && (buf[1] == '\n' || buf[1] == '\r');
    switch (buf[0]) {
    case 'q':
        cmd_quit(c, 0);
        return 1;
    case 'Q':
        cmd_quit(c, 1);
        return 1;
    case 'S':
        cmd_stats(c);
        return 1;
    case 'P': {
        static const char text[] = "This plain text is not TLS: the client should give up.\n";
        if (conn_send_raw(c, text, sizeof(text) - 1) < 0)
            conn_warn(c, "cannot send plain text");
        return 1;
    }
    case 'r':
    case 'R':
        if (!alone)
            return 0;
        cmd_renegotiate(c, buf[0] == 'R');
        return 1;
    case 'k':
    case 'K':
        if (!alone)
            return 0;
        cmd_key_update(c, buf[0] == 'K');
        return 1;
    case 'c':
        if (!alone)
            return 0;
        cmd_cert_request(c);
        return 1;
    default:
        return 0;
    }
}

/* Sends typed text, with LF made CR LF under -crlf. */
static int send_typed(struct conn *c, const char *buf, size_t len, int crlf)
{
    if (!crlf)
        return conn_send(c, buf, len);
    for (size_t i = 0; i < len;) {
        size_t n = strcspn(buf + i, "\n");
        if (n > len - i)
            n = len - i;
        if (conn_send(c, buf + i, n) < 0)
            return -1;
        i += n;
        if (i < len) {
            if (conn_send(c, "\r\n", 2) < 0)
                return -1;
            i++;
        }
    }
    return 0;
}

static int echo_input(struct conn *c, const char *buf, size_t len)
{
    const struct tls_common *t = &conn_server(c)->cfg->common;
    if (len == 0) {
        if (t->ign_eof)
            return 0;
        if (!t->quiet)
            say(c, "DONE\n");
        conn_finish(c);
        server_stop(conn_server(c), STOP_NOW);
        return 0;
    }
    if (!t->quiet && run_command(c, buf, len))
        return 0;
    return send_typed(c, buf, len, t->crlf);
}

/* DONE after the client's close_notify; ERROR, as openssl says, when it just went away
 * (-ignore_unexpected_eof makes that a clean close too). */
static void echo_peer_closed(struct conn *c, int clean)
{
    if (!conn_server(c)->cfg->common.quiet)
        say(c, clean ? "DONE\n" : "ERROR\n");
}

static void echo_close(struct conn *c)
{
    struct echo_conn *e = conn_data(c);
    if (e == NULL)
        return;
    if (!conn_server(c)->cfg->common.quiet)
        say(c, "shutting down SSL\nCONNECTION CLOSED\n");
    free(e);
}

const struct conn_handler mode_echo_handler = {
    .open = echo_open,
    .data = echo_data,
    .input = echo_input,
    .peer_closed = echo_peer_closed,
    .close = echo_close,
};
