/* A write-coalescing filter BIO for a connection's TLS output. libssl hands its write BIO one
 * record (at most ~16 KiB) per write; under this filter the records of one turn of the event
 * loop are gathered and reach the socket in one large write() when the connection flushes, so a
 * bulk download costs one system call (and one TCP push) per ~256 KiB instead of per record.
 *
 * Contract for the owner of the SSL above it: after every SSL call, while coalesce_pending()
 * is not 0, call coalesce_flush() (and wait for the socket to be writable when it returns 0).
 * libssl's own BIO_flush() after handshake flights and alerts writes nothing: the owner's flush
 * after the SSL call sends it (see co_ctrl() for why). While the next BIO does kernel TLS
 * sending, writes go straight through. Reads are not seen: the filter is the write BIO only. */
#ifndef TLSTOOL_SERVER_COALESCE_H
#define TLSTOOL_SERVER_COALESCE_H

#include <stddef.h>
#include <openssl/bio.h>

/* A new filter; BIO_push() it onto the transport. NULL when out of memory. */
BIO *coalesce_new(void);

/* Writes out what bio holds, if bio is a coalescing filter. Returns 1 when nothing is held any
 * more, 0 when the socket is full (wait until it is writable, then call again), -1 when the
 * transport failed. A bio of another kind returns 1. */
int coalesce_flush(BIO *bio);

/* Bytes bio holds and has not yet written (0 for a bio of another kind). */
size_t coalesce_pending(BIO *bio);

#endif
