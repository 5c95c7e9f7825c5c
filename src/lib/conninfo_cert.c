/* The certificate part of -json: each certificate of the peer's chain as one object. */
#include "lib/conninfo.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <openssl/bn.h>
#include <openssl/x509v3.h>

/* A name in RFC 2253 form with UTF-8 kept as it is (the JSON writer escapes what needs it). */
static void json_name(struct json *j, const char *key, const X509_NAME *name)
{
    BIO *b = BIO_new(BIO_s_mem());
    char *text = NULL;
    long n;
    if (b == NULL || X509_NAME_print_ex(b, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) < 0 ||
        (n = BIO_get_mem_data(b, &text)) < 0)
        json_null(j, key);
    else
        json_string_len(j, key, text, (size_t)n);
    BIO_free(b);
}

/* An ASN1_TIME as RFC 3339 ("2030-01-31T12:00:00Z"), or null. */
static void json_time(struct json *j, const char *key, const ASN1_TIME *t)
{
    struct tm tm;
    char buf[32];
    if (t == NULL || !ASN1_TIME_to_tm(t, &tm) ||
        strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        json_null(j, key);
    else
        json_string(j, key, buf);
}

static void json_serial(struct json *j, const char *key, X509 *cert)
{
    BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), NULL);
    char *hex = bn != NULL ? BN_bn2hex(bn) : NULL;
    json_string(j, key, hex);
    OPENSSL_free(hex);
    BN_free(bn);
}

/* Whole days from now until t (negative once it has passed), or null. */
static void json_days_left(struct json *j, const char *key, const ASN1_TIME *t)
{
    int days = 0, secs = 0;
    if (t == NULL || !ASN1_TIME_diff(&days, &secs, NULL, t))
        json_null(j, key);
    else
        json_int(j, key, days - (days <= 0 && secs < 0 ? 1 : 0));
}

static void json_ip(struct json *j, const ASN1_OCTET_STRING *ip)
{
    char text[INET6_ADDRSTRLEN] = "";
    const unsigned char *p = ASN1_STRING_get0_data(ip);
    int len = ASN1_STRING_length(ip);
    if ((len == 4 && inet_ntop(AF_INET, p, text, sizeof(text)) != NULL) ||
        (len == 16 && inet_ntop(AF_INET6, p, text, sizeof(text)) != NULL))
        json_string(j, "value", text);
    else
        json_hex(j, "value", p, len > 0 ? (size_t)len : 0);
}

static void json_general_name(struct json *j, const GENERAL_NAME *gn)
{
    int type;
    const ASN1_STRING *s = GENERAL_NAME_get0_value(gn, &type);
    json_object_begin(j, NULL);
    switch (type) {
    case GEN_DNS:
    case GEN_EMAIL:
    case GEN_URI:
        json_string(j, "type", type == GEN_DNS ? "DNS" : type == GEN_EMAIL ? "email" : "URI");
        json_string_len(j, "value", ASN1_STRING_get0_data(s), (size_t)ASN1_STRING_length(s));
        break;
    case GEN_IPADD:
        json_string(j, "type", "IP");
        json_ip(j, s);
        break;
    case GEN_DIRNAME:
        json_string(j, "type", "dirName");
        json_name(j, "value", gn->d.directoryName);
        break;
    default:
        json_string(j, "type", "other");
        json_null(j, "value");
        break;
    }
    json_object_end(j);
}

static void json_sans(struct json *j, const char *key, X509 *cert)
{
    GENERAL_NAMES *names = X509_get_ext_d2i(cert, NID_subject_alt_name, NULL, NULL);
    json_array_begin(j, key);
    for (int i = 0; i < sk_GENERAL_NAME_num(names); i++)
        json_general_name(j, sk_GENERAL_NAME_value(names, i));
    json_array_end(j);
    GENERAL_NAMES_free(names);
}

static void json_key(struct json *j, const char *key, X509 *cert)
{
    EVP_PKEY *pk = X509_get0_pubkey(cert);
    char group[64];
    size_t glen = 0;
    if (pk == NULL) {
        json_null(j, key);
        return;
    }
    json_object_begin(j, key);
    json_string(j, "type", EVP_PKEY_get0_type_name(pk));
    json_int(j, "bits", EVP_PKEY_get_bits(pk));
    if (EVP_PKEY_get_group_name(pk, group, sizeof(group), &glen))
        json_string(j, "group", group);
    else
        json_null(j, "group");
    json_object_end(j);
}

static void json_fingerprint(struct json *j, const char *key, X509 *cert)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (X509_digest(cert, EVP_sha256(), md, &len))
        json_hex(j, key, md, len);
    else
        json_null(j, key);
}

void conninfo_json_cert(struct json *j, const char *key, X509 *cert)
{
    int sig_nid = X509_get_signature_nid(cert);
    json_object_begin(j, key);
    json_name(j, "subject", X509_get_subject_name(cert));
    json_name(j, "issuer", X509_get_issuer_name(cert));
    json_serial(j, "serial", cert);
    json_time(j, "not_before", X509_get0_notBefore(cert));
    json_time(j, "not_after", X509_get0_notAfter(cert));
    json_days_left(j, "days_left", X509_get0_notAfter(cert));
    json_sans(j, "subject_alt_names", cert);
    json_key(j, "public_key", cert);
    json_string(j, "signature_algorithm", sig_nid != NID_undef ? OBJ_nid2ln(sig_nid) : NULL);
    json_fingerprint(j, "sha256", cert);
    json_object_end(j);
}

void conninfo_json_chain(struct json *j, const char *key, SSL *ssl)
{
    X509 *leaf = ssl != NULL ? SSL_get0_peer_certificate(ssl) : NULL;
    STACK_OF(X509) *chain = ssl != NULL ? SSL_get_peer_cert_chain(ssl) : NULL;
    json_array_begin(j, key);
    if (leaf != NULL)
        conninfo_json_cert(j, NULL, leaf);
    /* a client's chain starts with the leaf, a server's does not: skip it once either way */
    for (int i = 0; i < sk_X509_num(chain); i++) {
        X509 *c = sk_X509_value(chain, i);
        if (i == 0 && leaf != NULL && X509_cmp(c, leaf) == 0)
            continue;
        conninfo_json_cert(j, NULL, c);
    }
    json_array_end(j);
}
