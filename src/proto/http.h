/* The HTTP side of s_server's responder modes: a bounded request parser and the -www status
 * page. Nothing here knows about sockets or event loops. */
#ifndef TLSTOOL_PROTO_HTTP_H
#define TLSTOOL_PROTO_HTTP_H

#include <stddef.h>
#include <openssl/bio.h>
#include <openssl/ssl.h>

#define HTTP_MAX_REQUEST 16384 /* a request head larger than this is refused */

enum http_parse { HTTP_INCOMPLETE, HTTP_COMPLETE, HTTP_BAD };

struct http_request {
    char method[16];
    char path[2048]; /* as sent, without the query's decoding */
    int minor;       /* HTTP/1.x */
    size_t head_len; /* bytes of the request head, up to and including the blank line */
};

/* Parses a request head from buf[0..len). HTTP_INCOMPLETE: need more bytes (len is still under
 * HTTP_MAX_REQUEST); HTTP_COMPLETE: req is filled; HTTP_BAD: not a request we can answer
 * (malformed, too long, binary). Never reads past len. */
enum http_parse http_parse_request(const char *buf, size_t len, struct http_request *req);

/* Writes the whole -www response (status line, headers and the HTML status page describing
 * this connection and the server) to out. cmdline is shown at the top, as openssl does. */
void http_status_page(BIO *out, SSL *ssl, const char *cmdline);

/* Writes a minimal error response ("HTTP/1.0 400 Bad Request" and the like). */
void http_error_page(BIO *out, int status, const char *reason, const char *detail);

#endif
