/* QUIC I/O for both programs: one non-blocking engine loop (socket readiness, the engine's timer,
 * stdin) under the handshake, the relay and the close. The default stream carries the data,
 * so a QUIC connection reads and writes like a TLS one. */
#include "lib/quicio.h"

#ifdef HAVE_QUIC_CLIENT
#include "lib/err.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <openssl/err.h>
#include <openssl/quic.h>

/* After our side concluded its stream (stdin ended), how long the peer's answer is awaited. */
#define DRAIN_MS 1000
/* How long a close waits for the peer to acknowledge it. */
#define CLOSE_MS 1000

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The engine's next timer in ms, bounded by max_ms (< 0: none); -1 for no bound at all. */
static int engine_timeout(SSL *ssl, int max_ms)
{
    struct timeval tv;
    int infinite = 1, ms = -1;
    if (SSL_get_event_timeout(ssl, &tv, &infinite) && !infinite)
        ms = (int)(tv.tv_sec * 1000 + (tv.tv_usec + 999) / 1000);
    if (max_ms >= 0 && (ms < 0 || ms > max_ms))
        ms = max_ms;
    return ms;
}

int quic_wait(SSL *ssl, int in_fd, int max_ms)
{
    struct pollfd p[2];
    int n = 0, in_ready = 0;
    BIO_POLL_DESCRIPTOR d;
    if (SSL_get_rpoll_descriptor(ssl, &d) && d.type == BIO_POLL_DESCRIPTOR_TYPE_SOCK_FD) {
        p[n].fd = d.value.fd;
        p[n].events = (short)((SSL_net_read_desired(ssl) ? POLLIN : 0) |
                              (SSL_net_write_desired(ssl) ? POLLOUT : 0));
        p[n++].revents = 0;
    }
    if (in_fd >= 0) {
        p[n].fd = in_fd;
        p[n].events = POLLIN;
        p[n++].revents = 0;
    }
    int rc;
    do {
        rc = poll(p, (nfds_t)n, engine_timeout(ssl, max_ms));
    } while (rc < 0 && errno == EINTR);
    if (rc > 0 && in_fd >= 0 && p[n - 1].revents != 0)
        in_ready = 1;
    SSL_handle_events(ssl);
    return in_ready;
}

int quic_handshake(SSL *ssl, int timeout_s)
{
    long long deadline = timeout_s > 0 ? now_ms() + timeout_s * 1000LL : 0;
    for (;;) {
        ERR_clear_error();
        int rc = SSL_do_handshake(ssl);
        if (rc == 1)
            return 1;
        int e = SSL_get_error(ssl, rc);
        if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE)
            return 0;
        long long left = deadline ? deadline - now_ms() : -1;
        if (deadline && left <= 0)
            return -2;
        quic_wait(ssl, -1, (int)left);
    }
}

int quic_write_all(SSL *ssl, const char *buf, size_t len)
{
    size_t off = 0, done = 0;
    while (off < len) {
        if (SSL_write_ex(ssl, buf + off, len - off, &done)) {
            off += done;
            continue;
        }
        int e = SSL_get_error(ssl, 0);
        if (e != SSL_ERROR_WANT_WRITE && e != SSL_ERROR_WANT_READ) {
            err_ssl("cannot write to the QUIC stream");
            return -1;
        }
        quic_wait(ssl, -1, -1);
    }
    return 0;
}

/* stdin's bytes to the stream, LF as CRLF under -crlf. Returns 0 or -1. */
static int send_input(SSL *ssl, const char *buf, size_t len, int crlf)
{
    if (!crlf)
        return quic_write_all(ssl, buf, len);
    size_t start = 0;
    for (size_t i = 0; i < len; i++) {
        if (buf[i] != '\n')
            continue;
        if (quic_write_all(ssl, buf + start, i - start) < 0 || quic_write_all(ssl, "\r\n", 2) < 0)
            return -1;
        start = i + 1;
    }
    return quic_write_all(ssl, buf + start, len - start);
}

/* -rev: complete lines of line[] go back reversed (without their line end); "CLOSE" ends.
 * Returns 1 on CLOSE, 0, or -1 on a write failure. */
static int reverse_lines(SSL *ssl, char *line, size_t *used)
{
    char *nl;
    while ((nl = memchr(line, '\n', *used)) != NULL) {
        size_t n = (size_t)(nl - line), total = n + 1;
        if (n > 0 && line[n - 1] == '\r')
            n--;
        if (n == 5 && memcmp(line, "CLOSE", 5) == 0)
            return 1;
        for (size_t i = 0; i < n / 2; i++) {
            char t = line[i];
            line[i] = line[n - 1 - i];
            line[n - 1 - i] = t;
        }
        line[n] = '\n';
        if (quic_write_all(ssl, line, n + 1) < 0)
            return -1;
        memmove(line, line + total, *used - total);
        *used -= total;
    }
    return 0;
}

/* Reads everything the stream holds now. Returns -2 while more may come, else how it ended. */
static int drain_stream(SSL *ssl, const struct quic_relay_opts *o, char *line, size_t *used,
                        size_t cap)
{
    char buf[16384];
    size_t n = 0;
    for (;;) {
        char *dst = o->rev ? line + *used : buf;
        size_t room = o->rev ? cap - *used : sizeof(buf);
        if (room == 0) /* a -rev line longer than the buffer goes back as it is */
            return quic_write_all(ssl, line, *used) < 0 ? QUIC_END_ERROR : (*used = 0, -2);
        if (SSL_read_ex(ssl, dst, room, &n)) {
            if (!o->rev) {
                fwrite(buf, 1, n, stdout);
                fflush(stdout);
                continue;
            }
            *used += n;
            int rc = reverse_lines(ssl, line, used);
            if (rc != 0)
                return rc > 0 ? QUIC_END_CLOSE : QUIC_END_ERROR;
            continue;
        }
        int e = SSL_get_error(ssl, 0);
        if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
            return -2;
        if (e == SSL_ERROR_ZERO_RETURN ||
            SSL_get_stream_read_state(ssl) == SSL_STREAM_STATE_CONN_CLOSED) {
            ERR_clear_error();
            return QUIC_END_PEER;
        }
        err_ssl("QUIC read failed");
        return QUIC_END_ERROR;
    }
}

enum quic_relay_end quic_relay(SSL *ssl, const struct quic_relay_opts *o)
{
    static char line[16384];
    size_t used = 0;
    int in_open = o->use_stdin;
    long long drain_until = 0;
    for (;;) {
        int end = drain_stream(ssl, o, line, &used, sizeof(line));
        if (end != -2)
            return (enum quic_relay_end)end;
        long long left = drain_until ? drain_until - now_ms() : -1;
        if (drain_until && left <= 0)
            return QUIC_END_STDIN;
        if (!quic_wait(ssl, in_open ? STDIN_FILENO : -1, (int)left))
            continue;
        char buf[8192];
        ssize_t got = read(STDIN_FILENO, buf, sizeof(buf));
        if (got > 0) {
            if (send_input(ssl, buf, (size_t)got, o->crlf) < 0)
                return QUIC_END_ERROR;
            continue;
        }
        in_open = 0;
        if (!o->ign_eof) {
            /* our FIN; the peer's answer to what was sent is still worth a moment */
            SSL_stream_conclude(ssl, 0);
            drain_until = now_ms() + DRAIN_MS;
        }
    }
}

void quic_close(SSL *ssl)
{
    long long until = now_ms() + CLOSE_MS;
    while (SSL_shutdown_ex(ssl, 0, NULL, 0) != 1) {
        long long left = until - now_ms();
        if (left <= 0)
            break;
        quic_wait(ssl, -1, (int)left);
    }
    ERR_clear_error();
}

#else
/* ISO C wants something in every translation unit. */
typedef int quicio_unavailable;
#endif
