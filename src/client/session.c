/* The connections of one s_client run: set-up, transport, STARTTLS, early data, handshake,
 * report; then either the next -reconnect or the interactive session; then the orderly close.
 * The chatter and its order follow openssl 3.0 (CONNECTED, "drop connection and then
 * reconnect", the report after a failed handshake, -prexit's report at exit). */
#include "client/client.h"
#include "client/observe.h"
#include "lib/err.h"
#include "lib/load.h"
#include "lib/net.h"
#include "lib/newlib.h"
#include "lib/trace.h"
#include "lib/outfmt.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <openssl/err.h>
#include <openssl/pem.h>

/* -reconnect makes this many connections after the first, as openssl's does. */
#define RECONNECTS 5
/* The longest a connection waits for a TLS 1.3 ticket (-reconnect, -sess_out) before it is
 * dropped. A server sends its tickets as soon as it has our Finished, so they come about one
 * round trip after the handshake: the wait ends sooner, after four handshake times (at least
 * 50 ms), when a server that sends none is the likelier case. */
#define TICKET_WAIT_MS 2000
/* How long the close waits for what the server still sends, as openssl does. */
#define DRAIN_MS 500

/* What one connection ended with. */
enum conn_result { CONN_FAILED, CONN_DROPPED, CONN_FINISHED };

static BIO *client_out(SSL_CTX *ctx)
{
    return trace_out(ctx);
}

void client_report(const struct client_config *cfg, SSL *ssl, int full)
{
    BIO *out = client_out(SSL_get_SSL_CTX(ssl));
    const struct client_conn *conn = SSL_get_app_data(ssl);
    if (out == NULL)
        return;
    struct print_opts po = client_print_opts(cfg);
    print_client_report(out, ssl, &po, !full, conn != NULL ? conn->npn_status : 0);
}

/* -brief: "CONNECTION ESTABLISHED" and the summary, on stderr. */
static void brief_report(const struct client_config *cfg, SSL *ssl)
{
    BIO *err = BIO_new_fp(stderr, BIO_NOCLOSE);
    if (err == NULL)
        return;
    struct print_opts po = client_print_opts(cfg);
    print_brief(err, ssl, &po);
    BIO_free(err);
}

static SSL_SESSION *read_session(const char *path)
{
    if (load_check_file(path, "TLS session") < 0)
        return NULL;
    BIO *b = BIO_new_file(path, "r");
    if (b == NULL) {
        err_ssl("cannot open the session file \"%s\"", path);
        return NULL;
    }
    SSL_SESSION *s = PEM_read_bio_SSL_SESSION(b, NULL, NULL, NULL);
    BIO_free(b);
    if (s == NULL)
        err_ssl("cannot read a TLS session from \"%s\"", path);
    return s;
}

/* A configured SSL (no transport yet), or NULL (reported). */
static SSL *client_ssl_new(const struct client_config *cfg, SSL_CTX *ctx, SSL_SESSION *resume,
                           struct client_conn *conn)
{
    SSL *ssl = SSL_new(ctx);
    char *sni = NULL;
    if (ssl == NULL) {
        err_ssl("cannot create a TLS connection");
        goto fail;
    }
    SSL_set_app_data(ssl, conn);
    if (cfg->common.enable_pha)
        SSL_set_post_handshake_auth(ssl, 1);
    if (resume != NULL && !SSL_set_session(ssl, resume)) {
        err_ssl("cannot resume the session");
        goto fail;
    }
    sni = client_default_servername(cfg);
    if (sni != NULL && !SSL_set_tlsext_host_name(ssl, sni)) {
        err_ssl("cannot use \"%s\" as server name", sni);
        goto fail;
    }
    if (cfg->dane_tlsa_domain != NULL && client_dane_setup(cfg, ctx, ssl) < 0)
        goto fail;
    if (newlib_setup_ssl(ssl, &cfg->common.newlib) < 0)
        goto fail;
    free(sni);
    return ssl;
fail:
    free(sni);
    SSL_free(ssl);
    return NULL;
}

static int run_starttls(const struct client_config *cfg, SSL *ssl, int fd)
{
    return client_starttls(cfg, ssl, fd);
}

/* Waits until fd is ready for what SSL asked for (or an async job is), bounded by deadline
 * (0: none) and by the DTLS retransmission timer. Returns 0, or -1 on timeout. */
static int wait_for(SSL *ssl, int fd, int err, time_t deadline)
{
    struct pollfd pfd = {fd, err == SSL_ERROR_WANT_WRITE ? POLLOUT : POLLIN, 0};
    int wait_ms = -1;
    struct timeval tv;
    if (err == SSL_ERROR_WANT_ASYNC) {
        size_t n = 0;
        OSSL_ASYNC_FD afd;
        if (SSL_get_all_async_fds(ssl, NULL, &n) && n == 1 &&
            SSL_get_all_async_fds(ssl, &afd, &n))
            pfd.fd = afd;
        else
            wait_ms = 10;
    }
    if (SSL_is_dtls(ssl) && DTLSv1_get_timeout(ssl, &tv))
        wait_ms = (int)(tv.tv_sec * 1000 + tv.tv_usec / 1000);
    if (deadline != 0) {
        long left = (long)(deadline - time(NULL));
        if (left <= 0)
            return -1;
        if (wait_ms < 0 || wait_ms > left * 1000)
            wait_ms = (int)left * 1000;
    }
    int rc;
    do {
        rc = poll(&pfd, 1, wait_ms);
    } while (rc < 0 && errno == EINTR);
    if (rc == 0 && SSL_is_dtls(ssl))
        DTLSv1_handle_timeout(ssl);
    return rc == 0 && deadline != 0 && time(NULL) >= deadline ? -1 : 0;
}

/* Sends -early_data's file as 0-RTT data, when the session to resume allows early data. */
static int send_early_data(const struct client_config *cfg, SSL *ssl, int fd)
{
    SSL_SESSION *sess = SSL_get0_session(ssl);
    if (cfg->early_data == NULL)
        return 0;
    if (!(sess != NULL && SSL_SESSION_get_max_early_data(sess) > 0) &&
        !(cfg->psk_sess != NULL && SSL_SESSION_get_max_early_data(cfg->psk_sess) > 0))
        return 0; /* nothing to resume that takes early data: it is simply not sent */
    BIO *f = BIO_new_file(cfg->early_data, "r");
    if (f == NULL) {
        err_ssl("cannot open the early data file \"%s\"", cfg->early_data);
        return -1;
    }
    char buf[8192];
    int ret = 0;
    size_t got = 0, written = 0;
    while (ret == 0 && BIO_read_ex(f, buf, sizeof(buf), &got)) {
        size_t off = 0;
        while (off < got) {
            if (SSL_write_early_data(ssl, buf + off, got - off, &written)) {
                off += written;
                continue;
            }
            int e = SSL_get_error(ssl, 0);
            if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE &&
                e != SSL_ERROR_WANT_ASYNC) {
                err_ssl("cannot write early data");
                ret = -1;
                break;
            }
            wait_for(ssl, fd, e, 0);
        }
    }
    BIO_free(f);
    return ret;
}

/* -nbio's (and -nbio_test's) chatter while the handshake waits: openssl drives it with a
 * write first, then with reads, and says which one had to wait. */
static void nbio_chatter(const struct client_config *cfg, SSL *ssl, int e, int first)
{
    BIO *out = client_out(SSL_get_SSL_CTX(ssl));
    if (!(cfg->common.nbio || cfg->common.nbio_test) || out == NULL)
        return;
    const char *op = first ? "write" : "read";
    if (e == SSL_ERROR_WANT_READ)
        BIO_printf(out, "%s R BLOCK\n", op);
    else if (e == SSL_ERROR_WANT_WRITE)
        BIO_printf(out, "%s W BLOCK\n", op);
    else if (e == SSL_ERROR_WANT_ASYNC)
        BIO_printf(out, "%s A BLOCK\n", op);
    out_flush(out);
}

/* SSL_connect until it is done, fails or the deadline passes (see do_handshake). */
static int handshake_steps(const struct client_config *cfg, SSL *ssl, int fd, time_t deadline)
{
    for (int waits = 0;; waits++) {
        ERR_clear_error();
        errno = 0;
        int rc = SSL_connect(ssl);
        if (rc == 1) {
            /* openssl's last handshake read also looked for data, and found none */
            if (waits > 0)
                nbio_chatter(cfg, ssl, SSL_ERROR_WANT_READ, 0);
            return 1;
        }
        int e = SSL_get_error(ssl, rc);
        if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE && e != SSL_ERROR_WANT_ASYNC)
            return rc;
        nbio_chatter(cfg, ssl, e, waits == 0);
        if (wait_for(ssl, fd, e, deadline) < 0)
            return -2;
    }
}

/* Drives the handshake, waiting as the socket or -handshake_timeout needs (deadline: when
 * STARTTLS and the handshake must be over, 0 for never). Returns 1 on success, else the
 * failing return of SSL_connect (-2: timed out). */
static int do_handshake(const struct client_config *cfg, SSL *ssl, int fd, time_t deadline)
{
    /* a deadline needs a socket that cannot block SSL_connect; blocking again after */
    int unblock = deadline != 0 && !cfg->common.nbio && !SSL_is_dtls(ssl);
    if (unblock)
        net_set_nonblock(fd, 1);
    int rc = handshake_steps(cfg, ssl, fd, deadline);
    if (unblock)
        net_set_nonblock(fd, 0);
    return rc;
}

static void handshake_failed(const struct client_config *cfg, SSL *ssl, int rc)
{
    char why[512];
    if (rc == -2)
        snprintf(why, sizeof(why), "no answer within %d s", cfg->handshake_timeout);
    else
        err_ssl_io_reason(ssl, rc, why, sizeof(why));
    err_msg("TLS handshake with the server failed: %s", why);
    ERR_clear_error();
}

static long ms_since(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - start->tv_sec) * 1000 + (now.tv_nsec - start->tv_nsec) / 1000000;
}

/* Under TLS 1.3 the session to resume or save comes after the handshake, which took hs_ms:
 * read until a ticket has arrived (bounded, see TICKET_WAIT_MS). */
static void wait_for_ticket(SSL *ssl, int fd, const struct client_conn *conn, long hs_ms)
{
    char buf[4096];
    struct timespec start;
    long limit = 4 * hs_ms < 50 ? 50 : 4 * hs_ms;
    if (limit > TICKET_WAIT_MS)
        limit = TICKET_WAIT_MS;
    clock_gettime(CLOCK_MONOTONIC, &start);
    while (conn->tickets == 0) {
        long spent = ms_since(&start);
        if (spent >= limit)
            return;
        struct pollfd pfd = {fd, POLLIN, 0};
        if (SSL_has_pending(ssl) == 0 && poll(&pfd, 1, (int)(limit - spent)) <= 0)
            return;
        int n = SSL_read(ssl, buf, sizeof(buf));
        if (n > 0) {
            fwrite(buf, 1, (size_t)n, stdout);
            fflush(stdout);
        } else if (SSL_get_error(ssl, n) != SSL_ERROR_WANT_READ) {
            ERR_clear_error();
            return;
        }
    }
}

/* The orderly end: close_notify, half-close, then take what the server still sends for a
 * moment (through the transport BIO, so -debug shows it) before closing. */
static void close_connection(SSL *ssl, int fd, int drain)
{
    if (SSL_get_rbio(ssl) != NULL && SSL_is_init_finished(ssl)) {
        int rc = SSL_shutdown(ssl);
        for (int i = 0; rc < 0 && i < 100 && SSL_get_error(ssl, rc) == SSL_ERROR_WANT_ASYNC; i++)
            rc = SSL_shutdown(ssl);
    }
    ERR_clear_error();
    if (drain && fd >= 0) {
        shutdown(fd, SHUT_WR);
        BIO *rbio = SSL_get_rbio(ssl);
#ifdef HAVE_OPENSSL35_OUTPUT
        char buf[16384]; /* openssl 3.5 reads the rest 16 KiB at a time, as -debug shows */
#else
        char buf[8192];
#endif
        struct timespec start;
        clock_gettime(CLOCK_MONOTONIC, &start);
        for (;;) {
            long spent = ms_since(&start);
            struct pollfd pfd = {fd, POLLIN, 0};
            if (spent >= DRAIN_MS || poll(&pfd, 1, (int)(DRAIN_MS - spent)) <= 0)
                break;
            if (rbio == NULL || BIO_read(rbio, buf, sizeof(buf)) <= 0)
                break;
        }
    }
    if (fd >= 0)
        close(fd);
}

/* Transport, CONNECTED, -nbio, BIOs and traces. Returns the fd or -1 (reported). */
static int open_transport(const struct client_config *cfg, SSL *ssl)
{
    BIO *out = client_out(SSL_get_SSL_CTX(ssl));
    int fd = client_obs_connect(cfg, ssl);
    if (fd < 0)
        return -1;
    if (out != NULL) {
        BIO_printf(out, "CONNECTED(%08X)\n", (unsigned int)fd);
        out_flush(out);
    }
    if (cfg->common.nbio) {
        if (net_set_nonblock(fd, 1) < 0) {
            err_msg("cannot make the socket non-blocking: %s", strerror(errno));
            goto fail;
        }
        if (out != NULL)
            BIO_puts(out, "Turned on non blocking io\n");
    }
    if (client_attach_transport(cfg, ssl, fd) < 0 || trace_setup_ssl(ssl, &cfg->common) < 0)
        goto fail;
    SSL_set_connect_state(ssl);
    return fd;
fail:
    close(fd);
    return -1;
}

/* What comes before the handshake on an open transport: the proxy's tunnel, STARTTLS.
 * Returns 0 or -1 (reported). */
static int before_handshake(const struct client_config *cfg, SSL *ssl, int fd)
{
    if (cfg->proxy != NULL) {
        client_obs_begin(ssl);
        if (client_obs_end(ssl, TIMING_PROXY, client_proxy_tunnel(cfg, SSL_get_wbio(ssl), fd),
                           CONNINFO_PROXY) < 0)
            return -1;
    }
    if (cfg->starttls != NULL) {
        client_obs_begin(ssl);
        if (client_obs_end(ssl, TIMING_STARTTLS, run_starttls(cfg, ssl, fd), CONNINFO_STARTTLS) < 0)
            return -1;
    }
    return 0;
}

/* One connection. full: the first connection's full report (reconnections print the short
 * one). drop: -reconnect will make another, so hand back the session instead of relaying.
 * *session holds the session to resume and gets the one to resume next; *status the exit
 * status. */
static enum conn_result one_connection(const struct client_config *cfg, SSL_CTX *ctx,
                                       SSL_SESSION **session, int full, int drop, int *status)
{
    struct client_conn conn = {0, 0, NULL};
    struct client_obs obs;
    enum conn_result result = CONN_FAILED;
    int fd = -1, handshaken = 0;
    *status = 1;
    client_obs_start(&obs);
    if (cfg->common.json || cfg->common.timing)
        conn.obs = &obs;
    SSL *ssl = client_ssl_new(cfg, ctx, *session, &conn);
    if (ssl == NULL)
        return CONN_FAILED;
    if ((fd = open_transport(cfg, ssl)) < 0)
        goto done;
    /* one bound for STARTTLS and the handshake together */
    time_t hs_deadline = cfg->handshake_timeout > 0 ? time(NULL) + cfg->handshake_timeout : 0;
    if (before_handshake(cfg, ssl, fd) < 0 || send_early_data(cfg, ssl, fd) < 0)
        goto shut;
    client_obs_begin(ssl);
    struct timespec hs_start;
    clock_gettime(CLOCK_MONOTONIC, &hs_start);
    int rc = do_handshake(cfg, ssl, fd, hs_deadline);
    long hs_ms = ms_since(&hs_start);
    client_obs_end(ssl, TIMING_HANDSHAKE, 0, NULL);
    if (rc != 1) {
        client_obs_handshake_failed(conn.obs, cfg, ssl, rc);
        handshake_failed(cfg, ssl, rc);
        goto shut;
    }
    handshaken = 1;
    if (cfg->common.brief && !cfg->common.json)
        brief_report(cfg, ssl);
    client_report(cfg, ssl, full);
    if (drop) {
        BIO *out = client_out(ctx);
        if (out != NULL)
            BIO_puts(out, "drop connection and then reconnect\n");
        if (SSL_version(ssl) == TLS1_3_VERSION)
            wait_for_ticket(ssl, fd, &conn, hs_ms);
        SSL_SESSION_free(*session);
        *session = SSL_get1_session(ssl);
        close_connection(ssl, fd, 0);
        fd = -1;
        *status = 0;
        result = CONN_DROPPED;
        goto done;
    }
    if (cfg->common.json)
        *status = client_json_session(cfg, ssl, fd);
    else
        *status = client_interact(cfg, ssl, fd);
    /* a TLS 1.3 session only exists once its ticket is in: let -sess_out have it */
    if (cfg->sess_out != NULL && SSL_version(ssl) == TLS1_3_VERSION)
        wait_for_ticket(ssl, fd, &conn, hs_ms);
    result = CONN_FINISHED;
shut:
    if (!handshaken)
        client_report(cfg, ssl, full);
    close_connection(ssl, fd, 1);
    fd = -1;
    if (cfg->prexit)
        client_report(cfg, ssl, 1);
done:
    if (fd >= 0)
        close(fd);
    client_obs_report(cfg, ssl, conn.obs);
    fflush(stdout);
    SSL_free(ssl);
    return result;
}

int client_run(struct client_config *cfg, SSL_CTX *ctx)
{
    SSL_SESSION *session = NULL;
    int status = 1;
    if (cfg->sess_in != NULL && (session = read_session(cfg->sess_in)) == NULL)
        return 1;
    int reconnects = cfg->reconnect ? RECONNECTS : 0;
    for (int i = 0; i <= reconnects; i++) {
        if (one_connection(cfg, ctx, &session, i == 0, i < reconnects, &status) != CONN_DROPPED)
            break;
    }
    SSL_SESSION_free(session);
    return status;
}
