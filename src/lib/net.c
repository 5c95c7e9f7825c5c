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
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

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

static int resolve(const char *host, const char *port, int family, int passive,
                   struct addrinfo **res, char *err, size_t errlen)
{
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

int net_connect(const char *host, const char *port, int family, const char *bind_addr,
                int timeout_ms, char *err, size_t errlen)
{
    struct addrinfo *res = NULL;
    if (resolve(host, port, family, 0, &res, err, errlen) < 0)
        return -1;
    int fd = -1;
    char why[256] = "no address";
    for (struct addrinfo *ai = res; ai != NULL && fd < 0; ai = ai->ai_next)
        fd = connect_one(ai, bind_addr, timeout_ms, why, sizeof(why));
    freeaddrinfo(res);
    if (fd < 0) {
        int v6 = strchr(host, ':') != NULL;
        snprintf(err, errlen, "cannot connect to %s%s%s:%s: %s", v6 ? "[" : "", host,
                 v6 ? "]" : "", port, why);
    }
    return fd;
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
