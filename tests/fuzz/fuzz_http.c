/* The responder modes' request-head parser (http_parse_request). Besides memory safety it
 * checks the contract the server's read loop relies on: INCOMPLETE only below the size limit,
 * a COMPLETE head lies within the bytes given, and the answer does not depend on how the bytes
 * were split into reads: once a prefix parses COMPLETE, the whole input gives the same request.
 * The first two bytes pick the split point. */
#include "proto/http.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void check_one(const char *buf, size_t len, enum http_parse st,
                      const struct http_request *req)
{
    if (st == HTTP_INCOMPLETE && len >= HTTP_MAX_REQUEST)
        abort();
    if (st != HTTP_COMPLETE)
        return;
    if (req->head_len == 0 || req->head_len > len || req->head_len > HTTP_MAX_REQUEST)
        abort();
    if (req->method[0] == '\0' || req->path[0] == '\0')
        abort();
    if (memchr(req->method, '\0', sizeof(req->method)) == NULL ||
        memchr(req->path, '\0', sizeof(req->path)) == NULL)
        abort();
    if (buf[req->head_len - 1] != '\n')
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2 || size > 2 * HTTP_MAX_REQUEST)
        return 0;
    size_t len = size - 2;
    size_t split = ((size_t)data[0] << 8 | data[1]) % (len + 1);
    /* A private copy of exactly len bytes, so ASan sees any read past the end. */
    char *buf = malloc(len ? len : 1);
    if (buf == NULL)
        return 0;
    memcpy(buf, data + 2, len);

    struct http_request whole, part;
    enum http_parse st = http_parse_request(buf, len, &whole);
    check_one(buf, len, st, &whole);
    enum http_parse pst = http_parse_request(buf, split, &part);
    check_one(buf, split, pst, &part);
    if (pst == HTTP_COMPLETE) {
        if (st != HTTP_COMPLETE || whole.head_len != part.head_len || whole.minor != part.minor ||
            strcmp(whole.method, part.method) != 0 || strcmp(whole.path, part.path) != 0)
            abort(); /* more bytes after a complete head changed the answer */
    }
    if (pst == HTTP_BAD && split > 0 && st != HTTP_BAD)
        abort(); /* a bad prefix cannot become good */
    free(buf);
    return 0;
}
