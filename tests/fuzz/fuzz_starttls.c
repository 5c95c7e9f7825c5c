/* Every STARTTLS dialogue's reply readers, over an in-memory server (starttls_negotiate_io),
 * plus the MySQL greeting and LDAP response parsers on their own. Input: byte 0 picks the
 * protocol (or a parser), byte 1 how many bytes each read may return (to split replies the way
 * TCP may), the rest is what the server sends. What we send is discarded. Checks: no reading
 * beyond what was sent, a failure always comes with a one-line reason starting with the
 * protocol's name. */
#include "proto/linereader.h"
#include "proto/starttls.h"
#include "proto/starttls_impl.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct mem_server {
    const unsigned char *data;
    size_t len, pos, chunk;
};

static ssize_t mem_peek(void *ctx, void *buf, size_t len, int timeout_ms)
{
    struct mem_server *m = ctx;
    (void)timeout_ms;
    size_t n = m->len - m->pos;
    if (n == 0)
        return LR_EOF;
    if (n > m->chunk)
        n = m->chunk;
    if (n > len)
        n = len;
    memcpy(buf, m->data + m->pos, n);
    return (ssize_t)n;
}

static int mem_consume(void *ctx, size_t n)
{
    struct mem_server *m = ctx;
    if (n > m->len - m->pos)
        abort(); /* consumed more than any peek could have returned */
    m->pos += n;
    return 0;
}

static int mem_write(void *ctx, const void *buf, size_t len, int timeout_ms)
{
    (void)ctx;
    (void)buf;
    (void)len;
    (void)timeout_ms;
    return 0;
}

static void run_dialogue(const char *proto, struct mem_server *m)
{
    struct lr_io io = {mem_peek, mem_consume, mem_write, m};
    struct starttls_opts o = {.proto = proto, .name = NULL, .host = "example.com",
                              .timeout_ms = 1000};
    char err[512];
    if (starttls_negotiate_io(&io, &o, err, sizeof(err)) < 0) {
        if (strncmp(err, proto, strlen(proto)) != 0 || strchr(err, '\n') != NULL)
            abort(); /* a reason must name the protocol and stay on one line */
    }
}

static void run_parsers(int which, const unsigned char *p, size_t n)
{
    /* A private copy of exactly n bytes, so ASan sees any read past the end. */
    unsigned char *copy = malloc(n ? n : 1);
    char text[256], why[256];
    if (copy == NULL)
        return;
    memcpy(copy, p, n);
    if (which == 0) {
        unsigned long caps;
        starttls_mysql_parse_greeting(copy, n, &caps, text, sizeof(text), why, sizeof(why));
    } else {
        long msgid, result;
        starttls_ldap_parse_response(copy, n, &msgid, &result, text, sizeof(text), why,
                                     sizeof(why));
    }
    free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2 || size > 80 * 1024)
        return 0;
    const char *const *names = starttls_names();
    size_t nprotos = 0;
    while (names[nprotos] != NULL)
        nprotos++;
    size_t pick = data[0] % (nprotos + 2);
    if (pick >= nprotos) {
        run_parsers((int)(pick - nprotos), data + 2, size - 2);
        return 0;
    }
    struct mem_server m = {data + 2, size - 2, 0, data[1] ? data[1] : SIZE_MAX};
    run_dialogue(names[pick], &m);
    return 0;
}
