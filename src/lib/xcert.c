/* Extra certificate chains (-xcert/-xkey/-xchain). They are loaded once, at start-up. Each
 * time the library wants this side's certificate (a server on every ClientHello, a client when
 * the server asks for one), the callback below clears the connection's certificates, checks
 * every extra chain against what the peer accepts (SSL_check_chain), prints the verdict on
 * stderr ("Checking cert chain N:" and one line per check, as openssl does), and installs each
 * chain found valid; the library then picks among them by key type. As with openssl, -cert's
 * certificate is not offered once -xcert is given. */
#include "lib/xcert.h"
#include "lib/err.h"
#include "lib/load.h"
#include "lib/print.h"

#include <stdio.h>
#include <openssl/err.h>
#include <openssl/x509.h>

struct xchain {
    X509 *cert;
    EVP_PKEY *key;
    STACK_OF(X509) *chain; /* -xchain's certificates, or NULL */
};

struct xcerts {
    struct xchain *v;
    size_t n;
    int build_chain;       /* -xchain_build: build each chain from the trust store */
    unsigned long nmflags; /* -nameopt, for the "Subject:" line */
};

/* The context's slot for its struct xcerts, freed with the context. */
static CRYPTO_ONCE slot_once = CRYPTO_ONCE_STATIC_INIT;
static int slot = -1;

static void xcerts_free(struct xcerts *xc)
{
    if (xc == NULL)
        return;
    for (size_t i = 0; i < xc->n; i++) {
        X509_free(xc->v[i].cert);
        EVP_PKEY_free(xc->v[i].key);
        sk_X509_pop_free(xc->v[i].chain, X509_free);
    }
    OPENSSL_free(xc->v);
    OPENSSL_free(xc);
}

static void slot_free(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl, void *argp)
{
    (void)parent, (void)ad, (void)idx, (void)argl, (void)argp;
    xcerts_free(ptr);
}

static void slot_init(void)
{
    slot = SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL, slot_free);
}

/* What SSL_check_chain's flags mean, in the order and words openssl prints them. */
static const struct {
    const char *what;
    int flag;
} checks[] = {
    {"Overall Validity", CERT_PKEY_VALID},
    {"Sign with EE key", CERT_PKEY_SIGN},
    {"EE signature", CERT_PKEY_EE_SIGNATURE},
    {"CA signature", CERT_PKEY_CA_SIGNATURE},
    {"EE key parameters", CERT_PKEY_EE_PARAM},
    {"CA key parameters", CERT_PKEY_CA_PARAM},
    {"Explicitly sign with EE key", CERT_PKEY_EXPLICIT_SIGN},
    {"Issuer Name", CERT_PKEY_ISSUER_NAME},
    {"Certificate Type", CERT_PKEY_CERT_TYPE},
};

static void print_verdict(BIO *err, SSL *ssl, size_t number, const struct xchain *x, int flags,
                          unsigned long nmflags)
{
    BIO_printf(err, "Checking cert chain %zu:\nSubject: ", number);
    print_name(err, X509_get_subject_name(x->cert), nmflags);
    BIO_puts(err, "\n");
    for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++)
        BIO_printf(err, "\t%s: %s\n", checks[i].what, flags & checks[i].flag ? "OK" : "NOT OK");
    /* Suite B is only judged when the connection is restricted to it */
    if (SSL_set_cert_flags(ssl, 0) & SSL_CERT_FLAG_SUITEB_128_LOS)
        BIO_printf(err, "\tSuite B: %s\n", flags & CERT_PKEY_SUITEB ? "OK" : "NOT OK");
    else
        BIO_puts(err, "\tSuite B: not tested\n");
}

/* Installs one chain on the connection. Returns 1, or 0 (the handshake fails). */
static int install(SSL *ssl, const struct xchain *x, int build_chain)
{
    if (!SSL_use_certificate(ssl, x->cert) || !SSL_use_PrivateKey(ssl, x->key))
        return 0;
    if (build_chain)
        return SSL_build_cert_chain(ssl, 0);
    return x->chain == NULL || SSL_set1_chain(ssl, x->chain);
}

static int on_cert_wanted(SSL *ssl, void *arg)
{
    const struct xcerts *xc = arg;
    BIO *err = BIO_new_fp(stderr, BIO_NOCLOSE);
    int ok = err != NULL;
    SSL_certs_clear(ssl);
    for (size_t i = 0; ok && i < xc->n; i++) {
        int flags = SSL_check_chain(ssl, xc->v[i].cert, xc->v[i].key, xc->v[i].chain);
        print_verdict(err, ssl, i + 1, &xc->v[i], flags, xc->nmflags);
        if (flags & CERT_PKEY_VALID)
            ok = install(ssl, &xc->v[i], xc->build_chain);
    }
    BIO_free(err);
    return ok;
}

/* Loads chain number i of c into x. Returns 0, or -1 (reported). */
static int load_one(struct xchain *x, const struct tls_common *c, size_t i, const char *pass)
{
    const char *certfile = c->xcert.v[i], *keyfile = c->xkey.v[i];
    const char *chainfile = i < c->xchain.n ? c->xchain.v[i] : NULL;
    if ((x->cert = load_cert(certfile, pass, "-xcert certificate")) == NULL ||
        (x->key = load_key(keyfile, pass, "-xkey private key")) == NULL)
        return -1;
    if (!X509_check_private_key(x->cert, x->key)) {
        ERR_clear_error();
        err_msg("the private key in \"%s\" does not match the certificate in \"%s\"", keyfile,
                certfile);
        return -1;
    }
    if (chainfile != NULL && (x->chain = load_certs(chainfile, pass, "-xchain chain")) == NULL)
        return -1;
    return 0;
}

int xcert_setup_ctx(SSL_CTX *ctx, const struct tls_common *c)
{
    if (c->xcert.n == 0 && c->xkey.n == 0)
        return 0;
    if (c->xcert.n != c->xkey.n) {
        err_msg("each -xcert needs its -xkey (%zu certificates, %zu keys)", c->xcert.n,
                c->xkey.n);
        return -1;
    }
    struct xcerts *xc = OPENSSL_zalloc(sizeof(*xc));
    if (xc == NULL || (xc->v = OPENSSL_zalloc(sizeof(*xc->v) * c->xcert.n)) == NULL ||
        !CRYPTO_THREAD_run_once(&slot_once, slot_init) || slot < 0 ||
        !SSL_CTX_set_ex_data(ctx, slot, xc)) {
        xcerts_free(xc);
        err_ssl("cannot set up the -xcert certificates");
        return -1;
    }
    /* from here the context owns xc, filled or not */
    xc->build_chain = c->xchain_build;
    xc->nmflags = print_nameopt_flags(c->nameopt);
    int failed = 0;
    char *pass = load_password(c->id.pass, &failed);
    for (size_t i = 0; !failed && i < c->xcert.n; i++, xc->n++)
        failed = load_one(&xc->v[i], c, i, pass) < 0;
    load_password_free(pass);
    if (failed)
        return -1;
    SSL_CTX_set_cert_cb(ctx, on_cert_wanted, xc);
    return 0;
}
