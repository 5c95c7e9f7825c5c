/* The stdin <-> TLS relay of both programs' interactive modes. */
#include "lib/relay.h"
#include "lib/err.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <openssl/err.h>

#define RELAY_BUF 16384

int relay_write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

struct relay {
    SSL *ssl;
    int fd;
    const struct relay_opts *o;
    char out[RELAY_BUF * 2]; /* stdin data waiting for SSL_write (room for CRLF growth) */
    size_t out_len;
    int stdin_open;
};

/* Reads one chunk from stdin into the pending buffer. Returns -1 when the session should end
 * (with *end set), 0 otherwise. */
static int read_stdin(struct relay *r, enum relay_end *end)
{
    char buf[RELAY_BUF];
    ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return 0;
    if (n <= 0) {
        r->stdin_open = 0;
        if (r->o->ign_eof)
            return 0;
        *end = RELAY_END_STDIN;
        return -1;
    }
    if (r->o->command != NULL) {
        switch (r->o->command(r->o->arg, r->ssl, buf, (size_t)n)) {
        case RELAY_SKIP: return 0;
        case RELAY_CLOSE: *end = RELAY_END_STDIN; return -1;
        case RELAY_QUIT: *end = RELAY_END_QUIT; return -1;
        case RELAY_SEND: break;
        }
    }
    for (ssize_t i = 0; i < n; i++) {
        if (r->o->crlf && buf[i] == '\n')
            r->out[r->out_len++] = '\r';
        r->out[r->out_len++] = buf[i];
    }
    return 0;
}

/* Pushes pending stdin data into the connection. Returns -1 on a fatal error. */
static int flush_to_peer(struct relay *r, int *want_write)
{
    *want_write = 0;
    while (r->out_len > 0) {
        int n = SSL_write(r->ssl, r->out, (int)r->out_len);
        if (n > 0) {
            memmove(r->out, r->out + n, r->out_len - (size_t)n);
            r->out_len -= (size_t)n;
            continue;
        }
        int e = SSL_get_error(r->ssl, n);
        if (e == SSL_ERROR_WANT_WRITE || e == SSL_ERROR_WANT_READ) {
            *want_write = e == SSL_ERROR_WANT_WRITE;
            return 0;
        }
        char why[256];
        err_msg("write to peer failed: %s", err_ssl_io_reason(r->ssl, n, why, sizeof(why)));
        return -1;
    }
    return 0;
}

/* Reads what the peer sent and copies it to stdout. Returns -1 when the session is over. */
static int drain_peer(struct relay *r, enum relay_end *end)
{
    char buf[RELAY_BUF];
    for (;;) {
        int n = SSL_read(r->ssl, buf, sizeof(buf));
        if (n > 0) {
            fflush(stdout);
            if (relay_write_all(STDOUT_FILENO, buf, (size_t)n) < 0) {
                *end = RELAY_END_ERROR;
                return -1;
            }
            continue;
        }
        int e = SSL_get_error(r->ssl, n);
        if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
            return 0;
        if (e == SSL_ERROR_ZERO_RETURN) {
            *end = RELAY_END_PEER;
            return -1;
        }
        if (e == SSL_ERROR_SYSCALL && ERR_peek_error() == 0 && errno == 0) {
            /* EOF without close_notify: the peer went away */
            *end = RELAY_END_PEER;
            return -1;
        }
        char why[256];
        err_msg("read from peer failed: %s", err_ssl_io_reason(r->ssl, n, why, sizeof(why)));
        ERR_clear_error();
        *end = RELAY_END_ERROR;
        return -1;
    }
}

enum relay_end relay_run(SSL *ssl, int fd, const struct relay_opts *o)
{
    struct relay r = {ssl, fd, o, {0}, 0, 1};
    enum relay_end end = RELAY_END_ERROR;
    SSL_set_mode(ssl, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_ENABLE_PARTIAL_WRITE);
    for (;;) {
        int want_write = 0;
        if (flush_to_peer(&r, &want_write) < 0)
            break;
        if (SSL_pending(ssl) > 0) {
            errno = 0;
            if (drain_peer(&r, &end) < 0)
                goto over;
            continue;
        }
        struct pollfd pfd[2] = {
            {fd, (short)(POLLIN | (want_write ? POLLOUT : 0)), 0},
            {STDIN_FILENO, POLLIN, 0},
        };
        int watch_stdin = r.stdin_open && r.out_len == 0;
        int rc = poll(pfd, watch_stdin ? 2 : 1, -1);
        if (rc < 0 && errno == EINTR)
            continue;
        if (rc < 0)
            break;
        if (pfd[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            errno = 0;
            if (drain_peer(&r, &end) < 0)
                goto over;
        }
        if (watch_stdin && (pfd[1].revents & (POLLIN | POLLHUP | POLLERR)) &&
            read_stdin(&r, &end) < 0)
            goto over;
    }
    end = RELAY_END_ERROR;
over:
    if (end == RELAY_END_STDIN || end == RELAY_END_QUIT) {
        fputs("DONE\n", stderr);
        SSL_shutdown(ssl);
    } else if (end == RELAY_END_PEER && !o->is_server) {
        if (o->brief)
            fputs("CONNECTION CLOSED BY SERVER\n", stderr);
        else if (!o->quiet)
            fputs("closed\n", stdout);
    }
    fflush(stdout);
    return end;
}
