/* Protocol tracing for the debugging options, printed the way openssl 3.0 prints it so that
 * people (and scripts) reading either tool's traces see the same thing. */
#include "lib/trace.h"
#include "lib/err.h"
#include "lib/outfmt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/x509.h>

typedef int (*security_cb)(const SSL *s, const SSL_CTX *ctx, int op, int bits, int nid,
                           void *other, void *ex);

/* Everything a context's traces need; owned by the SSL_CTX (ex_data), see trace.h. */
struct trace_ctx {
    BIO *out;          /* stdout, or NULL when quiet */
    BIO *msg;          /* -msg/-trace: the -msgfile or stdout; NULL when neither is asked */
    BIO *keylog;       /* -keylogfile, opened for appending */
    int sec_verbose;   /* 1: -security_debug (refusals only), 2: -security_debug_verbose */
    security_cb sec_default;
};

/* The ex_data slot is allocated once per process; it is the only state kept here and never
 * changes after the first use. */
static CRYPTO_ONCE slot_once = CRYPTO_ONCE_STATIC_INIT;
static int slot = -1;

static void trace_ctx_free(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl,
                           void *argp)
{
    struct trace_ctx *t = ptr;
    (void)parent, (void)ad, (void)idx, (void)argl, (void)argp;
    if (t == NULL)
        return;
    BIO_free(t->out);
    if (t->msg != t->out)
        BIO_free(t->msg);
    BIO_free(t->keylog);
    OPENSSL_free(t);
}

static void slot_init(void)
{
    slot = SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL, trace_ctx_free);
}

static int slot_get(void)
{
    if (!CRYPTO_THREAD_run_once(&slot_once, slot_init))
        return -1;
    return slot;
}

/* A number-to-name pair of the tables below. */
struct name {
    int code;
    const char *text;
};

static const char *name_of(const struct name *list, int code, const char *dflt)
{
    for (; list->text != NULL; list++)
        if (list->code == code)
            return list->text;
    return dflt;
}

/* ------------------------------------------------------------------ -msg */

static const struct name versions[] = {
    {SSL3_VERSION, "SSL 3.0"},   {TLS1_VERSION, "TLS 1.0"},   {TLS1_1_VERSION, "TLS 1.1"},
    {TLS1_2_VERSION, "TLS 1.2"}, {TLS1_3_VERSION, "TLS 1.3"}, {DTLS1_VERSION, "DTLS 1.0"},
    {DTLS1_BAD_VER, "DTLS 1.0 (bad)"}, {0, NULL},
};

/* Alert descriptions, with the leading space the -msg line wants. */
static const struct name alerts[] = {
    {0, " close_notify"},          {1, " end_of_early_data"},
    {10, " unexpected_message"},   {20, " bad_record_mac"},
    {21, " decryption_failed"},    {22, " record_overflow"},
    {30, " decompression_failure"}, {40, " handshake_failure"},
    {42, " bad_certificate"},      {43, " unsupported_certificate"},
    {44, " certificate_revoked"},  {45, " certificate_expired"},
    {46, " certificate_unknown"},  {47, " illegal_parameter"},
    {48, " unknown_ca"},           {49, " access_denied"},
    {50, " decode_error"},         {51, " decrypt_error"},
    {60, " export_restriction"},   {70, " protocol_version"},
    {71, " insufficient_security"}, {80, " internal_error"},
    {86, " inappropriate_fallback"}, {90, " user_canceled"},
    {100, " no_renegotiation"},    {109, " missing_extension"},
    {110, " unsupported_extension"}, {111, " certificate_unobtainable"},
    {112, " unrecognized_name"},   {113, " bad_certificate_status_response"},
    {114, " bad_certificate_hash_value"}, {115, " unknown_psk_identity"},
    {116, " certificate_required"}, {0, NULL},
};

static const struct name handshakes[] = {
    {SSL3_MT_HELLO_REQUEST, ", HelloRequest"},
    {SSL3_MT_CLIENT_HELLO, ", ClientHello"},
    {SSL3_MT_SERVER_HELLO, ", ServerHello"},
    {DTLS1_MT_HELLO_VERIFY_REQUEST, ", HelloVerifyRequest"},
    {SSL3_MT_NEWSESSION_TICKET, ", NewSessionTicket"},
    {SSL3_MT_END_OF_EARLY_DATA, ", EndOfEarlyData"},
    {SSL3_MT_ENCRYPTED_EXTENSIONS, ", EncryptedExtensions"},
    {SSL3_MT_CERTIFICATE, ", Certificate"},
    {SSL3_MT_SERVER_KEY_EXCHANGE, ", ServerKeyExchange"},
    {SSL3_MT_CERTIFICATE_REQUEST, ", CertificateRequest"},
    {SSL3_MT_SERVER_DONE, ", ServerHelloDone"},
    {SSL3_MT_CERTIFICATE_VERIFY, ", CertificateVerify"},
    {SSL3_MT_CLIENT_KEY_EXCHANGE, ", ClientKeyExchange"},
    {SSL3_MT_FINISHED, ", Finished"},
    {SSL3_MT_CERTIFICATE_URL, ", CertificateUrl"},
    {SSL3_MT_CERTIFICATE_STATUS, ", CertificateStatus"},
    {SSL3_MT_SUPPLEMENTAL_DATA, ", SupplementalData"},
    {SSL3_MT_KEY_UPDATE, ", KeyUpdate"},
    {SSL3_MT_NEXT_PROTO, ", NextProto"},
    {SSL3_MT_MESSAGE_HASH, ", MessageHash"},
    {0, NULL},
};

static int msg_version_known(int version)
{
    return name_of(versions, version, NULL) != NULL;
}

/* The ", Alert, fatal handshake_failure"-style parts of one -msg header line. */
static void msg_describe(int content_type, const unsigned char *p, size_t len, char *ctype,
                         size_t ctlen, const char **d1, const char **d2)
{
    *d1 = *d2 = "";
    switch (content_type) {
    case SSL3_RT_CHANGE_CIPHER_SPEC: snprintf(ctype, ctlen, ", ChangeCipherSpec"); break;
    case SSL3_RT_ALERT:
        snprintf(ctype, ctlen, ", Alert");
        *d1 = ", ???";
        if (len == 2) {
            *d1 = p[0] == 1 ? ", warning" : p[0] == 2 ? ", fatal" : ", ???";
            *d2 = name_of(alerts, p[1], " ???");
        }
        break;
    case SSL3_RT_HANDSHAKE:
        snprintf(ctype, ctlen, ", Handshake");
        *d1 = len > 0 ? name_of(handshakes, p[0], "???") : "???";
        break;
    case SSL3_RT_APPLICATION_DATA: snprintf(ctype, ctlen, ", ApplicationData"); break;
    case SSL3_RT_HEADER: snprintf(ctype, ctlen, ", RecordHeader"); break;
    case SSL3_RT_INNER_CONTENT_TYPE: snprintf(ctype, ctlen, ", InnerContent"); break;
    default: snprintf(ctype, ctlen, ", Unknown (content_type=%d)", content_type); break;
    }
}

static void msg_cb(int write_p, int version, int content_type, const void *buf, size_t len,
                   SSL *ssl, void *arg)
{
    BIO *out = arg;
    const unsigned char *p = buf;
    char vtext[128], ctype[64] = "";
    const char *d1 = "", *d2 = "";
    (void)ssl;
    if (msg_version_known(version)) {
        snprintf(vtext, sizeof(vtext), "%s", name_of(versions, version, "???"));
        msg_describe(content_type, p, len, ctype, sizeof(ctype), &d1, &d2);
    } else {
        snprintf(vtext, sizeof(vtext),
                 "Not TLS data or unknown version (version=%d, content_type=%d)", version,
                 content_type);
    }
    BIO_printf(out, "%s %s%s [length %04lx]%s%s\n", write_p ? ">>>" : "<<<", vtext, ctype,
               (unsigned long)len, d1, d2);
    if (len > 0) {
        BIO_puts(out, "   ");
        for (size_t i = 0; i < len; i++)
            BIO_printf(out, "%s %02x", i > 0 && i % 16 == 0 ? "\n   " : "", p[i]);
        BIO_puts(out, "\n");
    }
    out_flush(out);
}

/* ------------------------------------------------------------------ -tlsextdebug */

static const struct name extensions[] = {
    {TLSEXT_TYPE_server_name, "server name"},
    {TLSEXT_TYPE_max_fragment_length, "max fragment length"},
    {TLSEXT_TYPE_client_certificate_url, "client certificate URL"},
    {TLSEXT_TYPE_trusted_ca_keys, "trusted CA keys"},
    {TLSEXT_TYPE_truncated_hmac, "truncated HMAC"},
    {TLSEXT_TYPE_status_request, "status request"},
    {TLSEXT_TYPE_user_mapping, "user mapping"},
    {TLSEXT_TYPE_client_authz, "client authz"},
    {TLSEXT_TYPE_server_authz, "server authz"},
    {TLSEXT_TYPE_cert_type, "cert type"},
    {TLSEXT_TYPE_supported_groups, "supported_groups"},
    {TLSEXT_TYPE_ec_point_formats, "EC point formats"},
    {TLSEXT_TYPE_srp, "SRP"},
    {TLSEXT_TYPE_signature_algorithms, "signature algorithms"},
    {TLSEXT_TYPE_use_srtp, "use SRTP"},
    {TLSEXT_TYPE_session_ticket, "session ticket"},
    {TLSEXT_TYPE_renegotiate, "renegotiation info"},
    {TLSEXT_TYPE_signed_certificate_timestamp, "signed certificate timestamps"},
    {TLSEXT_TYPE_padding, "TLS padding"},
    {TLSEXT_TYPE_next_proto_neg, "next protocol"},
    {TLSEXT_TYPE_encrypt_then_mac, "encrypt-then-mac"},
    {TLSEXT_TYPE_application_layer_protocol_negotiation,
     "application layer protocol negotiation"},
    {TLSEXT_TYPE_extended_master_secret, "extended master secret"},
    {TLSEXT_TYPE_key_share, "key share"},
    {TLSEXT_TYPE_supported_versions, "supported versions"},
    {TLSEXT_TYPE_psk, "psk"},
    {TLSEXT_TYPE_psk_kex_modes, "psk kex modes"},
    {TLSEXT_TYPE_certificate_authorities, "certificate authorities"},
    {TLSEXT_TYPE_post_handshake_auth, "post handshake auth"},
    {TLSEXT_TYPE_early_data, "early_data"},
    {0, NULL},
};

static void tlsext_cb(SSL *ssl, int client_server, int type, const unsigned char *data, int len,
                      void *arg)
{
    BIO *out = arg;
    (void)ssl;
    BIO_printf(out, "TLS %s extension \"%s\" (id=%d), len=%d\n",
               client_server ? "server" : "client", name_of(extensions, type, "unknown"), type,
               len);
    BIO_dump(out, (const char *)data, len);
    out_flush(out);
}

/* ------------------------------------------------------------------ -debug */

static long dump_cb(BIO *bio, int oper, const char *argp, size_t len, int argi, long argl,
                    int ret, size_t *processed)
{
    (void)argi, (void)argl;
    if (oper != (BIO_CB_READ | BIO_CB_RETURN) && oper != (BIO_CB_WRITE | BIO_CB_RETURN))
        return ret;
    BIO *out = (BIO *)BIO_get_callback_arg(bio);
    if (out == NULL)
        return ret;
    const char *what = oper == (BIO_CB_READ | BIO_CB_RETURN) ? "read from" : "write to";
    if (ret > 0 && processed != NULL) {
        BIO_printf(out, "%s %p [%p] (%zu bytes => %zu (0x%zX))\n", what, (void *)bio,
                   (const void *)argp, len, *processed, *processed);
        BIO_dump(out, argp, (int)*processed);
    } else {
        BIO_printf(out, "%s %p [%p] (%zu bytes => %d)\n", what, (void *)bio, (const void *)argp,
                   len, ret);
    }
    return ret;
}

void trace_hook_bio(BIO *bio, BIO *out)
{
    if (bio == NULL || out == NULL)
        return;
    BIO_set_callback_ex(bio, dump_cb);
    BIO_set_callback_arg(bio, (char *)out);
}

/* ------------------------------------------------------------------ -state */

static void state_cb(const SSL *ssl, int where, int ret)
{
    int w = where & ~SSL_ST_MASK;
    const char *side = (w & SSL_ST_CONNECT) ? "SSL_connect"
                       : (w & SSL_ST_ACCEPT) ? "SSL_accept"
                                             : "undefined";
    if (where & SSL_CB_LOOP) {
        fprintf(stderr, "%s:%s\n", side, SSL_state_string_long(ssl));
    } else if (where & SSL_CB_ALERT) {
        fprintf(stderr, "SSL3 alert %s:%s:%s\n", (where & SSL_CB_READ) ? "read" : "write",
                SSL_alert_type_string_long(ret), SSL_alert_desc_string_long(ret));
    } else if (where & SSL_CB_EXIT) {
        if (ret == 0)
            fprintf(stderr, "%s:failed in %s\n", side, SSL_state_string_long(ssl));
        else if (ret < 0)
            fprintf(stderr, "%s:error in %s\n", side, SSL_state_string_long(ssl));
    }
}

/* ------------------------------------------------------------------ -security_debug */

static const struct name secops[] = {
    {SSL_SECOP_CIPHER_SUPPORTED, "Supported Ciphersuite"},
    {SSL_SECOP_CIPHER_SHARED, "Shared Ciphersuite"},
    {SSL_SECOP_CIPHER_CHECK, "Check Ciphersuite"},
    {SSL_SECOP_TMP_DH, "Temp DH key bits"},
    {SSL_SECOP_CURVE_SUPPORTED, "Supported Curve"},
    {SSL_SECOP_CURVE_SHARED, "Shared Curve"},
    {SSL_SECOP_CURVE_CHECK, "Check Curve"},
    {SSL_SECOP_SIGALG_SUPPORTED, "Supported Signature Algorithm"},
    {SSL_SECOP_SIGALG_SHARED, "Shared Signature Algorithm"},
    {SSL_SECOP_SIGALG_CHECK, "Check Signature Algorithm"},
    {SSL_SECOP_SIGALG_MASK, "Signature Algorithm mask"},
    {SSL_SECOP_EE_KEY, "Certificate chain EE key"},
    {SSL_SECOP_CA_KEY, "Certificate chain CA key"},
    {SSL_SECOP_PEER_EE_KEY, "Peer Chain EE key"},
    {SSL_SECOP_PEER_CA_KEY, "Peer Chain CA key"},
    {SSL_SECOP_CA_MD, "Certificate chain CA digest"},
    {SSL_SECOP_PEER_CA_MD, "Peer chain CA digest"},
    {SSL_SECOP_COMPRESSION, "SSL compression"},
    {SSL_SECOP_TICKET, "Session ticket"},
    {0, NULL},
};

/* TLS 1.3 signature schemes (RFC 8446 4.2.3) and the GOST ones, by their code point. */
static const struct name sigschemes[] = {
    {0x0201, "rsa_pkcs1_sha1"},       {0x0203, "ecdsa_sha1"},
    {0x0401, "rsa_pkcs1_sha256"},     {0x0403, "ecdsa_secp256r1_sha256"},
    {0x0501, "rsa_pkcs1_sha384"},     {0x0503, "ecdsa_secp384r1_sha384"},
    {0x0601, "rsa_pkcs1_sha512"},     {0x0603, "ecdsa_secp521r1_sha512"},
    {0x0804, "rsa_pss_rsae_sha256"},  {0x0805, "rsa_pss_rsae_sha384"},
    {0x0806, "rsa_pss_rsae_sha512"},  {0x0807, "ed25519"},
    {0x0808, "ed448"},                {0x0809, "rsa_pss_pss_sha256"},
    {0x080a, "rsa_pss_pss_sha384"},   {0x080b, "rsa_pss_pss_sha512"},
    {0xeded, "gostr34102001"},        {0xeeee, "gostr34102012_256"},
    {0xefef, "gostr34102012_512"},    {0, NULL},
};

/* TLS 1.2 SignatureAndHashAlgorithm halves (RFC 5246 7.4.1.4.1). */
static const struct name sigalgs12[] = {
    {0, "anonymous"}, {1, "RSA"}, {2, "DSA"}, {3, "ECDSA"}, {0, NULL},
};
static const struct name hashes12[] = {
    {0, "none"},   {1, "MD5"},    {2, "SHA1"},   {3, "SHA224"},
    {4, "SHA256"}, {5, "SHA384"}, {6, "SHA512"}, {0, NULL},
};

static void sec_print_sigalg(BIO *out, int op, const char *nm, const unsigned char *salg)
{
    int code = (salg[0] << 8) | salg[1];
    if (nm != NULL)
        BIO_puts(out, nm);
    else
        BIO_printf(out, "s_cb.c:security_callback_debug op=0x%x", op);
    const char *scheme = name_of(sigschemes, code, NULL);
    if (scheme != NULL) {
        BIO_printf(out, " scheme=%s", scheme);
        return;
    }
    const char *alg = name_of(sigalgs12, salg[1], NULL), *hash = name_of(hashes12, salg[0], NULL);
    if (alg != NULL && hash != NULL)
        BIO_printf(out, " digest=%s, algorithm=%s", hash, alg);
    else
        BIO_printf(out, " scheme=unknown(0x%04x)", code);
}

static void sec_print_other(BIO *out, int op, int nid, void *other, const char *nm)
{
    int cert_md = op == SSL_SECOP_CA_MD || op == SSL_SECOP_PEER_CA_MD;
    switch (op & SSL_SECOP_OTHER_TYPE) {
    case SSL_SECOP_OTHER_CIPHER:
        BIO_puts(out, SSL_CIPHER_get_name(other));
        break;
    case SSL_SECOP_OTHER_CURVE: {
        const char *cname = EC_curve_nid2nist(nid);
        BIO_puts(out, cname != NULL ? cname : OBJ_nid2sn(nid));
        break;
    }
    case SSL_SECOP_OTHER_CERT:
        if (cert_md) {
            BIO_puts(out, OBJ_nid2sn(X509_get_signature_nid(other)));
        } else {
            EVP_PKEY *pkey = X509_get0_pubkey(other);
            if (pkey == NULL)
                BIO_puts(out, "Public key missing");
            else
                BIO_printf(out, "%s, bits=%d", EVP_PKEY_get0_type_name(pkey),
                           EVP_PKEY_get_bits(pkey));
        }
        break;
    case SSL_SECOP_OTHER_SIGALG:
        sec_print_sigalg(out, op, nm, other);
        break;
    default:
        break;
    }
}

static int security_debug_cb(const SSL *s, const SSL_CTX *ctx, int op, int bits, int nid,
                             void *other, void *ex)
{
    struct trace_ctx *t = ex;
    int rv = t->sec_default(s, ctx, op, bits, nid, other, ex);
    if (rv == 1 && t->sec_verbose < 2)
        return rv;
    BIO *out = BIO_new_fp(stderr, BIO_NOCLOSE);
    if (out == NULL)
        return rv;
    const char *nm = name_of(secops, op, NULL);
    int show_nm = nm != NULL, show_bits = 1;
    BIO_puts(out, "Security callback: ");
    switch (op) {
    case SSL_SECOP_TICKET:
    case SSL_SECOP_COMPRESSION:
        show_bits = show_nm = 0;
        break;
    case SSL_SECOP_VERSION:
        BIO_printf(out, "Version=%s", name_of(versions, nid, "???"));
        show_bits = show_nm = 0;
        break;
    case SSL_SECOP_SIGALG_SUPPORTED:
    case SSL_SECOP_SIGALG_SHARED:
    case SSL_SECOP_SIGALG_CHECK:
    case SSL_SECOP_SIGALG_MASK:
        show_nm = 0; /* the sigalg printer names the operation itself */
        break;
    default:
        break;
    }
    if (show_nm)
        BIO_printf(out, "%s=", nm);
    sec_print_other(out, op, nid, other, nm);
    if (show_bits)
        BIO_printf(out, ", security bits=%d", bits);
    BIO_printf(out, ": %s\n", rv ? "yes" : "no");
    BIO_free(out);
    return rv;
}

/* ------------------------------------------------------------------ -keylogfile */

static struct trace_ctx *ctx_state(const SSL_CTX *ctx)
{
    int idx = slot_get();
    return idx < 0 ? NULL : SSL_CTX_get_ex_data(ctx, idx);
}

static void keylog_cb(const SSL *ssl, const char *line)
{
    struct trace_ctx *t = ctx_state(SSL_get_SSL_CTX(ssl));
    if (t == NULL || t->keylog == NULL)
        return;
    /* One write per line: another process may be appending to the same file. */
    size_t n = strlen(line);
    char *buf = OPENSSL_malloc(n + 2);
    if (buf == NULL)
        return;
    memcpy(buf, line, n);
    buf[n] = '\n';
    BIO_write(t->keylog, buf, (int)(n + 1));
    out_flush(t->keylog);
    OPENSSL_clear_free(buf, n + 2);
}

/* Opens the key log for appending; an empty regular file first gets openssl's header line. */
static BIO *keylog_open(const char *path)
{
    BIO *b = BIO_new_file(path, "a");
    if (b == NULL) {
        err_ssl("cannot open -keylogfile \"%s\"", path);
        return NULL;
    }
    struct stat st;
    FILE *f = NULL;
    BIO_get_fp(b, &f);
    if (f != NULL && fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0) {
        BIO_puts(b, "# SSL/TLS secrets log file, generated by OpenSSL\n");
        out_flush(b);
    }
    return b;
}

/* ------------------------------------------------------------------ set-up */

static int trace_ctx_open(struct trace_ctx *t, const struct tls_common *c)
{
    /* with -json, stdout carries the JSON objects alone: the debugging output goes to stderr */
    FILE *stream = c->json ? stderr : stdout;
    if (!c->quiet || c->debug) {
        if ((t->out = BIO_new_fp(stream, BIO_NOCLOSE)) == NULL)
            goto oom;
    }
    if (c->msg || c->trace) {
        if (c->msgfile != NULL) {
            if ((t->msg = BIO_new_file(c->msgfile, "w")) == NULL) {
                err_ssl("cannot open -msgfile \"%s\"", c->msgfile);
                return -1;
            }
        } else if (t->out != NULL) {
            t->msg = t->out;
        } else if ((t->msg = BIO_new_fp(stream, BIO_NOCLOSE)) == NULL) {
            goto oom;
        }
    }
    /* SSLKEYLOGFILE as GnuTLS's and BoringSSL's tools honour it; -keylogfile wins */
    const char *keylog = c->keylogfile != NULL ? c->keylogfile : secure_getenv("SSLKEYLOGFILE");
    if (keylog != NULL && *keylog != '\0' && (t->keylog = keylog_open(keylog)) == NULL)
        return -1;
    return 0;
oom:
    err_ssl("cannot set up the debugging output");
    return -1;
}

int trace_setup_ctx(SSL_CTX *ctx, const struct tls_common *c)
{
    int idx = slot_get();
    if (idx < 0) {
        err_ssl("cannot set up the debugging output");
        return -1;
    }
    if (SSL_CTX_get_ex_data(ctx, idx) != NULL)
        return 0;
    struct trace_ctx *t = OPENSSL_zalloc(sizeof(*t));
    if (t == NULL || !SSL_CTX_set_ex_data(ctx, idx, t)) {
        OPENSSL_free(t);
        err_ssl("cannot set up the debugging output");
        return -1;
    }
    /* From here the context owns t: it is freed with it even if the rest fails. */
    if (trace_ctx_open(t, c) < 0)
        return -1;
    if (t->keylog != NULL)
        SSL_CTX_set_keylog_callback(ctx, keylog_cb);
    if (c->security_debug || c->security_debug_verbose) {
        t->sec_verbose = c->security_debug_verbose ? 2 : 1;
        t->sec_default = SSL_CTX_get_security_callback(ctx);
        SSL_CTX_set_security_callback(ctx, security_debug_cb);
        SSL_CTX_set0_security_ex_data(ctx, t);
    }
    return 0;
}

/* The transport under any filters (e.g. -nbio_test's), where -debug listens. */
static BIO *lowest_bio(BIO *b)
{
    while (b != NULL && BIO_next(b) != NULL)
        b = BIO_next(b);
    return b;
}

int trace_setup_ssl(SSL *ssl, const struct tls_common *c)
{
    SSL_CTX *ctx = SSL_get_SSL_CTX(ssl);
    if (trace_setup_ctx(ctx, c) < 0)
        return -1;
    struct trace_ctx *t = ctx_state(ctx);
    if (t == NULL)
        return -1;
    if (c->state)
        SSL_set_info_callback(ssl, state_cb);
    if (t->msg != NULL) {
        SSL_set_msg_callback(ssl, c->trace ? SSL_trace : msg_cb);
        SSL_set_msg_callback_arg(ssl, t->msg);
    }
    if (c->debug)
        trace_hook_bio(lowest_bio(SSL_get_rbio(ssl)), t->out);
    if (c->tlsextdebug && t->out != NULL) {
        SSL_set_tlsext_debug_callback(ssl, tlsext_cb);
        SSL_set_tlsext_debug_arg(ssl, t->out);
    }
    return 0;
}

BIO *trace_out(const SSL_CTX *ctx)
{
    struct trace_ctx *t = ctx_state(ctx);
    return t != NULL ? t->out : NULL;
}
