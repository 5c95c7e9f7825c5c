/* print_session (see print.h): the "SSL-Session:" block as the library's SSL_SESSION_print
 * writes it, assembled in one buffer. The library formats it with ~90 BIO_printf calls, a
 * tenth of the CPU of a resumed connection to the -www page; the cases this file does not
 * cover (tickets, compression, SRP suites, a failed or client verification, an unknown cipher or
 * protocol) are left to the library. tests/unit/test_print_session.c holds both outputs
 * equal, byte for byte, on each library version the project builds with. */
#include "lib/print.h"
#include "lib/features.h"
#include "lib/textbuf.h"

#include <openssl/x509.h>

static const char *protocol_name(int version)
{
    switch (version) {
    case TLS1_3_VERSION:
        return "TLSv1.3";
    case TLS1_2_VERSION:
        return "TLSv1.2";
    case TLS1_1_VERSION:
        return "TLSv1.1";
    case TLS1_VERSION:
        return "TLSv1";
    default:
        return NULL;
    }
}

static long long session_time(const SSL_SESSION *s)
{
#ifdef HAVE_SESSION_TIME_EX
    return (long long)SSL_SESSION_get_time_ex(s);
#else
    return SSL_SESSION_get_time(s);
#endif
}

/* Upper-case hex, as the library prints session ids and keys. */
static void hex_upper(struct textbuf *t, const unsigned char *p, size_t n)
{
    static const char digits[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        char two[2] = {digits[p[i] >> 4], digits[p[i] & 15]};
        tb_put(t, two, 2);
    }
}

/* "\n    <label>: <value or None>" */
static void named(struct textbuf *t, const char *label, const char *value)
{
    tb_str(t, "\n    ");
    tb_str(t, label);
    tb_str(t, ": ");
    tb_str(t, value != NULL ? value : "None");
}

/* Whether this file can print the session of ssl itself (see the top of the file). */
static int covered(SSL *ssl, const SSL_SESSION *s)
{
    const SSL_CIPHER *c = SSL_SESSION_get0_cipher(s);
    return SSL_is_server(ssl) && !SSL_is_dtls(ssl) && c != NULL && SSL_CIPHER_get_name(c) != NULL &&
           protocol_name(SSL_SESSION_get_protocol_version(s)) != NULL &&
           !SSL_SESSION_has_ticket(s) && SSL_SESSION_get_ticket_lifetime_hint(s) == 0 &&
           SSL_SESSION_get_compress_id(s) == 0 && SSL_CIPHER_get_kx_nid(c) != NID_kx_srp &&
           SSL_get0_peer_certificate(ssl) == NULL && SSL_get_verify_result(ssl) == X509_V_OK &&
           session_time(s) > 0 && SSL_SESSION_get_timeout(s) > 0;
}

void print_session(BIO *out, SSL *ssl)
{
    const SSL_SESSION *s = SSL_get_session(ssl);
    if (s == NULL || !covered(ssl, s)) {
        SSL_SESSION_print(out, s);
        return;
    }
    struct textbuf t = {0};
    unsigned char key[SSL_MAX_MASTER_KEY_LENGTH];
    unsigned int idlen = 0, ctxlen = 0;
    int version = SSL_SESSION_get_protocol_version(s);
    const unsigned char *id = SSL_SESSION_get_id(s, &idlen);
    const unsigned char *ctx = SSL_SESSION_get0_id_context(s, &ctxlen);
    size_t keylen = SSL_SESSION_get_master_key(s, key, sizeof(key));

    tb_str(&t, "SSL-Session:\n    Protocol  : ");
    tb_str(&t, protocol_name(version));
    tb_str(&t, "\n    Cipher    : ");
    tb_str(&t, SSL_CIPHER_get_name(SSL_SESSION_get0_cipher(s)));
    tb_str(&t, "\n    Session-ID: ");
    hex_upper(&t, id, idlen);
    tb_str(&t, "\n    Session-ID-ctx: ");
    hex_upper(&t, ctx, ctxlen);
    tb_str(&t, version == TLS1_3_VERSION ? "\n    Resumption PSK: " : "\n    Master-Key: ");
    hex_upper(&t, key, keylen);
    OPENSSL_cleanse(key, sizeof(key));
    named(&t, "PSK identity", SSL_get_psk_identity(ssl));
    named(&t, "PSK identity hint", SSL_get_psk_identity_hint(ssl));
    named(&t, "SRP username", NULL);
    tb_str(&t, "\n    Start Time: ");
    tb_uint(&t, (unsigned long)session_time(s));
    tb_str(&t, "\n    Timeout   : ");
    tb_uint(&t, (unsigned long)SSL_SESSION_get_timeout(s));
    tb_str(&t, " (sec)\n    Verify return code: 0 (");
    tb_str(&t, X509_verify_cert_error_string(X509_V_OK));
    tb_str(&t, ")\n    Extended master secret: ");
    tb_str(&t, version != TLS1_3_VERSION && SSL_get_extms_support(ssl) == 1 ? "yes\n" : "no\n");
    if (version == TLS1_3_VERSION) {
        tb_str(&t, "    Max Early Data: ");
        tb_uint(&t, SSL_SESSION_get_max_early_data(s));
        tb_str(&t, "\n");
    }
    if (tb_write(out, &t) < 0 && t.failed)
        SSL_SESSION_print(out, s); /* out of memory here: the library may still manage */
    OPENSSL_cleanse(t.p, t.cap);
    tb_free(&t);
}
