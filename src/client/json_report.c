/* s_client's -json and -timing (see observe.h): the observer session.c keeps per connection,
 * the reports written at the end of each connection, and -json's quiet session. */
#include "client/observe.h"
#include "lib/err.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <openssl/err.h>

struct client_obs *client_obs_of(SSL *ssl)
{
    const struct client_conn *conn = ssl != NULL ? SSL_get_app_data(ssl) : NULL;
    return conn != NULL ? conn->obs : NULL;
}

void client_obs_start(struct client_obs *o)
{
    memset(o, 0, sizeof(*o));
    timing_start(&o->timing);
    o->error.alert = -1;
}

int client_obs_connect(const struct client_config *cfg, SSL *ssl)
{
    struct client_obs *o = client_obs_of(ssl);
    if (o == NULL)
        return client_connect_info(cfg, NULL);
    int fd = client_connect_info(cfg, &o->net);
    o->have_net = o->net.attempts > 0 || o->net.failure != NET_OK;
    if (o->have_net) {
        timing_set(&o->timing, TIMING_RESOLVE, o->net.resolve_ms);
        if (o->net.failure != NET_FAIL_RESOLVE)
            timing_set(&o->timing, TIMING_CONNECT, o->net.connect_ms);
    }
    timing_begin(&o->timing);
    if (fd >= 0)
        return fd;
    const char *class = o->net.failure == NET_FAIL_RESOLVE   ? CONNINFO_RESOLVE
                        : o->net.failure == NET_FAIL_TIMEOUT ? CONNINFO_TIMEOUT
                                                             : CONNINFO_CONNECT;
    client_obs_fail(o, class, o->net.error[0] ? o->net.error : "cannot connect");
    return fd;
}

void client_obs_begin(SSL *ssl)
{
    struct client_obs *o = client_obs_of(ssl);
    if (o != NULL)
        timing_begin(&o->timing);
}

int client_obs_end(SSL *ssl, enum timing_phase phase, int rc, const char *class)
{
    struct client_obs *o = client_obs_of(ssl);
    if (o == NULL)
        return rc;
    timing_end(&o->timing, phase);
    if (rc < 0 && class != NULL) {
        char msg[128];
        snprintf(msg, sizeof(msg), "%s failed (the reason is on stderr)",
                 phase == TIMING_PROXY ? "the -proxy CONNECT" : "the -starttls dialogue");
        client_obs_fail(o, class, msg);
    }
    return rc;
}

void client_obs_fail(struct client_obs *o, const char *class, const char *message)
{
    if (o != NULL && o->error.class == NULL)
        conninfo_error_set(&o->error, class, message);
}

void client_obs_handshake_failed(struct client_obs *o, const struct client_config *cfg, SSL *ssl,
                                 int rc)
{
    char msg[128];
    if (o == NULL || o->error.class != NULL)
        return;
    if (rc == -2) {
        snprintf(msg, sizeof(msg), "TLS handshake with the server failed: no answer within %d s",
                 cfg->handshake_timeout);
        conninfo_error_set(&o->error, CONNINFO_TIMEOUT, msg);
        return;
    }
    conninfo_error_from_ssl(&o->error, ssl, rc, "TLS handshake with the server failed");
}

void client_obs_data_in(SSL *ssl, size_t n)
{
    struct client_obs *o = client_obs_of(ssl);
    if (o == NULL || n == 0)
        return;
    if (!o->first_byte_seen) {
        o->first_byte_seen = 1;
        timing_end(&o->timing, TIMING_FIRST_BYTE);
    }
    o->bytes_in += (long long)n;
}

/* The -json object, one line on stdout. */
static void json_report(const struct client_config *cfg, SSL *ssl, struct client_obs *o)
{
    char *host = NULL, *port = NULL;
    BIO *out = BIO_new_fp(stdout, BIO_NOCLOSE);
    if (out == NULL)
        return;
    if (cfg->unix_path == NULL && client_target(cfg, &host, &port) < 0)
        host = port = NULL;
    struct conninfo ci = {
        "s_client",
        host != NULL ? host : cfg->unix_path,
        port,
        o->have_net ? &o->net : NULL,
        NULL,
        cfg->starttls,
        &o->timing,
        NULL,
        cfg->common.status,
        cfg->dane_tlsa_domain != NULL,
        o->bytes_in,
        o->bytes_out,
        &o->error,
    };
    if (conninfo_write_json(out, ssl, &ci) < 0)
        err_msg("cannot write the -json report");
    BIO_free(out);
    free(host);
    free(port);
}

void client_obs_report(const struct client_config *cfg, SSL *ssl, struct client_obs *o)
{
    if (o == NULL)
        return;
    if (o->error.class == NULL && (ssl == NULL || !SSL_is_init_finished(ssl)))
        client_obs_fail(o, CONNINFO_CONNECT, "the connection could not be set up");
    if (cfg->common.timing) {
        BIO *err = BIO_new_fp(stderr, BIO_NOCLOSE);
        if (err != NULL)
            timing_print(err, &o->timing);
        BIO_free(err);
    }
    if (cfg->common.json)
        json_report(cfg, ssl, o);
    fflush(stdout);
}

/* ------------------------------------------------------------------ -json's session */

/* Sends what stdin gave. Returns 0, or -1 when the connection failed. */
static int send_chunk(SSL *ssl, int fd, const char *buf, size_t len, struct client_obs *o)
{
    size_t off = 0;
    while (off < len) {
        size_t written = 0;
        if (SSL_write_ex(ssl, buf + off, len - off, &written)) {
            off += written;
            continue;
        }
        int e = SSL_get_error(ssl, 0);
        if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE)
            return -1;
        struct pollfd pfd = {fd, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, 0};
        poll(&pfd, 1, 1000);
    }
    if (o != NULL)
        o->bytes_out += (long long)len;
    return 0;
}

/* Reads what the server sent. Returns 1 to go on, 0 when it closed, -1 on failure. */
static int read_available(SSL *ssl)
{
    char buf[16384];
    do {
        ERR_clear_error();
        int k = SSL_read(ssl, buf, sizeof(buf));
        if (k > 0) {
            client_obs_data_in(ssl, (size_t)k);
            continue;
        }
        switch (SSL_get_error(ssl, k)) {
        case SSL_ERROR_WANT_READ:
        case SSL_ERROR_WANT_WRITE:
            return 1;
        case SSL_ERROR_ZERO_RETURN:
            return 0;
        default:
            return -1;
        }
    } while (SSL_pending(ssl) > 0);
    return 1;
}

int client_json_session(const struct client_config *cfg, SSL *ssl, int fd)
{
    int stdin_open = 1, status = 0;
    struct client_obs *o = client_obs_of(ssl);
    net_set_nonblock(fd, 1);
    for (;;) {
        struct pollfd pfd[2] = {{fd, POLLIN, 0}, {STDIN_FILENO, POLLIN, 0}};
        int rc = SSL_pending(ssl) > 0 ? 1 : poll(pfd, stdin_open ? 2 : 1, -1);
        if (rc < 0 && errno == EINTR)
            continue;
        if (rc < 0)
            break;
        if (SSL_pending(ssl) > 0 || (pfd[0].revents & (POLLIN | POLLHUP | POLLERR))) {
            int r = read_available(ssl);
            if (r <= 0) {
                status = r < 0 ? 1 : 0;
                break;
            }
        }
        if (stdin_open && (pfd[1].revents & (POLLIN | POLLHUP | POLLERR))) {
            char buf[8192];
            ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));
            if (n > 0 && send_chunk(ssl, fd, buf, (size_t)n, o) < 0) {
                status = 1;
                break;
            }
            if (n <= 0) {
                stdin_open = 0;
                if (!cfg->common.ign_eof)
                    break; /* as openssl: stdin's end ends the session */
            }
        }
    }
    ERR_clear_error();
    net_set_nonblock(fd, 0);
    return status;
}
