/* hsload: a small TLS load generator for the benchmarks in bench/ (not part of the product
 * build; bench/common.py compiles it with the system compiler against libssl).
 *
 * It keeps -c connections in flight, each a fresh TCP connection and a full TLS handshake
 * (or a resumed one with -resume), over non-blocking sockets driven by poll(2), and counts
 * completions; `openssl s_time -new` does the same one connection at a time, which cannot
 * load a concurrent server. Every run is bounded by -t seconds and by -n connections.
 *
 *   hsload -p PORT [-c CONC] [-t SECS] [-n MAX] [-tls1_2|-tls1_3] [-resume] [-get PATH]
 *          [-hold N] [-probe]
 *
 *   default   loop: connect, handshake, (with -get: send "GET PATH", read to EOF), close;
 *             prints "count N secs S rate R resumed K errors E"
 *   -hold N   open N connections (at most -c handshaking at once), finish each handshake and
 *             keep it open, idle; prints "at1s A at3s B held H secs S" once all are up (or
 *             the time is over), then with -probe times one more full handshake + GET /
 *             ("probe_ms X"), prints "ready" and holds the connections until -t seconds have
 *             passed since the start or stdin closes.
 * Only 127.0.0.1 is ever contacted. No certificate verification is done, and the server's
 * public key is decoded the cheap way (fast_key_decoding): the benchmark measures the
 * server, so the load generator spends as little as it can per handshake
 * (HSLOAD_PROVIDER_DECODE=1 in the environment keeps libssl's usual decoding). */
/* The ENGINE calls below are deprecated in OpenSSL 3; see fast_key_decoding(). */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <openssl/engine.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>

enum st { FREE, CONNECTING, HANDSHAKE, WRITING, READING, HELD };

struct conn {
    enum st st;
    int fd;
    SSL *ssl;
    short events;
    size_t sent;
};

static int port = 4433, conc = 4, max_count = 1000000, resume = 0, hold = 0, probe = 0;
static int version = 0;
static double secs = 3.0;
static const char *get_path = NULL;
static char request[512];
static size_t request_len;
static SSL_CTX *ctx;
static SSL_SESSION *saved;
static long started, completed, resumed_count, errors, held;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#ifndef OPENSSL_NO_ENGINE
static const int fast_nids[] = {NID_rsaEncryption, NID_X9_62_id_ecPublicKey};

static int fast_pkey_meths(ENGINE *e, EVP_PKEY_METHOD **pmeth, const int **nids, int nid)
{
    (void)e;
    if (pmeth == NULL) {
        *nids = fast_nids;
        return (int)(sizeof(fast_nids) / sizeof(fast_nids[0]));
    }
    *pmeth = (EVP_PKEY_METHOD *)EVP_PKEY_meth_find(nid);
    return *pmeth != NULL;
}
#endif

/* libssl 3.0 decodes the public key of every certificate a peer sends through the provider
 * decoders, and builds a fresh decoder chain each time: a third of this client's
 * instructions per handshake. An ENGINE that offers the library's own built-in methods for
 * RSA and EC keys makes it take the older direct path instead. The load generator exists to
 * load the server, so the less it spends per handshake the more the figures say about the
 * server. Without engine support nothing changes. */
static void fast_key_decoding(void)
{
#ifndef OPENSSL_NO_ENGINE
    ENGINE *e = ENGINE_new();
    if (e == NULL)
        return;
    if (ENGINE_set_id(e, "hsload-builtin") && ENGINE_set_name(e, "built-in key methods")
        && ENGINE_set_pkey_meths(e, fast_pkey_meths) && ENGINE_add(e))
        ENGINE_register_pkey_meths(e);
    ENGINE_free(e);
#endif
}

static void usage(void)
{
    fprintf(stderr, "usage: hsload -p PORT [-c CONC] [-t SECS] [-n MAX] [-tls1_2|-tls1_3] "
                    "[-resume] [-get PATH] [-hold N] [-probe]\n");
    exit(2);
}

static long num_arg(const char *s)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < 0)
        usage();
    return v;
}

/* -resume: keep a copy of the first resumable session, taken as soon as there is one (TLS 1.2:
 * after the handshake; 1.3: once a ticket has been read). A copy, since an unclean end of the
 * connection marks its own session object not resumable. */
static void save_session(struct conn *c)
{
    if (resume && saved == NULL && SSL_SESSION_is_resumable(SSL_get0_session(c->ssl)))
        saved = SSL_SESSION_dup(SSL_get0_session(c->ssl));
}

static void conn_close(struct conn *c, int ok)
{
    if (c->ssl != NULL)
        SSL_free(c->ssl);
    if (c->fd >= 0) {
        /* An abortive close: no TIME_WAIT on the client's ports, so long runs never run out. */
        struct linger lg = {1, 0};
        setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
        close(c->fd);
    }
    c->fd = -1;
    c->ssl = NULL;
    c->st = FREE;
    if (ok)
        completed++;
    else
        errors++;
}

static int conn_start(struct conn *c)
{
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    c->ssl = NULL;
    c->sent = 0;
    started++;
    if (c->fd < 0) {
        c->st = FREE;
        errors++;
        return -1;
    }
    int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    c->st = CONNECTING;
    c->events = POLLOUT;
    if (connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 || errno == EINPROGRESS)
        return 0;
    conn_close(c, 0);
    return -1;
}

/* Moves c on as far as it can go without blocking; sets c->events for what it waits for. */
static void conn_step(struct conn *c)
{
    for (;;) {
        int r, e;
        switch (c->st) {
        case CONNECTING: {
            int err = 0;
            socklen_t len = sizeof(err);
            if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 || err != 0) {
                conn_close(c, 0);
                return;
            }
            c->ssl = SSL_new(ctx);
            if (c->ssl == NULL) {
                conn_close(c, 0);
                return;
            }
            SSL_set_fd(c->ssl, c->fd);
            if (resume && saved != NULL) {
                /* A copy each time: a resumed TLS 1.2 connection shares the object it was
                 * given, and its end would spoil it for the rest. */
                SSL_SESSION *copy = SSL_SESSION_dup(saved);
                SSL_set_session(c->ssl, copy);
                SSL_SESSION_free(copy);
            }
            c->st = HANDSHAKE;
            break;
        }
        case HANDSHAKE:
            r = SSL_connect(c->ssl);
            if (r == 1) {
                save_session(c);
                if (SSL_session_reused(c->ssl))
                    resumed_count++;
                if (hold) {
                    c->st = HELD;
                    held++;
                    c->events = 0;
                    return;
                }
                if (get_path == NULL) {
                    conn_close(c, 1);
                    return;
                }
                c->st = WRITING;
                break;
            }
            goto want;
        case WRITING:
            r = SSL_write(c->ssl, request + c->sent, (int)(request_len - c->sent));
            if (r > 0) {
                c->sent += (size_t)r;
                if (c->sent == request_len)
                    c->st = READING;
                break;
            }
            goto want;
        case READING: {
            char buf[16384];
            r = SSL_read(c->ssl, buf, sizeof(buf));
            if (r > 0) {
                save_session(c);
                break;
            }
            e = SSL_get_error(c->ssl, r);
            if (e == SSL_ERROR_ZERO_RETURN || (e == SSL_ERROR_SYSCALL && ERR_peek_error() == 0)) {
                ERR_clear_error();
                conn_close(c, 1);
                return;
            }
            goto want;
        }
        default:
            return;
        }
        continue;
    want:
        e = SSL_get_error(c->ssl, r);
        if (e == SSL_ERROR_WANT_READ) {
            c->events = POLLIN;
            return;
        }
        if (e == SSL_ERROR_WANT_WRITE) {
            c->events = POLLOUT;
            return;
        }
        ERR_clear_error();
        conn_close(c, 0);
        return;
    }
}

/* One connection from start to end, blocking via poll: for -probe. Returns ms or -1. */
static double probe_once(void)
{
    struct conn c;
    const char *old_path = get_path;
    int old_hold = hold;
    get_path = "/";
    hold = 0;
    request_len = (size_t)snprintf(request, sizeof(request), "GET / HTTP/1.0\r\n\r\n");
    long before = completed;
    double t0 = now();
    conn_start(&c);
    while (c.st != FREE && now() - t0 < 5.0) {
        struct pollfd p = {.fd = c.fd, .events = c.events};
        if (poll(&p, 1, 100) > 0)
            conn_step(&c);
    }
    if (c.st != FREE)
        conn_close(&c, 0);
    get_path = old_path;
    hold = old_hold;
    return completed > before ? (now() - t0) * 1000.0 : -1.0;
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-p") == 0 && i + 1 < argc)
            port = (int)num_arg(argv[++i]);
        else if (strcmp(a, "-c") == 0 && i + 1 < argc)
            conc = (int)num_arg(argv[++i]);
        else if (strcmp(a, "-n") == 0 && i + 1 < argc)
            max_count = (int)num_arg(argv[++i]);
        else if (strcmp(a, "-t") == 0 && i + 1 < argc)
            secs = atof(argv[++i]);
        else if (strcmp(a, "-hold") == 0 && i + 1 < argc)
            hold = (int)num_arg(argv[++i]);
        else if (strcmp(a, "-get") == 0 && i + 1 < argc)
            get_path = argv[++i];
        else if (strcmp(a, "-tls1_2") == 0)
            version = TLS1_2_VERSION;
        else if (strcmp(a, "-tls1_3") == 0)
            version = TLS1_3_VERSION;
        else if (strcmp(a, "-resume") == 0)
            resume = 1;
        else if (strcmp(a, "-probe") == 0)
            probe = 1;
        else
            usage();
    }
    if (conc < 1 || port < 1 || port > 65535 || secs <= 0 || secs > 600)
        usage();
    signal(SIGPIPE, SIG_IGN);
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    if (get_path != NULL)
        request_len = (size_t)snprintf(request, sizeof(request), "GET %s HTTP/1.0\r\n\r\n",
                                       get_path);

    if (getenv("HSLOAD_PROVIDER_DECODE") == NULL)
        fast_key_decoding();
    ctx = SSL_CTX_new(TLS_client_method());
    if (ctx == NULL)
        return 1;
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
    if (version != 0) {
        SSL_CTX_set_min_proto_version(ctx, version);
        SSL_CTX_set_max_proto_version(ctx, version);
    }
    if (!resume)
        SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);

    int total = hold > 0 ? hold : max_count;
    int nslots = hold > 0 ? hold : conc;
    struct conn *conns = calloc((size_t)nslots, sizeof(*conns));
    struct pollfd *pfd = calloc((size_t)nslots, sizeof(*pfd));
    int *idx = calloc((size_t)nslots, sizeof(*idx));
    if (conns == NULL || pfd == NULL || idx == NULL)
        return 1;
    for (int i = 0; i < nslots; i++) {
        conns[i].st = FREE;
        conns[i].fd = -1;
    }
    double t0 = now(), end = t0 + secs;
    long at1 = -1, at3 = -1;
    int next = 0; /* -hold: the next slot to open */
    for (;;) {
        double t = now();
        if (hold > 0) {
            if (at1 < 0 && t - t0 >= 1.0)
                at1 = held;
            if (at3 < 0 && t - t0 >= 3.0)
                at3 = held;
        }
        if (t >= end)
            break;
        /* Start connections: keep conc in flight. */
        int inflight = 0, n = 0;
        for (int i = 0; i < nslots; i++)
            if (conns[i].st != FREE && conns[i].st != HELD)
                inflight++;
        if (hold > 0) {
            while (inflight < conc && next < hold) {
                if (conn_start(&conns[next++]) == 0)
                    inflight++;
            }
        } else {
            for (int i = 0; i < nslots && started < total; i++)
                if (conns[i].st == FREE && conn_start(&conns[i]) == 0)
                    inflight++;
        }
        if (inflight == 0)
            break; /* all done (count reached, or every -hold connection is up or failed) */
        for (int i = 0; i < nslots; i++) {
            if (conns[i].st == FREE || conns[i].st == HELD)
                continue;
            pfd[n].fd = conns[i].fd;
            pfd[n].events = conns[i].events;
            pfd[n].revents = 0;
            idx[n++] = i;
        }
        int ms = (int)((end - t) * 1000.0) + 1;
        if (ms > 100)
            ms = 100;
        int r = poll(pfd, (nfds_t)n, ms);
        if (r < 0 && errno != EINTR)
            break;
        for (int k = 0; k < n && r > 0; k++)
            if (pfd[k].revents != 0)
                conn_step(&conns[idx[k]]);
    }
    double elapsed = now() - t0;
    if (hold > 0) {
        /* The clock for at1s/at3s goes on while the connections stay up. */
        printf("at1s %ld at3s %ld held %ld secs %.3f errors %ld\n",
               at1 >= 0 ? at1 : held, at3 >= 0 ? at3 : held, held, elapsed, errors);
        fflush(stdout);
        if (probe) {
            printf("probe_ms %.2f\n", probe_once());
            fflush(stdout);
        }
        printf("ready\n");
        fflush(stdout);
        /* Hold until the time is over or stdin closes. */
        while (now() < end) {
            struct pollfd p = {.fd = 0, .events = POLLIN};
            int ms = (int)((end - now()) * 1000.0) + 1;
            if (poll(&p, 1, ms > 200 ? 200 : ms) > 0) {
                char b[64];
                if (read(0, b, sizeof(b)) <= 0)
                    break;
            }
        }
    } else {
        printf("count %ld secs %.3f rate %.1f resumed %ld errors %ld\n", completed, elapsed,
               (double)completed / elapsed, resumed_count, errors);
    }
    for (int i = 0; i < nslots; i++)
        if (conns[i].st != FREE)
            conn_close(&conns[i], 1);
    SSL_SESSION_free(saved);
    SSL_CTX_free(ctx);
    free(conns);
    free(pfd);
    free(idx);
    return 0;
}
