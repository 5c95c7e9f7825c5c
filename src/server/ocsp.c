/* OCSP stapling: -status, -status_verbose, -status_timeout, -status_url, -status_file, -proxy,
 * -no_proxy. A response comes from -status_file (read once), or from the responder the
 * certificate names (or -status_url) over HTTP with libcrypto's client. A fetched response is
 * kept until its nextUpdate (at most STAPLE_KEEP_S), so handshakes do not each wait for the
 * responder; fetching happens in the worker that needs it, under a lock. */
#include "server/ocsp.h"
#include "lib/err.h"
#include "lib/tlsctx.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <openssl/err.h>
#include <openssl/http.h>
#include <openssl/ocsp.h>
#include <openssl/x509v3.h>

/* The responder gets this long (s) unless -status_timeout says otherwise. */
#define STATUS_TIMEOUT_S 10
/* A fetched response is reused for at most this long (s), nextUpdate or not. */
#define STAPLE_KEEP_S 300
/* After a failed fetch, handshakes go without a staple for this long (s) before the responder
 * is tried again: a dead responder must not cost every handshake the whole timeout. */
#define STAPLE_RETRY_S 30
/* The largest response accepted from a responder. */
#define OCSP_MAX_RESPONSE (100 * 1024)

struct ocsp_cache {
    pthread_mutex_t lock;
    X509 *cert; /* the certificate the response is for (not owned) */
    unsigned char *der;
    int derlen;
    time_t until;
};

struct ocsp_cache *ocsp_cache_new(void)
{
    struct ocsp_cache *oc = calloc(1, sizeof(*oc));
    if (oc == NULL) {
        err_msg("out of memory");
        return NULL;
    }
    pthread_mutex_init(&oc->lock, NULL);
    return oc;
}

void ocsp_cache_free(struct ocsp_cache *oc)
{
    if (oc == NULL)
        return;
    OPENSSL_free(oc->der);
    pthread_mutex_destroy(&oc->lock);
    free(oc);
}

/* The issuer of cert: from the chain the connection sends, else from the trust store. */
static X509 *find_issuer(SSL *ssl, X509 *cert)
{
    STACK_OF(X509) *chain = NULL;
    SSL_get0_chain_certs(ssl, &chain);
    for (int i = 0; i < sk_X509_num(chain); i++) {
        X509 *c = sk_X509_value(chain, i);
        if (X509_check_issued(c, cert) == X509_V_OK) {
            X509_up_ref(c);
            return c;
        }
    }
    X509 *issuer = NULL;
    X509_STORE_CTX *sctx = X509_STORE_CTX_new();
    if (sctx != NULL &&
        X509_STORE_CTX_init(sctx, SSL_CTX_get_cert_store(SSL_get_SSL_CTX(ssl)), NULL, NULL))
        X509_STORE_CTX_get1_issuer(&issuer, sctx, cert);
    X509_STORE_CTX_free(sctx);
    return issuer;
}

/* The request for cert, carrying the extensions the client asked for. NULL on failure. */
static OCSP_REQUEST *make_request(SSL *ssl, X509 *cert)
{
    X509 *issuer = find_issuer(ssl, cert);
    OCSP_REQUEST *req = OCSP_REQUEST_new();
    OCSP_CERTID *id = issuer != NULL ? OCSP_cert_to_id(NULL, cert, issuer) : NULL;
    X509_free(issuer);
    if (req == NULL || id == NULL || OCSP_request_add0_id(req, id) == NULL) {
        OCSP_CERTID_free(id);
        OCSP_REQUEST_free(req);
        err_warn("OCSP: cannot make a request (is the issuer in the chain or trust store?)");
        return NULL;
    }
    STACK_OF(X509_EXTENSION) *exts = NULL;
    SSL_get_tlsext_status_exts(ssl, &exts);
    for (int i = 0; i < sk_X509_EXTENSION_num(exts); i++)
        OCSP_REQUEST_add_ext(req, sk_X509_EXTENSION_value(exts, i), -1);
    return req;
}

/* POSTs req to url. Returns the response, or NULL (reported). */
static OCSP_RESPONSE *ask_responder(const struct server_config *cfg, const char *url,
                                    OCSP_REQUEST *req)
{
    char *host = NULL, *port = NULL, *path = NULL;
    int use_ssl = 0;
    OCSP_RESPONSE *resp = NULL;
    BIO *rsp = NULL, *body = NULL;
    if (!OSSL_HTTP_parse_url(url, &use_ssl, NULL, &host, &port, NULL, &path, NULL, NULL)) {
        err_ssl("OCSP: bad responder URL \"%s\"", url);
        goto done;
    }
    if (use_ssl) {
        err_warn("OCSP: https responders are not supported (%s)", url);
        goto done;
    }
    body = ASN1_item_i2d_mem_bio(ASN1_ITEM_rptr(OCSP_REQUEST), (const ASN1_VALUE *)req);
    int timeout = cfg->status_timeout >= 0 ? cfg->status_timeout : STATUS_TIMEOUT_S;
    /* No expected Content-Type: libcrypto 3.0's HTTP client forgets having seen that header
     * when the headers arrive in pieces (it returns to wait for more, and the flag is a local
     * variable), then fails with "error receiving" at the blank line. tinyproxy sends a header
     * per write. The body must still parse as an OCSP response. */
    rsp = body == NULL
              ? NULL
              : OSSL_HTTP_transfer(NULL, host, port, path, 0, cfg->proxy, cfg->no_proxy, NULL, NULL,
                                   NULL, NULL, 0, NULL, "application/ocsp-request", body, NULL, 1,
                                   OCSP_MAX_RESPONSE, timeout, 0);
    resp = rsp != NULL ? ASN1_item_d2i_bio(ASN1_ITEM_rptr(OCSP_RESPONSE), rsp, NULL) : NULL;
    if (resp == NULL)
        err_ssl("OCSP: no response from %s", url);
done:
    BIO_free(body);
    BIO_free(rsp);
    OPENSSL_free(host);
    OPENSSL_free(port);
    OPENSSL_free(path);
    return resp;
}

/* How long a response may be reused: until its nextUpdate, within STAPLE_KEEP_S. */
static time_t keep_until(OCSP_RESPONSE *resp)
{
    time_t now = time(NULL), until = now + STAPLE_KEEP_S;
    OCSP_BASICRESP *basic = OCSP_response_get1_basic(resp);
    OCSP_SINGLERESP *single = basic != NULL ? OCSP_resp_get0(basic, 0) : NULL;
    ASN1_GENERALIZEDTIME *next = NULL;
    if (single != NULL)
        OCSP_single_get0_status(single, NULL, NULL, NULL, &next);
    if (next != NULL) {
        struct tm tm;
        if (ASN1_TIME_to_tm(next, &tm)) {
            time_t t = timegm(&tm);
            if (t < until)
                until = t;
        }
    }
    OCSP_BASICRESP_free(basic);
    return until;
}

/* Fetches a response for cert. NULL on failure (reported). */
static OCSP_RESPONSE *fetch(SSL *ssl, const struct server_config *cfg, X509 *cert)
{
    STACK_OF(OPENSSL_STRING) *aia = X509_get1_ocsp(cert);
    const char *url =
        sk_OPENSSL_STRING_num(aia) > 0 ? sk_OPENSSL_STRING_value(aia, 0) : cfg->status_url;
    OCSP_RESPONSE *resp = NULL;
    if (url == NULL) {
        err_warn("OCSP: the certificate names no responder and there is no -status_url");
        goto done;
    }
    if (cfg->status_verbose)
        fprintf(stderr, "cert_status: %s URL: %s\n",
                sk_OPENSSL_STRING_num(aia) > 0 ? "AIA" : "default", url);
    OCSP_REQUEST *req = make_request(ssl, cert);
    if (req != NULL)
        resp = ask_responder(cfg, url, req);
    OCSP_REQUEST_free(req);
done:
    X509_email_free(aia);
    return resp;
}

/* A copy of the response for cert, from the cache or the responder; its length in *len. */
static unsigned char *staple_for(SSL *ssl, const struct server_config *cfg, struct ocsp_cache *oc,
                                 X509 *cert, int *len)
{
    unsigned char *copy = NULL;
    pthread_mutex_lock(&oc->lock);
    if (oc->cert != cert || time(NULL) >= oc->until) {
        OCSP_RESPONSE *resp = fetch(ssl, cfg, cert);
        OPENSSL_free(oc->der);
        oc->der = NULL;
        oc->cert = cert;
        oc->until = time(NULL) + STAPLE_RETRY_S;
        if (resp != NULL) {
            oc->derlen = i2d_OCSP_RESPONSE(resp, &oc->der);
            oc->until = keep_until(resp);
            OCSP_RESPONSE_free(resp);
        }
    }
    if (oc->der != NULL && (copy = OPENSSL_memdup(oc->der, (size_t)oc->derlen)) != NULL)
        *len = oc->derlen;
    pthread_mutex_unlock(&oc->lock);
    return copy;
}

static void print_staple(const unsigned char *der, int len)
{
    const unsigned char *p = der;
    OCSP_RESPONSE *resp = d2i_OCSP_RESPONSE(NULL, &p, len);
    BIO *err = BIO_new_fp(stderr, BIO_NOCLOSE);
    if (resp != NULL && err != NULL) {
        BIO_puts(err, "cert_status: ocsp response sent:\n");
        OCSP_RESPONSE_print(err, resp, 2);
    }
    BIO_free(err);
    OCSP_RESPONSE_free(resp);
}

static int on_status_request(SSL *ssl, void *arg)
{
    const struct server_config *cfg = arg;
    struct server *srv = cfg->srv;
    if (cfg->status_verbose)
        fputs("cert_status: callback called\n", stderr);
    if (srv == NULL || srv->ocsp == NULL)
        return SSL_TLSEXT_ERR_NOACK;
    int len = 0;
    unsigned char *der = NULL;
    if (cfg->status_file != NULL) {
        der = OPENSSL_memdup(srv->ocsp->der, (size_t)srv->ocsp->derlen);
        len = srv->ocsp->derlen;
    } else {
        X509 *cert = SSL_get_certificate(ssl);
        if (cert != NULL)
            der = staple_for(ssl, cfg, srv->ocsp, cert, &len);
    }
    if (der == NULL)
        return SSL_TLSEXT_ERR_NOACK; /* no staple: the handshake goes on without one */
    if (cfg->status_verbose)
        print_staple(der, len);
    if (!SSL_set_tlsext_status_ocsp_resp(ssl, der, len)) {
        OPENSSL_free(der);
        return SSL_TLSEXT_ERR_NOACK;
    }
    return SSL_TLSEXT_ERR_OK;
}

int ocsp_cache_load_file(struct ocsp_cache *oc, const char *file)
{
    BIO *b = BIO_new_file(file, "rb");
    OCSP_RESPONSE *resp = b != NULL ? d2i_OCSP_RESPONSE_bio(b, NULL) : NULL;
    BIO_free(b);
    if (resp == NULL) {
        err_ssl("-status_file: cannot read a DER OCSP response from \"%s\"", file);
        return -1;
    }
    oc->derlen = i2d_OCSP_RESPONSE(resp, &oc->der);
    OCSP_RESPONSE_free(resp);
    return oc->derlen > 0 ? 0 : -1;
}

int server_ocsp_setup(SSL_CTX *ctx, struct server_config *cfg)
{
    if (!cfg->common.status)
        return 0;
    SSL_CTX_set_tlsext_status_cb(ctx, on_status_request);
    SSL_CTX_set_tlsext_status_arg(ctx, cfg);
    return 0;
}
