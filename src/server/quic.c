/* s_server -quic: one UDP socket under a QUIC listener (SSL_new_listener); each connection is
 * served in turn with the same report as over TCP, then interactive or -rev over the stream
 * the client opens (the connection's default stream). Other modes are refused. */
#include "server/quic.h"
#include "lib/err.h"
#include "lib/net.h"
#include "lib/newlib.h"
#include "lib/quicio.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <openssl/err.h>

#ifdef HAVE_QUIC_SERVER

static int check_quic_options(const struct server_config *cfg)
{
    const char *why = NULL;
    if (cfg->common.alpn == NULL)
        why = "QUIC requires ALPN to be specified (e.g. \"h3\" for HTTP/3) via the -alpn option";
    else if (cfg->mode != MODE_INTERACTIVE && cfg->mode != MODE_REV)
        why = "-quic serves the interactive and -rev modes only";
    else if (cfg->unix_path != NULL || cfg->common.dtls || cfg->common.newlib.tfo)
        why = "-quic cannot be used with -unix, DTLS or -tfo";
    if (why != NULL) {
        err_msg("%s", why);
        return -1;
    }
    return 0;
}

/* The UDP socket -accept/-port name ("host:port", "port", "*:port"; default port 4433). */
static int open_udp(const struct server_config *cfg)
{
    char *host = NULL, *port = NULL, why[512];
    int fd = -1;
    const char *spec = cfg->accept != NULL ? cfg->accept : cfg->port ? cfg->port : "4433";
    if (strchr(spec, ':') == NULL) {
        port = strdup(spec);
    } else if (net_split(spec, NULL, "4433", &host, &port) < 0) {
        err_msg("-accept: cannot parse \"%s\" as [host:]port", spec);
        goto done;
    }
    if (host != NULL && strcmp(host, "*") == 0) {
        free(host);
        host = NULL;
    }
    fd = net_udp_bind(host, port, cfg->family, why, sizeof(why));
    if (fd < 0)
        err_msg("%s", why);
done:
    free(host);
    free(port);
    return fd;
}

static SSL *listener_new(SSL_CTX *ctx, int fd)
{
    SSL *l = SSL_new_listener(ctx, 0);
    if (l == NULL || !SSL_set_fd(l, fd) || !SSL_set_blocking_mode(l, 0) || !SSL_listen(l)) {
        err_ssl("cannot start the QUIC listener");
        SSL_free(l);
        return NULL;
    }
    return l;
}

static void report(const struct server_config *cfg, SSL *conn)
{
    if (cfg->common.quiet && !cfg->common.brief)
        return;
    struct print_opts po = server_print_opts(cfg);
    BIO *out = BIO_new_fp(cfg->common.brief ? stderr : stdout, BIO_NOCLOSE);
    if (out == NULL)
        return;
    if (cfg->common.brief)
        server_print_brief(out, conn, &po);
    else
        server_print_report(out, conn, &po);
    BIO_free(out);
    fflush(stdout);
}

/* One accepted connection: finish its handshake, report, relay, close. Returns 1 when stdin
 * ended (the server stops, as over TCP), else 0. */
static int serve_connection(const struct server_config *cfg, SSL *conn)
{
    int stdin_ended = 0;
    int rc = quic_handshake(conn, 60);
    if (rc != 1) {
        char why[512];
        err_msg("QUIC handshake with a client failed: %s",
                rc == -2 ? "no answer within 60 s" : err_ssl_io_reason(conn, rc, why, sizeof(why)));
        ERR_clear_error();
        return 0;
    }
    report(cfg, conn);
    int rev = cfg->mode == MODE_REV;
    struct quic_relay_opts ro = {!rev, cfg->common.ign_eof, cfg->common.crlf, rev};
    enum quic_relay_end end = quic_relay(conn, &ro);
    if (end == QUIC_END_STDIN)
        stdin_ended = 1;
    if (!cfg->common.quiet)
        printf("%s\n", end == QUIC_END_ERROR ? "ERROR" : "DONE");
    fflush(stdout);
    quic_close(conn);
    return stdin_ended;
}

/* Waits for the next connection; while idle, stdin's end stops the server (as over TCP).
 * Returns the connection, or NULL when the server should stop. */
static SSL *next_connection(SSL *listener, int *stdin_open)
{
    for (;;) {
        SSL *conn = SSL_accept_connection(listener, SSL_ACCEPT_CONNECTION_NO_BLOCK);
        if (conn != NULL)
            return conn;
        if (!quic_wait(listener, *stdin_open ? STDIN_FILENO : -1, -1))
            continue;
        char buf[4096];
        if (read(STDIN_FILENO, buf, sizeof(buf)) <= 0) {
            *stdin_open = 0;
            return NULL;
        }
    }
}

int server_quic_run(struct server_config *cfg, SSL_CTX *ctx)
{
    if (check_quic_options(cfg) < 0)
        return 1;
    int fd = open_udp(cfg);
    if (fd < 0)
        return 1;
    SSL *listener = listener_new(ctx, fd);
    if (listener == NULL) {
        close(fd);
        return 1;
    }
    printf("ACCEPT\n");
    fflush(stdout);
    int stdin_open = 1;
    for (int served = 0; cfg->naccept < 0 || served < cfg->naccept; served++) {
        SSL *conn = next_connection(listener, &stdin_open);
        if (conn == NULL)
            break;
        int stop = serve_connection(cfg, conn);
        SSL_free(conn);
        if (stop)
            break;
    }
    SSL_free(listener);
    close(fd);
    return 0;
}

#else

int server_quic_run(struct server_config *cfg, SSL_CTX *ctx)
{
    (void)cfg;
    (void)ctx;
    err_msg("-quic needs OpenSSL %s or later (its QUIC listener); this build uses OpenSSL %s",
            NEEDS_QUIC_SERVER, OPENSSL_VERSION_STR);
    return 1;
}

#endif
