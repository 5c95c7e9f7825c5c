/* s_server's accept loop: listen, then serve each connection in turn with the chosen mode.
 * (The walking skeleton serves one connection at a time, as openssl does.) */
#include "server/server.h"
#include "lib/err.h"
#include "lib/net.h"
#include "lib/relay.h"
#include "lib/trace.h"
#include "proto/http.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <openssl/err.h>

/* Opens the listening socket named by -accept/-port/-unix and announces it. */
static int server_listen(const struct server_config *cfg)
{
    char why[512];
    if (cfg->unix_path != NULL) {
        int fd = net_listen_unix(cfg->unix_path, cfg->unlink_path, why, sizeof(why));
        if (fd < 0)
            err_msg("%s", why);
        return fd;
    }
    char *host = NULL, *port = NULL;
    int fd = -1;
    if (cfg->accept != NULL) {
        if (net_split(cfg->accept, NULL, "4433", &host, &port) < 0) {
            err_msg("-accept: cannot parse \"%s\" as [host:]port", cfg->accept);
            goto done;
        }
        /* "-accept 8443": a bare number is a port, as in openssl */
        if (port != NULL && host != NULL && strchr(cfg->accept, ':') == NULL) {
            free(port);
            port = host;
            host = NULL;
        }
        if (host != NULL && strcmp(host, "*") == 0) {
            free(host);
            host = NULL;
        }
    } else {
        port = strdup(cfg->port ? cfg->port : "4433");
    }
    fd = net_listen(host, port, cfg->family, 0, why, sizeof(why));
    if (fd < 0)
        err_msg("%s", why);
done:
    free(host);
    free(port);
    return fd;
}

static void announce(const struct server_config *cfg, int lfd)
{
    const char *port = cfg->accept ? strrchr(cfg->accept, ':') : cfg->port;
    port = port && *port == ':' ? port + 1 : port ? port : cfg->accept;
    if (cfg->unix_path == NULL && port != NULL && strcmp(port, "0") == 0)
        printf("ACCEPT %s:%d\n", cfg->family == AF_INET ? "0.0.0.0" : "[::]",
               net_local_port(lfd));
    else
        printf("ACCEPT\n");
    fflush(stdout);
}

/* The interactive commands typed on stdin while a client is connected. */
static enum relay_cmd server_command(void *arg, SSL *ssl, const char *buf, size_t len)
{
    const struct server_config *cfg = arg;
    if (len < 2 || buf[1] != '\n')
        return RELAY_SEND;
    switch (buf[0]) {
    case 'q':
        return RELAY_CLOSE;
    case 'Q':
        return RELAY_QUIT;
    case 'r':
    case 'R':
        if (SSL_version(ssl) == TLS1_3_VERSION) {
            fputs("Renegotiation is not possible in TLSv1.3\n", stdout);
            return RELAY_SKIP;
        }
        SSL_set_verify(ssl, buf[0] == 'R' ? SSL_VERIFY_PEER | SSL_VERIFY_CLIENT_ONCE
                                          : cfg->verify_mode, NULL);
        SSL_renegotiate(ssl);
        SSL_do_handshake(ssl);
        fputs("SSL_renegotiate -> 1\n", stdout);
        return RELAY_SKIP;
    case 'k':
    case 'K':
        SSL_key_update(ssl, buf[0] == 'K' ? SSL_KEY_UPDATE_REQUESTED
                                          : SSL_KEY_UPDATE_NOT_REQUESTED);
        SSL_do_handshake(ssl);
        fputs("KEYUPDATE\n", stdout);
        return RELAY_SKIP;
    case 'c':
        SSL_set_verify(ssl, SSL_VERIFY_PEER | SSL_VERIFY_CLIENT_ONCE, NULL);
        if (!SSL_verify_client_post_handshake(ssl))
            err_ssl("cannot ask for the client's certificate");
        else
            SSL_do_handshake(ssl);
        return RELAY_SKIP;
    default:
        return RELAY_SEND;
    }
}

/* Drives SSL_accept on a non-blocking socket. Returns 1 on success, else its return. */
static int accept_handshake(SSL *ssl, int fd)
{
    for (;;) {
        int rc = SSL_accept(ssl);
        if (rc == 1)
            return 1;
        int e = SSL_get_error(ssl, rc);
        if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE)
            return rc;
        struct pollfd pfd = {fd, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, 0};
        if (poll(&pfd, 1, 60000) == 0)
            return -2;
    }
}

static void report(const struct server_config *cfg, SSL *ssl)
{
    if (cfg->common.quiet && !cfg->common.brief)
        return;
    struct print_opts po = server_print_opts(cfg);
    BIO *out = BIO_new_fp(cfg->common.brief ? stderr : stdout, BIO_NOCLOSE);
    if (out == NULL)
        return;
    if (cfg->common.brief)
        print_brief(out, ssl, &po);
    else
        print_server_report(out, ssl, &po);
    BIO_free(out);
    fflush(stdout);
}

/* Reads one request head (bounded in size and time) and answers it with the status page. */
static void serve_www(const struct server_config *cfg, SSL *ssl, int fd)
{
    char buf[HTTP_MAX_REQUEST];
    size_t len = 0;
    struct http_request req;
    enum http_parse st = HTTP_INCOMPLETE;
    while (st == HTTP_INCOMPLETE) {
        int n = SSL_read(ssl, buf + len, (int)(sizeof(buf) - len));
        if (n <= 0) {
            int e = SSL_get_error(ssl, n);
            struct pollfd pfd = {fd, e == SSL_ERROR_WANT_WRITE ? POLLOUT : POLLIN, 0};
            if ((e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) &&
                poll(&pfd, 1, 30000) > 0)
                continue;
            return;
        }
        len += (size_t)n;
        st = http_parse_request(buf, len, &req);
    }
    BIO *page = BIO_new(BIO_s_mem());
    if (page == NULL)
        return;
    if (st == HTTP_BAD || strcmp(req.method, "GET") != 0)
        http_error_page(page, 400, "Bad Request", "s_server -www answers GET requests only");
    else
        http_status_page(page, ssl, cfg->cmdline);
    char *data = NULL;
    long total = BIO_get_mem_data(page, &data);
    for (long off = 0; off < total;) {
        int n = SSL_write(ssl, data + off, (int)(total - off));
        if (n > 0) {
            off += n;
            continue;
        }
        int e = SSL_get_error(ssl, n);
        struct pollfd pfd = {fd, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, 0};
        if ((e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) || poll(&pfd, 1, 30000) <= 0)
            break;
    }
    BIO_free(page);
}

/* Serves one accepted connection. Returns 1 when the server should stop (a 'Q' command). */
static int serve_connection(struct server_config *cfg, SSL_CTX *ctx, int fd)
{
    int quit = 0;
    SSL *ssl = SSL_new(ctx);
    if (ssl == NULL || !SSL_set_fd(ssl, fd) || trace_setup_ssl(ssl, &cfg->common) < 0) {
        err_ssl("cannot set up the connection");
        goto done;
    }
    net_set_nonblock(fd, 1);
    int rc = accept_handshake(ssl, fd);
    if (rc != 1) {
        char why[512];
        if (rc == -2)
            snprintf(why, sizeof(why), "client sent nothing for 60 s");
        else
            err_ssl_io_reason(ssl, rc, why, sizeof(why));
        err_msg("TLS handshake with a client failed: %s", why);
        ERR_clear_error();
        goto done;
    }
    report(cfg, ssl);
    if (cfg->mode == MODE_WWW) {
        serve_www(cfg, ssl, fd);
        SSL_shutdown(ssl);
    } else {
        struct relay_opts ro = {cfg->common.crlf, cfg->common.ign_eof, cfg->common.quiet,
                                cfg->common.brief, 1, server_command, cfg};
        quit = relay_run(ssl, fd, &ro) == RELAY_END_QUIT;
    }
done:
    if (!cfg->common.quiet && cfg->mode == MODE_INTERACTIVE)
        printf("shutting down SSL\nCONNECTION CLOSED\n");
    fflush(stdout);
    SSL_free(ssl);
    close(fd);
    return quit;
}

int server_run(struct server_config *cfg, SSL_CTX *ctx)
{
    int lfd = server_listen(cfg);
    if (lfd < 0)
        return 1;
    announce(cfg, lfd);
    for (int served = 0; cfg->naccept < 0 || served < cfg->naccept;) {
        int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            err_msg("accept failed: %s", strerror(errno));
            break;
        }
        served++;
        if (serve_connection(cfg, ctx, fd))
            break;
    }
    close(lfd);
    if (cfg->unix_path != NULL && cfg->unlink_path)
        unlink(cfg->unix_path);
    return 0;
}
