/* HTTP for the responder modes: parsing the request head, turning its path into a file that
 * is safe to serve, and the headers of the answers. No sockets here. */
#include "proto/http.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* Finds the end of the head: the first empty line (CRLF CRLF or LF LF). Returns its length
 * including the terminator, or 0. */
static size_t head_length(const char *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (buf[i] != '\n')
            continue;
        if (i + 1 < len && buf[i + 1] == '\n')
            return i + 2;
        if (i + 2 < len && buf[i + 1] == '\r' && buf[i + 2] == '\n')
            return i + 3;
    }
    return 0;
}

enum http_parse http_parse_request(const char *buf, size_t len, struct http_request *req)
{
    memset(req, 0, sizeof(*req));
    size_t head = head_length(buf, len);
    /* Only the head is judged: bytes after it are a body or the next pipelined request, and
     * must not change the answer depending on whether they arrived in the same read. */
    if (memchr(buf, '\0', head ? head : len) != NULL)
        return HTTP_BAD;
    if (head == 0)
        return len >= HTTP_MAX_REQUEST ? HTTP_BAD : HTTP_INCOMPLETE;
    if (head > HTTP_MAX_REQUEST)
        return HTTP_BAD;
    req->head_len = head;
    /* request line: METHOD SP PATH [SP HTTP/1.x] */
    size_t eol = strcspn(buf, "\r\n");
    const char *sp1 = memchr(buf, ' ', eol);
    if (sp1 == NULL || sp1 == buf || (size_t)(sp1 - buf) >= sizeof(req->method))
        return HTTP_BAD;
    memcpy(req->method, buf, (size_t)(sp1 - buf));
    const char *path = sp1 + 1;
    size_t rest = eol - (size_t)(path - buf);
    const char *sp2 = memchr(path, ' ', rest);
    size_t plen = sp2 ? (size_t)(sp2 - path) : rest;
    if (plen == 0 || plen >= sizeof(req->path))
        return HTTP_BAD;
    memcpy(req->path, path, plen);
    req->minor = 0;
    if (sp2 != NULL) {
        const char *ver = sp2 + 1;
        size_t vlen = eol - (size_t)(ver - buf);
        if (vlen != 8 || strncmp(ver, "HTTP/1.", 7) != 0 || ver[7] < '0' || ver[7] > '9')
            return HTTP_BAD;
        req->minor = ver[7] - '0';
    }
    return HTTP_COMPLETE;
}

void http_error_page(BIO *out, int status, const char *reason, const char *detail)
{
    BIO_printf(out, "HTTP/1.0 %d %s\r\nContent-type: text/plain\r\n\r\n%s\r\n", status, reason,
               detail);
}


static int hex_value(int ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

/* Decodes the %XX escapes of in[0..len) into out (NUL-terminated). Returns 0, or -1 for a
 * malformed escape, an encoded NUL, or no room. */
static int percent_decode(const char *in, size_t len, char *out, size_t outlen)
{
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        int ch = (unsigned char)in[i];
        if (ch == '%') {
            if (i + 2 >= len)
                return -1;
            int hi = hex_value((unsigned char)in[i + 1]), lo = hex_value((unsigned char)in[i + 2]);
            if (hi < 0 || lo < 0)
                return -1;
            ch = hi << 4 | lo;
            i += 2;
            if (ch == 0)
                return -1;
        }
        if (o + 1 >= outlen)
            return -1;
        out[o++] = (char)ch;
    }
    out[o] = '\0';
    return 0;
}

/* Any ".." segment in a '/'-separated path. */
static int has_dotdot(const char *p)
{
    while (*p != '\0') {
        size_t seg = strcspn(p, "/");
        if (seg == 2 && p[0] == '.' && p[1] == '.')
            return 1;
        p += seg;
        if (*p == '/')
            p++;
    }
    return 0;
}

int http_file_path(const char *path, char *out, size_t outlen, const char **why)
{
    size_t len = strcspn(path, "?#"); /* the query is not part of the file name */
    if (len == 0 || path[0] != '/') {
        *why = "is not a path below the server's directory";
        return -1;
    }
    if (percent_decode(path + 1, len - 1, out, outlen) < 0) {
        *why = "has a malformed or NUL escape";
        return -1;
    }
    if (out[0] == '/') {
        *why = "is an absolute path";
        return -1;
    }
    if (strchr(out, '\\') != NULL || strchr(out, ':') != NULL || has_dotdot(out)) {
        *why = "contains '..', '\\' or ':'";
        return -1;
    }
    return 0;
}

int http_open_file(const char *root, const char *rel, long long *size, int *status)
{
    char full[PATH_MAX];
    *status = 404;
    int n = snprintf(full, sizeof(full), "%s/%s", root, rel);
    if (n < 0 || (size_t)n >= sizeof(full))
        return -1;
    char *real = realpath(full, NULL);
    if (real == NULL)
        return -1;
    size_t rl = strlen(root);
    int fd = -1;
    /* Symbolic links are followed, but where they lead must still be inside the root. */
    int inside = strcmp(root, "/") == 0 ||
                 (strncmp(real, root, rl) == 0 && (real[rl] == '/' || real[rl] == '\0'));
    if (!inside) {
        *status = 403;
        goto done;
    }
    fd = open(real, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    struct stat st;
    if (fd >= 0 && (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))) {
        close(fd);
        fd = -1;
    } else if (fd >= 0) {
        *size = (long long)st.st_size;
        *status = 200;
    } else if (errno == EACCES) {
        *status = 403;
    }
done:
    free(real);
    return fd;
}

const char *http_content_type(const char *name)
{
    const char *base = strrchr(name, '/');
    const char *dot = strrchr(base ? base : name, '.');
    if (dot != NULL && (strcasecmp(dot, ".html") == 0 || strcasecmp(dot, ".htm") == 0 ||
                        strcasecmp(dot, ".php") == 0))
        return "text/html";
    return "text/plain";
}

void http_ok_head(BIO *out, const char *type)
{
    BIO_printf(out, "HTTP/1.0 200 ok\r\nContent-type: %s\r\n\r\n", type);
}

void http_html_escape(BIO *out, const char *text)
{
    /* Runs of ordinary characters go out in one write: the -www page escapes a few KiB per
     * connection, and a BIO_write per byte cost more than the rest of the page. */
    for (const char *p = text; *p != '\0';) {
        size_t run = strcspn(p, "<>&");
        if (run > 0) {
            BIO_write(out, p, (int)run);
            p += run;
            continue;
        }
        BIO_puts(out, *p == '<' ? "&lt;" : *p == '>' ? "&gt;" : "&amp;");
        p++;
    }
}
