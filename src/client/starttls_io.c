/* The STARTTLS dialogue of s_client, run through the connection's transport BIO as openssl
 * runs it: -debug dumps the clear-text bytes and the report's byte counts include them.
 * Reading stays exact: what is available is peeked on the socket, and only the bytes the
 * dialogue consumes are read through the BIO, so nothing of the TLS stream is taken. */
#include "client/client.h"
#include "lib/err.h"
#include "proto/linereader.h"
#include "proto/starttls.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

struct bio_io {
    BIO *bio; /* the top of the transport chain (-nbio_test's filter, or the socket) */
    int fd;
};

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static ssize_t bio_peek(void *ctx, void *buf, size_t len, int timeout_ms)
{
    const struct bio_io *b = ctx;
    struct pollfd pfd = {b->fd, POLLIN, 0};
    int rc = poll(&pfd, 1, timeout_ms);
    if (rc == 0)
        return LR_TIMEOUT;
    if (rc < 0)
        return errno == EINTR ? LR_AGAIN : LR_ERROR;
    ssize_t n = recv(b->fd, buf, len, MSG_PEEK | MSG_DONTWAIT);
    if (n >= 0)
        return n;
    return errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK ? LR_AGAIN : LR_ERROR;
}

/* Reads exactly n bytes (already known to be there) through the BIO. */
static int bio_consume(void *ctx, size_t n)
{
    const struct bio_io *b = ctx;
    char scratch[512];
    while (n > 0) {
        int k = BIO_read(b->bio, scratch, (int)(n < sizeof(scratch) ? n : sizeof(scratch)));
        if (k > 0) {
            n -= (size_t)k;
            continue;
        }
        struct pollfd pfd = {b->fd, POLLIN, 0};
        if (!BIO_should_retry(b->bio) || poll(&pfd, 1, 1000) < 0)
            return -1;
    }
    return 0;
}

static int bio_write_all(void *ctx, const void *buf, size_t len, int timeout_ms)
{
    const struct bio_io *b = ctx;
    const char *p = buf;
    long long deadline = now_ms() + timeout_ms;
    while (len > 0) {
        int k = BIO_write(b->bio, p, (int)len);
        if (k > 0) {
            p += k;
            len -= (size_t)k;
            continue;
        }
        if (!BIO_should_retry(b->bio))
            return LR_ERROR;
        long long left = deadline - now_ms();
        if (left <= 0)
            return LR_TIMEOUT;
        struct pollfd pfd = {b->fd, POLLOUT, 0};
        if (poll(&pfd, 1, (int)(left > 0x7fffffff ? 0x7fffffff : left)) < 0 && errno != EINTR)
            return LR_ERROR;
    }
    return 0;
}

int client_starttls(const struct client_config *cfg, SSL *ssl, int fd)
{
    char *host = NULL, *port = NULL, why[512];
    int ret = -1;
    if (client_target(cfg, &host, &port) < 0)
        return -1;
    struct bio_io b = {SSL_get_wbio(ssl), fd};
    struct lr_io io = {bio_peek, bio_consume, bio_write_all, &b};
    struct starttls_opts so = {cfg->starttls, cfg->starttls_name, host ? host : "localhost",
                               cfg->handshake_timeout * 1000, NULL, NULL, NULL};
    if (starttls_negotiate_io(&io, &so, why, sizeof(why)) < 0)
        err_msg("%s", why);
    else
        ret = 0;
    free(host);
    free(port);
    return ret;
}
