/* The memory transport behind the STARTTLS unit tests and fuzz target. */
#include "proto/lr_mem.h"

#include <string.h>

static ssize_t mem_peek(void *ctx, void *buf, size_t len, int timeout_ms)
{
    struct lr_mem *m = ctx;
    size_t n = m->inlen - m->pos;

    (void)timeout_ms;
    if (n == 0)
        return m->end_is_timeout ? LR_TIMEOUT : LR_EOF;
    if (m->chunk > 0 && n > m->chunk)
        n = m->chunk;
    if (n > len)
        n = len;
    memcpy(buf, m->in + m->pos, n);
    return (ssize_t)n;
}

static int mem_consume(void *ctx, size_t n)
{
    struct lr_mem *m = ctx;

    if (n > m->inlen - m->pos)
        return -1;
    m->pos += n;
    return 0;
}

static int mem_write(void *ctx, const void *buf, size_t len, int timeout_ms)
{
    struct lr_mem *m = ctx;
    size_t room = sizeof(m->out) - (m->outlen < sizeof(m->out) ? m->outlen : sizeof(m->out));

    (void)timeout_ms;
    memcpy(m->out + (sizeof(m->out) - room), buf, len < room ? len : room);
    m->outlen += len;
    return 0;
}

void lr_mem_io(struct lr_io *io, struct lr_mem *m)
{
    io->peek = mem_peek;
    io->consume = mem_consume;
    io->write = mem_write;
    io->ctx = m;
}
