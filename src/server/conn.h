/* The interface between s_server's connection machine and its mode handlers.
 *
 * A connection goes accepting -> handshaking -> open -> shutting down -> closed, driven by
 * readiness events of its worker's event loop. Once it is open, a handler (one per mode: the
 * -www status page, -WWW/-HTTP files, -rev, the interactive relay) sees it through the entry
 * points below and talks back through the conn_* calls. Handlers never see sockets or epoll;
 * the machine never looks at what the bytes mean.
 *
 * Every entry point returns 0 to go on, or -1 to drop the connection at once (without a
 * close_notify; the handler has said why, if it matters). A handler ends a connection politely
 * with conn_finish(): what is queued is sent, then a close_notify. */
#ifndef TLSTOOL_SERVER_CONN_H
#define TLSTOOL_SERVER_CONN_H

#include "server/server.h"

#include <stddef.h>
#include <sys/types.h>
#include <openssl/bio.h>
#include <openssl/ssl.h>

struct conn;

struct conn_handler {
    /* The handshake is done (and reported). */
    int (*open)(struct conn *c);
    /* Plaintext from the peer. */
    int (*data)(struct conn *c, const char *buf, size_t len);
    /* The output queue ran empty while conn_produce() is on: queue more, or turn it off. */
    int (*drained)(struct conn *c);
    /* A chunk typed on stdin, for the one connection stdin feeds (len 0: stdin's EOF). May be
     * NULL: the mode takes no input. */
    int (*input)(struct conn *c, const char *buf, size_t len);
    /* After each round of I/O (e.g. to notice a renegotiation has finished). May be NULL. */
    int (*progress)(struct conn *c);
    /* The peer closed its side: clean is 1 for a close_notify, 0 for a bare EOF. What is queued
     * is still sent. May be NULL. */
    void (*peer_closed)(struct conn *c, int clean);
    /* The connection is over, whatever the reason: free the handler's state. May be NULL. */
    void (*close)(struct conn *c);
};

/* How long a connection may wait for its peer, by what it waits for. A connection that stays
 * silent longer is dropped with a warning; the others never notice. */
enum conn_timer {
    CONN_TIMER_NONE,      /* wait for ever (interactive sessions) */
    CONN_TIMER_HANDSHAKE, /* the whole handshake, from accept */
    CONN_TIMER_REQUEST,   /* a whole request head */
    CONN_TIMER_IDLE,      /* between two lines of -rev */
    CONN_TIMER_CLOSE,     /* the close_notify and the peer's last bytes */
    CONN_TIMER_SEND,      /* the longest stall of a client not reading its answer */
    CONN_TIMER_COUNT,
};

/* The handlers (mode_*.c), and the one for a mode. */
extern const struct conn_handler mode_http_handler, mode_rev_handler, mode_echo_handler;
const struct conn_handler *mode_handler(enum server_mode mode);

/* --- what handlers may call ---------------------------------------------------------------- */

SSL *conn_ssl(const struct conn *c);
struct server *conn_server(const struct conn *c);
/* The handler's own state for this connection (NULL until set). */
void *conn_data(const struct conn *c);
void conn_set_data(struct conn *c, void *data);
/* "127.0.0.1:41234" or "unix socket" - for messages. */
const char *conn_peer(const struct conn *c);

/* Queues bytes for the peer. Returns 0, or -1 when out of memory (reported). */
int conn_send(struct conn *c, const void *buf, size_t len);
/* Room for len more bytes at the end of the queue, to be filled in place (e.g. by read()) and
 * then queued with conn_commit(c, n), n <= len. NULL when out of memory (reported). The room
 * is valid until the next conn_* call. */
char *conn_reserve(struct conn *c, size_t len);
void conn_commit(struct conn *c, size_t len);
/* Bytes queued and not yet taken by the TLS layer. */
size_t conn_queued(const struct conn *c);
/* on: call drained() whenever the queue runs empty (streaming a file); off: stop. */
void conn_produce(struct conn *c, int on);
/* Sends len bytes of file fd from offset with SSL_sendfile() (kernel TLS). Returns the bytes
 * sent (> 0), 0 when the socket is full (drained() is called again once there is room), or -1
 * when kernel TLS is not active on this connection (nothing was sent: use read + conn_send) or
 * the send failed (the connection is then already marked failed). */
ssize_t conn_sendfile(struct conn *c, int fd, off_t offset, size_t len);
/* -early_data: what the client sent as early data (NULL when nothing). */
BIO *conn_early_data(const struct conn *c);
/* Sends raw bytes on the socket, outside TLS (the 'P' command). Returns 0 or -1. */
int conn_send_raw(struct conn *c, const void *buf, size_t len);
/* Ends the connection once the queue is sent: close_notify, then close. */
void conn_finish(struct conn *c);
/* Starts (or restarts) the timer that bounds the wait for the peer. */
void conn_arm(struct conn *c, enum conn_timer timer);
/* Stops reading from the peer (on 1) or starts again. */
void conn_pause_reading(struct conn *c, int on);

/* "s_server: warning: client 127.0.0.1:41234: MESSAGE" on stderr. */
void conn_warn(const struct conn *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
