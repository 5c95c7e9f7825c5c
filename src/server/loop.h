/* Inside s_server's event loop: a worker (one thread, one epoll set, one listening socket) and
 * the connections it owns. Shared by worker.c (the loop) and conn.c (the connection machine);
 * handlers see only conn.h. */
#ifndef TLSTOOL_SERVER_LOOP_H
#define TLSTOOL_SERVER_LOOP_H

#include "server/conn.h"

#include <stdint.h>
#include <sys/socket.h>

/* What an epoll event points at: each source starts with one of these. */
enum ev_kind { EV_LISTENER, EV_WAKE, EV_STDIN, EV_SIGNAL, EV_CONN };
struct ev_source {
    enum ev_kind kind;
};

/* A list of connections waiting on one timer, oldest deadline first (every deadline is "now
 * plus the timer's length", so appending keeps the order). */
struct timer_list {
    struct conn *head, *tail;
};

enum conn_phase { PH_HANDSHAKE, PH_OPEN, PH_SHUTDOWN, PH_LINGER, PH_CLOSED };

struct conn {
    struct ev_source src; /* first: EV_CONN */
    struct worker *w;
    struct conn *prev, *next;     /* the worker's connections, oldest first */
    struct conn *t_prev, *t_next; /* in w->timers[timer] */
    struct conn *r_next;          /* in w->ready (has buffered plaintext to read) */
    enum conn_timer timer;
    int64_t deadline; /* ms, CLOCK_MONOTONIC */
    int fd;
    SSL *ssl;
    enum conn_phase phase;
    uint32_t events; /* what epoll watches now */
    /* SSL_ERROR_WANT_READ/WRITE that the last blocked reading (or handshake, shutdown) and
     * writing TLS call wait for, or 0 */
    int rd_want, wr_want;
    const struct conn_handler *h;
    void *hdata;
    char *out; /* plaintext queued for SSL_write: out[off..len) */
    size_t out_len, out_off, out_cap, out_try;
    unsigned producing : 1, finishing : 1, read_paused : 1, failed : 1, in_ready : 1,
        stateless_ok : 1, hrr_sent : 1, early_done : 1, peer_done : 1, watched : 1, dgram : 1,
        notify_sent : 1, read_held : 1;
    unsigned char ccs_seen; /* -stateless: bytes of a compatibility ChangeCipherSpec read */
    BIO *early; /* early data received so far (-early_data) */
    char peer[64];
};

struct worker {
    struct server *srv;
    int index;
    pthread_t thread;
    int epfd;
    struct ev_source listener_src, wake_src, stdin_src, signal_src;
    int lfd;            /* listening socket (may be workers[0]'s when shared), or -1 */
    int owns_listener;  /* lfd is this worker's to close */
    int listening;      /* lfd is in the epoll set */
    int64_t retry_at;   /* accept() ran out of descriptors: listen again then (ms), or 0 */
    int closing_all;    /* STOP_NOW was acted on */
    int started;        /* runs in a thread of its own */
    int wakefd;         /* eventfd: server_stop() writes, the loop reads */
    int sigfd;          /* signalfd for SIGINT/SIGTERM (worker 0), or -1 */
    int owns_stdin;     /* worker 0: stdin feeds one of its connections */
    int stdin_polled;   /* stdin is in the epoll set */
    int stdin_pollable; /* epoll takes stdin (a regular file does not: then it is always ready) */
    int stdin_eof;
    int limit_logged;
    struct conn *first, *last;
    int nconns;
    struct conn *ready;
    struct timer_list timers[CONN_TIMER_COUNT];
    int64_t now;
    char buf[16384];   /* read buffer, shared by the worker's connections */
    char inbuf[16384]; /* stdin's chunks (worker 0) */
};

/* Milliseconds on the monotonic clock. */
int64_t loop_now(void);

/* Takes over an accepted socket: a new connection in the handshake phase. Returns 0, or -1
 * (reported; the socket is closed). */
int conn_accept(struct worker *w, int fd, const struct sockaddr *peer, socklen_t peerlen);
/* DTLS: takes over the listening socket fd, connected to peer, for one connection; ssl is
 * the one DTLSv1_listen() made, or NULL. When the connection ends the socket is unbound from
 * the peer, not closed. Returns 0 or -1 (reported). */
int conn_accept_dtls(struct worker *w, int fd, const struct sockaddr *peer, socklen_t peerlen,
                     SSL *ssl);
/* DTLS: when the connection's retransmission timer runs out (ms), or 0 for no timer. */
int64_t conn_dtls_deadline(const struct conn *c);
/* DTLS: the retransmission timer ran out. May free c. */
void conn_dtls_timer(struct conn *c);
/* Handles readiness (EPOLLIN/OUT/ERR bits) of c; may free c. */
void conn_event(struct conn *c, uint32_t events);
/* c's timer ran out: warns (unless it was closing anyway) and frees it. */
void conn_expire(struct conn *c);
/* Stops at once: frees the TLS state, closes the socket, unlinks c from its worker. */
void conn_free(struct conn *c);
/* A stdin chunk for c (len 0: EOF). May free c. */
void conn_input(struct conn *c, const char *buf, size_t len);
/* Ends c politely as soon as its queue is out (server shutting down), within the time a
 * stalled answer gets; a file being streamed is cut short, without a close_notify. May free
 * c. */
void conn_close_soon(struct conn *c);
/* True when c is open and its handler takes stdin. */
int conn_takes_input(const struct conn *c);
/* True when c's output is backed up: stdin waits until the client has taken some. */
int conn_input_full(const struct conn *c);

/* Worker-side bookkeeping conn.c calls into (worker.c). */
void worker_timer_unlink(struct worker *w, struct conn *c);
void worker_timer_append(struct worker *w, struct conn *c);
/* Makes epoll watch events for c (no-op when unchanged). */
void worker_watch(struct worker *w, struct conn *c, uint32_t events);
void worker_mark_ready(struct worker *w, struct conn *c);
void worker_conn_gone(struct worker *w, struct conn *c);

#endif
