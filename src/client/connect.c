/* s_client's transport: TCP (either family, optional -bind), a Unix socket, an HTTP proxy
 * tunnel, then the STARTTLS dialogue if one was asked for. */
#include "client/client.h"
#include "lib/err.h"
#include "lib/load.h"
#include "lib/net.h"
#include "proto/starttls.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <openssl/evp.h>

int client_target(const struct client_config *cfg, char **host, char **port)
{
    const char *spec = cfg->connect;
    if (spec == NULL && (cfg->host != NULL || cfg->port != NULL)) {
        *host = strdup(cfg->host ? cfg->host : "localhost");
        *port = strdup(cfg->port ? cfg->port : "4433");
        return *host && *port ? 0 : -1;
    }
    if (net_split(spec ? spec : "localhost:4433", "localhost", "4433", host, port) < 0 ||
        *host == NULL || *port == NULL) {
        err_msg("cannot parse \"%s\" as host:port", spec);
        return -1;
    }
    return 0;
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

/* Sends "CONNECT host:port" (with Basic credentials when -proxy_user is given). */
static int proxy_connect(int fd, const struct client_config *cfg, const char *host,
                         const char *port)
{
    char req[2048], auth[1024] = "";
    int v6 = strchr(host, ':') != NULL;
    if (cfg->proxy_user != NULL) {
        int failed = 0;
        char *pass = load_password(cfg->proxy_pass, &failed);
        if (failed)
            return -1;
        char cred[512];
        unsigned char b64[700];
        int n = snprintf(cred, sizeof(cred), "%s:%s", cfg->proxy_user, pass ? pass : "");
        load_password_free(pass);
        if (n < 0 || (size_t)n >= sizeof(cred)) {
            err_msg("proxy credentials too long");
            return -1;
        }
        EVP_EncodeBlock(b64, (unsigned char *)cred, n);
        OPENSSL_cleanse(cred, sizeof(cred));
        snprintf(auth, sizeof(auth), "Proxy-Authorization: Basic %s\r\n", b64);
    }
    int n = snprintf(req, sizeof(req), "CONNECT %s%s%s:%s HTTP/1.0\r\n%s\r\n", v6 ? "[" : "",
                     host, v6 ? "]" : "", port, auth);
    OPENSSL_cleanse(auth, sizeof(auth));
    if (n < 0 || (size_t)n >= sizeof(req) || write(fd, req, (size_t)n) != n) {
        err_msg("cannot send CONNECT to proxy %s: %s", cfg->proxy, strerror(errno));
        return -1;
    }
    OPENSSL_cleanse(req, sizeof(req));
    return proxy_read_reply(fd, cfg->proxy, cfg->connect_timeout * 1000);
}

static int open_tcp(const struct client_config *cfg, const char *host, const char *port)
{
    char why[512];
    int timeout_ms = cfg->connect_timeout * 1000;
    if (cfg->proxy == NULL) {
        int fd = net_connect(host, port, cfg->family, cfg->bind, timeout_ms, why, sizeof(why));
        if (fd < 0)
            err_msg("%s", why);
        return fd;
    }
    char *ph = NULL, *pp = NULL;
    int fd = -1;
    if (net_split(cfg->proxy, NULL, "80", &ph, &pp) < 0 || ph == NULL) {
        err_msg("-proxy: cannot parse \"%s\" as host:port", cfg->proxy);
        goto done;
    }
    fd = net_connect(ph, pp, cfg->family, cfg->bind, timeout_ms, why, sizeof(why));
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
    fd = open_tcp(cfg, host, port);
    if (fd < 0 || cfg->starttls == NULL)
        goto done;
    struct starttls_opts so = {cfg->starttls, cfg->starttls_name, host,
                               cfg->handshake_timeout * 1000, NULL, NULL, NULL};
    if (starttls_negotiate(fd, &so, why, sizeof(why)) < 0) {
        err_msg("%s", why);
        close(fd);
        fd = -1;
    }
done:
    free(host);
    free(port);
    return fd;
}
