/* print_session writes what SSL_SESSION_print writes, byte for byte, for the sessions of real
 * handshakes (client and server in this process, over memory): TLS 1.3 and 1.2, full and
 * resumed (tickets and the session cache), with and without extended master secret, PSK
 * suites with an identity and a hint, early data allowed, a client certificate; client-side
 * sessions (which hold tickets) are the library's to print. The number of writes tells which
 * printed: print_session's own text is one write, the library's many. */
#include "lib/print.h"

#include <string.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "tap.h"

static EVP_PKEY *key;
static X509 *cert;

/* A P-256 key and a self-signed certificate for it. */
static int make_identity(void)
{
    key = EVP_EC_gen("P-256");
    cert = X509_new();
    if (key == NULL || cert == NULL)
        return -1;
    X509_NAME *name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"test", -1, -1, 0);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert), 0);
    X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
    X509_set_issuer_name(cert, name);
    X509_set_pubkey(cert, key);
    return X509_sign(cert, key, EVP_sha256()) > 0 ? 0 : -1;
}

static unsigned int server_psk(SSL *ssl, const char *identity, unsigned char *psk, unsigned int max)
{
    (void)ssl;
    if (strcmp(identity, "alice") != 0 || max < 4)
        return 0;
    memcpy(psk, "\x01\x02\x03\x04", 4);
    return 4;
}

static unsigned int client_psk(SSL *ssl, const char *hint, char *identity,
                               unsigned int max_identity, unsigned char *psk, unsigned int max)
{
    (void)ssl;
    (void)hint;
    if (max_identity < 6 || max < 4)
        return 0;
    memcpy(identity, "alice", 6);
    memcpy(psk, "\x01\x02\x03\x04", 4);
    return 4;
}

struct setup {
    const char *name;
    int version;         /* the highest both sides may use */
    const char *ciphers; /* TLS 1.2 list, or NULL */
    long server_opts;
    int psk;
    int early_data;
    int client_cert;
    int resume; /* 1: a second connection resumes the first one's session */
};

static long count_writes(BIO *b, int oper, const char *data, size_t len, int argi, long argl,
                         int ret, size_t *processed)
{
    (void)data, (void)len, (void)argi, (void)argl, (void)processed;
    if (oper == BIO_CB_WRITE || oper == BIO_CB_PUTS)
        (*(int *)BIO_get_callback_arg(b))++;
    return ret;
}

/* print_session's output and the library's for ssl's session; ours expected from
 * print_session itself (one write) or from the library (more). */
static void same(SSL *ssl, const char *what, const char *name, int ours)
{
    BIO *a = BIO_new(BIO_s_mem()), *b = BIO_new(BIO_s_mem());
    int writes = 0;
    BIO_set_callback_ex(a, count_writes);
    BIO_set_callback_arg(a, (char *)&writes);
    print_session(a, ssl);
    SSL_SESSION_print(b, SSL_get_session(ssl));
    char *pa = NULL, *pb = NULL;
    long la = BIO_get_mem_data(a, &pa), lb = BIO_get_mem_data(b, &pb);
    int eq = la == lb && la > 0 && memcmp(pa, pb, (size_t)la) == 0;
    ok(eq, "%s: %s session printed as the library prints it", name, what);
    if (!eq)
        printf("# ours:\n%.*s# library:\n%.*s", (int)la, pa, (int)lb, pb);
    ok(ours ? writes == 1 : writes > 1, "%s: %s session printed by %s", name, what,
       ours ? "print_session itself" : "the library");
    BIO_free(a);
    BIO_free(b);
}

/* One handshake over a BIO pair, with sess offered for resumption; the client's session is
 * returned in *out (a new reference). Returns 0, or -1 when the handshake failed. */
static int handshake(SSL_CTX *sctx, SSL_CTX *cctx, SSL_SESSION *sess, SSL_SESSION **out,
                     const struct setup *st, int *resumed)
{
    SSL *s = SSL_new(sctx), *c = SSL_new(cctx);
    BIO *sb = NULL, *cb = NULL;
    int rc = -1;
    if (s == NULL || c == NULL || !BIO_new_bio_pair(&sb, 0, &cb, 0))
        goto done;
    SSL_set_bio(s, sb, sb);
    SSL_set_bio(c, cb, cb);
    SSL_set_accept_state(s);
    SSL_set_connect_state(c);
    if (sess != NULL)
        SSL_set_session(c, sess);
    for (int i = 0; i < 100; i++) {
        int rs = SSL_do_handshake(s), rcl = SSL_do_handshake(c);
        if (rs == 1 && rcl == 1)
            break;
    }
    /* TLS 1.3 tickets come after the handshake: read them */
    unsigned char buf[64];
    size_t n;
    SSL_write_ex(s, "x", 1, &n);
    SSL_read_ex(c, buf, sizeof(buf), &n);
    if (!SSL_is_init_finished(s) || !SSL_is_init_finished(c))
        goto done;
    *resumed = SSL_session_reused(s);
    same(s, *resumed ? "resumed server" : "server", st->name, !st->client_cert);
    same(c, *resumed ? "resumed client" : "client", st->name, 0);
    *out = SSL_get1_session(c);
    rc = 0;
    /* as if closed properly: an SSL freed in mid-connection makes its session unresumable */
    SSL_set_shutdown(s, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
    SSL_set_shutdown(c, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
done:
    if (rc < 0) {
        ok(0, "%s: handshake", st->name);
        ERR_print_errors_fp(stdout);
    }
    SSL_free(s);
    SSL_free(c);
    return rc;
}

static void run(const struct setup *st)
{
    SSL_CTX *sctx = SSL_CTX_new(TLS_server_method()), *cctx = SSL_CTX_new(TLS_client_method());
    if (sctx == NULL || cctx == NULL || !SSL_CTX_use_certificate(sctx, cert) ||
        !SSL_CTX_use_PrivateKey(sctx, key)) {
        ok(0, "%s: contexts", st->name);
        goto done;
    }
    SSL_CTX_set_max_proto_version(sctx, st->version);
    SSL_CTX_set_max_proto_version(cctx, st->version);
    SSL_CTX_set_security_level(sctx, 0);
    SSL_CTX_set_security_level(cctx, 0);
    SSL_CTX_set_session_id_context(sctx, (const unsigned char *)"ctx", 3);
    SSL_CTX_set_options(sctx, st->server_opts);
    if (st->ciphers != NULL) {
        SSL_CTX_set_cipher_list(sctx, st->ciphers);
        SSL_CTX_set_cipher_list(cctx, st->ciphers);
    }
    if (st->psk) {
        SSL_CTX_use_psk_identity_hint(sctx, "the hint");
        SSL_CTX_set_psk_server_callback(sctx, server_psk);
        SSL_CTX_set_psk_client_callback(cctx, client_psk);
    }
    if (st->early_data)
        SSL_CTX_set_max_early_data(sctx, 16384);
    if (st->client_cert) {
        SSL_CTX_use_certificate(cctx, cert);
        SSL_CTX_use_PrivateKey(cctx, key);
        SSL_CTX_set_verify(sctx, SSL_VERIFY_PEER, NULL);
        X509_STORE_add_cert(SSL_CTX_get_cert_store(sctx), cert);
    }
    SSL_SESSION *first = NULL, *second = NULL;
    int resumed = 0;
    if (handshake(sctx, cctx, NULL, &first, st, &resumed) == 0 && st->resume) {
        if (handshake(sctx, cctx, first, &second, st, &resumed) == 0)
            ok(resumed, "%s: the second connection resumed", st->name);
    }
    SSL_SESSION_free(first);
    SSL_SESSION_free(second);
done:
    SSL_CTX_free(sctx);
    SSL_CTX_free(cctx);
}

int main(void)
{
    static const struct setup setups[] = {
        {"TLS 1.3", TLS1_3_VERSION, NULL, 0, 0, 0, 0, 1},
        {"TLS 1.3, early data allowed", TLS1_3_VERSION, NULL, 0, 0, 1, 0, 1},
        {"TLS 1.3, external PSK", TLS1_3_VERSION, NULL, 0, 1, 0, 0, 0},
        {"TLS 1.3, client certificate", TLS1_3_VERSION, NULL, 0, 0, 0, 1, 0},
        {"TLS 1.2, tickets", TLS1_2_VERSION, NULL, 0, 0, 0, 0, 1},
        {"TLS 1.2, session cache", TLS1_2_VERSION, NULL, SSL_OP_NO_TICKET, 0, 0, 0, 1},
        {"TLS 1.2, no extended master secret", TLS1_2_VERSION, NULL,
         SSL_OP_NO_EXTENDED_MASTER_SECRET, 0, 0, 0, 1},
        {"TLS 1.2, PSK", TLS1_2_VERSION, "PSK-AES128-GCM-SHA256", 0, 1, 0, 0, 1},
        {"TLS 1.2, CBC and SHA-384", TLS1_2_VERSION, "ECDHE-ECDSA-AES256-SHA384", 0, 0, 0, 0, 1},
        {"TLS 1.1", TLS1_1_VERSION, "ECDHE-ECDSA-AES128-SHA", 0, 0, 0, 0, 1},
    };
    if (make_identity() < 0) {
        ok(0, "a key and certificate");
        return 1;
    }
    for (size_t i = 0; i < sizeof(setups) / sizeof(setups[0]); i++)
        run(&setups[i]);
    EVP_PKEY_free(key);
    X509_free(cert);
    printf("1..%d\n", tests_run);
    return tests_failed ? 1 : 0;
}
