/* Sockets for both programs. */
#include "lib/net.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

/* -tfo: TCP Fast Open on every socket made from here on (one setting per process). */
static int fastopen;

void net_set_fastopen(int on)
{
    fastopen = on;
}

/* For a client socket, before its connect: the connect then returns at once and the first
 * write (the ClientHello) rides on the SYN when the server's cookie is known. */
static int fastopen_connect(int fd, char *err, size_t errlen)
{
#ifdef TCP_FASTOPEN_CONNECT
    int on = 1;
    if (fastopen && setsockopt(fd, IPPROTO_TCP, TCP_FASTOPEN_CONNECT, &on, sizeof(on)) < 0) {
        snprintf(err, errlen, "TCP Fast Open: %s", strerror(errno));
        return -1;
    }
#else
    (void)fd;
    (void)err;
    (void)errlen;
#endif
    return 0;
}

int net_split(const char *text, const char *defhost, const char *defport, char **host,
              char **port)
{
    const char *h = text, *p = NULL;
    size_t hlen;
    if (text[0] == '[') {
        const char *close = strchr(text, ']');
        if (close == NULL)
            return -1;
        h = text + 1;
        hlen = (size_t)(close - h);
        if (close[1] == ':')
            p = close + 2;
        else if (close[1] != '\0')
            return -1;
    } else {
        const char *colon = strrchr(text, ':');
        /* more than one colon without brackets: a bare IPv6 address */
        if (colon != NULL && strchr(text, ':') != colon)
            colon = NULL;
        hlen = colon ? (size_t)(colon - text) : strlen(text);
        if (colon != NULL)
            p = colon + 1;
    }
    *host = hlen > 0 ? strndup(h, hlen) : (defhost ? strdup(defhost) : NULL);
    *port = p != NULL && *p != '\0' ? strdup(p) : (defport ? strdup(defport) : NULL);
    return 0;
}

/* getaddrinfo() takes a number above 65535 and quietly wraps it ("99999" is port 34463), so a
 * numeric port is checked here. Service names are left to getaddrinfo(). Returns 0 or -1. */
static int check_port(const char *port, char *err, size_t errlen)
{
    if (port == NULL || *port == '\0' || port[strspn(port, "0123456789")] != '\0')
        return 0;
    if (strlen(port) <= 5 && strtol(port, NULL, 10) <= 65535)
        return 0;
    snprintf(err, errlen, "invalid port \"%s\": a port is a number from 0 to 65535", port);
    return -1;
}

static int resolve(const char *host, const char *port, int family, int passive,
                   struct addrinfo **res, char *err, size_t errlen)
{
    if (check_port(port, err, errlen) < 0)
        return -1;
    struct addrinfo hints;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = family;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = passive ? AI_PASSIVE : AI_ADDRCONFIG;
    int rc = getaddrinfo(host, port, &hints, res);
    if (rc == EAI_ADDRFAMILY || (rc == EAI_NONAME && !passive)) {
        hints.ai_flags = 0;
        rc = getaddrinfo(host, port, &hints, res);
    }
    if (rc != 0) {
        snprintf(err, errlen, "cannot resolve %s%s%s: %s", host ? host : "*",
                 port ? " port " : "", port ? port : "", gai_strerror(rc));
        return -1;
    }
    return 0;
}

/* Waits for a non-blocking connect to finish. Returns 0 or -1 with errno set. */
static int wait_connect(int fd, int timeout_ms)
{
    struct pollfd pfd = {fd, POLLOUT, 0};
    int rc;
    do {
        rc = poll(&pfd, 1, timeout_ms);
    } while (rc < 0 && errno == EINTR);
    if (rc == 0) {
        errno = ETIMEDOUT;
        return -1;
    }
    if (rc < 0)
        return -1;
    int soerr = 0;
    socklen_t len = sizeof(soerr);
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0)
        return -1;
    if (soerr != 0) {
        errno = soerr;
        return -1;
    }
    return 0;
}

static int bind_local(int fd, const char *bind_addr, int family, char *err, size_t errlen)
{
    char *h = NULL, *p = NULL;
    struct addrinfo *res = NULL;
    int ret = -1;
    if (net_split(bind_addr, NULL, "0", &h, &p) < 0) {
        snprintf(err, errlen, "bad -bind address \"%s\"", bind_addr);
        goto done;
    }
    if (resolve(h, p, family, 1, &res, err, errlen) < 0)
        goto done;
    if (bind(fd, res->ai_addr, res->ai_addrlen) < 0) {
        snprintf(err, errlen, "cannot bind to %s: %s", bind_addr, strerror(errno));
        goto done;
    }
    ret = 0;
done:
    if (res != NULL)
        freeaddrinfo(res);
    free(h);
    free(p);
    return ret;
}

static int connect_one(const struct addrinfo *ai, const char *bind_addr, int timeout_ms,
                       char *err, size_t errlen)
{
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) {
        snprintf(err, errlen, "socket: %s", strerror(errno));
        return -1;
    }
    if (bind_addr != NULL && bind_local(fd, bind_addr, ai->ai_family, err, errlen) < 0)
        goto fail;
    if (fastopen_connect(fd, err, errlen) < 0)
        goto fail;
    if (timeout_ms > 0)
        net_set_nonblock(fd, 1);
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
        if (errno != EINPROGRESS || wait_connect(fd, timeout_ms) < 0) {
            snprintf(err, errlen, "%s", strerror(errno));
            goto fail;
        }
    }
    if (timeout_ms > 0)
        net_set_nonblock(fd, 0);
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    return fd;
fail:
    close(fd);
    return -1;
}

/* ------------------------------------------------------------------ net_connect_ex */

/* RFC 8305's "Connection Attempt Delay": how long one attempt runs alone before the next
 * address is tried alongside it. */
#define HE_ATTEMPT_DELAY_MS 250
/* Attempts in one race: more addresses than this are left untried. */
#define HE_MAX_ATTEMPTS 16

/* Milliseconds left until deadline (never negative); -1 when there is no deadline. */
static int ms_left(const struct timespec *deadline)
{
    if (deadline == NULL)
        return -1;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    long long ms = (long long)(deadline->tv_sec - now.tv_sec) * 1000 +
                   (deadline->tv_nsec - now.tv_nsec) / 1000000;
    return ms <= 0 ? 0 : ms > 1000000000 ? 1000000000 : (int)ms;
}

static double ms_since(const struct timespec *from)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - from->tv_sec) * 1e3 + (double)(now.tv_nsec - from->tv_nsec) / 1e6;
}

/* One getaddrinfo call, abandoned when the deadline passes first (the resolver then finishes
 * in the background, owning its request, which is why that is allocated and left to it).
 * Returns getaddrinfo's code, or EAI_AGAIN with *timed_out set. */
static int getaddrinfo_until(const char *host, const char *port, const struct addrinfo *hints,
                             const struct timespec *deadline, struct addrinfo **res,
                             int *timed_out)
{
    if (deadline == NULL)
        return getaddrinfo(host, port, hints, res);
    struct req {
        struct gaicb cb;
        struct addrinfo hints;
        char *host, *port;
    } *r = calloc(1, sizeof(*r));
    if (r == NULL)
        return EAI_MEMORY;
    r->hints = *hints;
    r->host = host ? strdup(host) : NULL;
    r->port = port ? strdup(port) : NULL;
    r->cb.ar_name = r->host;
    r->cb.ar_service = r->port;
    r->cb.ar_request = &r->hints;
    struct gaicb *list[1] = {&r->cb};
    int rc = getaddrinfo_a(GAI_NOWAIT, list, 1, NULL);
    while (rc == 0 && (rc = gai_error(&r->cb)) == EAI_INPROGRESS) {
        int left = ms_left(deadline);
        struct timespec ts = {left / 1000, (long)(left % 1000) * 1000000};
        if (left == 0 || (gai_suspend((const struct gaicb *const *)list, 1, &ts) == EAI_AGAIN &&
                          gai_error(&r->cb) == EAI_INPROGRESS && ms_left(deadline) == 0)) {
            *timed_out = 1;
            if (gai_cancel(&r->cb) != EAI_CANCELED)
                return EAI_AGAIN; /* still running: r belongs to the resolver now */
            rc = EAI_AGAIN;
            break;
        }
        rc = 0;
    }
    *res = rc == 0 ? r->cb.ar_result : NULL;
    free(r->host);
    free(r->port);
    free(r);
    return rc;
}

/* resolve() for a client, bounded by deadline. */
static int resolve_until(const char *host, const char *port, int family,
                         const struct timespec *deadline, struct addrinfo **res,
                         struct net_connect_info *info, char *err, size_t errlen)
{
    if (check_port(port, err, errlen) < 0) {
        info->failure = NET_FAIL_RESOLVE;
        return -1;
    }
    struct addrinfo hints;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = family;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_ADDRCONFIG;
    int timed_out = 0;
    int rc = getaddrinfo_until(host, port, &hints, deadline, res, &timed_out);
    if (!timed_out && (rc == EAI_ADDRFAMILY || rc == EAI_NONAME)) {
        hints.ai_flags = 0; /* e.g. "localhost" on a host whose only address is loopback */
        rc = getaddrinfo_until(host, port, &hints, deadline, res, &timed_out);
    }
    if (rc == 0)
        return 0;
    info->failure = timed_out ? NET_FAIL_TIMEOUT : NET_FAIL_RESOLVE;
    if (timed_out)
        snprintf(err, errlen, "cannot resolve %s: timed out", host);
    else
        snprintf(err, errlen, "cannot resolve %s port %s: %s", host, port, gai_strerror(rc));
    return -1;
}

/* Starts a non-blocking connect to ai. Returns the socket (*done set when the connect has
 * already succeeded), or -1 with why. */
static int attempt_start(const struct addrinfo *ai, const char *bind_addr, int *done, char *why,
                         size_t whylen)
{
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
                    ai->ai_protocol);
    *done = 0;
    if (fd < 0) {
        snprintf(why, whylen, "socket: %s", strerror(errno));
        return -1;
    }
    /* with -tfo the connect "succeeds" at once (the SYN waits for the first write), so the
     * first address wins without a race: Fast Open trades Happy Eyeballs for a round trip */
    if ((bind_addr != NULL && bind_local(fd, bind_addr, ai->ai_family, why, whylen) < 0) ||
        fastopen_connect(fd, why, whylen) < 0) {
        close(fd);
        return -1;
    }
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
        *done = 1;
    } else if (errno != EINPROGRESS) {
        snprintf(why, whylen, "%s", strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

/* The order RFC 8305 section 4 asks for: families alternate, the first address's family
 * (IPv6 when there is one) first, each family keeping getaddrinfo's order. */
static size_t interleave(struct addrinfo *res, const struct addrinfo **out, size_t max)
{
    const struct addrinfo *v6 = res, *v4 = res;
    size_t n = 0;
    int want6 = 1;
    for (;;) {
        while (v6 != NULL && v6->ai_family != AF_INET6)
            v6 = v6->ai_next;
        while (v4 != NULL && v4->ai_family == AF_INET6)
            v4 = v4->ai_next;
        if ((v6 == NULL && v4 == NULL) || n == max)
            return n;
        const struct addrinfo **pick = (want6 && v6 != NULL) || v4 == NULL ? &v6 : &v4;
        out[n++] = *pick;
        *pick = (*pick)->ai_next;
        want6 = !want6;
    }
}

static int has_both_families(const struct addrinfo *res)
{
    int v4 = 0, v6 = 0;
    for (; res != NULL; res = res->ai_next) {
        v4 |= res->ai_family == AF_INET;
        v6 |= res->ai_family == AF_INET6;
    }
    return v4 && v6;
}

static void note_peer(struct net_connect_info *info, const struct addrinfo *ai)
{
    info->family = ai->ai_family;
    getnameinfo(ai->ai_addr, ai->ai_addrlen, info->addr, sizeof(info->addr), NULL, 0,
                NI_NUMERICHOST);
}

struct race {
    const struct addrinfo *addr[HE_MAX_ATTEMPTS];
    int fd[HE_MAX_ATTEMPTS];
    size_t n, started, running;
    struct timespec last_start;
    int winner;
};

/* Starts the next address; a refused one counts as finished, so the next starts at once. */
static void race_start_next(struct race *r, const char *bind_addr, char *why, size_t whylen)
{
    while (r->started < r->n && r->winner < 0) {
        size_t i = r->started++;
        int done = 0;
        r->fd[i] = attempt_start(r->addr[i], bind_addr, &done, why, whylen);
        clock_gettime(CLOCK_MONOTONIC, &r->last_start);
        if (r->fd[i] < 0)
            continue;
        r->running++;
        if (done)
            r->winner = (int)i;
        return;
    }
}

/* Waits for any running attempt, or until the next one is due. Returns -1 on timeout. */
static int race_wait(struct race *r, const struct timespec *deadline, char *why, size_t whylen)
{
    struct pollfd pfd[HE_MAX_ATTEMPTS];
    size_t idx[HE_MAX_ATTEMPTS], n = 0;
    for (size_t i = 0; i < r->started; i++)
        if (r->fd[i] >= 0) {
            pfd[n] = (struct pollfd){r->fd[i], POLLOUT, 0};
            idx[n++] = i;
        }
    int wait = ms_left(deadline);
    if (r->started < r->n) {
        int due = HE_ATTEMPT_DELAY_MS - (int)ms_since(&r->last_start);
        due = due < 0 ? 0 : due;
        wait = wait < 0 || due < wait ? due : wait;
    }
    int rc = poll(pfd, (nfds_t)n, wait);
    if (rc < 0 && errno != EINTR) {
        snprintf(why, whylen, "poll: %s", strerror(errno));
        return -1;
    }
    for (size_t k = 0; rc > 0 && k < n && r->winner < 0; k++) {
        if (pfd[k].revents == 0)
            continue;
        int soerr = 0;
        socklen_t len = sizeof(soerr);
        if (getsockopt(pfd[k].fd, SOL_SOCKET, SO_ERROR, &soerr, &len) == 0 && soerr == 0) {
            r->winner = (int)idx[k];
            break;
        }
        snprintf(why, whylen, "%s", strerror(soerr ? soerr : errno));
        close(pfd[k].fd);
        r->fd[idx[k]] = -1;
        r->running--;
        r->last_start.tv_sec = 0; /* a failure lets the next attempt start now */
    }
    return deadline != NULL && ms_left(deadline) == 0 && r->winner < 0 ? -1 : 0;
}

/* Connects to the first address that answers, racing them as RFC 8305 describes. Returns the
 * socket (blocking again), or -1 with why (*timed_out set when the deadline ended it). */
static int race_connect(struct addrinfo *res, const char *bind_addr,
                        const struct timespec *deadline, struct net_connect_info *info,
                        char *why, size_t whylen)
{
    struct race r;
    memset(&r, 0, sizeof(r));
    r.winner = -1;
    r.n = interleave(res, r.addr, HE_MAX_ATTEMPTS);
    for (size_t i = 0; i < HE_MAX_ATTEMPTS; i++)
        r.fd[i] = -1;
    int timed_out = 0;
    while (r.winner < 0) {
        if (r.started < r.n && (r.running == 0 || ms_since(&r.last_start) >= HE_ATTEMPT_DELAY_MS))
            race_start_next(&r, bind_addr, why, whylen);
        if (r.winner >= 0 || (r.running == 0 && r.started == r.n))
            break;
        if (race_wait(&r, deadline, why, whylen) < 0) {
            timed_out = deadline != NULL && ms_left(deadline) == 0;
            break;
        }
    }
    for (size_t i = 0; i < r.started; i++)
        if (r.fd[i] >= 0 && (int)i != r.winner)
            close(r.fd[i]);
    info->attempts = (int)r.started;
    if (r.winner < 0) {
        info->failure = timed_out ? NET_FAIL_TIMEOUT : NET_FAIL_CONNECT;
        if (timed_out)
            snprintf(why, whylen, "timed out");
        return -1;
    }
    note_peer(info, r.addr[r.winner]);
    int fd = r.fd[r.winner], one = 1;
    net_set_nonblock(fd, 0);
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    return fd;
}

/* One address after the other, each given what is left of the deadline. */
static int sequential_connect(struct addrinfo *res, const char *bind_addr,
                              const struct timespec *deadline, struct net_connect_info *info,
                              char *why, size_t whylen)
{
    int fd = -1;
    for (struct addrinfo *ai = res; ai != NULL && fd < 0; ai = ai->ai_next) {
        int left = ms_left(deadline);
        if (left == 0)
            break;
        info->attempts++;
        fd = connect_one(ai, bind_addr, left, why, whylen);
        if (fd >= 0)
            note_peer(info, ai);
    }
    if (fd < 0 && deadline != NULL && ms_left(deadline) == 0) {
        info->failure = NET_FAIL_TIMEOUT;
        snprintf(why, whylen, "timed out");
    } else if (fd < 0) {
        info->failure = NET_FAIL_CONNECT;
    }
    return fd;
}

int net_connect_ex(const char *host, const char *port, int family, const char *bind_addr,
                   int timeout_ms, struct net_connect_info *info, char *err, size_t errlen)
{
    struct net_connect_info scratch;
    struct addrinfo *res = NULL;
    struct timespec start, deadline;
    char why[256] = "no address";
    if (info == NULL)
        info = &scratch;
    memset(info, 0, sizeof(*info));
    clock_gettime(CLOCK_MONOTONIC, &start);
    deadline = start;
    deadline.tv_sec += timeout_ms / 1000;
    deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000;
    if (deadline.tv_nsec >= 1000000000) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000;
    }
    const struct timespec *dl = timeout_ms > 0 ? &deadline : NULL;
    if (resolve_until(host, port, family, dl, &res, info, err, errlen) < 0) {
        snprintf(info->error, sizeof(info->error), "%s", err);
        return -1;
    }
    info->resolve_ms = ms_since(&start);
    struct timespec connect_start;
    clock_gettime(CLOCK_MONOTONIC, &connect_start);
    /* RFC 8305 racing only where it helps: both families, and neither -4 nor -6 */
    int fd = family == AF_UNSPEC && has_both_families(res)
                 ? race_connect(res, bind_addr, dl, info, why, sizeof(why))
                 : sequential_connect(res, bind_addr, dl, info, why, sizeof(why));
    info->connect_ms = ms_since(&connect_start);
    freeaddrinfo(res);
    if (fd < 0) {
        int v6 = strchr(host, ':') != NULL;
        snprintf(err, errlen, "cannot connect to %s%s%s:%s: %s", v6 ? "[" : "", host,
                 v6 ? "]" : "", port, why);
        snprintf(info->error, sizeof(info->error), "%s", err);
    }
    return fd;
}

int net_connect(const char *host, const char *port, int family, const char *bind_addr,
                int timeout_ms, char *err, size_t errlen)
{
    return net_connect_ex(host, port, family, bind_addr, timeout_ms, NULL, err, errlen);
}

int net_connect_unix(const char *path, char *err, size_t errlen)
{
    struct sockaddr_un sun;
    memset(&sun, 0, sizeof(sun));
    sun.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof(sun.sun_path)) {
        snprintf(err, errlen, "socket path too long: %s", path);
        return -1;
    }
    memcpy(sun.sun_path, path, strlen(path) + 1);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
        snprintf(err, errlen, "cannot connect to unix socket %s: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

static int listen_one(const struct addrinfo *ai, int family, int reuseport)
{
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0)
        return -1;
    int one = 1, zero = 0;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (reuseport)
        setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
    if (ai->ai_family == AF_INET6)
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, family == AF_INET6 ? &one : &zero,
                   sizeof(int));
    /* accepted sockets inherit it from the listener (Linux): no call per connection */
    if (ai->ai_socktype == SOCK_STREAM)
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
#ifdef TCP_FASTOPEN
    int tfo_queue = 511;
    if (fastopen && ai->ai_socktype == SOCK_STREAM)
        setsockopt(fd, IPPROTO_TCP, TCP_FASTOPEN, &tfo_queue, sizeof(tfo_queue));
#endif
    if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 511) < 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

int net_listen(const char *host, const char *port, int family, int reuseport, char *err,
               size_t errlen)
{
    struct addrinfo *res = NULL;
    if (resolve(host, port, family, 1, &res, err, errlen) < 0)
        return -1;
    int fd = -1, saved = 0;
    /* Prefer an IPv6 wildcard (it takes IPv4 too), as openssl does for "*". */
    for (int pass = 0; pass < 2 && fd < 0; pass++)
        for (struct addrinfo *ai = res; ai != NULL && fd < 0; ai = ai->ai_next) {
            if ((pass == 0) != (ai->ai_family == AF_INET6 && host == NULL && family == AF_UNSPEC))
                continue;
            fd = listen_one(ai, family, reuseport);
            if (fd < 0)
                saved = errno;
        }
    freeaddrinfo(res);
    if (fd < 0)
        snprintf(err, errlen, "cannot listen on %s:%s: %s", host ? host : "*", port,
                 strerror(saved));
    return fd;
}

int net_listen_unix(const char *path, int unlink_first, char *err, size_t errlen)
{
    struct sockaddr_un sun;
    memset(&sun, 0, sizeof(sun));
    sun.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof(sun.sun_path)) {
        snprintf(err, errlen, "socket path too long: %s", path);
        return -1;
    }
    memcpy(sun.sun_path, path, strlen(path) + 1);
    if (unlink_first)
        unlink(path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 || listen(fd, 511) < 0) {
        snprintf(err, errlen, "cannot listen on unix socket %s: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

int net_local_port(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
        return -1;
    if (ss.ss_family == AF_INET)
        return ntohs(((struct sockaddr_in *)&ss)->sin_port);
    if (ss.ss_family == AF_INET6)
        return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    return -1;
}

int net_set_nonblock(int fd, int on)
{
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0)
        return -1;
    fl = on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK;
    return fcntl(fd, F_SETFL, fl);
}

/* A UDP socket for one address: connected to it, or bound to it. */
static int udp_one(const struct addrinfo *ai, int connect_it)
{
    int fd = socket(ai->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    int one = 1;
    if (!connect_it)
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if ((connect_it ? connect(fd, ai->ai_addr, ai->ai_addrlen)
                    : bind(fd, ai->ai_addr, ai->ai_addrlen)) < 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

static int net_udp(const char *host, const char *port, int family, int connect_it, char *err,
                   size_t errlen)
{
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = family;
    hints.ai_socktype = SOCK_DGRAM;
    hints.ai_flags = connect_it ? 0 : AI_PASSIVE;
    int rc = getaddrinfo(host, port, &hints, &res);
    if (rc != 0) {
        snprintf(err, errlen, "cannot resolve %s port %s: %s", host ? host : "*", port,
                 gai_strerror(rc));
        return -1;
    }
    int fd = -1, saved = 0;
    for (struct addrinfo *ai = res; ai != NULL && fd < 0; ai = ai->ai_next)
        if ((fd = udp_one(ai, connect_it)) < 0)
            saved = errno;
    freeaddrinfo(res);
    if (fd < 0)
        snprintf(err, errlen, "cannot %s UDP %s:%s: %s", connect_it ? "connect to" : "bind to",
                 host ? host : "*", port, strerror(saved));
    return fd;
}

int net_udp_connect(const char *host, const char *port, int family, char *err, size_t errlen)
{
    return net_udp(host, port, family, 1, err, errlen);
}

int net_udp_bind(const char *host, const char *port, int family, char *err, size_t errlen)
{
    return net_udp(host, port, family, 0, err, errlen);
}
