/* The working default: with no -cert and no ./server.pem, serve with a fresh self-signed P-256
 * certificate for localhost, and say so. */
#include "server/server.h"
#include "lib/err.h"

#include <stdio.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

static int add_ext(X509 *cert, int nid, const char *value)
{
    X509V3_CTX v3;
    X509V3_set_ctx_nodb(&v3);
    X509V3_set_ctx(&v3, cert, cert, NULL, NULL, 0);
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, &v3, nid, value);
    int ok = ext != NULL && X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
    return ok;
}

static X509 *make_cert(EVP_PKEY *key)
{
    X509 *cert = X509_new();
    unsigned char serial[16];
    if (cert == NULL || RAND_bytes(serial, sizeof(serial)) != 1)
        goto fail;
    serial[0] &= 0x7f; /* a positive serial */
    BIGNUM *bn = BN_bin2bn(serial, sizeof(serial), NULL);
    int ok = bn != NULL && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert)) != NULL;
    BN_free(bn);
    if (!ok || !X509_set_version(cert, 2))
        goto fail;
    X509_NAME *name = X509_get_subject_name(cert);
    if (!X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"localhost",
                                    -1, -1, 0) ||
        !X509_set_issuer_name(cert, name))
        goto fail;
    if (!X509_gmtime_adj(X509_getm_notBefore(cert), -3600) ||
        !X509_gmtime_adj(X509_getm_notAfter(cert), 30L * 24 * 3600))
        goto fail;
    if (!X509_set_pubkey(cert, key) ||
        !add_ext(cert, NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1,IP:::1") ||
        !add_ext(cert, NID_basic_constraints, "critical,CA:FALSE") ||
        !add_ext(cert, NID_ext_key_usage, "serverAuth") ||
        !add_ext(cert, NID_subject_key_identifier, "hash"))
        goto fail;
    if (!X509_sign(cert, key, EVP_sha256()))
        goto fail;
    return cert;
fail:
    X509_free(cert);
    return NULL;
}

int server_use_ephemeral_cert(SSL_CTX *ctx)
{
    int ret = -1;
    X509 *cert = NULL;
    EVP_PKEY *key = EVP_EC_gen("P-256");
    if (key == NULL || (cert = make_cert(key)) == NULL) {
        err_ssl("cannot make an ephemeral certificate");
        goto done;
    }
    if (!SSL_CTX_use_certificate(ctx, cert) || !SSL_CTX_use_PrivateKey(ctx, key)) {
        err_ssl("cannot use the ephemeral certificate");
        goto done;
    }
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    char fp[EVP_MAX_MD_SIZE * 3 + 1];
    X509_digest(cert, EVP_sha256(), md, &mdlen);
    for (unsigned int i = 0; i < mdlen; i++)
        snprintf(fp + i * 3, sizeof(fp) - i * 3, "%02X%s", md[i], i + 1 < mdlen ? ":" : "");
    fprintf(stderr,
            "%s: no -cert given and no ./server.pem: using an ephemeral self-signed certificate "
            "for localhost, 127.0.0.1, ::1 (SHA-256 fingerprint %s)\n",
            opt_progname(), fp);
    ret = 0;
done:
    X509_free(cert);
    EVP_PKEY_free(key);
    return ret;
}
