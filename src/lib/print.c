/* Connection reports, shaped like openssl 3.0's so that scripts written for it keep working. */
#include "lib/print.h"
#include "lib/newlib.h"
#include "lib/outfmt.h"

#include <stdint.h>
#include <string.h>
#include <openssl/comp.h>
#include <openssl/core_names.h>
#include <openssl/ct.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

static const struct {
    const char *name;
    unsigned long flag, mask;
} nameopts[] = {
    {"compat", XN_FLAG_COMPAT, 0xffffffffL},
    {"sep_comma_plus", XN_FLAG_SEP_COMMA_PLUS, XN_FLAG_SEP_MASK},
    {"sep_comma_plus_space", XN_FLAG_SEP_CPLUS_SPC, XN_FLAG_SEP_MASK},
    {"sep_semi_plus_space", XN_FLAG_SEP_SPLUS_SPC, XN_FLAG_SEP_MASK},
    {"sep_multiline", XN_FLAG_SEP_MULTILINE, XN_FLAG_SEP_MASK},
    {"dn_rev", XN_FLAG_DN_REV, 0},
    {"nofname", XN_FLAG_FN_NONE, XN_FLAG_FN_MASK},
    {"sname", XN_FLAG_FN_SN, XN_FLAG_FN_MASK},
    {"lname", XN_FLAG_FN_LN, XN_FLAG_FN_MASK},
    {"align", XN_FLAG_FN_ALIGN, 0},
    {"oid", XN_FLAG_FN_OID, XN_FLAG_FN_MASK},
    {"ispace", XN_FLAG_SPC_EQ, 0},
    {"space_eq", XN_FLAG_SPC_EQ, 0},
    {"dump_unknown", XN_FLAG_DUMP_UNKNOWN_FIELDS, 0},
    {"esc_2253", ASN1_STRFLGS_ESC_2253, 0},
    {"esc_2254", ASN1_STRFLGS_ESC_2254, 0},
    {"esc_ctrl", ASN1_STRFLGS_ESC_CTRL, 0},
    {"esc_msb", ASN1_STRFLGS_ESC_MSB, 0},
    {"use_quote", ASN1_STRFLGS_ESC_QUOTE, 0},
    {"utf8", ASN1_STRFLGS_UTF8_CONVERT, 0},
    {"ignore_type", ASN1_STRFLGS_IGNORE_TYPE, 0},
    {"show_type", ASN1_STRFLGS_SHOW_TYPE, 0},
    {"dump_all", ASN1_STRFLGS_DUMP_ALL, 0},
    {"dump_nostr", ASN1_STRFLGS_DUMP_UNKNOWN, 0},
    {"dump_der", ASN1_STRFLGS_DUMP_DER, 0},
    {"RFC2253", XN_FLAG_RFC2253, 0xffffffffL},
    {"oneline", XN_FLAG_ONELINE, 0xffffffffL},
    {"multiline", XN_FLAG_MULTILINE, 0xffffffffL},
    {"ca_default", XN_FLAG_MULTILINE, 0xffffffffL},
};

/* Applies one comma-separated item to *flags; returns 0 or -1 for an unknown name. */
static int nameopt_apply(const char *item, size_t len, unsigned long *flags)
{
    int clear = 0;
    if (len > 0 && (*item == '-' || *item == '+')) {
        clear = *item == '-';
        item++;
        len--;
    }
    for (size_t i = 0; i < sizeof(nameopts) / sizeof(nameopts[0]); i++) {
        if (strlen(nameopts[i].name) != len || strncasecmp(nameopts[i].name, item, len) != 0)
            continue;
        if (clear) {
            *flags &= ~nameopts[i].flag;
        } else {
            *flags &= ~nameopts[i].mask;
            *flags |= nameopts[i].flag;
        }
        return 0;
    }
    return -1;
}

static int nameopt_parse(const char *nameopt, unsigned long *flags)
{
    *flags = XN_FLAG_ONELINE;
    if (nameopt == NULL) {
#ifdef HAVE_OPENSSL35_OUTPUT
        /* openssl 3.5's default: "O=x, CN=y", UTF-8, unprintables dumped */
        *flags = XN_FLAG_SEP_CPLUS_SPC | XN_FLAG_FN_SN | ASN1_STRFLGS_ESC_CTRL |
                 ASN1_STRFLGS_UTF8_CONVERT | ASN1_STRFLGS_DUMP_UNKNOWN | ASN1_STRFLGS_DUMP_DER;
#endif
        return 0;
    }
    for (const char *p = nameopt; *p != '\0';) {
        size_t len = strcspn(p, ",");
        if (nameopt_apply(p, len, flags) < 0)
            return -1;
        p += len;
        if (*p == ',')
            p++;
    }
    return 0;
}

unsigned long print_nameopt_flags(const char *nameopt)
{
    unsigned long flags;
    if (nameopt_parse(nameopt, &flags) < 0)
        nameopt_parse(NULL, &flags);
    return flags;
}

int print_nameopt_valid(const char *nameopt)
{
    unsigned long flags;
    return nameopt_parse(nameopt, &flags) == 0;
}

void print_name(BIO *out, const X509_NAME *name, unsigned long flags)
{
    /* as openssl: even a multi-line name starts on the current line, unindented */
    X509_NAME_print_ex(out, name, 0, flags);
}

/* "subject=..." and "issuer=..." lines under a certificate's PEM; a multi-line name starts on
 * its own line, indented, as openssl shows it there. */
static void print_subject_issuer(BIO *out, X509 *cert, unsigned long flags)
{
    int multiline = (flags & XN_FLAG_SEP_MASK) == XN_FLAG_SEP_MULTILINE;
    BIO_puts(out, multiline ? "subject=\n" : "subject=");
    X509_NAME_print_ex(out, X509_get_subject_name(cert), multiline ? 4 : 0, flags);
    BIO_puts(out, multiline ? "\nissuer=\n" : "\nissuer=");
    X509_NAME_print_ex(out, X509_get_issuer_name(cert), multiline ? 4 : 0, flags);
    BIO_puts(out, "\n");
}

void print_name_fp(FILE *out, const X509_NAME *name, unsigned long flags)
{
    BIO *b = BIO_new_fp(out, BIO_NOCLOSE);
    if (b == NULL)
        return;
    print_name(b, name, flags);
    BIO_free(b);
}

/* "   a:PKEY: id-ecPublicKey, 256 (bit); sigalg: RSA-SHA256" (short names, as openssl 3.0
 * prints them) and the validity line. */
static void print_chain_cert_details(BIO *out, X509 *cert)
{
    EVP_PKEY *pkey = X509_get0_pubkey(cert);
#ifdef HAVE_OPENSSL35_OUTPUT
    if (pkey != NULL) {
        /* 3.5: the provider's key type name, the signature's long name, an EC key's curve */
        const char *type = EVP_PKEY_get0_type_name(pkey);
        char curve[80] = "";
        if (EVP_PKEY_get_base_id(pkey) == EVP_PKEY_EC)
            EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, curve, sizeof(curve),
                                           NULL);
        BIO_printf(out, "   a:PKEY: %s, ", type ? type : OBJ_nid2ln(EVP_PKEY_get_base_id(pkey)));
        if (curve[0] != '\0')
            BIO_printf(out, "(%s)", curve);
        else
            BIO_printf(out, "%d (bit)", EVP_PKEY_get_bits(pkey));
        BIO_printf(out, "; sigalg: %s\n", OBJ_nid2ln(X509_get_signature_nid(cert)));
        pkey = NULL;
    }
#endif
    if (pkey != NULL) {
        BIO_printf(out, "   a:PKEY: %s, %d (bit); sigalg: %s\n",
                   OBJ_nid2sn(EVP_PKEY_get_base_id(pkey)), EVP_PKEY_get_bits(pkey),
                   OBJ_nid2sn(X509_get_signature_nid(cert)));
    }
    BIO_puts(out, "   v:NotBefore: ");
    ASN1_TIME_print(out, X509_get0_notBefore(cert));
    BIO_puts(out, "; NotAfter: ");
    ASN1_TIME_print(out, X509_get0_notAfter(cert));
    BIO_puts(out, "\n");
}

void print_peer_chain(BIO *out, SSL *ssl, const struct print_opts *po)
{
    STACK_OF(X509) *chain = SSL_get_peer_cert_chain(ssl);
    if (chain != NULL) {
        BIO_puts(out, "---\nCertificate chain\n");
        for (int i = 0; i < sk_X509_num(chain); i++) {
            X509 *c = sk_X509_value(chain, i);
            BIO_printf(out, "%2d s:", i);
            print_name(out, X509_get_subject_name(c), po->nmflags);
            BIO_puts(out, "\n   i:");
            print_name(out, X509_get_issuer_name(c), po->nmflags);
            BIO_puts(out, "\n");
            print_chain_cert_details(out, c);
            if (po->showcerts)
                PEM_write_bio_X509(out, c);
        }
    }
    BIO_puts(out, "---\n");
    X509 *peer = SSL_get0_peer_certificate(ssl);
    if (peer == NULL) {
        BIO_puts(out, "no peer certificate available\n");
        return;
    }
    BIO_puts(out, "Server certificate\n");
    /* with -showcerts the chain above already holds its PEM */
    if (!po->showcerts || chain == NULL)
        PEM_write_bio_X509(out, peer);
    print_subject_issuer(out, peer, po->nmflags);
}

static const char *sigtype_name(int nid)
{
    switch (nid) {
    case EVP_PKEY_RSA: return "RSA";
    case EVP_PKEY_RSA_PSS: return "RSA-PSS";
    case EVP_PKEY_EC: return "ECDSA";
    case EVP_PKEY_ED25519: return "ed25519";
    case EVP_PKEY_ED448: return "ed448";
    case EVP_PKEY_DSA: return "DSA";
    case NID_id_GostR3410_2001: return "gost2001";
    case NID_id_GostR3410_2012_256: return "gost2012_256";
    case NID_id_GostR3410_2012_512: return "gost2012_512";
#ifdef HAVE_OPENSSL35_OUTPUT
    default: return OBJ_nid2sn(nid); /* 3.5: a provider's algorithm (ML-DSA) by its name */
#else
    default: return NULL;
#endif
    }
}

/* TLS 1.3 names for the signature schemes that have no sign+hash spelling. */
static const char *sigalg_scheme_name(unsigned int code)
{
    switch (code) {
    case 0x0809: return "rsa_pss_pss_sha256";
    case 0x080a: return "rsa_pss_pss_sha384";
    case 0x080b: return "rsa_pss_pss_sha512";
    case 0x081a: return "ecdsa_brainpoolP256r1_sha256";
    case 0x081b: return "ecdsa_brainpoolP384r1_sha384";
    case 0x081c: return "ecdsa_brainpoolP512r1_sha512";
    case 0x0807: return "ed25519";
    case 0x0808: return "ed448";
    default: return NULL;
    }
}

void print_sigalg_list(BIO *out, SSL *ssl, int shared)
{
    int n = shared ? SSL_get_shared_sigalgs(ssl, 0, NULL, NULL, NULL, NULL, NULL)
                   : SSL_get_sigalgs(ssl, -1, NULL, NULL, NULL, NULL, NULL);
    if (n <= 0)
        return;
    int client = !SSL_is_server(ssl);
    BIO_printf(out, "%s%sSignature Algorithms: ", shared ? "Shared " : "",
               client ? "Requested " : "");
    for (int i = 0; i < n; i++) {
        int sign_nid = 0, hash_nid = 0;
        unsigned char rsign = 0, rhash = 0;
        if (shared)
            SSL_get_shared_sigalgs(ssl, i, &sign_nid, &hash_nid, NULL, &rsign, &rhash);
        else
            SSL_get_sigalgs(ssl, i, &sign_nid, &hash_nid, NULL, &rsign, &rhash);
        if (i > 0)
            BIO_puts(out, ":");
        const char *scheme = sigalg_scheme_name((unsigned int)rsign | (unsigned int)rhash << 8);
        if (scheme != NULL) {
            BIO_puts(out, scheme);
            continue;
        }
        const char *type = sigtype_name(sign_nid);
        if (type != NULL)
            BIO_puts(out, type);
        else
            BIO_printf(out, "0x%02X", rsign);
        if (hash_nid != NID_undef)
            BIO_printf(out, "+%s", OBJ_nid2sn(hash_nid));
        else if (type == NULL)
            BIO_printf(out, "+0x%02X", rhash);
    }
    BIO_puts(out, "\n");
}

static void print_client_cert_types(BIO *out, SSL *ssl)
{
    const unsigned char *types = NULL;
    int n = (int)SSL_get0_certificate_types(ssl, &types);
    if (n <= 0)
        return;
    BIO_puts(out, "Client Certificate Types: ");
    for (int i = 0; i < n; i++) {
        const char *name = NULL;
        switch (types[i]) {
        case TLS_CT_RSA_SIGN: name = "RSA sign"; break;
        case TLS_CT_DSS_SIGN: name = "DSA sign"; break;
        case TLS_CT_RSA_FIXED_DH: name = "RSA fixed DH"; break;
        case TLS_CT_DSS_FIXED_DH: name = "DSS fixed DH"; break;
        case TLS_CT_ECDSA_SIGN: name = "ECDSA sign"; break;
        case TLS_CT_RSA_FIXED_ECDH: name = "RSA fixed ECDH"; break;
        case TLS_CT_ECDSA_FIXED_ECDH: name = "ECDSA fixed ECDH"; break;
        default: break;
        }
        if (i > 0)
            BIO_puts(out, ", ");
        if (name != NULL)
            BIO_puts(out, name);
        else
            BIO_printf(out, "UNKNOWN (%d),", types[i]);
    }
    BIO_puts(out, "\n");
}

void print_sigalgs(BIO *out, SSL *ssl)
{
    int nid = 0;
    if (!SSL_is_server(ssl))
        print_client_cert_types(out, ssl);
    print_sigalg_list(out, ssl, 0);
    print_sigalg_list(out, ssl, 1);
    if (SSL_get_peer_signature_nid(ssl, &nid) && nid != NID_undef)
        BIO_printf(out, "Peer signing digest: %s\n", OBJ_nid2sn(nid));
    print_peer_sigtype(out, ssl, "Peer signature type");
}

void print_peer_sigtype(BIO *out, SSL *ssl, const char *label)
{
    int nid = 0;
#ifdef HAVE_SIGALG_NAMES
    const char *name = NULL;
    if (SSL_get0_peer_signature_name(ssl, &name) && name != NULL) {
        BIO_printf(out, "%s: %s\n", label, name);
        return;
    }
#endif
    if (SSL_get_peer_signature_type_nid(ssl, &nid) && sigtype_name(nid) != NULL)
        BIO_printf(out, "%s: %s\n", label, sigtype_name(nid));
}

void print_renegotiation(BIO *out, SSL *ssl)
{
#ifdef HAVE_OPENSSL35_OUTPUT
    if (!SSL_is_dtls(ssl) && SSL_version(ssl) >= TLS1_3_VERSION) {
        BIO_puts(out, "This TLS version forbids renegotiation.\n");
        return;
    }
#endif
    BIO_printf(out, "Secure Renegotiation IS%s supported\n",
               SSL_get_secure_renegotiation_support(ssl) ? "" : " NOT");
}

void print_tmp_key(BIO *out, SSL *ssl)
{
    EVP_PKEY *key = NULL;
    if (newlib_print_tmp_key(out, ssl) == 0)
        return;
    if (!SSL_get_peer_tmp_key(ssl, &key))
        return;
    BIO_puts(out, "Server Temp Key: ");
    switch (EVP_PKEY_get_id(key)) {
    case EVP_PKEY_RSA:
        BIO_printf(out, "RSA, %d bits\n", EVP_PKEY_get_bits(key));
        break;
    case EVP_PKEY_DH:
        BIO_printf(out, "DH, %d bits\n", EVP_PKEY_get_bits(key));
        break;
    case EVP_PKEY_EC: {
        char group[80] = "";
        EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
                                       NULL);
        BIO_printf(out, "ECDH, %s, %d bits\n", group, EVP_PKEY_get_bits(key));
        break;
    }
    default:
        BIO_printf(out, "%s, %d bits\n", OBJ_nid2sn(EVP_PKEY_get_id(key)),
                   EVP_PKEY_get_bits(key));
        break;
    }
    EVP_PKEY_free(key);
}

/* The TLSA record DANE authenticated the peer with, if any. Only the last 12 bytes of its data
 * are shown: the start of a certificate or key is mostly the same boilerplate. */
static void print_dane_match(BIO *out, SSL *ssl)
{
    EVP_PKEY *mspki = NULL;
    uint8_t usage = 0, selector = 0, mtype = 0;
    const unsigned char *data = NULL;
    size_t dlen = 0;
    if (SSL_get0_dane_authority(ssl, NULL, &mspki) < 0)
        return;
    int depth = SSL_get0_dane_tlsa(ssl, &usage, &selector, &mtype, &data, &dlen);
    const size_t tail = 12;
    const unsigned char *shown = dlen > tail ? data + dlen - tail : data;
    BIO_printf(out, "DANE TLSA %d %d %d %s", usage, selector, mtype, dlen > tail ? "..." : "");
    for (size_t i = 0; i < (dlen > tail ? tail : dlen); i++)
        BIO_printf(out, "%02x", shown[i]);
    BIO_printf(out, " %s at depth %d\n",
               mspki != NULL ? "signed the certificate"
               : depth > 0   ? "matched TA certificate"
#ifdef HAVE_OPENSSL35_OUTPUT
                             : "matched the EE certificate",
#else
                             : "matched EE certificate",
#endif
               depth);
}

void print_verify_detail(BIO *out, SSL *ssl)
{
    int mode = SSL_get_verify_mode(ssl);
    if ((mode & SSL_VERIFY_PEER) == 0 && SSL_is_server(ssl))
        return;
    long result = SSL_get_verify_result(ssl);
    if (result == X509_V_OK) {
        const char *peername = SSL_get0_peername(ssl);
        BIO_puts(out, "Verification: OK\n");
        if (peername != NULL)
            BIO_printf(out, "Verified peername: %s\n", peername);
    } else {
        BIO_printf(out, "Verification error: %s\n", X509_verify_cert_error_string(result));
    }
    print_dane_match(out, ssl);
}

void print_ca_names(BIO *out, SSL *ssl, unsigned long nmflags)
{
    int server = SSL_is_server(ssl);
    const STACK_OF(X509_NAME) *names = SSL_get0_peer_CA_list(ssl);
    if (names == NULL || sk_X509_NAME_num(names) == 0) {
        if (!server)
            BIO_puts(out, "---\nNo client certificate CA names sent\n");
        return;
    }
    BIO_printf(out, "---\nAcceptable %s certificate CA names\n", server ? "server" : "client");
    for (int i = 0; i < sk_X509_NAME_num(names); i++) {
        print_name(out, sk_X509_NAME_value(names, i), nmflags);
        BIO_puts(out, "\n");
    }
}

/* "Next protocol: (1) h2" when the server offered NPN, then the ALPN outcome. */
static void print_alpn_npn(BIO *out, SSL *ssl, int npn_status)
{
    const unsigned char *proto = NULL;
    unsigned int len = 0;
#ifndef OPENSSL_NO_NEXTPROTONEG
    if (npn_status != 0) {
        SSL_get0_next_proto_negotiated(ssl, &proto, &len);
        BIO_printf(out, "Next protocol: (%d) ", npn_status);
        if (proto != NULL)
            BIO_write(out, proto, (int)len);
        BIO_puts(out, "\n");
    }
#endif
    proto = NULL;
    len = 0;
    SSL_get0_alpn_selected(ssl, &proto, &len);
    if (len > 0) {
        BIO_puts(out, "ALPN protocol: ");
        BIO_write(out, proto, (int)len);
        BIO_puts(out, "\n");
    } else {
        BIO_puts(out, "No ALPN negotiated\n");
    }
}

void print_srtp(BIO *out, SSL *ssl)
{
    SRTP_PROTECTION_PROFILE *p = SSL_get_selected_srtp_profile(ssl);
    if (p != NULL)
        BIO_printf(out, "SRTP Extension negotiated, profile=%s\n", p->name);
}

void print_keymat(BIO *out, SSL *ssl, const struct print_opts *po)
{
    if (po->keymatexport == NULL)
        return;
    BIO_printf(out, "Keying material exporter:\n");
    BIO_printf(out, "    Label: '%s'\n", po->keymatexport);
    BIO_printf(out, "    Length: %i bytes\n", po->keymatexportlen);
    size_t len = (size_t)po->keymatexportlen;
    unsigned char *buf = OPENSSL_malloc(len ? len : 1);
    if (buf == NULL)
        return;
    if (SSL_export_keying_material(ssl, buf, len, po->keymatexport, strlen(po->keymatexport),
                                   NULL, 0, 0) <= 0) {
        BIO_printf(out, "    Error\n");
    } else {
        BIO_printf(out, "    Keying material: ");
        for (size_t i = 0; i < len; i++)
            BIO_printf(out, "%02X", buf[i]);
        BIO_printf(out, "\n");
    }
    OPENSSL_free(buf);
}

static void print_early_data_status(BIO *out, SSL *ssl)
{
    switch (SSL_get_early_data_status(ssl)) {
    case SSL_EARLY_DATA_NOT_SENT: BIO_puts(out, "Early data was not sent\n"); break;
    case SSL_EARLY_DATA_REJECTED: BIO_puts(out, "Early data was rejected\n"); break;
    case SSL_EARLY_DATA_ACCEPTED: BIO_puts(out, "Early data was accepted\n"); break;
    default: break;
    }
}

/* "SCTs present (N)" and each SCT with its validation status, for a full handshake with CT
 * turned on (a resumed session brings no SCTs, so there is nothing to say then). */
static void print_scts(BIO *out, SSL *ssl)
{
#ifndef OPENSSL_NO_CT
    if (SSL_get0_peer_certificate(ssl) == NULL || SSL_session_reused(ssl) ||
        !SSL_ct_is_enabled(ssl))
        return;
    const STACK_OF(SCT) *scts = SSL_get0_peer_scts(ssl);
    int n = scts != NULL ? sk_SCT_num(scts) : 0;
    BIO_printf(out, "---\nSCTs present (%i)\n", n);
    if (n == 0)
        return;
    const CTLOG_STORE *logs = SSL_CTX_get0_ctlog_store(SSL_get_SSL_CTX(ssl));
    BIO_puts(out, "---\n");
    for (int i = 0; i < n; i++) {
        SCT *sct = sk_SCT_value(scts, i);
        BIO_printf(out, "SCT validation status: %s\n", SCT_validation_status_string(sct));
        SCT_print(sct, out, 0, logs);
        if (i < n - 1)
            BIO_puts(out, "\n---\n");
    }
    BIO_puts(out, "\n");
#else
    (void)out;
    (void)ssl;
#endif
}

/* The part of the full report before the verification result. */
static void print_client_handshake(BIO *out, SSL *ssl, const struct print_opts *po)
{
    print_peer_chain(out, ssl, po);
    newlib_print_report(out, ssl);
    print_ca_names(out, ssl, po->nmflags);
    print_sigalgs(out, ssl);
    print_tmp_key(out, ssl);
    print_scts(out, ssl);
    BIO_printf(out, "---\nSSL handshake has read %ju bytes and written %ju bytes\n",
               (uintmax_t)BIO_number_read(SSL_get_rbio(ssl)),
               (uintmax_t)BIO_number_written(SSL_get_wbio(ssl)));
}

static void print_compression(BIO *out, SSL *ssl)
{
    const COMP_METHOD *comp = SSL_get_current_compression(ssl);
    const COMP_METHOD *exp = SSL_get_current_expansion(ssl);
    BIO_printf(out, "Compression: %s\n", comp != NULL ? SSL_COMP_get_name(comp) : "NONE");
    BIO_printf(out, "Expansion: %s\n", exp != NULL ? SSL_COMP_get_name(exp) : "NONE");
}

void print_client_report(BIO *out, SSL *ssl, const struct print_opts *po, int short_form,
                         int npn_status)
{
    if (!short_form)
        print_client_handshake(out, ssl, po);
    print_verify_detail(out, ssl);
    /* the version shown is the cipher's, as openssl shows it (e.g. TLSv1.0 for AES128-SHA) */
    const SSL_CIPHER *cipher = SSL_get_current_cipher(ssl);
    BIO_printf(out, "---\n%s, %s, Cipher is %s\n", SSL_session_reused(ssl) ? "Reused" : "New",
               SSL_CIPHER_get_version(cipher), SSL_CIPHER_get_name(cipher));
#ifdef HAVE_OPENSSL35_OUTPUT
    BIO_printf(out, "Protocol: %s\n", SSL_get_version(ssl));
#endif
    X509 *peer = short_form ? NULL : SSL_get0_peer_certificate(ssl);
    if (peer != NULL)
        BIO_printf(out, "Server public key is %d bit\n", EVP_PKEY_get_bits(X509_get0_pubkey(peer)));
    print_renegotiation(out, ssl);
    print_compression(out, ssl);
    print_alpn_npn(out, ssl, npn_status);
    print_srtp(out, ssl);
    if (SSL_version(ssl) == TLS1_3_VERSION) {
        print_early_data_status(out, ssl);
        /* the session is printed when a ticket arrives; show the verification result now */
        long v = SSL_get_verify_result(ssl);
        BIO_printf(out, "Verify return code: %ld (%s)\n", v, X509_verify_cert_error_string(v));
    } else {
        SSL_SESSION_print(out, SSL_get_session(ssl));
    }
    if (SSL_get_session(ssl) != NULL)
        print_keymat(out, ssl, po);
    BIO_puts(out, "---\n");
    out_flush(out);
}

int print_supported_groups(BIO *out, SSL *ssl)
{
    int n = SSL_get1_groups(ssl, NULL);
    if (n <= 0)
        return 0;
    int *groups = OPENSSL_malloc(sizeof(int) * (size_t)n);
    if (groups == NULL)
        return 0;
    SSL_get1_groups(ssl, groups);
    BIO_puts(out, "Supported groups: ");
    for (int i = 0; i < n; i++) {
        const char *name = SSL_group_to_name(ssl, groups[i]);
        if (i > 0)
            BIO_puts(out, ":");
        if (name != NULL)
            BIO_puts(out, name);
        else
            BIO_printf(out, "0x%04X", groups[i] & 0xffff);
    }
    OPENSSL_free(groups);
    BIO_puts(out, "\n");
    return 1;
}

void print_groups(BIO *out, SSL *ssl)
{
    if (!print_supported_groups(out, ssl))
        return;
    BIO_puts(out, "Shared groups: ");
    int shared = SSL_get_shared_group(ssl, -1);
    if (shared <= 0)
        BIO_puts(out, "NONE");
    for (int i = 0; i < shared; i++) {
        const char *name = SSL_group_to_name(ssl, SSL_get_shared_group(ssl, i));
        if (i > 0)
            BIO_puts(out, ":");
        BIO_puts(out, name != NULL ? name : "?");
    }
    BIO_puts(out, "\n");
}

void print_point_formats(BIO *out, SSL *ssl)
{
    const unsigned char *p = NULL;
    int n = (int)SSL_get0_ec_point_formats(ssl, &p);
    if (n <= 0)
        return;
    BIO_puts(out, "Supported Elliptic Curve Point Formats: ");
    for (int i = 0; i < n; i++) {
        if (i > 0)
            BIO_puts(out, ":");
        switch (p[i]) {
        case TLSEXT_ECPOINTFORMAT_uncompressed: BIO_puts(out, "uncompressed"); break;
        case TLSEXT_ECPOINTFORMAT_ansiX962_compressed_prime:
            BIO_puts(out, "ansiX962_compressed_prime");
            break;
        case TLSEXT_ECPOINTFORMAT_ansiX962_compressed_char2:
            BIO_puts(out, "ansiX962_compressed_char2");
            break;
        default: BIO_printf(out, "unknown(%d)", p[i]); break;
        }
    }
    BIO_puts(out, "\n");
}

static void print_brief_no_cert(BIO *out, SSL *ssl)
{
#ifdef HAVE_OPENSSL35_OUTPUT
    if (SSL_get0_peer_rpk(ssl) != NULL) {
        BIO_puts(out, "Peer used raw public key\n");
        print_peer_sigtype(out, ssl, "Signature type");
        print_verify_detail(out, ssl);
    } else {
        BIO_puts(out, "No peer certificate or raw public key\n");
    }
#else
    (void)ssl;
    BIO_puts(out, "No peer certificate\n");
#endif
}

void print_brief_peer(BIO *out, SSL *ssl, const struct print_opts *po)
{
    X509 *peer = SSL_get0_peer_certificate(ssl);
    if (peer == NULL) {
        print_brief_no_cert(out, ssl);
        return;
    }
    int nid = 0;
    BIO_puts(out, "Peer certificate: ");
    print_name(out, X509_get_subject_name(peer), po->nmflags);
    BIO_puts(out, "\n");
    /* openssl says "UNDEF" for signatures without a separate hash (Ed25519) */
    if (SSL_get_peer_signature_nid(ssl, &nid))
        BIO_printf(out, "Hash used: %s\n", OBJ_nid2sn(nid));
    print_peer_sigtype(out, ssl, "Signature type");
    print_verify_detail(out, ssl);
}

void print_brief(BIO *out, SSL *ssl, const struct print_opts *po)
{
    BIO_puts(out, "CONNECTION ESTABLISHED\n");
    BIO_printf(out, "Protocol version: %s\n", SSL_get_version(ssl));
    BIO_printf(out, "Ciphersuite: %s\n", SSL_CIPHER_get_name(SSL_get_current_cipher(ssl)));
    print_sigalg_list(out, ssl, 0);
    print_brief_peer(out, ssl, po);
    print_point_formats(out, ssl);
    if (SSL_is_server(ssl))
        print_groups(out, ssl);
#ifdef HAVE_OPENSSL35_OUTPUT
    print_tmp_key(out, ssl); /* 3.5 prints it on both sides */
#else
    else
        print_tmp_key(out, ssl);
#endif
}
