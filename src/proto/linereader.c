/* The bounded reader under every STARTTLS dialogue, and its socket transport. Reading peeks first
 * and consumes only up to the delimiter, so nothing after the server's last clear-text reply is
 * ever taken from the socket. */
#include "proto/linereader.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void lr_init(struct linereader *lr, const struct lr_io *io, const char *proto, int timeout_ms,
             char *err, size_t errlen)
{
    memset(lr, 0, sizeof(*lr));
    lr->io = io;
    lr->proto = proto;
    lr->timeout_ms = timeout_ms > 0 ? timeout_ms : 30000;
    lr->err = err;
    lr->errlen = errlen;
    if (errlen > 0)
        err[0] = '\0';
    lr_expect(lr, "the server");
}

void lr_expect(struct linereader *lr, const char *what)
{
    lr->what = what;
    lr->deadline_ms = now_ms() + lr->timeout_ms;
    lr->reply[0] = '\0';
}

char *lr_sanitize(char *dst, size_t dstlen, const void *src, size_t n, size_t max_out)
{
    const unsigned char *s = src;
    size_t o = 0;

    if (dstlen == 0)
        return dst;
    for (size_t i = 0; i < n; i++) {
        char one[8];
        int w;

        if (s[i] >= 0x20 && s[i] < 0x7f)
            w = snprintf(one, sizeof(one), "%c", s[i]);
        else
            w = snprintf(one, sizeof(one), "\\x%02x", s[i]);
        /* Keep room for "..." (unless this is the last byte) so a cut is always visible. */
        size_t need = (size_t)w + (i + 1 < n ? 3 : 0);

        if (o + need > max_out || o + need + 1 > dstlen) {
            if (o + 4 <= dstlen) {
                memcpy(dst + o, "...", 3);
                o += 3;
            }
            break;
        }
        memcpy(dst + o, one, (size_t)w);
        o += (size_t)w;
    }
    dst[o] = '\0';
    return dst;
}

static void format_ms(char *buf, size_t len, int ms)
{
    if (ms >= 1000 && ms % 1000 == 0)
        snprintf(buf, len, "%d s", ms / 1000);
    else
        snprintf(buf, len, "%d ms", ms);
}

static int vfail(struct linereader *lr, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

static int vfail(struct linereader *lr, const char *fmt, va_list ap)
{
    int w;

    if (lr->errlen == 0)
        return -1;
    w = snprintf(lr->err, lr->errlen, "%s: ", lr->proto);
    if (w >= 0 && (size_t)w < lr->errlen)
        vsnprintf(lr->err + w, lr->errlen - (size_t)w, fmt, ap);
    return -1;
}

int lr_fail(struct linereader *lr, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vfail(lr, fmt, ap);
    va_end(ap);
    return -1;
}

int lr_fail_garbage_bytes(struct linereader *lr, const void *buf, size_t n)
{
    char q[LR_REPLY_MAX];

    lr_sanitize(q, sizeof(q), buf, n, 160);
    return lr_fail(lr, "garbage from server while waiting for %s: '%s'", lr->what, q);
}

int lr_fail_garbage(struct linereader *lr)
{
    return lr_fail_garbage_bytes(lr, lr->line, lr->len);
}

void lr_debug(struct linereader *lr, const char *dir, const void *buf, size_t n)
{
    char q[LR_LINE_MAX];

    if (lr->debug == NULL)
        return;
    lr_sanitize(q, sizeof(q), buf, n, sizeof(q) - 8);
    fprintf(lr->debug, "%s %s\n", dir, q);
}

/* Appends the sanitised line to the reply summary that error messages quote. */
static void remember_line(struct linereader *lr)
{
    size_t used = strlen(lr->reply), room;

    if (used + 8 >= sizeof(lr->reply))
        return;
    if (used > 0) {
        memcpy(lr->reply + used, " | ", 4);
        used += 3;
    }
    room = sizeof(lr->reply) - used;
    lr_sanitize(lr->reply + used, room, lr->line, lr->len, room - 1);
}

static int io_failure(struct linereader *lr, ssize_t rc)
{
    char t[32];

    if (rc == LR_TIMEOUT) {
        format_ms(t, sizeof(t), lr->timeout_ms);
        return lr_fail(lr, "timed out after %s waiting for %s", t, lr->what);
    }
    if (rc == LR_EOF)
        return lr_fail(lr, "connection closed by server while waiting for %s", lr->what);
    return lr_fail(lr, "network error while waiting for %s: %s", lr->what, strerror(errno));
}

/* Peeks at least one byte before the deadline. Returns the count, or -1 with lr->err set. */
static ssize_t peek_some(struct linereader *lr, void *buf, size_t len)
{
    /* Bounded even if a transport keeps reporting interruptions. */
    for (int spins = 0; spins < 100000; spins++) {
        long long left = lr->deadline_ms - now_ms();
        ssize_t n;

        if (left <= 0)
            return io_failure(lr, LR_TIMEOUT);
        n = lr->io->peek(lr->io->ctx, buf, len, left > 0x7fffffff ? 0x7fffffff : (int)left);
        if (n > 0)
            return n;
        if (n != LR_AGAIN)
            return io_failure(lr, n); /* LR_TIMEOUT: the transport waited all that was left */
    }
    return io_failure(lr, LR_TIMEOUT);
}

/* Takes n peeked bytes out of the stream, counting them against LR_TOTAL_MAX. */
static int take(struct linereader *lr, const void *buf, size_t n)
{
    if (lr->total + n > LR_TOTAL_MAX)
        return lr_fail(lr,
                       "server sent more than %d bytes before TLS started (while waiting for "
                       "%s)",
                       LR_TOTAL_MAX, lr->what);
    if (lr->io->consume(lr->io->ctx, n) < 0)
        return lr_fail(lr, "network error while waiting for %s: %s", lr->what, strerror(errno));
    lr->total += n;
    if (lr->trace != NULL)
        lr->trace(lr->trace_arg, 0, buf, n);
    return 0;
}

static void append_line(struct linereader *lr, const char *p, size_t n)
{
    size_t room = sizeof(lr->line) - 1 - lr->len;

    if (n > room) {
        n = room;
        lr->truncated = 1;
    }
    memcpy(lr->line + lr->len, p, n);
    lr->len += n;
    lr->line[lr->len] = '\0';
}

int lr_read_until(struct linereader *lr, int delim)
{
    char chunk[512];
    int done = 0;

    lr->len = 0;
    lr->truncated = 0;
    lr->line[0] = '\0';
    while (!done) {
        ssize_t n = peek_some(lr, chunk, sizeof(chunk));
        const char *hit;
        size_t want;

        if (n < 0)
            return -1;
        hit = memchr(chunk, delim, (size_t)n);
        want = hit ? (size_t)(hit - chunk) + 1 : (size_t)n;
        if (take(lr, chunk, want) < 0)
            return -1;
        append_line(lr, chunk, want);
        done = hit != NULL;
    }
    /* Lines lose their CR LF; other chunks keep their delimiter (an XML tag its '>'). */
    if (delim == '\n' && lr->len > 0 && lr->line[lr->len - 1] == '\n' && !lr->truncated)
        lr->line[--lr->len] = '\0';
    if (delim == '\n' && lr->len > 0 && lr->line[lr->len - 1] == '\r')
        lr->line[--lr->len] = '\0';
    lr_debug(lr, "<<<", lr->line, lr->len);
    remember_line(lr);
    return 0;
}

int lr_read_line(struct linereader *lr)
{
    return lr_read_until(lr, '\n');
}

int lr_read_exact(struct linereader *lr, void *buf, size_t n)
{
    unsigned char *p = buf;
    size_t got = 0;

    while (got < n) {
        ssize_t k = peek_some(lr, p + got, n - got);

        if (k < 0)
            return -1;
        if (take(lr, p + got, (size_t)k) < 0)
            return -1;
        got += (size_t)k;
    }
    return 0;
}

size_t lr_read_now(struct linereader *lr, void *buf, size_t n)
{
    ssize_t k;

    if (n == 0)
        return 0;
    k = lr->io->peek(lr->io->ctx, buf, n, 0);
    if (k <= 0 || take(lr, buf, (size_t)k) < 0)
        return 0;
    return (size_t)k;
}

int lr_write(struct linereader *lr, const void *buf, size_t n)
{
    int rc = lr->io->write(lr->io->ctx, buf, n, lr->timeout_ms);
    char t[32];

    if (rc == LR_TIMEOUT) {
        format_ms(t, sizeof(t), lr->timeout_ms);
        return lr_fail(lr, "timed out after %s sending to the server", t);
    }
    if (rc != 0)
        return lr_fail(lr, "network error sending to the server: %s", strerror(errno));
    if (lr->trace != NULL)
        lr->trace(lr->trace_arg, 1, buf, n);
    /* Show a text command without its line ending; binary requests appear escaped. */
    if (n >= 2 && memcmp((const char *)buf + n - 2, "\r\n", 2) == 0)
        n -= 2;
    lr_debug(lr, ">>>", buf, n);
    return 0;
}

int lr_writef(struct linereader *lr, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    int w;

    va_start(ap, fmt);
    w = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (w < 0 || (size_t)w >= sizeof(buf))
        return lr_fail(lr, "command too long to send");
    return lr_write(lr, buf, (size_t)w);
}

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Capability words are separated by blanks; IMAP also wraps them in [...] and sieve in "...". */
static int is_word_edge(int c)
{
    return c == '\0' || c == ' ' || c == '\t' || c == '[' || c == ']' || c == '(' || c == ')' ||
           c == '"';
}

int lr_starts_with(const char *s, const char *prefix)
{
    for (; *prefix != '\0'; s++, prefix++) {
        if (lower((unsigned char)*s) != lower((unsigned char)*prefix))
            return 0;
    }
    return 1;
}

int lr_has_word(const char *s, const char *word)
{
    size_t wl = strlen(word);

    for (const char *p = s; *p != '\0'; p++) {
        if (p > s && !is_word_edge((unsigned char)p[-1]))
            continue;
        if (lr_starts_with(p, word) && is_word_edge((unsigned char)p[wl]))
            return 1;
    }
    return 0;
}

/* Socket transport. MSG_DONTWAIT keeps a blocking socket from blocking after poll() says it
 * is ready, and MSG_NOSIGNAL turns a reset peer into EPIPE instead of a SIGPIPE. */

static ssize_t sock_peek(void *ctx, void *buf, size_t len, int timeout_ms)
{
    const struct lr_sock *s = ctx;
    struct pollfd pfd = {.fd = s->fd, .events = POLLIN};
    int rc = poll(&pfd, 1, timeout_ms);
    ssize_t n;

    if (rc == 0)
        return LR_TIMEOUT;
    if (rc < 0)
        return errno == EINTR ? LR_AGAIN : LR_ERROR;
    n = recv(s->fd, buf, len, MSG_PEEK | MSG_DONTWAIT);
    if (n >= 0)
        return n;
    return errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK ? LR_AGAIN : LR_ERROR;
}

static int sock_consume(void *ctx, size_t n)
{
    const struct lr_sock *s = ctx;
    char scratch[512];

    while (n > 0) {
        ssize_t k = recv(s->fd, scratch, n < sizeof(scratch) ? n : sizeof(scratch), MSG_DONTWAIT);

        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        n -= (size_t)k;
    }
    return 0;
}

static int sock_write(void *ctx, const void *buf, size_t len, int timeout_ms)
{
    const struct lr_sock *s = ctx;
    const char *p = buf;
    long long deadline = now_ms() + timeout_ms;

    while (len > 0) {
        ssize_t k = send(s->fd, p, len, MSG_NOSIGNAL | MSG_DONTWAIT);
        struct pollfd pfd = {.fd = s->fd, .events = POLLOUT};
        long long left;

        if (k > 0) {
            p += k;
            len -= (size_t)k;
            continue;
        }
        if (k < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            return LR_ERROR;
        left = deadline - now_ms();
        if (left <= 0)
            return LR_TIMEOUT;
        if (poll(&pfd, 1, (int)(left > 0x7fffffff ? 0x7fffffff : left)) < 0 && errno != EINTR)
            return LR_ERROR;
    }
    return 0;
}

void lr_sock_io(struct lr_io *io, struct lr_sock *sock)
{
    io->peek = sock_peek;
    io->consume = sock_consume;
    io->write = sock_write;
    io->ctx = sock;
}
