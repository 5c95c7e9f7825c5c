/* The two report fixes openssl's manual lists under BUGS, over in-memory handshakes:
 * "Shared ciphers" names only suites the server's certificate could really negotiate, and
 * suites a client offers that libssl does not know are shown by code point. */
#include "server/server.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "tap.h"

/* A server context with a fresh self-signed certificate of the given key type. */
static SSL_CTX *server_ctx(const char *keytype)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    EVP_PKEY *key = strcmp(keytype, "EC") == 0 ? EVP_EC_gen("P-256") : EVP_RSA_gen(2048);
    X509 *cert = X509_new();
    if (ctx == NULL || key == NULL || cert == NULL)
        goto done;
    X509_set_version(cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_NAME_add_entry_by_txt(X509_get_subject_name(cert), "CN", MBSTRING_ASC,
                               (const unsigned char *)"unit", -1, -1, 0);
    X509_set_issuer_name(cert, X509_get_subject_name(cert));
    X509_gmtime_adj(X509_getm_notBefore(cert), 0);
    X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
    X509_set_pubkey(cert, key);
    X509_sign(cert, key, EVP_sha256());
    SSL_CTX_use_certificate(ctx, cert);
    SSL_CTX_use_PrivateKey(ctx, key);
done:
    X509_free(cert);
    EVP_PKEY_free(key);
    return ctx;
}

/* Runs a TLS 1.2 handshake between a default client and ctx in memory. Returns the server's
 * SSL (the client is freed), or NULL. */
static SSL *handshake(SSL_CTX *sctx)
{
    SSL_CTX *cctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_max_proto_version(cctx, TLS1_2_VERSION);
    SSL *c = SSL_new(cctx), *s = SSL_new(sctx);
    BIO *cb = NULL, *sb = NULL;
    BIO_new_bio_pair(&cb, 0, &sb, 0);
    SSL_set_bio(c, cb, cb);
    SSL_set_bio(s, sb, sb);
    SSL_set_connect_state(c);
    SSL_set_accept_state(s);
    int cdone = 0, sdone = 0;
    for (int i = 0; i < 50 && !(cdone && sdone); i++) {
        if (!cdone)
            cdone = SSL_do_handshake(c) == 1;
        if (!sdone)
            sdone = SSL_do_handshake(s) == 1;
    }
    SSL_free(c);
    SSL_CTX_free(cctx);
    if (!sdone) {
        SSL_free(s);
        return NULL;
    }
    return s;
}

static void test_shared(const char *keytype, const char *want, const char *never)
{
    SSL_CTX *ctx = server_ctx(keytype);
    SSL *s = ctx ? handshake(ctx) : NULL;
    ok(s != NULL, "%s certificate: in-memory TLS 1.2 handshake", keytype);
    if (s != NULL) {
        char list[8192];
        server_shared_ciphers(s, list, sizeof(list));
        ok(strstr(list, want) != NULL, "%s certificate: Shared ciphers has %s", keytype, want);
        int clean = 1;
        for (const char *p = list; *p != '\0';) {
            size_t n = strcspn(p, ":");
            if (strstr(p, never) != NULL && (size_t)(strstr(p, never) - p) < n)
                clean = 0;
            p += n + (p[n] == ':');
        }
        ok(clean, "%s certificate: Shared ciphers has nothing with %s (%s)", keytype, never, list);
        int rsa = strcmp(keytype, "RSA") == 0;
        int static_rsa = strncmp(list, "AES128-GCM-SHA256:", 18) == 0 ||
                         strstr(list, ":AES128-GCM-SHA256") != NULL;
        ok(static_rsa == rsa, "%s certificate: static-RSA AES128-GCM-SHA256 %s", keytype,
           rsa ? "listed" : "not listed");
        ok(strstr(list, "DHE-") == NULL || strstr(list, "ECDHE-") != NULL,
           "%s certificate: no DHE suites without DH settings in the config", keytype);
        ok(strstr(list, "PSK") == NULL && strstr(list, "SRP") == NULL,
           "%s certificate: no PSK or SRP suites when neither is configured", keytype);
    }
    SSL_free(s);
    SSL_CTX_free(ctx);
}

/* A TLS 1.2 ClientHello offering GREASE 0x0A0A, ECDHE-ECDSA-AES128-GCM-SHA256, the
 * unassigned 0x1234 and the renegotiation SCSV, with groups, point formats and sigalgs. */
static const unsigned char hello[] = {
    0x16, 0x03, 0x01, 0x00, 0x52, /* record: handshake, 82 bytes */
    0x01, 0x00, 0x00, 0x4e,       /* ClientHello, 78 bytes */
    0x03, 0x03,                   /* TLS 1.2 */
    1,    2,    3,    4,    5,    6,    7,    8,    9,    10,   11, 12, 13, 14, 15, 16,
    17,   18,   19,   20,   21,   22,   23,   24,   25,   26,   27, 28, 29, 30, 31, 32, /* random */
    0x00,                                                       /* no session ID */
    0x00, 0x08, 0x0a, 0x0a, 0xc0, 0x2b, 0x12, 0x34, 0x00, 0xff, /* cipher suites */
    0x01, 0x00,                                                 /* compression: null */
    0x00, 0x1d,                                                 /* extensions, 29 bytes */
    0x00, 0x0a, 0x00, 0x06, 0x00, 0x04, 0x00, 0x1d, 0x00, 0x17, /* groups: x25519, P-256 */
    0x00, 0x0b, 0x00, 0x02, 0x01, 0x00,                         /* point formats: uncompressed */
    0x00, 0x0d, 0x00, 0x04, 0x00, 0x02, 0x04, 0x03, /* sigalgs: ecdsa_secp256r1_sha256 */
    0xff, 0x01, 0x00, 0x01, 0x00,                   /* renegotiation_info, empty */
};

static void test_unknown(void)
{
    SSL_CTX *ctx = server_ctx("EC");
    SSL *s = SSL_new(ctx);
    BIO *in = BIO_new_mem_buf(hello, sizeof(hello)), *out = BIO_new(BIO_s_mem());
    SSL_set_bio(s, in, out);
    SSL_set_accept_state(s);
    SSL_do_handshake(s); /* takes the ClientHello, answers, then waits for more */
    ERR_clear_error();
    char list[1024];
    server_unknown_ciphers(s, list, sizeof(list));
    ok(strcmp(list, "0x0A0A:0x1234") == 0, "unknown suites by code point, in order (got \"%s\")",
       list);
    BIO *mem = BIO_new(BIO_s_mem());
    struct print_opts po = {XN_FLAG_ONELINE, 0, NULL, 0};
    server_print_brief(mem, s, &po);
    char *text = NULL;
    BIO_write(mem, "", 1);
    BIO_get_mem_data(mem, &text);
    ok(text != NULL && strstr(text, "Client cipher list: 0x0A0A:ECDHE-ECDSA-AES128-GCM-SHA256:"
                                    "0x1234:TLS_EMPTY_RENEGOTIATION_INFO_SCSV\n") != NULL,
       "-brief lists every offered suite, unknown ones by code point");
    BIO_free(mem);
    SSL_free(s);
    SSL_CTX_free(ctx);

    ctx = server_ctx("EC");
    SSL *t = handshake(ctx);
    server_unknown_ciphers(t, list, sizeof(list));
    ok(t != NULL && list[0] == '\0', "a client offering only known suites: nothing unknown");
    SSL_free(t);
    SSL_CTX_free(ctx);
}

int main(void)
{
    test_shared("EC", "ECDHE-ECDSA-AES128-GCM-SHA256", "-RSA-");
    test_shared("RSA", "ECDHE-RSA-AES128-GCM-SHA256", "ECDSA");
    test_unknown();
    printf("1..%d\n", tests_run);
    return tests_failed != 0;
}
