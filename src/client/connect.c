/* s_client's transport: TCP (either family, optional -bind), UDP for DTLS, a Unix socket, an
 * HTTP proxy tunnel; the BIOs libssl reads and writes through; the server name to send. */
#include "client/client.h"
#include "lib/err.h"
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

/* Reads the proxy's reply headers up to the blank line, one byte at a time so that nothing
 * of the TLS stream behind them is consumed. Returns 0 on a 2xx status. */
static int proxy_read_reply(int fd, const char *proxy, int timeout_ms)
{
    char line[1024];
    size_t len = 0;
    int status = -1, lines = 0;
    for (int guard = 0; guard < 65536; guard++) {
        struct pollfd pfd = {fd, POLLIN, 0};
        if (poll(&pfd, 1, timeout_ms > 0 ? timeout_ms : 30000) <= 0) {
            err_msg("proxy %s: no reply in time", proxy);
            return -1;
        }
        char ch;
        ssize_t n = read(fd, &ch, 1);
        if (n <= 0) {
            err_msg("proxy %s closed the connection before answering CONNECT", proxy);
            return -1;
        }
        if (ch != '\n') {
            if (len < sizeof(line) - 1 && ch != '\r')
                line[len++] = ch;
            continue;
        }
        line[len] = '\0';
        if (lines++ == 0) {
            int major, minor;
            if (sscanf(line, "HTTP/%d.%d %d", &major, &minor, &status) != 3) {
                err_msg("proxy %s: not an HTTP reply: \"%.80s\"", proxy, line);
                return -1;
            }
            if (status < 200 || status > 299) {
                err_msg("proxy %s refused CONNECT: \"%.120s\"", proxy, line);
                return -1;
            }
        } else if (len == 0) {
            return 0;
        }
        len = 0;
    }
    err_msg("proxy %s: reply headers too long", proxy);
    return -1;
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

/* Sends "CONNECT host:port" (IPv6 literals bracketed, Basic credentials with -proxy_user). */
static int proxy_connect(int fd, const struct client_config *cfg, const char *host,
                         const char *port)
{
    char req[2048], auth[1024] = "";
    int v6 = strchr(host, ':') != NULL, ret = -1;
    if (cfg->proxy_user != NULL && proxy_auth_header(cfg, auth, sizeof(auth)) < 0)
        goto done;
    int n = snprintf(req, sizeof(req), "CONNECT %s%s%s:%s HTTP/1.0\r\n%s\r\n", v6 ? "[" : "",
                     host, v6 ? "]" : "", port, auth);
    if (n < 0 || (size_t)n >= sizeof(req)) {
        err_msg("proxy request too long");
        goto done;
    }
    if (write(fd, req, (size_t)n) != n) {
        err_msg("cannot send CONNECT to proxy %s: %s", cfg->proxy, strerror(errno));
        goto done;
    }
    ret = proxy_read_reply(fd, cfg->proxy, cfg->connect_timeout * 1000);
done:
    OPENSSL_cleanse(auth, sizeof(auth));
    OPENSSL_cleanse(req, sizeof(req));
    return ret;
}

static int open_proxy_tunnel(const struct client_config *cfg, const char *host, const char *port)
{
    char why[512];
    char *ph = NULL, *pp = NULL;
    int fd = -1;
    if (net_split(cfg->proxy, NULL, NULL, &ph, &pp) < 0 || ph == NULL || pp == NULL) {
        err_msg("-proxy argument malformed or ambiguous: \"%s\" (want host:port)", cfg->proxy);
        goto done;
    }
    fd = net_connect(ph, pp, cfg->family, cfg->bind, cfg->connect_timeout * 1000, why,
                     sizeof(why));
    if (fd < 0) {
        err_msg("proxy: %s", why);
        goto done;
    }
    if (proxy_connect(fd, cfg, host, port) < 0) {
        close(fd);
        fd = -1;
    }
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

int client_connect(const struct client_config *cfg)
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
        fd = open_proxy_tunnel(cfg, h, port);
    } else {
        fd = net_connect(h, port, cfg->family, cfg->bind, cfg->connect_timeout * 1000, why,
                         sizeof(why));
        if (fd < 0)
            err_msg("%s", why);
    }
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
    BIO_ctrl_set_connected(b, peer);
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
