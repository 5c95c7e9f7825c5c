/* What s_server prints about a connection, shaped like openssl 3.0's output (scripts read
 * it), with the two shortcomings its manual admits fixed: "Shared ciphers" lists only suites
 * that could really be negotiated, and suites the client offered that libssl does not know
 * are shown by code point. */
#include "server/server.h"
#include "lib/newlib.h"
#include "lib/tlsctx.h"
#include "lib/outfmt.h"

#include <stdio.h>
#include <string.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

/* The protocol version a suite needs at least, from its name for the version. */
static int cipher_min_version(const SSL_CIPHER *c)
{
    const char *v = SSL_CIPHER_get_version(c);
    if (strcmp(v, "TLSv1.3") == 0)
        return TLS1_3_VERSION;
    if (strcmp(v, "TLSv1.2") == 0)
        return TLS1_2_VERSION;
    if (strcmp(v, "TLSv1.1") == 0)
        return TLS1_1_VERSION;
    if (strcmp(v, "TLSv1.0") == 0)
        return TLS1_VERSION;
    return SSL3_VERSION;
}

/* The server's version range allows the suite. */
static int version_allows(SSL *ssl, const SSL_CIPHER *c)
{
    int min = (int)SSL_get_min_proto_version(ssl), max = (int)SSL_get_max_proto_version(ssl);
    int need = cipher_min_version(c);
    if (need == TLS1_3_VERSION)
        return max == 0 || max >= TLS1_3_VERSION;
    /* the older suites end with TLS 1.2 */
    return (min == 0 || min <= TLS1_2_VERSION) && (max == 0 || need <= max);
}

/* An ECDHE exchange is possible: the client named an elliptic curve we have (or no groups at
 * all, which in TLS 1.2 means "any"). */
static int ecdhe_possible(SSL *ssl)
{
    if (SSL_get1_groups(ssl, NULL) <= 0)
        return 1;
    int n = SSL_get_shared_group(ssl, -1);
    for (int i = 0; i < n; i++) {
        const char *name = SSL_group_to_name(ssl, SSL_get_shared_group(ssl, i));
        if (name != NULL && strncmp(name, "ffdhe", 5) != 0)
            return 1;
    }
    return 0;
}

static int kx_possible(int kx, int auth, int ecdhe)
{
    switch (kx) {
    case NID_kx_any:
        return 1;
    case NID_kx_rsa:
        return (auth & AUTH_RSA) != 0;
    case NID_kx_ecdhe:
        return ecdhe;
    case NID_kx_dhe:
        return (auth & AUTH_DHE) != 0;
    case NID_kx_psk:
        return (auth & AUTH_PSK) != 0;
    case NID_kx_ecdhe_psk:
        return (auth & AUTH_PSK) && ecdhe;
    case NID_kx_dhe_psk:
        return (auth & AUTH_PSK) && (auth & AUTH_DHE);
    case NID_kx_rsa_psk:
        return (auth & AUTH_PSK) && (auth & AUTH_RSA);
    case NID_kx_srp:
        return (auth & AUTH_SRP) != 0;
    default:
        return 0;
    }
}

static int auth_possible(int nid, int auth)
{
    switch (nid) {
    case NID_auth_any:
    case NID_auth_null:
        return 1;
    case NID_auth_rsa:
        return (auth & AUTH_RSA) != 0;
    case NID_auth_ecdsa:
        return (auth & AUTH_ECDSA) != 0;
    case NID_auth_dss:
        return (auth & AUTH_DSA) != 0;
    case NID_auth_psk:
        return (auth & AUTH_PSK) != 0;
    case NID_auth_srp:
        return (auth & AUTH_SRP) != 0;
    default:
        return 0;
    }
}

/* What this connection's server side can authenticate and exchange keys with (AUTH_*): the
 * key types of its certificates (the connection's own copy, so looking is thread-safe), and
 * PSK, SRP, DHE as configured. */
static int connection_auth(SSL *ssl)
{
    const struct server_config *cfg = (const void *)tls_ctx_config(SSL_get_SSL_CTX(ssl));
    int auth = 0;
    for (int rc = SSL_set_current_cert(ssl, SSL_CERT_SET_FIRST); rc == 1;
         rc = SSL_set_current_cert(ssl, SSL_CERT_SET_NEXT)) {
        X509 *cert = SSL_get_certificate(ssl);
        EVP_PKEY *key = cert != NULL ? X509_get0_pubkey(cert) : NULL;
        switch (key != NULL ? EVP_PKEY_get_base_id(key) : 0) {
        case EVP_PKEY_RSA:
            auth |= AUTH_RSA;
            break;
        case EVP_PKEY_EC:
        case EVP_PKEY_ED25519:
        case EVP_PKEY_ED448:
            auth |= AUTH_ECDSA;
            break;
        case EVP_PKEY_DSA:
            auth |= AUTH_DSA;
            break;
        default:
            break;
        }
    }
    if (cfg != NULL) {
        if (cfg->common.psk != NULL || cfg->common.psk_session != NULL)
            auth |= AUTH_PSK;
        if (cfg->srpvfile != NULL)
            auth |= AUTH_SRP;
        if (!cfg->no_dhe)
            auth |= AUTH_DHE;
    }
    return auth;
}

void server_shared_ciphers(SSL *ssl, char *buf, size_t len)
{
    STACK_OF(SSL_CIPHER) *theirs = SSL_get_client_ciphers(ssl);
    STACK_OF(SSL_CIPHER) *ours = SSL_get_ciphers(ssl);
    int auth = connection_auth(ssl), ecdhe = ecdhe_possible(ssl);
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; theirs != NULL && ours != NULL && i < sk_SSL_CIPHER_num(theirs); i++) {
        const SSL_CIPHER *c = sk_SSL_CIPHER_value(theirs, i);
        if (sk_SSL_CIPHER_find(ours, (SSL_CIPHER *)c) < 0 || !version_allows(ssl, c) ||
            !kx_possible(SSL_CIPHER_get_kx_nid(c), auth, ecdhe) ||
            !auth_possible(SSL_CIPHER_get_auth_nid(c), auth))
            continue;
        int n = snprintf(buf + used, len - used, "%s%s", used ? ":" : "", SSL_CIPHER_get_name(c));
        if (n < 0 || (size_t)n >= len - used) {
            buf[used] = '\0'; /* the list is cut at a whole name */
            return;
        }
        used += (size_t)n;
    }
}

/* "Client certificate" with its PEM, subject and issuer. */
static void print_client_cert(BIO *out, SSL *ssl, const struct print_opts *po)
{
    X509 *peer = SSL_get0_peer_certificate(ssl);
    if (peer == NULL)
        return;
    BIO_puts(out, "Client certificate\n");
    PEM_write_bio_X509(out, peer);
    BIO_puts(out, "subject=");
    print_name(out, X509_get_subject_name(peer), po->nmflags);
    BIO_puts(out, "\nissuer=");
    print_name(out, X509_get_issuer_name(peer), po->nmflags);
    BIO_puts(out, "\n");
}

/* NPN's outcome (ALPN's was printed when it was chosen, as openssl does). */
static void print_protocols(BIO *out, SSL *ssl)
{
#ifndef OPENSSL_NO_NEXTPROTONEG
    const unsigned char *proto = NULL;
    unsigned int len = 0;
    SSL_get0_next_proto_negotiated(ssl, &proto, &len);
    if (proto != NULL) {
        BIO_puts(out, "NEXTPROTO is ");
        BIO_write(out, proto, (int)len);
        BIO_puts(out, "\n");
    }
#else
    (void)out, (void)ssl;
#endif
}

void server_print_report(BIO *out, SSL *ssl, const struct print_opts *po)
{
    char list[8192];
    PEM_write_bio_SSL_SESSION(out, SSL_get_session(ssl));
    print_client_cert(out, ssl, po);
    newlib_print_report(out, ssl);
    server_shared_ciphers(ssl, list, sizeof(list));
    if (list[0] != '\0')
        BIO_printf(out, "Shared ciphers:%s\n", list);
    server_unknown_ciphers(ssl, list, sizeof(list));
    if (list[0] != '\0')
        BIO_printf(out, "Unknown client ciphers:%s\n", list);
    print_sigalgs(out, ssl);
    print_point_formats(out, ssl);
    print_groups(out, ssl);
    print_ca_names(out, ssl, po->nmflags);
    BIO_printf(out, "CIPHER is %s\n", SSL_CIPHER_get_name(SSL_get_current_cipher(ssl)));
    print_protocols(out, ssl);
    print_srtp(out, ssl);
    if (SSL_session_reused(ssl))
        BIO_puts(out, "Reused session-id\n");
    print_renegotiation(out, ssl);
    if (SSL_get_options(ssl) & SSL_OP_NO_RENEGOTIATION)
        BIO_puts(out, "Renegotiation is DISABLED\n");
    print_keymat(out, ssl, po);
}

/* Each suite of the ClientHello, in its order: a name, or the code point ("0x0A0A") for one
 * libssl does not know. With only_unknown, just the latter. */
static void client_cipher_list(SSL *ssl, int only_unknown, char *buf, size_t len)
{
    const unsigned char *raw = NULL;
    size_t rawlen = SSL_get0_raw_cipherlist(ssl, &raw), used = 0;
    buf[0] = '\0';
    for (size_t i = 0; raw != NULL && i + 1 < rawlen; i += 2) {
        const SSL_CIPHER *c = SSL_CIPHER_find(ssl, raw + i);
        if (c != NULL && only_unknown)
            continue;
        char hex[8];
        snprintf(hex, sizeof(hex), "0x%02X%02X", raw[i], raw[i + 1]);
        int n = snprintf(buf + used, len - used, "%s%s", used ? ":" : "",
                         c != NULL ? SSL_CIPHER_get_name(c) : hex);
        if (n < 0 || (size_t)n >= len - used) {
            buf[used] = '\0';
            return;
        }
        used += (size_t)n;
    }
}

void server_unknown_ciphers(SSL *ssl, char *buf, size_t len)
{
    client_cipher_list(ssl, 1, buf, len);
}

void server_print_brief(BIO *out, SSL *ssl, const struct print_opts *po)
{
    char list[8192];
    BIO_printf(out, "Protocol version: %s\n", SSL_get_version(ssl));
    client_cipher_list(ssl, 0, list, sizeof(list));
    BIO_printf(out, "Client cipher list: %s\n", list);
    BIO_printf(out, "Ciphersuite: %s\n", SSL_CIPHER_get_name(SSL_get_current_cipher(ssl)));
    print_sigalg_list(out, ssl, 0);
    print_brief_peer(out, ssl, po);
    print_point_formats(out, ssl);
    /* the brief form has no "Shared groups" line */
    print_supported_groups(out, ssl);
#ifdef HAVE_OPENSSL35_OUTPUT
    print_tmp_key(out, ssl); /* 3.5's s_server -brief names the key exchange too */
#endif
}

void server_print_stats(BIO *out, SSL_CTX *ctx)
{
    out_printf(out, "%4ld items in the session cache\n", SSL_CTX_sess_number(ctx));
    out_printf(out, "%4ld client connects (SSL_connect())\n", SSL_CTX_sess_connect(ctx));
    out_printf(out, "%4ld client renegotiates (SSL_connect())\n",
               SSL_CTX_sess_connect_renegotiate(ctx));
    out_printf(out, "%4ld client connects that finished\n", SSL_CTX_sess_connect_good(ctx));
    out_printf(out, "%4ld server accepts (SSL_accept())\n", SSL_CTX_sess_accept(ctx));
    out_printf(out, "%4ld server renegotiates (SSL_accept())\n",
               SSL_CTX_sess_accept_renegotiate(ctx));
    out_printf(out, "%4ld server accepts that finished\n", SSL_CTX_sess_accept_good(ctx));
    out_printf(out, "%4ld session cache hits\n", SSL_CTX_sess_hits(ctx));
    out_printf(out, "%4ld session cache misses\n", SSL_CTX_sess_misses(ctx));
    out_printf(out, "%4ld session cache timeouts\n", SSL_CTX_sess_timeouts(ctx));
    out_printf(out, "%4ld callback cache hits\n", SSL_CTX_sess_cb_hits(ctx));
    out_printf(out, "%4ld cache full overflows (%ld allowed)\n", SSL_CTX_sess_cache_full(ctx),
               SSL_CTX_sess_get_cache_size(ctx));
}
