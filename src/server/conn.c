/* One client connection: the state machine behind conn.h, driven by its worker's readiness
 * events. Non-blocking throughout: every TLS call that would block records what it waits for
 * (want read / want write) and the worker's epoll set is adjusted to match. */
#include "server/loop.h"
#include "server/chello_report.h"
#include "server/coalesce.h"
#include "lib/chello.h"
#include "lib/err.h"
#include "lib/trace.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <openssl/err.h>

/* The most plaintext handed to one SSL_write: four full records, few enough that one slow
 * peer's write ends quickly. */
#define OUT_CHUNK 65536
/* A peer that sends faster than it reads its answers (-rev) is not read from while this much
 * is queued for it, so it cannot make us buffer without bound. */
#define OUT_HIGH_WATER (256 * 1024)
/* Bytes one event may write to one connection before the others get their turn. */
#define WRITE_BUDGET (1024 * 1024)
/* Records one event may read from one connection before the others get their turn. */
#define READ_BUDGET 32
/* Queue buffers larger than this are freed once sent (unless a file is streaming), so an idle
 * connection keeps little. */
#define OUT_KEEP 16384

/* Timer lengths in ms, by enum conn_timer. The handshake bound is short because a client that
 * takes longer than 10 s over a working network is stalled or hostile; a request head gets
 * 30 s (a person typing one into s_client has time); -rev waits 2 minutes between lines; a
 * closing connection 5 s for its last bytes; and a client that stops taking its answer 30 s. */
static const int timer_ms[CONN_TIMER_COUNT] = {0, 10000, 30000, 120000, 5000, 30000};

static const char *const timer_what[CONN_TIMER_COUNT] = {
    "", "no complete handshake", "no complete request", "idle", "", "answer not read",
};

const struct conn_handler *mode_handler(enum server_mode mode)
{
    switch (mode) {
    case MODE_WWW:
    case MODE_WWW_FILES:
    case MODE_HTTP:
        return &mode_http_handler;
    case MODE_REV:
        return &mode_rev_handler;
    case MODE_INTERACTIVE:
        break;
    }
    return &mode_echo_handler;
}

SSL *conn_ssl(const struct conn *c)
{
    return c->ssl;
}

struct server *conn_server(const struct conn *c)
{
    return c->w->srv;
}

void *conn_data(const struct conn *c)
{
    return c->hdata;
}

void conn_set_data(struct conn *c, void *data)
{
    c->hdata = data;
}

const char *conn_peer(const struct conn *c)
{
    return c->peer;
}

void conn_warn(const struct conn *c, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    err_warn("client %s: %s", c->peer, msg);
}

size_t conn_queued(const struct conn *c)
{
    return c->out_len - c->out_off;
}

int conn_send(struct conn *c, const void *buf, size_t len)
{
    if (len == 0)
        return 0;
    char *dst = conn_reserve(c, len);
    if (dst == NULL)
        return -1;
    memcpy(dst, buf, len);
    conn_commit(c, len);
    return 0;
}

char *conn_reserve(struct conn *c, size_t len)
{
    if (c->out_off == c->out_len)
        c->out_off = c->out_len = 0;
    if (c->out_len + len > c->out_cap) {
        size_t cap = c->out_cap ? c->out_cap : 4096;
        while (cap < c->out_len + len)
            cap *= 2;
        char *p = realloc(c->out, cap);
        if (p == NULL) {
            conn_warn(c, "out of memory for %zu bytes of output", len);
            return NULL;
        }
        c->out = p;
        c->out_cap = cap;
    }
    return c->out + c->out_len;
}

void conn_commit(struct conn *c, size_t len)
{
    c->out_len += len;
}

void conn_produce(struct conn *c, int on)
{
    c->producing = on != 0;
}

void conn_finish(struct conn *c)
{
    c->finishing = 1;
}

void conn_pause_reading(struct conn *c, int on)
{
    c->read_paused = on != 0;
    if (!on && SSL_has_pending(c->ssl))
        worker_mark_ready(c->w, c);
}

void conn_arm(struct conn *c, enum conn_timer timer)
{
    worker_timer_unlink(c->w, c);
    c->timer = timer;
    if (timer == CONN_TIMER_NONE)
        return;
    c->deadline = loop_now() + timer_ms[timer];
    worker_timer_append(c->w, c);
}

/* Writes out what the coalescing BIO holds. Returns 1 when nothing is held, 0 when the socket
 * is full (the connection then waits until it is writable), -1 when the socket failed. */
static int flush_out(struct conn *c)
{
    BIO *wbio = SSL_get_wbio(c->ssl);
    if (coalesce_pending(wbio) == 0)
        return 1;
    int r = coalesce_flush(wbio);
    if (r < 0) {
        conn_warn(c, "writing failed: %s", strerror(errno));
        c->failed = 1;
    }
    return r;
}

int conn_send_raw(struct conn *c, const void *buf, size_t len)
{
    const char *p = buf;
    if (flush_out(c) <= 0) /* what TLS has written goes first */
        return -1;
    while (len > 0) {
        ssize_t n = send(c->fd, p, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Output made progress: a slow reader gets its timer back each time (the answer's, or -rev's
 * idle one, so that a client taking its answers slowly is not taken for an idle one). */
static void note_progress(struct conn *c)
{
    if (c->timer == CONN_TIMER_REQUEST || c->timer == CONN_TIMER_SEND)
        conn_arm(c, CONN_TIMER_SEND);
    else if (c->timer == CONN_TIMER_IDLE)
        conn_arm(c, CONN_TIMER_IDLE);
}

ssize_t conn_sendfile(struct conn *c, int fd, off_t offset, size_t len)
{
    if (!BIO_get_ktls_send(SSL_get_wbio(c->ssl)))
        return -1;
    int f = flush_out(c);
    if (f <= 0) {
        c->wr_want = SSL_ERROR_WANT_WRITE;
        return f;
    }
    ERR_clear_error();
    ossl_ssize_t n = SSL_sendfile(c->ssl, fd, offset, len, 0);
    /* come back when the socket has room, whether this call blocked or made progress */
    c->wr_want = SSL_ERROR_WANT_WRITE;
    if (n > 0) {
        note_progress(c);
        return (ssize_t)n;
    }
    int e = SSL_get_error(c->ssl, (int)n);
    if (e == SSL_ERROR_WANT_WRITE || e == SSL_ERROR_WANT_READ)
        return 0;
    char why[256];
    conn_warn(c, "sendfile failed: %s", err_ssl_io_reason(c->ssl, (int)n, why, sizeof(why)));
    ERR_clear_error();
    c->failed = 1;
    return -1;
}

/* "127.0.0.1:41234", "[::1]:41234" or "unix socket". */
static void format_peer(char *buf, size_t len, const struct sockaddr *sa, socklen_t salen)
{
    char host[INET6_ADDRSTRLEN] = "?";
    if (salen >= sizeof(struct sockaddr_in) && sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const void *)sa;
        inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
        snprintf(buf, len, "%s:%u", host, ntohs(in->sin_port));
    } else if (salen >= sizeof(struct sockaddr_in6) && sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const void *)sa;
        inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
        snprintf(buf, len, "[%s]:%u", host, ntohs(in6->sin6_port));
    } else {
        snprintf(buf, len, "unix socket");
    }
}

static void conn_run(struct conn *c);

/* -nbio_test: a filter that makes random reads and writes "retry", which exercises every
 * want-read/want-write path of the loop. Writes go through the coalescing filter (coalesce.h),
 * except under -debug, whose dump shows each record as libssl writes it, as openssl's does. */
static int conn_set_bio(struct conn *c, int nbio_test, int debug)
{
    BIO *sock = BIO_new_socket(c->fd, BIO_NOCLOSE);
    if (sock == NULL)
        return -1;
    BIO *top = sock;
    if (nbio_test) {
        BIO *test = BIO_new(BIO_f_nbio_test());
        if (test == NULL) {
            BIO_free(sock);
            return -1;
        }
        top = BIO_push(test, sock);
    }
    BIO *wbio = debug ? NULL : coalesce_new();
    if (wbio == NULL || !BIO_up_ref(top)) {
        BIO_free(wbio);
        SSL_set_bio(c->ssl, top, top);
        return debug ? 0 : -1;
    }
    /* two owners of top from here: the SSL as its read BIO, and the filter's chain */
    SSL_set_bio(c->ssl, top, BIO_push(wbio, top));
    return 0;
}

/* DTLS: a datagram BIO on the (connected) socket, with -mtu applied. */
static int conn_set_dgram_bio(struct conn *c, const struct sockaddr *peer, int mtu)
{
    BIO *bio = BIO_new_dgram(c->fd, BIO_NOCLOSE);
    BIO_ADDR *addr = BIO_ADDR_new();
    int ok = bio != NULL && addr != NULL;
    if (ok && peer->sa_family == AF_INET)
        ok = BIO_ADDR_rawmake(addr, AF_INET, &((const struct sockaddr_in *)peer)->sin_addr,
                              sizeof(struct in_addr), ((const struct sockaddr_in *)peer)->sin_port);
    else if (ok)
        ok = BIO_ADDR_rawmake(addr, AF_INET6, &((const struct sockaddr_in6 *)peer)->sin6_addr,
                              sizeof(struct in6_addr),
                              ((const struct sockaddr_in6 *)peer)->sin6_port);
    if (ok)
        BIO_ctrl(bio, BIO_CTRL_DGRAM_SET_CONNECTED, 0, addr);
    BIO_ADDR_free(addr);
    if (!ok) {
        BIO_free(bio);
        return -1;
    }
    chello_set_bio(c->ssl, bio); /* the ClientHello DTLSv1_listen() saw stays recorded */
    if (mtu > 0) {
        SSL_set_options(c->ssl, SSL_OP_NO_QUERY_MTU);
        DTLS_set_link_mtu(c->ssl, mtu);
    }
    return 0;
}

/* A new connection on fd (or, for DTLS, the listening socket connected to the peer), with ssl
 * when DTLSv1_listen() made it already. On failure fd is closed (DTLS: left to the caller). */
static int conn_new(struct worker *w, int fd, const struct sockaddr *peer, socklen_t peerlen,
                    SSL *ssl, int dgram)
{
    struct server *srv = w->srv;
    struct conn *c = calloc(1, sizeof(*c));
    if (c == NULL) {
        err_warn("out of memory for a new connection");
        SSL_free(ssl);
        if (!dgram)
            close(fd);
        return -1;
    }
    c->src.kind = EV_CONN;
    c->w = w;
    c->fd = fd;
    c->dgram = dgram != 0;
    c->h = mode_handler(srv->cfg->mode);
    format_peer(c->peer, sizeof(c->peer), peer, peerlen);
    c->ssl = ssl != NULL ? ssl : SSL_new(srv->ctx);
    int rc = c->ssl == NULL ? -1
             : dgram        ? conn_set_dgram_bio(c, peer, srv->cfg->common.mtu)
                            : conn_set_bio(c, srv->cfg->common.nbio_test,
                                            srv->cfg->common.debug);
    if (rc < 0) {
        err_ssl("cannot set up a connection for %s", c->peer);
        goto fail;
    }
    SSL_set_app_data(c->ssl, c);
    SSL_set_mode(c->ssl, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_ENABLE_PARTIAL_WRITE |
                             SSL_MODE_RELEASE_BUFFERS);
    /* a flight of several records in one read() (not under -debug, whose dump shows libssl's
     * reads as openssl's does); what is read ahead is drained through SSL_has_pending() */
    if (!dgram && !srv->cfg->common.debug)
        SSL_set_read_ahead(c->ssl, 1);
    /* not after DTLSv1_listen(): that would forget the cookie exchange it has done */
    if (ssl == NULL)
        SSL_set_accept_state(c->ssl);
    if (trace_setup_ssl(c->ssl, &srv->cfg->common) < 0 || server_chello_attach(c->ssl) < 0)
        goto fail;
    /* linked in before anything can fail below, so conn_free() undoes it all */
    c->prev = w->last;
    if (w->last != NULL)
        w->last->next = c;
    else
        w->first = c;
    w->last = c;
    w->nconns++;
    c->phase = PH_HANDSHAKE;
    conn_arm(c, CONN_TIMER_HANDSHAKE);
    worker_watch(w, c, EPOLLIN);
    if (dgram)
        conn_run(c); /* the ClientHello is already waiting */
    return 0;
fail:
    SSL_free(c->ssl);
    if (!dgram)
        close(fd);
    free(c);
    return -1;
}

int conn_accept(struct worker *w, int fd, const struct sockaddr *peer, socklen_t peerlen)
{
    return conn_new(w, fd, peer, peerlen, NULL, 0);
}

int conn_accept_dtls(struct worker *w, int fd, const struct sockaddr *peer, socklen_t peerlen,
                     SSL *ssl)
{
    return conn_new(w, fd, peer, peerlen, ssl, 1);
}

void conn_dtls_timer(struct conn *c)
{
    if (DTLSv1_handle_timeout(c->ssl) < 0) {
        conn_warn(c, "DTLS retransmission failed");
        ERR_clear_error();
        c->failed = 1;
        c->phase = PH_CLOSED;
    }
    conn_run(c);
}

int64_t conn_dtls_deadline(const struct conn *c)
{
    struct timeval tv;
    if (!c->dgram || !DTLSv1_get_timeout(c->ssl, &tv))
        return 0;
    return loop_now() + (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

/* A TLS call returned r <= 0: records what it waits for in *want and returns 0, or says why
 * it failed and returns -1. */
static int tls_blocked(struct conn *c, int r, int *want, const char *what)
{
    int e = SSL_get_error(c->ssl, r);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
        *want = e;
        return 0;
    }
    if (e == SSL_ERROR_WANT_ASYNC || e == SSL_ERROR_WANT_ASYNC_JOB) {
        /* -async: an engine is working on it; the call is simply made again on the next turn
         * of the loop (no socket to wait for) */
        *want = 0;
        worker_mark_ready(c->w, c);
        return 0;
    }
    char why[512];
    err_ssl_io_reason(c->ssl, r, why, sizeof(why));
    conn_warn(c, "%s failed: %s", what, why);
    ERR_clear_error();
    c->failed = 1;
    return -1;
}

/* -early_data: reads what the client sent before its handshake finished. Returns 1 when that
 * part is over, 0 when blocked, -1 on failure. */
static int read_early(struct conn *c)
{
    for (;;) {
        size_t n = 0;
        ERR_clear_error();
        int r = SSL_read_early_data(c->ssl, c->w->buf, sizeof(c->w->buf), &n);
        if (n > 0) {
            if (c->early == NULL && (c->early = BIO_new(BIO_s_mem())) == NULL)
                return -1;
            BIO_write(c->early, c->w->buf, (int)n);
        }
        if (r == SSL_READ_EARLY_DATA_FINISH) {
            c->early_done = 1;
            return 1;
        }
        if (r == SSL_READ_EARLY_DATA_ERROR)
            return tls_blocked(c, -1, &c->rd_want, "reading early data");
    }
}

BIO *conn_early_data(const struct conn *c)
{
    return c->early;
}

/* After a HelloRetryRequest a client may send a ChangeCipherSpec record before its second
 * ClientHello (RFC 8446, D.4). SSL_stateless() starts afresh each time and would take it for
 * a protocol error, so it is read off the socket here, as much of it as has come (what is
 * only peeked at would wake the loop again at once). Returns 1 when the next record is not
 * (or no longer) one, 0 while waiting for the rest, -1 on a socket error or a record that
 * began as one and turned into something else. */
static int skip_compat_ccs(struct conn *c)
{
    static const unsigned char ccs[] = {0x14, 0x03, 0x03, 0x00, 0x01, 0x01};
    unsigned char buf[sizeof(ccs)];
    size_t want = sizeof(ccs) - c->ccs_seen;
    ssize_t n = recv(c->fd, buf, want, MSG_PEEK);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
        c->rd_want = SSL_ERROR_WANT_READ;
        return 0;
    }
    if (n <= 0)
        return n == 0 ? 1 : -1; /* EOF: let the TLS layer say so */
    if (memcmp(buf, ccs + c->ccs_seen, (size_t)n) != 0)
        return c->ccs_seen == 0 ? 1 : -1;
    if (recv(c->fd, buf, (size_t)n, 0) != n)
        return -1;
    c->ccs_seen += (unsigned char)n;
    if (c->ccs_seen < sizeof(ccs)) {
        c->rd_want = SSL_ERROR_WANT_READ;
        return 0;
    }
    c->ccs_seen = 0;
    c->hrr_sent = 0;
    return 1;
}

static int step_handshake(struct conn *c)
{
    const struct server_config *cfg = c->w->srv->cfg;
    c->rd_want = 0;
    if (cfg->stateless && !c->stateless_ok) {
        /* -stateless: answer a ClientHello without a valid cookie with a HelloRetryRequest
         * carrying one, keeping no state until the client comes back with it */
        if (c->hrr_sent) {
            int r = skip_compat_ccs(c);
            if (r <= 0)
                return r;
        }
        int r = SSL_stateless(c->ssl);
        if (r == 0) {
            c->hrr_sent = 1;
            c->rd_want = SSL_ERROR_WANT_READ;
            return 0;
        }
        if (r < 0)
            return tls_blocked(c, r, &c->rd_want, "stateless handshake");
        c->stateless_ok = 1;
    }
    if (cfg->early_data && !c->early_done) {
        int r = read_early(c);
        if (r <= 0)
            return r;
    }
    ERR_clear_error();
    int r = SSL_do_handshake(c->ssl);
    if (r != 1) {
        server_json_handshake_failed(c->w->srv, c->ssl, r, c->peer);
        return tls_blocked(c, r, &c->rd_want, "TLS handshake");
    }
    c->phase = PH_OPEN;
    c->rd_want = 0;
    conn_arm(c, CONN_TIMER_NONE);
    server_json_open(c->w->srv, c->ssl, c->peer);
    return c->h->open(c);
}

/* Hands queued plaintext (and what the handler produces) to TLS until the socket is full, the
 * handler has nothing more, or this event's budget is spent. Returns 0 or -1. */
static int fill_tls(struct conn *c)
{
    size_t budget = WRITE_BUDGET;
    c->wr_want = 0;
    while (!c->failed) {
        if (c->out_off == c->out_len) {
            c->out_off = c->out_len = 0;
            if (c->out_cap > OUT_KEEP && !c->producing) {
                free(c->out);
                c->out = NULL;
                c->out_cap = 0;
            }
            if (!c->producing)
                return 0;
            if (c->h->drained(c) < 0)
                return -1;
            if (c->out_len == 0)
                return 0; /* waiting, or sent outside the queue: conn_sendfile() set wr_want */
            continue;
        }
        if (budget == 0) {
            c->wr_want = SSL_ERROR_WANT_WRITE; /* level-triggered: back as soon as others ran */
            return 0;
        }
        size_t n = c->out_len - c->out_off;
        n = n > OUT_CHUNK ? OUT_CHUNK : n;
        if (n < c->out_try) /* a retried SSL_write must not be shorter than the first try */
            n = c->out_try;
        ERR_clear_error();
        int r = SSL_write(c->ssl, c->out + c->out_off, (int)n);
        if (r <= 0) {
            c->out_try = n;
            return tls_blocked(c, r, &c->wr_want, "writing");
        }
        c->out_try = 0;
        c->out_off += (size_t)r;
        budget = (size_t)r >= budget ? 0 : budget - (size_t)r;
        note_progress(c);
    }
    return -1;
}

/* What the records came to goes to the socket in one write; r is fill_tls()'s result. */
static int send_records(struct conn *c, int r)
{
    if (c->failed)
        return -1;
    int f = flush_out(c);
    if (f == 0)
        c->wr_want = SSL_ERROR_WANT_WRITE;
    return f < 0 ? -1 : r;
}

static int write_queue(struct conn *c)
{
    return send_records(c, fill_tls(c));
}

/* The peer closed its side: the handler hears of it, then what is queued goes out. */
static void peer_closed(struct conn *c, int clean)
{
    c->peer_done = 1;
    if (!clean)
        c->failed = 1; /* no close_notify possible after the library saw an error */
    if (c->h->peer_closed != NULL)
        c->h->peer_closed(c, clean);
    c->finishing = 1;
}

/* An SSL_read failure: the peer's close, a plain EOF (normal for many clients), or an error
 * worth a warning. Returns 0 or -1. */
static int read_failed(struct conn *c, int r)
{
    int e = SSL_get_error(c->ssl, r);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
        c->rd_want = e;
        return 0;
    }
    if (e == SSL_ERROR_ZERO_RETURN) {
        peer_closed(c, 1);
        return 0;
    }
    unsigned long err = ERR_peek_last_error();
    if ((e == SSL_ERROR_SYSCALL && err == 0) ||
        (e == SSL_ERROR_SSL && ERR_GET_REASON(err) == SSL_R_UNEXPECTED_EOF_WHILE_READING)) {
        ERR_clear_error();
        peer_closed(c, 0);
        return 0;
    }
    return tls_blocked(c, r, &c->rd_want, "reading");
}

/* Whether the peer's data is wanted now: not while the handler paused reading, the peer is
 * done, the connection failed, its output is backed up, or it is finishing (the answer is
 * complete and nothing read now could change it: what the peer still sends is drained after
 * our close_notify, in linger()). */
static int reading(const struct conn *c)
{
    return !c->read_paused && !c->peer_done && !c->failed && !c->finishing &&
           conn_queued(c) <= OUT_HIGH_WATER;
}

static int read_peer(struct conn *c)
{
    struct worker *w = c->w;
    c->rd_want = 0;
    for (int i = 0; i < READ_BUDGET; i++) {
        if (!reading(c)) {
            /* held back by the output: libssl may have read ahead records no event tells of */
            c->read_held = conn_queued(c) > OUT_HIGH_WATER;
            return 0;
        }
        ERR_clear_error();
        int r = SSL_read(c->ssl, w->buf, sizeof(w->buf));
        if (r <= 0)
            return read_failed(c, r);
        if (c->h->data(c, w->buf, (size_t)r) < 0)
            return -1;
    }
    if (SSL_has_pending(c->ssl))
        worker_mark_ready(w, c);
    return 0;
}

static int step_open(struct conn *c)
{
    if (write_queue(c) < 0 || read_peer(c) < 0)
        return -1;
    if (c->h->progress != NULL && c->h->progress(c) < 0)
        return -1;
    /* what reading or the handler queued goes out now, not after the next event; the end of
     * an answer goes out with the close_notify after it, in one write (step_shutdown) */
    int r = fill_tls(c);
    if (r == 0 && !c->failed && c->finishing && c->out_off == c->out_len && !c->producing) {
        c->phase = PH_SHUTDOWN;
        conn_arm(c, CONN_TIMER_CLOSE);
        return 0;
    }
    /* reading held back by the output goes on once it has gone down: once, for what libssl
     * holds (a partial record among it then waits for the socket as usual) */
    if (c->read_held && reading(c)) {
        c->read_held = 0;
        if (SSL_has_pending(c->ssl))
            worker_mark_ready(c->w, c);
    }
    return send_records(c, r);
}

/* Sends our close_notify, then half-closes the socket and waits (briefly) for the peer's last
 * bytes: closing with unread data would make the kernel reset the connection, and the peer
 * could lose the end of our answer. */
static void step_shutdown(struct conn *c)
{
    c->rd_want = 0;
    if (!c->failed && !c->notify_sent) {
        ERR_clear_error();
        int r = SSL_shutdown(c->ssl);
        if (r < 0) {
            int e = SSL_get_error(c->ssl, r);
            if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
                c->rd_want = e;
                return;
            }
            ERR_clear_error();
        }
        c->notify_sent = 1;
    }
    /* all of it out before the half-close; once sent, SSL_shutdown() is not called again (it
     * would start reading) */
    if (!c->failed && flush_out(c) == 0) {
        c->rd_want = SSL_ERROR_WANT_WRITE;
        return;
    }
    /* a datagram socket has no half-close (and is the listener: it must stay whole) */
    if (c->dgram || shutdown(c->fd, SHUT_WR) < 0) {
        c->phase = PH_CLOSED;
        return;
    }
    c->phase = PH_LINGER;
}

static void linger(struct conn *c)
{
    for (;;) {
        ssize_t n = read(c->fd, c->w->buf, sizeof(c->w->buf));
        if (n > 0)
            continue;
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN)
            return;
        c->phase = PH_CLOSED;
        return;
    }
}

static uint32_t events_for(const struct conn *c)
{
    uint32_t ev = 0;
    switch (c->phase) {
    case PH_HANDSHAKE:
        if (coalesce_pending(SSL_get_wbio(c->ssl)) > 0)
            return EPOLLIN | EPOLLOUT; /* the rest of a flight, then the peer's answer */
        /* fall through */
    case PH_SHUTDOWN:
        return c->rd_want == SSL_ERROR_WANT_WRITE ? EPOLLOUT : EPOLLIN;
    case PH_OPEN:
        if (reading(c))
            ev |= EPOLLIN;
        if (c->wr_want == SSL_ERROR_WANT_WRITE || c->rd_want == SSL_ERROR_WANT_WRITE)
            ev |= EPOLLOUT;
        if (c->wr_want == SSL_ERROR_WANT_READ)
            ev |= EPOLLIN;
        if (coalesce_pending(SSL_get_wbio(c->ssl)) > 0)
            ev |= EPOLLOUT;
        return ev;
    case PH_LINGER:
        return EPOLLIN;
    default:
        return 0;
    }
}

/* Runs the machine as far as it goes without blocking, then waits for what it needs. */
static void conn_run(struct conn *c)
{
    if (c->phase == PH_HANDSHAKE && (step_handshake(c) < 0 || flush_out(c) < 0))
        c->phase = PH_CLOSED;
    if (c->phase == PH_OPEN && step_open(c) < 0)
        c->phase = PH_CLOSED;
    if (c->phase == PH_SHUTDOWN)
        step_shutdown(c);
    if (c->phase == PH_LINGER)
        linger(c);
    if (c->phase == PH_CLOSED) {
        /* what libssl wrote last (a fatal alert, say) goes out if the socket takes it */
        (void)coalesce_flush(SSL_get_wbio(c->ssl));
        conn_free(c);
        return;
    }
    worker_watch(c->w, c, events_for(c));
}

void conn_event(struct conn *c, uint32_t events)
{
    (void)events; /* the TLS calls find out what happened, errors included */
    conn_run(c);
}

void conn_input(struct conn *c, const char *buf, size_t len)
{
    if (c->phase != PH_OPEN || c->h->input == NULL)
        return;
    if (c->h->input(c, buf, len) < 0)
        c->phase = PH_CLOSED;
    conn_run(c);
}

int conn_takes_input(const struct conn *c)
{
    return c->phase == PH_OPEN && !c->finishing && c->h->input != NULL;
}

int conn_input_full(const struct conn *c)
{
    return conn_queued(c) > OUT_HIGH_WATER;
}

void conn_close_soon(struct conn *c)
{
    if (c->phase == PH_HANDSHAKE) {
        conn_free(c);
        return;
    }
    if (c->phase != PH_OPEN)
        return;
    if (c->producing) {
        /* a file being streamed: cut short without a close_notify, so that the client can
         * tell the answer is incomplete (it has no length to check) */
        conn_warn(c, "answer cut short: the server is stopping");
        c->failed = 1;
    }
    c->finishing = 1;
    c->producing = 0;
    /* what is queued goes out if the client takes it, within the bound of a stalled answer */
    if (c->timer == CONN_TIMER_NONE || c->timer == CONN_TIMER_IDLE ||
        c->timer == CONN_TIMER_REQUEST)
        conn_arm(c, CONN_TIMER_SEND);
    conn_run(c);
}

void conn_expire(struct conn *c)
{
    if (c->timer != CONN_TIMER_CLOSE)
        conn_warn(c, "%s within %d s; dropped", timer_what[c->timer], timer_ms[c->timer] / 1000);
    if (c->timer == CONN_TIMER_HANDSHAKE)
        server_json_handshake_timeout(c->w->srv, c->ssl, c->peer, timer_ms[c->timer] / 1000);
    c->failed = 1;
    conn_free(c);
}

void conn_free(struct conn *c)
{
    if (c->h->close != NULL)
        c->h->close(c);
    worker_conn_gone(c->w, c);
    SSL_free(c->ssl);
    if (c->dgram) {
        /* the listening socket: unbound from this peer, ready for the next */
        struct sockaddr unspec = {.sa_family = AF_UNSPEC};
        connect(c->fd, &unspec, sizeof(unspec));
    } else {
        close(c->fd);
    }
    BIO_free(c->early);
    free(c->out);
    free(c);
}
