/* A sink BIO that queues what is written to it for one connection's peer (conn_send), so the
 * answers formatted through BIO calls (the -www page, error pages, response heads) go straight
 * into the connection's output queue, with no memory BIO to grow, copy and cleanse between. */
#ifndef TLSTOOL_SERVER_QUEUE_BIO_H
#define TLSTOOL_SERVER_QUEUE_BIO_H

#include <openssl/bio.h>

struct conn;

/* A new sink for c. NULL when out of memory. */
BIO *queue_bio_new(struct conn *c);

/* Frees the sink. Returns 0 when everything written to it was queued, -1 when a write failed
 * (out of memory: conn_send reported it). Takes NULL (returns -1). */
int queue_bio_free(BIO *bio);

#endif
