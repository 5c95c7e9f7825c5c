/* The interactive relay: stdin -> peer and peer -> stdout over one TLS connection, driven by
 * poll() on a non-blocking socket. Slots: stdin (read while there is room and no EOF), net-in
 * (always), net-out (while a write is pending), stdout (written synchronously).
 * Half-close rules: EOF on stdin ends the session with a close_notify unless ign_eof, in which
 * case stdin is simply no longer read and the session lasts until the peer closes. The peer's
 * close_notify or EOF ends the session. */
#ifndef TLSTOOL_RELAY_H
#define TLSTOOL_RELAY_H

#include <stddef.h>
#include <openssl/ssl.h>

enum relay_cmd {
    RELAY_SEND,  /* not a command: send the chunk to the peer */
    RELAY_SKIP,  /* a command, handled: drop the chunk */
    RELAY_CLOSE, /* end this connection */
    RELAY_QUIT,  /* end this connection and the program */
};

enum relay_end {
    RELAY_END_STDIN,  /* stdin reached EOF (or a close command) */
    RELAY_END_PEER,   /* the peer closed cleanly */
    RELAY_END_ERROR,  /* the connection failed */
    RELAY_END_QUIT,   /* a quit command */
};

struct relay_opts {
    int crlf;      /* turn LF from stdin into CRLF */
    int ign_eof;   /* keep going after stdin EOF */
    int quiet;     /* no chatter on stdout */
    int brief;     /* chatter in -brief form */
    int is_server; /* prints as s_server does */
    /* Looks at a chunk read from stdin (its first byte may be a command letter). May be NULL. */
    enum relay_cmd (*command)(void *arg, SSL *ssl, const char *buf, size_t len);
    void *arg;
};

/* Runs until one side ends; returns why. Prints "DONE", "closed" and the like as openssl does. */
enum relay_end relay_run(SSL *ssl, int fd, const struct relay_opts *o);

/* Writes all of buf to fd (retrying short writes and EINTR). Returns 0 or -1. */
int relay_write_all(int fd, const void *buf, size_t len);

#endif
