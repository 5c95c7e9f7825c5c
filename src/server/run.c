/* Running s_server: listen, announce, start the workers, wait for them, print the summary.
 * Also the few things every part of the running server shares: stopping and stdout. */
#include "server/server.h"
#include "server/worker.h"
#include "lib/err.h"
#include "lib/net.h"
#include "lib/tlsctx.h"
#include "server/ocsp.h"
#include "server/page.h"
#include "server/sessions.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/rand.h>

/* Simultaneous connections the whole server holds at most (fewer if the descriptor limit is
 * lower). Each idle connection costs a few KiB, so this is about memory as much as sockets. */
#define MAX_CONNECTIONS 20000
/* Descriptors kept back from connections for files, stdio, epoll and the like. */
#define FD_RESERVE 32

struct server *server_of_ctx(const SSL_CTX *ctx)
{
    const struct server_config *cfg = (const void *)tls_ctx_config(ctx);
    return cfg != NULL ? cfg->srv : NULL;
}

void server_stop(struct server *srv, enum server_stop level)
{
    int cur = atomic_load(&srv->stopping);
    while (cur < (int)level && !atomic_compare_exchange_weak(&srv->stopping, &cur, (int)level))
        ;
    for (int i = 0; i < srv->nworkers; i++)
        if (srv->workers[i] != NULL)
            worker_wake(srv->workers[i]);
}

/* Everything on stdout goes through stdio (as the tracing BIOs do), one locked write-and-flush
 * per piece, so pieces from different workers never mix and their order is kept. */
void server_out(struct server *srv, const void *buf, size_t len)
{
    (void)srv;
    if (len == 0)
        return;
    flockfile(stdout);
    fwrite_unlocked(buf, 1, len, stdout);
    fflush_unlocked(stdout);
    funlockfile(stdout);
}

void server_out_bio(struct server *srv, BIO *mem, int to_stderr)
{
    char *data = NULL;
    long n = BIO_get_mem_data(mem, &data);
    if (n > 0 && to_stderr) {
        flockfile(stderr);
        fwrite_unlocked(data, 1, (size_t)n, stderr);
        fflush_unlocked(stderr);
        funlockfile(stderr);
    } else if (n > 0) {
        server_out(srv, data, (size_t)n);
    }
    (void)BIO_reset(mem);
}

void server_outf(struct server *srv, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n > 0)
        server_out(srv, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

/* --- listening ------------------------------------------------------------------------------ */

/* Splits -accept/-port into host (NULL: every address) and port. Returns 0 or -1 (reported). */
static int listen_address(const struct server_config *cfg, char **host, char **port)
{
    *host = *port = NULL;
    if (cfg->accept == NULL) {
        *port = strdup(cfg->port ? cfg->port : "4433");
        return *port != NULL ? 0 : -1;
    }
    if (net_split(cfg->accept, NULL, "4433", host, port) < 0) {
        err_msg("-accept: cannot parse \"%s\" as [host:]port", cfg->accept);
        return -1;
    }
    /* "-accept 8443": a bare number is a port, as in openssl */
    if (*host != NULL && strchr(cfg->accept, ':') == NULL) {
        free(*port);
        *port = *host;
        *host = NULL;
    }
    if (*host != NULL && strcmp(*host, "*") == 0) {
        free(*host);
        *host = NULL;
    }
    return 0;
}

/* DTLS: a UDP socket on host:port (host NULL: every address, IPv6 taking IPv4 too unless
 * -6). Returns it, or -1 (reported). */
static int listen_udp(const char *host, const char *port, int family)
{
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = family;
    hints.ai_socktype = SOCK_DGRAM;
    hints.ai_flags = AI_PASSIVE;
    int rc = getaddrinfo(host, port, &hints, &res), fd = -1, saved = 0;
    if (rc != 0) {
        err_msg("cannot resolve %s port %s: %s", host ? host : "*", port, gai_strerror(rc));
        return -1;
    }
    /* the IPv6 wildcard first, as for TCP: it takes IPv4 as well */
    for (int pass = 0; pass < 2 && fd < 0; pass++)
        for (struct addrinfo *ai = res; ai != NULL && fd < 0; ai = ai->ai_next) {
            if ((pass == 0) != (ai->ai_family == AF_INET6 && host == NULL))
                continue;
            fd = socket(ai->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
            int one = 1, v6only = family == AF_INET6;
            if (fd >= 0) {
                setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
                if (ai->ai_family == AF_INET6)
                    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof(v6only));
            }
            if (fd >= 0 && bind(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
                saved = errno;
                close(fd);
                fd = -1;
            }
        }
    freeaddrinfo(res);
    if (fd < 0)
        err_msg("cannot listen on UDP %s:%s: %s", host ? host : "*", port, strerror(saved));
    return fd;
}

/* Opens the listening socket named by -accept/-port/-unix. reuseport: the workers will each
 * open one more on the same address. Returns the socket, or -1 (reported). */
static int server_listen(const struct server_config *cfg, int reuseport, int *port_zero)
{
    char why[512];
    *port_zero = 0;
    if (cfg->unix_path != NULL) {
        int fd = net_listen_unix(cfg->unix_path, cfg->unlink_path, why, sizeof(why));
        if (fd < 0)
            err_msg("%s", why);
        return fd;
    }
    char *host = NULL, *port = NULL;
    int fd = -1;
    if (listen_address(cfg, &host, &port) == 0) {
        *port_zero = strcmp(port, "0") == 0;
        if (cfg->common.dtls) {
            fd = listen_udp(host, port, cfg->family);
        } else {
            fd = net_listen(host, port, cfg->family, reuseport, why, sizeof(why));
            if (fd < 0)
                err_msg("%s", why);
        }
    }
    free(host);
    free(port);
    return fd;
}

/* Another socket on the address lfd is bound to, for one more worker (SO_REUSEPORT: the
 * kernel spreads new clients over them). Returns it, or -1 (the caller shares lfd then). */
static int listen_again(int lfd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    if (getsockname(lfd, (struct sockaddr *)&ss, &len) < 0)
        return -1;
    int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    int one = 1, v6only = 0;
    socklen_t vlen = sizeof(v6only);
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)); /* inherited, as net_listen */
    if (ss.ss_family == AF_INET6 && getsockopt(lfd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, &vlen) == 0)
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof(v6only));
    if (bind(fd, (struct sockaddr *)&ss, len) < 0 || listen(fd, 511) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* "ACCEPT", or with the address when the system chose the port (-accept 0) and for -unix,
 * as openssl prints it. */
static void announce(const struct server_config *cfg, int lfd, int port_zero)
{
    if (cfg->common.quiet)
        return;
    if (cfg->unix_path != NULL) {
        printf("ACCEPT localhost:%s\n", cfg->unix_path);
    } else if (port_zero) {
        struct sockaddr_storage ss;
        socklen_t len = sizeof(ss);
        char host[INET6_ADDRSTRLEN] = "?";
        if (getsockname(lfd, (struct sockaddr *)&ss, &len) == 0) {
            const void *addr = ss.ss_family == AF_INET6
                                   ? (const void *)&((struct sockaddr_in6 *)&ss)->sin6_addr
                                   : (const void *)&((struct sockaddr_in *)&ss)->sin_addr;
            inet_ntop(ss.ss_family, addr, host, sizeof(host));
        }
        if (ss.ss_family == AF_INET6)
            printf("ACCEPT [%s]:%d\n", host, net_local_port(lfd));
        else
            printf("ACCEPT %s:%d\n", host, net_local_port(lfd));
    } else {
        printf("ACCEPT\n");
    }
    fflush(stdout);
}

/* --- set-up --------------------------------------------------------------------------------- */

/* Raises the descriptor limit as far as allowed; returns how many connections fit. */
static int connection_capacity(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
        return 1024 - FD_RESERVE;
    if (rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
        getrlimit(RLIMIT_NOFILE, &rl);
    }
    rlim_t n = rl.rlim_cur > FD_RESERVE + 1 ? rl.rlim_cur - FD_RESERVE : 1;
    return n > MAX_CONNECTIONS ? MAX_CONNECTIONS : (int)n;
}

/* How the server runs: in the interactive mode one connection at a time (stdin can feed only
 * one) unless -quiet says nobody is typing into it, then many on one worker (stdin feeds the
 * oldest); the responders many at once on -workers threads. */
static void plan_workers(struct server *srv)
{
    const struct server_config *cfg = srv->cfg;
    int interactive = cfg->mode == MODE_INTERACTIVE;
    /* DTLS serves one peer at a time on its one socket, as openssl does */
    srv->concurrent = (!interactive || cfg->common.quiet) && !cfg->common.dtls;
    if (interactive || cfg->common.dtls) {
        srv->nworkers = 1;
    } else if (cfg->workers > 0) {
        srv->nworkers = cfg->workers;
    } else {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        srv->nworkers = n > 0 ? (int)(n > 64 ? 64 : n) : 1;
    }
    int cap = connection_capacity();
    srv->max_conns = srv->concurrent ? (cap + srv->nworkers - 1) / srv->nworkers : 1;
}

/* The parts of the -www page (and -WWW's /stats) that are the same for every connection. */
static int prepare_pages(struct server *srv)
{
    if (srv->cfg->mode == MODE_INTERACTIVE || srv->cfg->mode == MODE_REV)
        return 0;
    srv->page_head = page_head(srv->cfg->cmdline, &srv->page_head_len);
    srv->page_ciphers = page_ciphers(srv->ctx, &srv->page_ciphers_len);
    if (srv->page_head == NULL || srv->page_ciphers == NULL) {
        err_msg("out of memory");
        return -1;
    }
    if (srv->cfg->mode == MODE_WWW_FILES || srv->cfg->mode == MODE_HTTP) {
        srv->docroot = realpath(".", NULL);
        if (srv->docroot == NULL) {
            err_msg("cannot resolve the current directory: %s", strerror(errno));
            return -1;
        }
    }
    return 0;
}

/* What the callbacks keep while the server runs: the OCSP response, the external session
 * cache, the -stateless cookie secret. Returns 0 or -1 (reported). */
static int prepare_state(struct server *srv)
{
    const struct server_config *cfg = srv->cfg;
    if (cfg->common.status) {
        if ((srv->ocsp = ocsp_cache_new()) == NULL)
            return -1;
        if (cfg->status_file != NULL && ocsp_cache_load_file(srv->ocsp, cfg->status_file) < 0)
            return -1;
    }
    if (cfg->ext_cache && (srv->sessions = sess_cache_new()) == NULL)
        return -1;
    if ((cfg->stateless || cfg->common.dtls) &&
        RAND_bytes(srv->cookie_secret, sizeof(srv->cookie_secret)) != 1) {
        err_ssl("cannot make a cookie secret");
        return -1;
    }
    return 0;
}

/* SIGINT and SIGTERM end the server like 'Q' (connections closed, everything freed, the
 * summary printed) instead of killing it mid-write: they are blocked in every thread (the
 * workers inherit the mask) and read from a signalfd by worker 0. Returns the signalfd, or
 * -1 (the signals then keep their default action). */
static int catch_signals(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    int fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    if (fd >= 0)
        pthread_sigmask(SIG_BLOCK, &set, NULL);
    return fd;
}

static int start_workers(struct server *srv, int lfd, int sigfd)
{
    srv->workers = calloc((size_t)srv->nworkers, sizeof(*srv->workers));
    if (srv->workers == NULL) {
        err_msg("out of memory");
        close(lfd);
        return -1;
    }
    for (int i = 0; i < srv->nworkers; i++) {
        int fd = lfd, own = i == 0;
        if (i > 0 && !srv->shared_listener) {
            fd = listen_again(lfd);
            own = 1;
            if (fd < 0) {
                /* cannot happen once the first socket is bound, short of running out of
                 * descriptors; the remaining workers then share the first socket */
                srv->shared_listener = 1;
                fd = lfd;
                own = 0;
            }
        }
        srv->workers[i] = worker_new(srv, i, fd, own);
        if (srv->workers[i] == NULL) {
            if (own && i > 0)
                close(fd);
            if (i == 0)
                close(lfd);
            return -1;
        }
    }
    if (sigfd >= 0 && worker_watch_signals(srv->workers[0], sigfd) < 0)
        return -1;
    for (int i = 1; i < srv->nworkers; i++)
        if (worker_start(srv->workers[i]) < 0)
            return -1;
    return 0;
}

/* Waits for the workers to finish; with now, makes them end their connections first (set-up
 * failed, or worker 0's loop failed). */
static void stop_workers(struct server *srv, int now)
{
    if (srv->workers == NULL)
        return;
    if (now)
        server_stop(srv, STOP_NOW);
    for (int i = 1; i < srv->nworkers; i++)
        if (srv->workers[i] != NULL)
            worker_join(srv->workers[i]);
    /* worker 0 owns a shared socket, so it goes last */
    for (int i = srv->nworkers - 1; i >= 0; i--)
        worker_free(srv->workers[i]);
    free(srv->workers);
    srv->workers = NULL;
}

static void server_cleanup(struct server *srv, int failed)
{
    stop_workers(srv, failed);
    free(srv->page_head);
    free(srv->page_ciphers);
    free(srv->docroot);
    ocsp_cache_free(srv->ocsp);
    sess_cache_free(srv->sessions);
}

int server_run(struct server_config *cfg, SSL_CTX *ctx, SSL_CTX *sni_ctx)
{
    struct server srv;
    memset(&srv, 0, sizeof(srv));
    srv.cfg = cfg;
    srv.ctx = ctx;
    srv.sni_ctx = sni_ctx;
    srv.po = server_print_opts(cfg);
    cfg->srv = &srv;
    int status = 1, port_zero = 0, sigfd = -1;
    plan_workers(&srv);
    if (prepare_pages(&srv) < 0 || prepare_state(&srv) < 0)
        goto done;
    /* One listening socket shared by the workers (EPOLLEXCLUSIVE wakes one per client) rather
     * than one SO_REUSEPORT socket each: with SO_REUSEPORT a second s_server on the same port
     * would bind without an error and silently take half of the clients. */
    int reuseport = 0;
    srv.shared_listener = srv.nworkers > 1;
    int lfd = server_listen(cfg, reuseport, &port_zero);
    if (lfd < 0)
        goto done;
    announce(cfg, lfd, port_zero);
    sigfd = catch_signals();
    if (start_workers(&srv, lfd, sigfd) < 0)
        goto done;
    worker_loop(srv.workers[0]);
    status = 0;
done:
    server_cleanup(&srv, status != 0);
    if (sigfd >= 0)
        close(sigfd);
    if (status == 0 && !cfg->common.quiet) {
        BIO *mem = BIO_new(BIO_s_mem());
        if (mem != NULL) {
            server_print_stats(mem, ctx);
            server_out_bio(&srv, mem, 0);
            BIO_free(mem);
        }
    }
    if (cfg->unix_path != NULL && cfg->unlink_path && status == 0)
        unlink(cfg->unix_path);
    cfg->srv = NULL;
    return status;
}
