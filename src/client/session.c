/* One client connection from TCP connect to close: SNI and session set-up, the handshake, the
 * report, then the relay between stdin/stdout and the peer. */
#include "client/client.h"
#include "lib/err.h"
#include "lib/net.h"
#include "lib/relay.h"
#include "lib/trace.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <openssl/err.h>
#include <openssl/pem.h>

/* SNI as the manual says: -servername if given; else the -connect host when it is a DNS name
 * (not an address); "localhost" when nothing was given; nothing with -noservername. */
static char *pick_servername(const struct client_config *cfg)
{
    if (cfg->noservername)
        return NULL;
    if (cfg->servername != NULL)
        return strdup(cfg->servername);
    if (cfg->unix_path != NULL)
        return NULL;
    char *host = NULL, *port = NULL;
    if (client_target(cfg, &host, &port) < 0)
        return NULL;
    free(port);
    unsigned char addr[16];
    if (host != NULL && (inet_pton(AF_INET, host, addr) == 1 || inet_pton(AF_INET6, host, addr) == 1)) {
        free(host);
        return NULL;
    }
    return host;
}

static SSL_SESSION *read_session(const char *path)
{
    BIO *b = BIO_new_file(path, "r");
    SSL_SESSION *s = b ? PEM_read_bio_SSL_SESSION(b, NULL, NULL, NULL) : NULL;
    BIO_free(b);
    if (s == NULL)
        err_ssl("cannot read a TLS session from \"%s\"", path);
    return s;
}

/* A configured SSL for fd, or NULL (reported). */
static SSL *client_ssl_new(struct client_config *cfg, SSL_CTX *ctx, int fd, SSL_SESSION *resume)
{
    SSL *ssl = SSL_new(ctx);
    char *sni = NULL;
    if (ssl == NULL || !SSL_set_fd(ssl, fd)) {
        err_ssl("cannot create a TLS connection");
        goto fail;
    }
    sni = pick_servername(cfg);
    if (sni != NULL && !SSL_set_tlsext_host_name(ssl, sni)) {
        err_ssl("cannot use \"%s\" as server name", sni);
        goto fail;
    }
    if (cfg->dane_tlsa_domain != NULL && client_dane_setup(cfg, ctx, ssl) < 0)
        goto fail;
    if (resume != NULL && !SSL_set_session(ssl, resume)) {
        err_ssl("cannot resume the session");
        goto fail;
    }
    if (cfg->common.enable_pha)
        SSL_set_post_handshake_auth(ssl, 1);
    if (trace_setup_ssl(ssl, &cfg->common) < 0)
        goto fail;
    free(sni);
    return ssl;
fail:
    free(sni);
    SSL_free(ssl);
    return NULL;
}

/* Drives SSL_connect on a non-blocking socket, bounded by -handshake_timeout when given.
 * Returns 1 on success, else the failing SSL_connect return. */
static int do_handshake(SSL *ssl, int fd, int timeout_s)
{
    time_t deadline = timeout_s > 0 ? time(NULL) + timeout_s : 0;
    for (;;) {
        int rc = SSL_connect(ssl);
        if (rc == 1)
            return 1;
        int e = SSL_get_error(ssl, rc);
        if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE)
            return rc;
        int wait_ms = -1;
        if (deadline) {
            long left = (long)(deadline - time(NULL));
            if (left <= 0) {
                errno = ETIMEDOUT;
                return -2;
            }
            wait_ms = (int)left * 1000;
        }
        struct pollfd pfd = {fd, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, 0};
        if (poll(&pfd, 1, wait_ms) == 0) {
            errno = ETIMEDOUT;
            return -2;
        }
    }
}

/* The command letters at the start of a line typed on stdin (unless -nocommands; with
 * -ign_eof, as in openssl, they are plain data). */
static enum relay_cmd client_command(void *arg, SSL *ssl, const char *buf, size_t len)
{
    const struct client_config *cfg = arg;
    if (len == 0 || cfg->common.ign_eof)
        return RELAY_SEND;
    switch (buf[0]) {
    case 'Q':
        return RELAY_CLOSE;
    case 'R':
        fputs("RENEGOTIATING\n", stderr);
        if (!SSL_renegotiate(ssl))
            err_ssl("cannot renegotiate");
        SSL_do_handshake(ssl);
        return RELAY_SKIP;
    case 'k':
    case 'K':
        fputs("KEYUPDATE\n", stderr);
        if (!SSL_key_update(ssl, buf[0] == 'K' ? SSL_KEY_UPDATE_REQUESTED
                                                : SSL_KEY_UPDATE_NOT_REQUESTED))
            err_ssl("cannot update keys");
        SSL_do_handshake(ssl);
        return RELAY_SKIP;
    default:
        return RELAY_SEND;
    }
}

static void report(struct client_config *cfg, SSL *ssl)
{
    struct print_opts po = client_print_opts(cfg);
    BIO *out = BIO_new_fp(cfg->common.brief ? stderr : stdout, BIO_NOCLOSE);
    if (out == NULL)
        return;
    if (cfg->common.brief)
        print_brief(out, ssl, &po);
    else if (!cfg->common.quiet)
        print_client_report(out, ssl, &po);
    BIO_free(out);
    fflush(stdout);
}

/* One connection; on success *session gets the session for a later resumption. */
static int one_connection(struct client_config *cfg, SSL_CTX *ctx, SSL_SESSION *resume,
                          SSL_SESSION **session, int relay)
{
    int status = 1;
    SSL *ssl = NULL;
    int fd = client_connect(cfg);
    if (fd < 0)
        return 1;
    if (!cfg->common.quiet)
        printf("CONNECTED(%08X)\n", (unsigned int)fd);
    fflush(stdout);
    if ((ssl = client_ssl_new(cfg, ctx, fd, resume)) == NULL)
        goto done;
    net_set_nonblock(fd, 1);
    int rc = do_handshake(ssl, fd, cfg->handshake_timeout);
    if (rc != 1) {
        char why[512];
        if (rc == -2)
            snprintf(why, sizeof(why), "timed out after %d s", cfg->handshake_timeout);
        else
            err_ssl_io_reason(ssl, rc, why, sizeof(why));
        err_msg("TLS handshake with the server failed: %s", why);
        ERR_clear_error();
        if (!cfg->common.quiet) {
            report(cfg, ssl);
        }
        goto done;
    }
    report(cfg, ssl);
    if (cfg->dane_tlsa_domain != NULL)
        client_dane_report(cfg, ssl);
    if (cfg->sess_out != NULL && SSL_version(ssl) != TLS1_3_VERSION) {
        BIO *b = BIO_new_file(cfg->sess_out, "w");
        if (b == NULL || !PEM_write_bio_SSL_SESSION(b, SSL_get_session(ssl)))
            err_ssl("cannot write session to \"%s\"", cfg->sess_out);
        BIO_free(b);
    }
    status = 0;
    if (relay) {
        struct relay_opts ro = {cfg->common.crlf, cfg->common.ign_eof, cfg->common.quiet,
                                cfg->common.brief, 0, cfg->nocommands ? NULL : client_command,
                                cfg};
        status = relay_run(ssl, fd, &ro) == RELAY_END_ERROR ? 1 : 0;
        if (cfg->prexit)
            report(cfg, ssl);
    } else {
        SSL_shutdown(ssl);
    }
    if (session != NULL)
        *session = SSL_get1_session(ssl);
done:
    SSL_free(ssl);
    close(fd);
    return status;
}

int client_session(struct client_config *cfg, SSL_CTX *ctx)
{
    SSL_SESSION *resume = NULL, *got = NULL;
    if (cfg->sess_in != NULL && (resume = read_session(cfg->sess_in)) == NULL)
        return 1;
    int status;
    if (!cfg->reconnect) {
        status = one_connection(cfg, ctx, resume, NULL, 1);
        SSL_SESSION_free(resume);
        return status;
    }
    /* -reconnect: connect once, then five more times resuming the first session. */
    status = one_connection(cfg, ctx, resume, &got, 0);
    for (int i = 0; i < 5 && status == 0; i++) {
        if (!cfg->common.quiet)
            printf("drop connection and then reconnect\n");
        SSL_SESSION *next = NULL;
        status = one_connection(cfg, ctx, got, &next, i == 4);
        SSL_SESSION_free(next);
    }
    SSL_SESSION_free(got);
    SSL_SESSION_free(resume);
    return status;
}
