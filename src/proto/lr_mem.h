/* An lr_io over memory, so the STARTTLS dialogues can be unit-tested and fuzzed without
 * sockets: the server's whole byte stream is given up front, our writes are captured. */
#ifndef TLSTOOL_PROTO_LR_MEM_H
#define TLSTOOL_PROTO_LR_MEM_H

#include <stddef.h>

#include "proto/linereader.h"

struct lr_mem {
    const unsigned char *in; /* what the server sends, all of it */
    size_t inlen;
    size_t pos;              /* bytes consumed so far: where TLS would start */
    size_t chunk;            /* most bytes one peek returns (0 = no limit), to split replies */
    int end_is_timeout;      /* at the end of in: 1 = a silent server, 0 = the server closed */
    unsigned char out[4096]; /* what we wrote, truncated to its size */
    size_t outlen;           /* bytes written in all (may exceed sizeof(out)) */
};

/* Fills io to read m->in and write into m->out (m must outlive io). */
void lr_mem_io(struct lr_io *io, struct lr_mem *m);

#endif
