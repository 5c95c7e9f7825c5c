/* The HTTP responders: -www (the status page for any GET), -WWW (files below the current
 * directory with made-up headers, and /stats) and -HTTP (files that carry their own headers).
 * One request per connection, as HTTP/1.0 without keep-alive: read the head, answer, close. */
#include "server/conn.h"
#include "server/page.h"
#include "server/queue_bio.h"
#include "lib/err.h"
#include "lib/tlsctx.h"
#include "proto/http.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <openssl/err.h>

/* Bytes of a file read per refill of the output queue, straight into it (no copy between):
 * large, so a bulk download costs few reads and turns of the loop (256 KiB measured 3-12% less
 * server CPU per byte than 64 KiB in alternating runs). Next to the kernel's send buffer of a
 * streaming connection (up to megabytes) the queue's 256 KiB is small. */
#define FILE_CHUNK (256 * 1024)

struct http_conn {
    char *head; /* the request head so far */
    size_t len;
    int answered;
    int reneg; /* /reneg, /renegcert: the page waits for the new handshake */
    int file;  /* the file being sent, or -1 */
    off_t off, size;
    int sendfile_ok;
};

static int http_open(struct conn *c)
{
    struct http_conn *h = calloc(1, sizeof(*h));
    if (h == NULL) {
        conn_warn(c, "out of memory");
        return -1;
    }
    h->file = -1;
    h->sendfile_ok = conn_server(c)->cfg->sendfile;
    conn_set_data(c, h);
    conn_arm(c, CONN_TIMER_REQUEST);
    return 0;
}

static void http_close(struct conn *c)
{
    struct http_conn *h = conn_data(c);
    if (h == NULL)
        return;
    if (h->file >= 0)
        close(h->file);
    free(h->head);
    free(h);
}

/* Queues a short error answer and ends the connection. */
static int answer_error(struct conn *c, int status, const char *reason, const char *detail)
{
    BIO *out = queue_bio_new(c);
    if (out == NULL)
        return -1;
    http_error_page(out, status, reason, detail);
    int rc = queue_bio_free(out);
    conn_finish(c);
    return rc;
}

static int answer_page(struct conn *c)
{
    BIO *out = queue_bio_new(c);
    if (out == NULL)
        return -1;
    page_write(out, conn_ssl(c), conn_server(c));
    int rc = queue_bio_free(out);
    conn_finish(c);
    return rc;
}

/* /reneg asks for a new handshake, /renegcert also for the client's certificate (TLS 1.2 and
 * below; in TLS 1.3 /renegcert uses post-handshake authentication when the client offers it).
 * The page is sent once that handshake is over, so it shows its outcome. */
static int start_reneg(struct conn *c, struct http_conn *h, int want_cert)
{
    SSL *ssl = conn_ssl(c);
    /* not SSL_VERIFY_CLIENT_ONCE: that would keep the renegotiation from asking */
    if (want_cert) {
        /* a resumed session would skip the certificate exchange */
        SSL_set_verify(ssl, SSL_VERIFY_PEER, tls_verify_callback);
        SSL_set_options(ssl, SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION);
    }
    int started = SSL_version(ssl) == TLS1_3_VERSION
                      ? want_cert && SSL_verify_client_post_handshake(ssl)
                      : SSL_renegotiate(ssl);
    if (!started) {
        ERR_clear_error();
        return answer_page(c);
    }
    SSL_do_handshake(ssl);
    ERR_clear_error();
    h->reneg = 1;
    return 0;
}

static int http_progress(struct conn *c)
{
    struct http_conn *h = conn_data(c);
    SSL *ssl = conn_ssl(c);
    if (h == NULL || !h->reneg)
        return 0;
    int done = SSL_version(ssl) == TLS1_3_VERSION ? SSL_get0_peer_certificate(ssl) != NULL
                                                  : !SSL_renegotiate_pending(ssl);
    if (!done)
        return 0;
    h->reneg = 0;
    return answer_page(c);
}

/* -WWW/-HTTP: the file the request names, or an error answer. */
static int answer_file(struct conn *c, struct http_conn *h, const char *path)
{
    struct server *srv = conn_server(c);
    char rel[PATH_MAX];
    const char *why = NULL;
    if (http_file_path(path, rel, sizeof(rel), &why) < 0) {
        conn_warn(c, "refused request for \"%.200s\": it %s", path, why);
        return answer_error(c, 400, "Bad Request", "invalid path");
    }
    int status = 404;
    long long size = 0;
    h->file = http_open_file(srv->docroot, rel, &size, &status);
    if (h->file < 0) {
        return status == 403 ? answer_error(c, 403, "Forbidden", "not served")
                             : answer_error(c, 404, "Not Found", "no such file");
    }
    h->size = (off_t)size;
    if (!srv->cfg->common.quiet) {
        BIO *err = BIO_new(BIO_s_mem());
        if (err != NULL) {
            BIO_printf(err, "FILE:%s\n", rel);
            server_out_bio(srv, err, 1);
            BIO_free(err);
        }
    }
    if (srv->cfg->mode == MODE_WWW_FILES) {
        BIO *out = queue_bio_new(c);
        if (out == NULL)
            return -1;
        http_ok_head(out, http_content_type(rel));
        if (queue_bio_free(out) < 0)
            return -1;
    }
    conn_produce(c, 1);
    return 0;
}

static int answer(struct conn *c, struct http_conn *h, const struct http_request *req)
{
    enum server_mode mode = conn_server(c)->cfg->mode;
    h->answered = 1;
    free(h->head);
    h->head = NULL;
    if (strcmp(req->method, "GET") != 0)
        return answer_error(c, 405, "Method Not Allowed", "only GET is answered");
    if (mode == MODE_WWW) {
        if (strncmp(req->path, "/reneg", 6) == 0)
            return start_reneg(c, h, strncmp(req->path, "/renegcert", 10) == 0);
        return answer_page(c);
    }
    if (mode == MODE_WWW_FILES && strcmp(req->path, "/stats") == 0)
        return answer_page(c);
    return answer_file(c, h, req->path);
}

static int http_data(struct conn *c, const char *buf, size_t len)
{
    struct http_conn *h = conn_data(c);
    if (h->answered)
        return 0; /* one request per connection; the rest is not read into anything */
    size_t room = HTTP_MAX_REQUEST - h->len;
    size_t take = len < room ? len : room;
    if (h->head == NULL && (h->head = malloc(HTTP_MAX_REQUEST)) == NULL) {
        conn_warn(c, "out of memory");
        return -1;
    }
    memcpy(h->head + h->len, buf, take);
    h->len += take;
    struct http_request req;
    switch (http_parse_request(h->head, h->len, &req)) {
    case HTTP_INCOMPLETE:
        return 0;
    case HTTP_COMPLETE:
        return answer(c, h, &req);
    case HTTP_BAD:
        break;
    }
    conn_warn(c, "malformed HTTP request");
    h->answered = 1;
    return answer_error(c, 400, "Bad Request", "malformed request");
}

/* -sendfile: kernel TLS sends straight from the file; where the kernel or the connection does
 * not do kernel TLS, say so once and read the file instead. */
static int send_by_sendfile(struct conn *c, struct http_conn *h)
{
    ssize_t n = conn_sendfile(c, h->file, h->off, (size_t)(h->size - h->off));
    if (n >= 0) {
        h->off += n;
        return 1;
    }
    struct server *srv = conn_server(c);
    if (!atomic_exchange(&srv->sendfile_warned, 1))
        err_warn("-sendfile: kernel TLS is not in use on this connection; reading the file");
    h->sendfile_ok = 0;
    return 0;
}

static int http_drained(struct conn *c)
{
    struct http_conn *h = conn_data(c);
    if (h->file >= 0 && h->off < h->size && h->sendfile_ok && send_by_sendfile(c, h))
        return 0;
    ssize_t n = 0;
    if (h->file >= 0 && h->off < h->size) {
        off_t left = h->size - h->off;
        size_t want = left < FILE_CHUNK ? (size_t)left : FILE_CHUNK;
        char *room = conn_reserve(c, want);
        if (room == NULL)
            return -1;
        n = pread(h->file, room, want, h->off);
        if (n > 0)
            conn_commit(c, (size_t)n);
    }
    if (n < 0 && errno == EINTR)
        return 0;
    if (n > 0) {
        h->off += n;
        return 0;
    }
    if (n < 0)
        conn_warn(c, "reading the file failed: %s", strerror(errno));
    conn_produce(c, 0);
    conn_finish(c);
    return 0;
}

static void http_peer_closed(struct conn *c, int clean)
{
    struct http_conn *h = conn_data(c);
    (void)clean;
    if (h != NULL && !h->answered && h->len > 0)
        conn_warn(c, "closed before the end of its request");
}

const struct conn_handler mode_http_handler = {
    .open = http_open,
    .data = http_data,
    .drained = http_drained,
    .progress = http_progress,
    .peer_closed = http_peer_closed,
    .close = http_close,
};
