/* HTTP for the responder modes: parsing the request head and the -www status page. */
#include "proto/http.h"
#include "lib/print.h"

#include <stdio.h>
#include <string.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

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

/* "TLSv1.3    :TLS_AES_256_GCM_SHA384    " two to a line, as openssl's page lists them. */
static void page_ciphers(BIO *out, SSL *ssl)
{
    STACK_OF(SSL_CIPHER) *ciphers = SSL_get_ciphers(ssl);
    int n = sk_SSL_CIPHER_num(ciphers);
    BIO_puts(out, "Ciphers supported in s_server binary\n");
    for (int i = 0; i < n; i++) {
        const SSL_CIPHER *c = sk_SSL_CIPHER_value(ciphers, i);
        BIO_printf(out, "%-11s:%-25s ", SSL_CIPHER_get_version(c), SSL_CIPHER_get_name(c));
        if ((i & 1) || i == n - 1)
            BIO_puts(out, "\n");
    }
}

/* The ciphers both sides share, in columns of 26 characters, three to a line. */
static void page_shared_ciphers(BIO *out, SSL *ssl)
{
    char buf[8192];
    BIO_puts(out, "---\nCiphers common between both SSL end points:\n");
    if (SSL_get_shared_ciphers(ssl, buf, sizeof(buf)) == NULL)
        return;
    int col = 0, width = 0;
    for (const char *p = buf; *p != '\0'; p++) {
        if (*p != ':') {
            BIO_write(out, p, 1);
            width++;
            continue;
        }
        for (; width < 26; width++)
            BIO_puts(out, " ");
        width = 0;
        if (++col == 3) {
            BIO_puts(out, "\n");
            col = 0;
        } else {
            BIO_puts(out, " ");
        }
    }
    BIO_puts(out, "\n");
}

static void page_cache_stats(BIO *out, SSL_CTX *ctx)
{
    BIO_printf(out, "%4ld items in the session cache\n", SSL_CTX_sess_number(ctx));
    BIO_printf(out, "%4ld client connects (SSL_connect())\n", SSL_CTX_sess_connect(ctx));
    BIO_printf(out, "%4ld client renegotiates (SSL_connect())\n",
               SSL_CTX_sess_connect_renegotiate(ctx));
    BIO_printf(out, "%4ld client connects that finished\n", SSL_CTX_sess_connect_good(ctx));
    BIO_printf(out, "%4ld server accepts (SSL_accept())\n", SSL_CTX_sess_accept(ctx));
    BIO_printf(out, "%4ld server renegotiates (SSL_accept())\n",
               SSL_CTX_sess_accept_renegotiate(ctx));
    BIO_printf(out, "%4ld server accepts that finished\n", SSL_CTX_sess_accept_good(ctx));
    BIO_printf(out, "%4ld session cache hits\n", SSL_CTX_sess_hits(ctx));
    BIO_printf(out, "%4ld session cache misses\n", SSL_CTX_sess_misses(ctx));
    BIO_printf(out, "%4ld session cache timeouts\n", SSL_CTX_sess_timeouts(ctx));
    BIO_printf(out, "%4ld callback cache hits\n", SSL_CTX_sess_cb_hits(ctx));
    BIO_printf(out, "%4ld cache full overflows (%ld allowed)\n", SSL_CTX_sess_cache_full(ctx),
               SSL_CTX_sess_get_cache_size(ctx));
}

void http_status_page(BIO *out, SSL *ssl, const char *cmdline)
{
    BIO_puts(out, "HTTP/1.0 200 ok\r\nContent-type: text/html\r\n\r\n");
    BIO_puts(out, "<!DOCTYPE html>\n<HTML><HEAD><meta charset=\"utf-8\">"
                  "<title>s_server status</title></HEAD><BODY BGCOLOR=\"#ffffff\">\n<pre>\n\n");
    /* The command line may hold '<' or '&': escape it for the page. */
    for (const char *p = cmdline; *p != '\0'; p++) {
        if (*p == '<')
            BIO_puts(out, "&lt;");
        else if (*p == '>')
            BIO_puts(out, "&gt;");
        else if (*p == '&')
            BIO_puts(out, "&amp;");
        else
            BIO_write(out, p, 1);
    }
    BIO_puts(out, "\n");
    BIO_printf(out, "Secure Renegotiation IS%s supported\n",
               SSL_get_secure_renegotiation_support(ssl) ? "" : " NOT");
    page_ciphers(out, ssl);
    page_shared_ciphers(out, ssl);
    print_sigalgs(out, ssl);
    /* groups, as the server report shows them */
    int n = SSL_get1_groups(ssl, NULL);
    if (n > 0) {
        BIO_puts(out, "Supported groups: ");
        int *groups = OPENSSL_malloc(sizeof(int) * (size_t)n);
        if (groups != NULL) {
            SSL_get1_groups(ssl, groups);
            for (int i = 0; i < n; i++) {
                const char *g = SSL_group_to_name(ssl, groups[i]);
                BIO_printf(out, "%s%s", i ? ":" : "", g ? g : "?");
            }
            OPENSSL_free(groups);
        }
        BIO_puts(out, "\nShared groups: ");
        int shared = SSL_get_shared_group(ssl, -1);
        for (int i = 0; i < shared; i++) {
            const char *g = SSL_group_to_name(ssl, SSL_get_shared_group(ssl, i));
            BIO_printf(out, "%s%s", i ? ":" : "", g ? g : "?");
        }
        if (shared <= 0)
            BIO_puts(out, "NONE");
        BIO_puts(out, "\n");
    }
    BIO_printf(out, "---\n%s, %s, Cipher is %s\n", SSL_session_reused(ssl) ? "Reused" : "New",
               SSL_get_version(ssl), SSL_CIPHER_get_name(SSL_get_current_cipher(ssl)));
    SSL_SESSION_print(out, SSL_get_session(ssl));
    BIO_puts(out, "---\n");
    page_cache_stats(out, SSL_get_SSL_CTX(ssl));
    BIO_puts(out, "---\n");
    X509 *peer = SSL_get0_peer_certificate(ssl);
    if (peer != NULL) {
        BIO_puts(out, "Client certificate\n");
        X509_print(out, peer);
        PEM_write_bio_X509(out, peer);
    } else {
        BIO_puts(out, "no client certificate available\n");
    }
    BIO_puts(out, "</pre></BODY></HTML>\r\n\r\n");
}
