/* s_client's transport: TCP (either family, optional -bind), UDP for DTLS, a Unix socket, an
 * HTTP proxy tunnel; the BIOs libssl reads and writes through; the server name to send. */
#include "client/client.h"
#include "client/observe.h"
#include "lib/err.h"
#include "lib/features.h"
#include "lib/load.h"
#include "lib/net.h"

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <openssl/evp.h>

int client_target(const struct client_config *cfg, char **host, char **port)
{
    *host = *port = NULL;
    if (cfg->connect == NULL) {
        /* -host/-port, each defaulting as openssl's do: no host named, port 4433 */
        *host = cfg->host != NULL ? strdup(cfg->host) : NULL;
        *port = strdup(cfg->port != NULL ? cfg->port : "4433");
        if ((cfg->host != NULL && *host == NULL) || *port == NULL)
            goto oom;
        return 0;
    }
    if (net_split(cfg->connect, NULL, "4433", host, port) < 0 || *port == NULL) {
        err_msg("-connect argument or target parameter malformed or ambiguous: \"%s\"",
                cfg->connect);
        free(*host);
        free(*port);
        *host = *port = NULL;
        return -1;
    }
    return 0;
oom:
    free(*host);
    free(*port);
    *host = *port = NULL;
    err_msg("out of memory");
    return -1;
}

/* A DNS name as openssl tells one for the default SNI: letters, digits, '_' and inner '-'
 * in labels shorter than 63, at least two labels, not all digits (so no IPv4 address and no
 * single-label name such as "localhost"). */
static int looks_like_dns_name(const char *host)
{
    size_t len = strlen(host), label = 0;
    int dots = 0, letters = 0;
    for (size_t i = 0; i < len; i++) {
        char ch = host[i];
        int inner = i > 0 && i + 1 < len;
        if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_') {
            letters = 1;
            label++;
        } else if (ch >= '0' && ch <= '9') {
            label++;
        } else if (ch == '-' && inner) {
            label++;
        } else if (ch == '.' && inner && host[i + 1] != '.' && host[i + 1] != '-' &&
                   host[i - 1] != '-') {
            dots++;
            label = 0;
        } else {
            return 0;
        }
        if (label >= 63)
            return 0;
    }
    return dots > 0 && letters;
}

char *client_default_servername(const struct client_config *cfg)
{
    if (cfg->noservername)
        return NULL;
    if (cfg->servername != NULL)
        return strdup(cfg->servername);
    if (cfg->dane_tlsa_domain != NULL || cfg->unix_path != NULL)
        return NULL; /* DANE sends its own domain; a socket path is no name */
    char *host = NULL, *port = NULL;
    if (client_target(cfg, &host, &port) < 0)
        return NULL;
    free(port);
    if (host == NULL)
        return strdup("localhost");
    /* through a proxy the target is named as given: it is what the proxy was asked for */
    if (cfg->proxy != NULL || looks_like_dns_name(host))
        return host;
    free(host);
    return NULL;
}

/* Waits until fd can be read (or written), up to timeout_ms (<= 0: 30 s). Returns 0 or -1. */
static int wait_fd(int fd, short events, int timeout_ms)
{
    struct pollfd pfd = {fd, events, 0};
    int rc;
    do {
        rc = poll(&pfd, 1, timeout_ms > 0 ? timeout_ms : 30000);
    } while (rc < 0 && errno == EINTR);
    return rc > 0 ? 0 : -1;
}

/* Writes all of buf through bio, waiting when it asks to retry. Returns 0 or -1. */
static int bio_write_all(BIO *bio, int fd, const char *buf, size_t len, int timeout_ms)
{
    while (len > 0) {
        int n = BIO_write(bio, buf, (int)len);
        if (n > 0) {
            buf += n;
            len -= (size_t)n;
        } else if (!BIO_should_retry(bio) || wait_fd(fd, POLLOUT, timeout_ms) < 0) {
            return -1;
        }
    }
    return 0;
}

/* Reads the proxy's reply through bio up to its blank line. The server behind it says
 * nothing before our ClientHello, so reading whole chunks takes nothing of the TLS stream.
 * Returns the reply's length in buf (NUL-terminated), or -1 (reported). */
static int proxy_read_reply(BIO *bio, int fd, const char *proxy, char *buf, size_t size,
                            int timeout_ms)
{
    size_t len = 0;
    buf[0] = '\0';
    while (strstr(buf, "\r\n\r\n") == NULL) {
        if (len + 1 >= size) {
            err_msg("proxy %s: reply headers too long", proxy);
            return -1;
        }
        size_t room = size - len - 1;
        /* 4096 at a time, as openssl's reads go (it shows in -debug) */
        int n = BIO_read(bio, buf + len, (int)(room < 4096 ? room : 4096));
        if (n > 0) {
            len += (size_t)n;
            buf[len] = '\0';
        } else if (!BIO_should_retry(bio)) {
            err_msg("proxy %s closed the connection before answering CONNECT", proxy);
            return -1;
        } else if (wait_fd(fd, POLLIN, timeout_ms) < 0) {
            err_msg("proxy %s: no reply in time", proxy);
            return -1;
        }
    }
    return (int)len;
}

/* "Proxy-Authorization: Basic ...\r\n" from -proxy_user/-proxy_pass into auth. */
static int proxy_auth_header(const struct client_config *cfg, char *auth, size_t authlen)
{
    int failed = 0;
    char *pass = load_password(cfg->proxy_pass, &failed);
    if (failed)
        return -1;
    char cred[512];
    unsigned char b64[700];
    int n = snprintf(cred, sizeof(cred), "%s:%s", cfg->proxy_user, pass ? pass : "");
    load_password_free(pass);
    if (n < 0 || (size_t)n >= sizeof(cred)) {
        OPENSSL_cleanse(cred, sizeof(cred));
        err_msg("proxy credentials too long");
        return -1;
    }
    EVP_EncodeBlock(b64, (unsigned char *)cred, n);
    OPENSSL_cleanse(cred, sizeof(cred));
    snprintf(auth, authlen, "Proxy-Authorization: Basic %s\r\n", b64);
    OPENSSL_cleanse(b64, sizeof(b64));
    return 0;
}

/* The request openssl sends, so the proxy sees the same thing from either tool. */
static int proxy_request(const struct client_config *cfg, const char *host, const char *port,
                         char *req, size_t size)
{
    char auth[1024] = "";
    int v6 = strchr(host, ':') != NULL;
    if (cfg->proxy_user != NULL && proxy_auth_header(cfg, auth, sizeof(auth)) < 0)
        return -1;
    int n = snprintf(req, size, "CONNECT %s%s%s:%s HTTP/1.0\r\nProxy-Connection: Keep-Alive\r\n"
                     "%s\r\n", v6 ? "[" : "", host, v6 ? "]" : "", port, auth);
    OPENSSL_cleanse(auth, sizeof(auth));
    if (n < 0 || (size_t)n >= size) {
        err_msg("proxy request too long");
        return -1;
    }
    return n;
}

int client_proxy_tunnel(const struct client_config *cfg, BIO *bio, int fd)
{
    char *host = NULL, *port = NULL, req[2048], reply[8192];
    int ret = -1, timeout_ms = cfg->connect_timeout * 1000;
    if (client_target(cfg, &host, &port) < 0 || host == NULL)
        goto done;
    int n = proxy_request(cfg, host, port, req, sizeof(req));
    if (n < 0)
        goto done;
    if (bio_write_all(bio, fd, req, (size_t)n, timeout_ms) < 0) {
        err_msg("cannot send CONNECT to proxy %s: %s", cfg->proxy, strerror(errno));
        goto done;
    }
    if (proxy_read_reply(bio, fd, cfg->proxy, reply, sizeof(reply), timeout_ms) < 0)
        goto done;
    int major, minor, status = 0;
    reply[strcspn(reply, "\r\n")] = '\0';
    if (sscanf(reply, "HTTP/%d.%d %d", &major, &minor, &status) != 3) {
        err_msg("proxy %s: not an HTTP reply: \"%.80s\"", cfg->proxy, reply);
        goto done;
    }
    if (status < 200 || status > 299) {
        err_msg("proxy %s refused CONNECT: \"%.120s\"", cfg->proxy, reply);
        goto done;
    }
    ret = 0;
done:
    OPENSSL_cleanse(req, sizeof(req));
    free(host);
    free(port);
    return ret;
}

/* The TCP connection to the proxy; the CONNECT itself goes through the TLS connection's
 * BIO later (client_proxy_tunnel), so -debug shows it and the byte counts include it. */
static int open_proxy(const struct client_config *cfg, struct net_connect_info *info)
{
    char why[512];
    char *ph = NULL, *pp = NULL;
    int fd = -1;
    if (net_split(cfg->proxy, NULL, NULL, &ph, &pp) < 0 || ph == NULL || pp == NULL) {
        err_msg("-proxy argument malformed or ambiguous: \"%s\" (want host:port)", cfg->proxy);
        goto done;
    }
    fd = net_connect_ex(ph, pp, cfg->family, cfg->bind, cfg->connect_timeout * 1000, info, why,
                        sizeof(why));
    if (fd < 0)
        err_msg("proxy: %s", why);
done:
    free(ph);
    free(pp);
    return fd;
}

/* A connected UDP socket for DTLS, trying each address in turn. */
static int open_udp(const struct client_config *cfg, const char *host, const char *port)
{
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = cfg->family;
    hints.ai_socktype = SOCK_DGRAM;
    int rc = getaddrinfo(host, port, &hints, &res);
    if (rc != 0) {
        err_msg("cannot resolve %s port %s: %s", host, port, gai_strerror(rc));
        return -1;
    }
    int fd = -1, saved = 0;
    for (struct addrinfo *ai = res; ai != NULL && fd < 0; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
            saved = errno;
            close(fd);
            fd = -1;
        } else if (fd < 0) {
            saved = errno;
        }
    }
    freeaddrinfo(res);
    if (fd < 0)
        err_msg("cannot connect to %s:%s: %s", host, port, strerror(saved));
    return fd;
}

#ifdef HAVE_OPENSSL35_OUTPUT
/* openssl 3.5 names the address it connects to, numerically, on stderr. */
static void say_connecting(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    char host[NI_MAXHOST];
    if (fd >= 0 && getpeername(fd, (struct sockaddr *)&ss, &len) == 0 &&
        getnameinfo((struct sockaddr *)&ss, len, host, sizeof(host), NULL, 0, NI_NUMERICHOST) == 0)
        fprintf(stderr, "Connecting to %s\n", host);
}
#endif

int client_connect(const struct client_config *cfg)
{
    return client_connect_info(cfg, NULL);
}

int client_connect_info(const struct client_config *cfg, struct net_connect_info *info)
{
    char why[512];
    if (cfg->unix_path != NULL) {
        int fd = net_connect_unix(cfg->unix_path, why, sizeof(why));
        if (fd < 0)
            err_msg("%s", why);
        return fd;
    }
    char *host = NULL, *port = NULL;
    int fd = -1;
    if (client_target(cfg, &host, &port) < 0)
        goto done;
    const char *h = host != NULL ? host : "localhost";
    if (cfg->common.dtls) {
        fd = open_udp(cfg, h, port);
    } else if (cfg->proxy != NULL) {
        fd = open_proxy(cfg, info);
    } else {
        fd = net_connect_ex(h, port, cfg->family, cfg->bind, cfg->connect_timeout * 1000, info,
                            why, sizeof(why));
        if (fd < 0)
            err_msg("%s", why);
    }
#ifdef HAVE_OPENSSL35_OUTPUT
    say_connecting(fd);
#endif
done:
    free(host);
    free(port);
    return fd;
}

/* DTLS over a connected UDP socket, with -timeout's fixed timeouts and -mtu. */
static BIO *dgram_bio(const struct client_config *cfg, SSL *ssl, int fd)
{
    BIO *b = BIO_new_dgram(fd, BIO_NOCLOSE);
    BIO_ADDR *peer = BIO_ADDR_new();
    struct sockaddr_storage ss;
    socklen_t sslen = sizeof(ss);
    if (b == NULL || peer == NULL || getpeername(fd, (struct sockaddr *)&ss, &sslen) < 0)
        goto fail;
    if (ss.ss_family == AF_INET) {
        struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
        BIO_ADDR_rawmake(peer, AF_INET, &sin->sin_addr, sizeof(sin->sin_addr), sin->sin_port);
    } else {
        struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
        BIO_ADDR_rawmake(peer, AF_INET6, &sin6->sin6_addr, sizeof(sin6->sin6_addr),
                         sin6->sin6_port);
    }
    (void)BIO_ctrl_set_connected(b, peer);
    BIO_ADDR_free(peer);
    peer = NULL;
    if (cfg->common.dtls_timeout) {
        struct timeval tv = {0, 250000};
        BIO_ctrl(b, BIO_CTRL_DGRAM_SET_RECV_TIMEOUT, 0, &tv);
        BIO_ctrl(b, BIO_CTRL_DGRAM_SET_SEND_TIMEOUT, 0, &tv);
    }
    if (cfg->common.mtu > 0) {
        if (cfg->common.mtu < DTLS_get_link_min_mtu(ssl)) {
            err_msg("-mtu %d is too small: it must be at least %ld", cfg->common.mtu,
                    DTLS_get_link_min_mtu(ssl));
            BIO_free(b);
            return NULL;
        }
        SSL_set_options(ssl, SSL_OP_NO_QUERY_MTU);
        if (!DTLS_set_link_mtu(ssl, cfg->common.mtu)) {
            err_ssl("cannot set the MTU to %d", cfg->common.mtu);
            BIO_free(b);
            return NULL;
        }
    } else {
        BIO_ctrl(b, BIO_CTRL_DGRAM_MTU_DISCOVER, 0, NULL);
    }
    return b;
fail:
    err_ssl("cannot set up the DTLS transport");
    BIO_ADDR_free(peer);
    BIO_free(b);
    return NULL;
}

int client_attach_transport(const struct client_config *cfg, SSL *ssl, int fd)
{
    BIO *b = cfg->common.dtls ? dgram_bio(cfg, ssl, fd) : BIO_new_socket(fd, BIO_NOCLOSE);
    if (b == NULL) {
        if (!cfg->common.dtls)
            err_ssl("cannot set up the transport");
        return -1;
    }
    if (cfg->common.nbio_test) {
        /* a filter that randomly says "try again", to exercise the retry paths */
        BIO *test = BIO_new(BIO_f_nbio_test());
        if (test == NULL) {
            err_ssl("cannot set up -nbio_test");
            BIO_free(b);
            return -1;
        }
        b = BIO_push(test, b);
    }
    SSL_set_bio(ssl, b, b);
    return 0;
}
