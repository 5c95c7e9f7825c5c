/* The HTTP side of s_server's responder modes: a bounded request parser, safe file names for
 * -WWW/-HTTP, and response heads. Nothing here knows about sockets or event loops. */
#ifndef TLSTOOL_PROTO_HTTP_H
#define TLSTOOL_PROTO_HTTP_H

#include <stddef.h>
#include <openssl/bio.h>

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

/* Writes a minimal error response ("HTTP/1.0 404 Not Found" and the like). */
void http_error_page(BIO *out, int status, const char *reason, const char *detail);

/* "HTTP/1.0 200 ok" and a Content-type header, as openssl's responders send them. */
void http_ok_head(BIO *out, const char *type);

/* Turns a request path into a file name relative to the served directory: the query is cut
 * off, %XX escapes are decoded, and anything that could leave the directory is refused (an
 * absolute path, a ".." segment, '\\' or ':', a malformed or NUL escape). Returns 0 with the
 * name in out (possibly empty), or -1 with *why saying what is wrong (answer 400). */
int http_file_path(const char *path, char *out, size_t outlen, const char **why);

/* Opens rel (from http_file_path) below the directory root (a resolved path), for reading.
 * Symbolic links may be followed only to places still inside root; only regular files are
 * served. Returns a descriptor with the file's size in *size and 200 in *status, or -1 with
 * the status to answer in *status (404, or 403 for a file outside root or unreadable). */
int http_open_file(const char *root, const char *rel, long long *size, int *status);

/* The Content-type -WWW gives a file: text/html for .html, .htm and .php, else text/plain. */
const char *http_content_type(const char *name);

/* Writes text with '<', '>' and '&' escaped for HTML. */
void http_html_escape(BIO *out, const char *text);

#endif
