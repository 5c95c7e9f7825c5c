/* s_server's workers: each one thread with its own epoll set and listening socket, serving the
 * connections it accepts until the server stops. Worker 0 runs in the main thread and is the
 * one that watches stdin (it feeds one connection: the oldest one whose mode takes input).
 *
 * Event sources of a worker: its listening socket (while below the connection limit and not
 * stopping), an eventfd that server_stop() pokes, stdin (worker 0, while a connection takes
 * input), and its connections. Timers bound every wait for a peer (conn.c says how long). */
#include "server/worker.h"
#include "server/loop.h"
#include "server/chello_report.h"
#include "lib/err.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <openssl/err.h>

/* Connections one wake-up of the listener may accept, so a flood of new clients cannot starve
 * the open ones. */
#define ACCEPT_BATCH 32
/* After accept() ran out of file descriptors, wait this long (ms) before trying again. */
#define ACCEPT_RETRY_MS 200

int64_t loop_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* --- bookkeeping conn.c calls -------------------------------------------------------------- */

void worker_timer_unlink(struct worker *w, struct conn *c)
{
    if (c->timer == CONN_TIMER_NONE)
        return;
    struct timer_list *l = &w->timers[c->timer];
    if (c->t_prev != NULL)
        c->t_prev->t_next = c->t_next;
    else
        l->head = c->t_next;
    if (c->t_next != NULL)
        c->t_next->t_prev = c->t_prev;
    else
        l->tail = c->t_prev;
    c->t_prev = c->t_next = NULL;
    c->timer = CONN_TIMER_NONE;
}

void worker_timer_append(struct worker *w, struct conn *c)
{
    struct timer_list *l = &w->timers[c->timer];
    c->t_next = NULL;
    c->t_prev = l->tail;
    if (l->tail != NULL)
        l->tail->t_next = c;
    else
        l->head = c;
    l->tail = c;
}

void worker_watch(struct worker *w, struct conn *c, uint32_t events)
{
    if (c->watched && c->events == events)
        return;
    struct epoll_event ev = {.events = events, .data.ptr = &c->src};
    if (epoll_ctl(w->epfd, c->watched ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, c->fd, &ev) < 0) {
        conn_warn(c, "cannot watch the socket: %s", strerror(errno));
        return;
    }
    c->watched = 1;
    c->events = events;
}

void worker_mark_ready(struct worker *w, struct conn *c)
{
    if (c->in_ready)
        return;
    c->in_ready = 1;
    c->r_next = w->ready;
    w->ready = c;
}

static void listener_watch(struct worker *w, int on)
{
    if (w->lfd < 0 || w->listening == on)
        return;
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &w->listener_src};
    /* a shared socket is watched by every worker; EPOLLEXCLUSIVE wakes just one per client */
    if (on && w->srv->shared_listener)
        ev.events |= EPOLLEXCLUSIVE;
    if (epoll_ctl(w->epfd, on ? EPOLL_CTL_ADD : EPOLL_CTL_DEL, w->lfd, &ev) == 0)
        w->listening = on;
}

void worker_conn_gone(struct worker *w, struct conn *c)
{
    worker_timer_unlink(w, c);
    if (c->in_ready) {
        for (struct conn **p = &w->ready; *p != NULL; p = &(*p)->r_next)
            if (*p == c) {
                *p = c->r_next;
                break;
            }
    }
    /* closing a TCP socket unwatches it; a DTLS connection's socket is the listener's */
    if (c->watched && c->dgram)
        epoll_ctl(w->epfd, EPOLL_CTL_DEL, c->fd, NULL);
    if (c->prev != NULL)
        c->prev->next = c->next;
    else
        w->first = c->next;
    if (c->next != NULL)
        c->next->prev = c->prev;
    else
        w->last = c->prev;
    w->nconns--;
    if (w->nconns < w->srv->max_conns && w->retry_at == 0 &&
        atomic_load(&w->srv->stopping) == STOP_NONE)
        listener_watch(w, 1);
}

/* --- accepting ----------------------------------------------------------------------------- */

/* -naccept: claims one of the remaining connections. Returns 0, or -1 when all are taken. */
static int claim_connection(struct server *srv)
{
    int limit = srv->cfg->naccept;
    if (limit < 0)
        return 0;
    int n = atomic_fetch_add(&srv->accepted, 1) + 1;
    if (n == limit)
        server_stop(srv, STOP_ACCEPTING);
    return n <= limit ? 0 : -1;
}

static void at_limit(struct worker *w)
{
    listener_watch(w, 0);
    if (!w->srv->concurrent || w->limit_logged)
        return;
    w->limit_logged = 1;
    err_warn("%d simultaneous connections%s (the limit): new clients wait until one closes",
             w->srv->max_conns, w->srv->nworkers > 1 ? " in one worker" : "");
}

/* The peer DTLSv1_listen() found, as a sockaddr. Returns 0 or -1. */
static int bio_addr_to_sockaddr(const BIO_ADDR *a, struct sockaddr_storage *ss, socklen_t *len)
{
    size_t alen = 0;
    memset(ss, 0, sizeof(*ss));
    if (BIO_ADDR_family(a) == AF_INET) {
        struct sockaddr_in *in = (struct sockaddr_in *)ss;
        in->sin_family = AF_INET;
        in->sin_port = BIO_ADDR_rawport(a);
        alen = sizeof(in->sin_addr);
        *len = sizeof(*in);
        return BIO_ADDR_rawaddress(a, &in->sin_addr, &alen) ? 0 : -1;
    }
    if (BIO_ADDR_family(a) == AF_INET6) {
        struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
        in6->sin6_family = AF_INET6;
        in6->sin6_port = BIO_ADDR_rawport(a);
        alen = sizeof(in6->sin6_addr);
        *len = sizeof(*in6);
        return BIO_ADDR_rawaddress(a, &in6->sin6_addr, &alen) ? 0 : -1;
    }
    return -1;
}

/* DTLS -listen: answers ClientHellos without a cookie with a HelloVerifyRequest, statelessly.
 * Returns the SSL to go on with once a ClientHello with a valid cookie came (the peer's
 * address in *ss, *len), or NULL for now. */
static SSL *dtls_listen(struct worker *w, struct sockaddr_storage *ss, socklen_t *len)
{
    SSL *ssl = SSL_new(w->srv->ctx);
    BIO *bio = BIO_new_dgram(w->lfd, BIO_NOCLOSE);
    BIO_ADDR *peer = BIO_ADDR_new();
    int r = -1;
    if (ssl != NULL && bio != NULL && peer != NULL) {
        SSL_set_bio(ssl, bio, bio);
        bio = NULL;
        SSL_set_options(ssl, SSL_OP_COOKIE_EXCHANGE);
        /* recorded here: the ClientHello with the cookie does not reach the SSL again */
        if (server_chello_attach(ssl) == 0)
            r = DTLSv1_listen(ssl, peer);
    }
    if (r > 0 && bio_addr_to_sockaddr(peer, ss, len) == 0) {
        /* ssl goes on with the handshake */
    } else {
        if (r < 0)
            err_ssl("DTLS listen failed");
        ERR_clear_error();
        SSL_free(ssl);
        ssl = NULL;
    }
    BIO_free(bio);
    BIO_ADDR_free(peer);
    return ssl;
}

/* DTLS: the first datagram of a new peer. Peers are served one at a time, on the listening
 * socket itself (connected to the peer meanwhile), as openssl does. */
static void accept_datagram(struct worker *w)
{
    struct server *srv = w->srv;
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    SSL *ssl = NULL;
    char byte;
    if (recvfrom(w->lfd, &byte, 1, MSG_PEEK, (struct sockaddr *)&ss, &len) < 0)
        return;
    if (srv->cfg->listen_dtls && (ssl = dtls_listen(w, &ss, &len)) == NULL)
        return;
    if (claim_connection(srv) < 0) {
        recv(w->lfd, &byte, 1, 0); /* -naccept is used up: drop it */
        SSL_free(ssl);
        return;
    }
    listener_watch(w, 0);
    if (connect(w->lfd, (struct sockaddr *)&ss, len) < 0) {
        err_warn("cannot connect the DTLS socket to its peer: %s", strerror(errno));
        SSL_free(ssl);
        listener_watch(w, 1);
        return;
    }
    if (conn_accept_dtls(w, w->lfd, (struct sockaddr *)&ss, len, ssl) < 0) {
        /* unbound from that peer and listening again (the SSL is gone with the failure) */
        struct sockaddr unspec = {.sa_family = AF_UNSPEC};
        connect(w->lfd, &unspec, sizeof(unspec));
        listener_watch(w, 1);
    }
}

/* DTLS: the retransmission timer of the (only) connection. */
static int64_t dtls_deadline(struct worker *w)
{
    return w->srv->cfg->common.dtls && w->first != NULL ? conn_dtls_deadline(w->first) : 0;
}

static void accept_clients(struct worker *w)
{
    struct server *srv = w->srv;
    if (srv->cfg->common.dtls) {
        accept_datagram(w);
        return;
    }
    for (int i = 0; i < ACCEPT_BATCH && w->lfd >= 0; i++) {
        if (w->nconns >= srv->max_conns) {
            at_limit(w);
            return;
        }
        if (atomic_load(&srv->stopping) != STOP_NONE)
            return;
        struct sockaddr_storage ss;
        socklen_t len = sizeof(ss);
        int fd = accept4(w->lfd, (struct sockaddr *)&ss, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
                /* the client stays in the backlog; try again shortly rather than spin */
                err_warn("cannot accept a connection: %s", strerror(errno));
                listener_watch(w, 0);
                w->retry_at = loop_now() + ACCEPT_RETRY_MS;
            } else if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED) {
                err_warn("accept failed: %s", strerror(errno));
            }
            return;
        }
        if (claim_connection(srv) < 0) {
            close(fd); /* another worker took the last of -naccept's connections */
            continue;
        }
        /* TCP_NODELAY comes from the listening socket */
        conn_accept(w, fd, (struct sockaddr *)&ss, len);
    }
}

/* --- stdin ---------------------------------------------------------------------------------- */

/* The connection stdin feeds: the oldest open one whose mode takes input. */
static struct conn *stdin_target(struct worker *w)
{
    for (struct conn *c = w->first; c != NULL; c = c->next)
        if (conn_takes_input(c))
            return c;
    return NULL;
}

/* Watches stdin exactly while there is somewhere for its data to go and room for it (a client
 * that does not read must not make us hold all of stdin). Returns 1 when stdin cannot be
 * watched (a regular file) but should be read. */
static int stdin_update(struct worker *w)
{
    if (!w->owns_stdin)
        return 0;
    struct conn *target = stdin_target(w);
    int want = !w->stdin_eof && target != NULL && !conn_input_full(target);
    if (!w->stdin_pollable)
        return want;
    if (want != w->stdin_polled) {
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &w->stdin_src};
        if (epoll_ctl(w->epfd, want ? EPOLL_CTL_ADD : EPOLL_CTL_DEL, STDIN_FILENO, &ev) == 0) {
            w->stdin_polled = want;
        } else if (want && errno == EPERM) {
            w->stdin_pollable = 0; /* a regular file or /dev/null: always readable */
            return 1;
        } else if (want) {
            w->stdin_eof = 1; /* closed or unusable: as if at its end */
        }
    }
    return 0;
}

static void stdin_read(struct worker *w)
{
    struct conn *c = stdin_target(w);
    if (c == NULL || conn_input_full(c))
        return;
    ssize_t n = read(STDIN_FILENO, w->inbuf, sizeof(w->inbuf));
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    if (n <= 0) {
        w->stdin_eof = 1;
        stdin_update(w);
        conn_input(c, NULL, 0);
        return;
    }
    conn_input(c, w->inbuf, (size_t)n);
}

/* --- the loop ------------------------------------------------------------------------------- */

/* Acts on server_stop(): close the listener, and at STOP_NOW end every connection. */
static void check_stop(struct worker *w)
{
    int level = atomic_load(&w->srv->stopping);
    /* a DTLS connection runs on the listening socket itself: it closes after it */
    int in_use = w->srv->cfg->common.dtls && w->nconns > 0;
    if (level >= STOP_ACCEPTING && w->lfd >= 0 && !in_use) {
        listener_watch(w, 0);
        if (w->owns_listener)
            close(w->lfd);
        w->lfd = -1;
    }
    if (level >= STOP_NOW && !w->closing_all) {
        w->closing_all = 1;
        for (struct conn *c = w->first, *next; c != NULL; c = next) {
            next = c->next;
            conn_close_soon(c);
        }
    }
    if (level >= STOP_ABORT)
        while (w->first != NULL)
            conn_free(w->first);
}

static int next_timeout(struct worker *w, int stdin_ready)
{
    if (w->ready != NULL || stdin_ready)
        return 0;
    int64_t now = loop_now(), next = -1;
    for (int t = 0; t < CONN_TIMER_COUNT; t++) {
        struct conn *c = w->timers[t].head;
        if (c != NULL && (next < 0 || c->deadline < next))
            next = c->deadline;
    }
    if (w->retry_at != 0 && (next < 0 || w->retry_at < next))
        next = w->retry_at;
    int64_t dtls = dtls_deadline(w);
    if (dtls != 0 && (next < 0 || dtls < next))
        next = dtls;
    if (next < 0)
        return -1;
    return next <= now ? 0 : (int)(next - now);
}

static void expire_timers(struct worker *w)
{
    int64_t now = loop_now();
    for (int t = 0; t < CONN_TIMER_COUNT; t++) {
        struct conn *c;
        while ((c = w->timers[t].head) != NULL && c->deadline <= now)
            conn_expire(c);
    }
    int64_t dtls = dtls_deadline(w);
    if (dtls != 0 && dtls <= now)
        conn_dtls_timer(w->first);
    if (w->retry_at != 0 && w->retry_at <= now) {
        w->retry_at = 0;
        if (w->nconns < w->srv->max_conns && atomic_load(&w->srv->stopping) == STOP_NONE)
            listener_watch(w, 1);
    }
}

/* Connections that still hold decrypted input after their read budget ran out. */
static void run_ready(struct worker *w)
{
    struct conn *list = w->ready;
    w->ready = NULL;
    while (list != NULL) {
        struct conn *c = list;
        list = c->r_next;
        c->in_ready = 0;
        conn_event(c, 0);
    }
}

/* SIGINT or SIGTERM: the server ends as after 'Q', connections closed politely (each within
 * the time a stalled answer gets); one more while it is stopping so ends it at once. */
static void signal_drain(struct worker *w)
{
    struct signalfd_siginfo si;
    int got = 0;
    while (read(w->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
        got = 1;
    if (got)
        server_stop(w->srv, atomic_load(&w->srv->stopping) >= STOP_NOW ? STOP_ABORT : STOP_NOW);
}

int worker_watch_signals(struct worker *w, int sigfd)
{
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &w->signal_src};
    if (epoll_ctl(w->epfd, EPOLL_CTL_ADD, sigfd, &ev) < 0) {
        err_msg("cannot watch for signals: %s", strerror(errno));
        return -1;
    }
    w->sigfd = sigfd;
    return 0;
}

static void wake_drain(struct worker *w)
{
    uint64_t v;
    while (read(w->wakefd, &v, sizeof(v)) > 0)
        ;
}

void worker_loop(struct worker *w)
{
    struct epoll_event evs[64];
    for (;;) {
        check_stop(w);
        if (atomic_load(&w->srv->stopping) != STOP_NONE && w->nconns == 0)
            break;
        int stdin_ready = stdin_update(w);
        int n = epoll_wait(w->epfd, evs, 64, next_timeout(w, stdin_ready));
        if (n < 0 && errno != EINTR) {
            err_msg("worker %d: epoll_wait failed: %s", w->index, strerror(errno));
            server_stop(w->srv, STOP_NOW);
            break;
        }
        for (int i = 0; i < n; i++) {
            struct ev_source *src = evs[i].data.ptr;
            switch (src->kind) {
            case EV_LISTENER:
                accept_clients(w);
                break;
            case EV_WAKE:
                wake_drain(w);
                break;
            case EV_SIGNAL:
                signal_drain(w);
                break;
            case EV_STDIN:
                stdin_ready = 1;
                break;
            case EV_CONN:
                conn_event((struct conn *)src, evs[i].events);
                break;
            }
        }
        run_ready(w);
        /* last: it may end a connection that had an event in this batch */
        if (stdin_ready)
            stdin_read(w);
        expire_timers(w);
    }
}

static void *worker_thread(void *arg)
{
    worker_loop(arg);
    return NULL;
}

/* --- life cycle ----------------------------------------------------------------------------- */

struct worker *worker_new(struct server *srv, int index, int lfd, int owns_listener)
{
    struct worker *w = calloc(1, sizeof(*w));
    if (w == NULL) {
        err_msg("out of memory");
        return NULL;
    }
    w->srv = srv;
    w->index = index;
    w->lfd = lfd;
    w->owns_listener = owns_listener;
    w->listener_src.kind = EV_LISTENER;
    w->wake_src.kind = EV_WAKE;
    w->stdin_src.kind = EV_STDIN;
    w->signal_src.kind = EV_SIGNAL;
    w->sigfd = -1;
    w->owns_stdin = index == 0;
    w->stdin_pollable = 1;
    w->wakefd = -1;
    w->epfd = epoll_create1(EPOLL_CLOEXEC);
    w->wakefd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &w->wake_src};
    if (w->epfd < 0 || w->wakefd < 0 || epoll_ctl(w->epfd, EPOLL_CTL_ADD, w->wakefd, &ev) < 0) {
        err_msg("cannot set up an event loop: %s", strerror(errno));
        w->lfd = -1; /* the caller closes it */
        worker_free(w);
        return NULL;
    }
    /* accept() must never block the loop: a client may vanish between readiness and accept */
    if (lfd >= 0 && fcntl(lfd, F_SETFL, fcntl(lfd, F_GETFL) | O_NONBLOCK) < 0) {
        err_msg("cannot make the listening socket non-blocking: %s", strerror(errno));
        w->lfd = -1;
        worker_free(w);
        return NULL;
    }
    listener_watch(w, 1);
    return w;
}

int worker_start(struct worker *w)
{
    int rc = pthread_create(&w->thread, NULL, worker_thread, w);
    if (rc != 0) {
        err_msg("cannot start worker %d: %s", w->index, strerror(rc));
        return -1;
    }
    w->started = 1;
    return 0;
}

void worker_join(struct worker *w)
{
    if (w->started)
        pthread_join(w->thread, NULL);
    w->started = 0;
}

void worker_wake(struct worker *w)
{
    uint64_t one = 1;
    ssize_t n = write(w->wakefd, &one, sizeof(one));
    (void)n; /* a full counter already means "wake up" */
}

void worker_free(struct worker *w)
{
    if (w == NULL)
        return;
    while (w->first != NULL)
        conn_free(w->first);
    if (w->lfd >= 0 && w->owns_listener)
        close(w->lfd);
    if (w->wakefd >= 0)
        close(w->wakefd);
    if (w->epfd >= 0)
        close(w->epfd);
    free(w);
}
