/* s_client's interactive session: stdin to the server, the server to stdout, one poll() loop.
 *
 * Slots and order, as openssl 3.0's loop has them: pending stdin data is written first; then
 * whatever the connection has to read (buffered, or the socket is readable) goes before stdin,
 * one SSL_read per turn, so the chatter ("read R BLOCK" when a read brought no application
 * data, e.g. a TLS 1.3 ticket) comes out as openssl's does.
 * Half-close rules: EOF on stdin ends the session ("DONE", close_notify) unless -ign_eof
 * (and -quiet), which just stops reading stdin; the server's close_notify ends it ("closed");
 * a transport failure or an EOF without close_notify ends it with openssl's exit status.
 * Command letters at the start of a chunk read from stdin (unless -nocommands or -ign_eof):
 * Q quits, R renegotiates (TLS <= 1.2), k/K update keys (TLS 1.3), B would send a heartbeat. */
#include "client/client.h"
#include "client/observe.h"
#include "lib/err.h"
#include "lib/trace.h"
#include "lib/outfmt.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <openssl/err.h>

/* openssl's buffer size: what one stdin read takes */
#define CHUNK 8192
/* What one turn may gather from the server before writing it to stdout: records already in
 * hand (read ahead) are decrypted into one buffer and written with one call. */
#define OUT_BATCH (256 * 1024)
/* One record's plaintext at most: the room a read needs. */
#define RECORD_MAX 16384

struct loop {
    const struct client_config *cfg;
    SSL *ssl;
    int fd;
    BIO *out;           /* the chatter (NULL under -quiet) */
    char pending[CHUNK * 2]; /* stdin data waiting for SSL_write (room for -crlf's CRs) */
    char *in;                /* OUT_BATCH bytes: the server's data on its way to stdout */
    int fd_flags;            /* the socket's file status flags when it blocks, else -1 */
    size_t pending_len, pending_off;
    int stdin_eof;
    int renegotiations; /* seen so far, for -prexit's report after each one */
    int status;
};

static void chatter(struct loop *l, const char *text)
{
    if (l->out != NULL) {
        BIO_puts(l->out, text);
        out_flush(l->out);
    }
}

/* Waits for an async job (-async with an engine that has them). */
static void wait_async(SSL *ssl)
{
    OSSL_ASYNC_FD fds[8];
    size_t n = 0;
    if (!SSL_get_all_async_fds(ssl, NULL, &n) || n == 0 || n > 8 ||
        !SSL_get_all_async_fds(ssl, fds, &n))
        return;
    struct pollfd pfd[8];
    for (size_t i = 0; i < n; i++) {
        pfd[i].fd = fds[i];
        pfd[i].events = POLLIN;
        pfd[i].revents = 0;
    }
    poll(pfd, (nfds_t)n, -1);
}

/* Writes pending stdin data. Returns 1 to go on, 0 when the session is over. */
static int write_step(struct loop *l, int *want_write)
{
    *want_write = 0;
    if (l->pending_len == 0)
        return 1;
    int k = SSL_write(l->ssl, l->pending + l->pending_off, (int)l->pending_len);
    switch (SSL_get_error(l->ssl, k)) {
    case SSL_ERROR_NONE:
        l->pending_off += (size_t)k;
        l->pending_len -= (size_t)k;
        if (l->pending_len == 0)
            l->pending_off = 0;
        return 1;
    case SSL_ERROR_WANT_WRITE:
        chatter(l, "write W BLOCK\n");
        *want_write = 1;
        return 1;
    case SSL_ERROR_WANT_READ:
        chatter(l, "write R BLOCK\n");
        return 1;
    case SSL_ERROR_WANT_ASYNC:
        chatter(l, "write A BLOCK\n");
        wait_async(l->ssl);
        return 1;
    case SSL_ERROR_WANT_X509_LOOKUP:
        chatter(l, "write X BLOCK\n");
        return 1;
    case SSL_ERROR_ZERO_RETURN:
        chatter(l, "shutdown\n");
        l->status = 0;
        return 0;
    default: {
        char why[256];
        err_msg("write to the server failed: %s", err_ssl_io_reason(l->ssl, k, why, sizeof(why)));
        ERR_clear_error();
        l->status = 1;
        return 0;
    }
    }
}

/* Another SSL_read in the same turn is what the next turn would do anyway: more of the
 * server's data is in hand, no stdin data waits to be sent first, and no handshake (whose end
 * -prexit reports between turns) is under way. */
static int read_more_now(const struct loop *l, size_t got)
{
    return OUT_BATCH - got >= RECORD_MAX && l->pending_len == 0 && SSL_has_pending(l->ssl) &&
           SSL_is_init_finished(l->ssl) &&
           (!l->cfg->prexit || (int)SSL_total_renegotiations(l->ssl) == l->renegotiations);
}

/* Sets the socket's O_NONBLOCK flag to on (a blocking socket only: l->fd_flags >= 0). */
static void set_nonblocking(const struct loop *l, int on)
{
    if (l->fd_flags >= 0)
        (void)fcntl(l->fd, F_SETFL, on ? l->fd_flags | O_NONBLOCK : l->fd_flags);
}

/* One SSL_read, and more while records are already in hand (read_more_now()); what they
 * brought goes to stdout in one write before the loop waits again. The reads after the first
 * never wait: on a blocking socket they are made non-blocking, and one that would block (the
 * rest of a record is still on its way) ends the batch silently, so what came is written now
 * and the next turn makes the waiting read, as before. Returns 1 to go on, 0 when the session
 * is over. */
static int read_step(struct loop *l)
{
    size_t got = 0;
    int k, e, saved_errno, nonblocking = 0;
    for (;;) {
        errno = 0;
        ERR_clear_error();
        k = SSL_read(l->ssl, l->in + got, RECORD_MAX);
        e = SSL_get_error(l->ssl, k);
        saved_errno = errno;
        if (e != SSL_ERROR_NONE)
            break;
        client_obs_data_in(l->ssl, (size_t)k);
        got += (size_t)k;
        if (!read_more_now(l, got))
            break;
        if (!nonblocking)
            set_nonblocking(l, nonblocking = 1);
    }
    if (nonblocking)
        set_nonblocking(l, 0);
    if (got > 0 && (fwrite(l->in, 1, got, stdout) != got || fflush(stdout) != 0)) {
        /* nobody reads our output any more (e.g. "| head"): end as openssl does */
        l->status = 0;
        return 0;
    }
    if (nonblocking && l->fd_flags >= 0 && e == SSL_ERROR_WANT_READ &&
        (saved_errno == EAGAIN || saved_errno == EWOULDBLOCK)) {
        ERR_clear_error();
        return 1; /* a blocking read would have waited here: no chatter */
    }
    errno = saved_errno;
    switch (e) {
    case SSL_ERROR_NONE:
        return 1;
    case SSL_ERROR_WANT_READ:
        chatter(l, "read R BLOCK\n");
        return 1;
    case SSL_ERROR_WANT_WRITE:
        chatter(l, "read W BLOCK\n");
        return 1;
    case SSL_ERROR_WANT_ASYNC:
        chatter(l, "read A BLOCK\n");
        wait_async(l->ssl);
        return 1;
    case SSL_ERROR_WANT_X509_LOOKUP:
        chatter(l, "read X BLOCK\n");
        return 1;
    case SSL_ERROR_ZERO_RETURN:
        chatter(l, "closed\n");
        l->status = 0;
        return 0;
    case SSL_ERROR_SYSCALL:
        /* openssl exits with the socket's errno here (0 for a plain EOF) */
        l->status = errno;
        if (l->cfg->common.brief)
            fputs("CONNECTION CLOSED BY SERVER\n", stderr);
        else
            fprintf(stderr, "read:errno=%d\n", errno);
        return 0;
    default: {
        char why[256];
        err_msg("read from the server failed: %s", err_ssl_io_reason(l->ssl, k, why, sizeof(why)));
        ERR_clear_error();
        l->status = 1;
        return 0;
    }
    }
}

/* Drives the handshake a command began as far as it goes now (the rest happens as the
 * session goes on). Returns 1, or -1 with the reason said and status 1 when the server
 * refused it or the connection failed: the session then ends, as openssl's does. */
static int command_handshake(struct loop *l, const char *what)
{
    ERR_clear_error();
    int r = SSL_do_handshake(l->ssl);
    if (r == 1)
        return 1;
    int e = SSL_get_error(l->ssl, r);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE || e == SSL_ERROR_WANT_ASYNC) {
        ERR_clear_error();
        return 1;
    }
    char why[256];
    err_msg("%s failed: %s", what, err_ssl_io_reason(l->ssl, r, why, sizeof(why)));
    ERR_clear_error();
    l->status = 1;
    return -1;
}

/* A command letter at the start of a chunk. Returns 1 if the chunk was a command (and is not
 * to be sent), 0 for plain data, -1 when the session is to end. */
static int command(struct loop *l, char letter)
{
    SSL *ssl = l->ssl;
    switch (letter) {
    case 'Q':
        fputs("DONE\n", stderr);
        l->status = 0;
        return -1;
    case 'R':
        fputs("RENEGOTIATING\n", stderr);
        if (!SSL_renegotiate(ssl)) {
            err_ssl("cannot renegotiate (%s)", SSL_get_version(ssl));
            return 1;
        }
        return command_handshake(l, "renegotiation");
    case 'k':
    case 'K':
        fputs("KEYUPDATE\n", stderr);
        if (!SSL_key_update(ssl, letter == 'K' ? SSL_KEY_UPDATE_REQUESTED
                                               : SSL_KEY_UPDATE_NOT_REQUESTED)) {
            err_ssl("cannot update keys (%s)", SSL_get_version(ssl));
            return 1;
        }
        return command_handshake(l, "key update");
    case 'B':
        err_msg("heartbeats are not available: the linked OpenSSL (3.0) has no heartbeat "
                "support; nothing sent");
        return 1;
    default:
        return 0;
    }
}

/* Reads a chunk of stdin. Returns 1 to go on, 0 when the session is over. */
static int stdin_step(struct loop *l)
{
    const struct tls_common *c = &l->cfg->common;
    char buf[CHUNK];
    ssize_t n = read(STDIN_FILENO, buf, c->crlf ? CHUNK / 2 : CHUNK);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return 1;
    if (n <= 0) {
        l->stdin_eof = 1;
        if (c->ign_eof)
            return 1;
        fputs("DONE\n", stderr);
        l->status = 0;
        return 0;
    }
    if (!l->cfg->nocommands && !c->ign_eof) {
        int rc = command(l, buf[0]);
        if (rc != 0)
            return rc > 0;
    }
    char *dst = l->pending + l->pending_off + l->pending_len;
    for (ssize_t i = 0; i < n; i++) {
        if (c->crlf && buf[i] == '\n')
            *dst++ = '\r';
        *dst++ = buf[i];
    }
    l->pending_len = (size_t)(dst - (l->pending + l->pending_off));
    return 1;
}

/* -prexit: the report again after each completed renegotiation. */
static void note_renegotiation(struct loop *l)
{
    int total = (int)SSL_total_renegotiations(l->ssl);
    if (!l->cfg->prexit || total <= l->renegotiations || !SSL_is_init_finished(l->ssl) ||
        SSL_renegotiate_pending(l->ssl))
        return;
    l->renegotiations = total;
    client_report(l->cfg, l->ssl, 1);
}

/* The poll() timeout: DTLS retransmissions, else none. */
static int poll_timeout(SSL *ssl)
{
    struct timeval tv;
    if (SSL_is_dtls(ssl) && DTLSv1_get_timeout(ssl, &tv))
        return (int)(tv.tv_sec * 1000 + tv.tv_usec / 1000);
    return -1;
}

/* One turn of the loop. Returns 1 to go on, 0 when the session is over. */
static int turn(struct loop *l)
{
    int want_write = 0;
    if (!write_step(l, &want_write))
        return 0;
    if (SSL_has_pending(l->ssl))
        return read_step(l);
    int watch_stdin = !l->stdin_eof && l->pending_len == 0;
    struct pollfd pfd[2] = {
        {l->fd, (short)(POLLIN | (want_write ? POLLOUT : 0)), 0},
        {STDIN_FILENO, POLLIN, 0},
    };
    int rc = poll(pfd, watch_stdin ? 2 : 1, poll_timeout(l->ssl));
    if (rc < 0 && errno == EINTR)
        return 1;
    if (rc < 0) {
        err_msg("poll failed: %s", strerror(errno));
        l->status = 1;
        return 0;
    }
    if (rc == 0) {
        if (SSL_is_dtls(l->ssl) && DTLSv1_handle_timeout(l->ssl) > 0)
            fputs("TIMEOUT occurred\n", stderr);
        return 1;
    }
    if (pfd[0].revents & (POLLIN | POLLHUP | POLLERR))
        return read_step(l);
    /* a closed stdin (POLLNVAL) reads as its end, like an empty one */
    if (watch_stdin && (pfd[1].revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL)))
        return stdin_step(l);
    return 1;
}

int client_interact(const struct client_config *cfg, SSL *ssl, int fd)
{
    struct loop l;
    memset(&l, 0, sizeof(l));
    l.cfg = cfg;
    l.ssl = ssl;
    l.fd = fd;
    l.out = trace_out(SSL_get_SSL_CTX(ssl));
    l.status = 1;
    l.renegotiations = (int)SSL_total_renegotiations(ssl);
    /* One recv() for several records from here on rather than two per record (header, then
     * body). Not before: the report's "handshake has read N bytes" counts what was read, as
     * openssl's does; not under -debug, whose dump of each read is openssl's either. */
    if (!cfg->common.debug)
        SSL_set_read_ahead(ssl, 1);
    l.fd_flags = fcntl(fd, F_GETFL);
    if (l.fd_flags >= 0 && (l.fd_flags & O_NONBLOCK))
        l.fd_flags = -1;
    if ((l.in = malloc(OUT_BATCH)) == NULL) {
        err_msg("out of memory");
        return 1;
    }
    while (turn(&l))
        note_renegotiation(&l);
    fflush(stdout);
    free(l.in);
    return l.status;
}
