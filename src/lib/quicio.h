/* The QUIC side of both programs' I/O: waiting on a QUIC object's engine (its UDP socket and
 * its timer), driving a non-blocking handshake, and relaying stdin to the default stream and
 * the stream to stdout. Only built where the library has QUIC (HAVE_QUIC_CLIENT). */
#ifndef TLSTOOL_QUICIO_H
#define TLSTOOL_QUICIO_H

#include "lib/features.h"

#include <openssl/ssl.h>

#ifdef HAVE_QUIC_CLIENT

/* Waits until ssl's engine needs to run (its socket is ready for what it wants, or its timer
 * is due) or, when in_fd >= 0, in_fd is readable; max_ms < 0: no bound of our own. Then runs
 * the engine. Returns 1 when in_fd is readable, else 0. */
int quic_wait(SSL *ssl, int in_fd, int max_ms);

/* Drives SSL_do_handshake() on a non-blocking QUIC connection until it is done, failed, or
 * timeout_s (0: no limit) passed. Returns 1 on success, 0 on failure, -2 on timeout. */
int quic_handshake(SSL *ssl, int timeout_s);

/* Writes all of buf to ssl's stream, waiting as flow control needs. Returns 0 or -1. */
int quic_write_all(SSL *ssl, const char *buf, size_t len);

struct quic_relay_opts {
    int use_stdin; /* relay stdin to the stream (else the stream only) */
    int ign_eof;   /* at stdin's end keep receiving instead of ending the stream */
    int crlf;      /* LF from stdin goes out as CRLF */
    int rev;       /* -rev: each line received goes back reversed instead of to stdout */
};

/* How a relay ended. */
enum quic_relay_end {
    QUIC_END_STDIN,  /* stdin ended: our side concluded the stream (and drained a moment) */
    QUIC_END_PEER,   /* the peer concluded its stream or closed the connection */
    QUIC_END_CLOSE,  /* -rev got "CLOSE" */
    QUIC_END_ERROR,  /* a QUIC error (reported) */
};

/* Relays until one side ends. */
enum quic_relay_end quic_relay(SSL *ssl, const struct quic_relay_opts *o);

/* Closes the connection (bounded wait for the peer's acknowledgement). */
void quic_close(SSL *ssl);

#endif
#endif
