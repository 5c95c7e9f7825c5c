/* CRL download for -crl_download: a CRL lookup callback for the trust store. */
#include "lib/crldl.h"

#include <string.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

/* Seconds one download may take. */
#define CRLDL_TIMEOUT 10

/* The first http:// URI among the certificate's CRL distribution points, or NULL. */
static const char *cdp_uri(X509 *cert, STACK_OF(DIST_POINT) **cdps)
{
    *cdps = X509_get_ext_d2i(cert, NID_crl_distribution_points, NULL, NULL);
    for (int i = 0; *cdps != NULL && i < sk_DIST_POINT_num(*cdps); i++) {
        DIST_POINT *dp = sk_DIST_POINT_value(*cdps, i);
        if (dp->distpoint == NULL || dp->distpoint->type != 0)
            continue;
        GENERAL_NAMES *names = dp->distpoint->name.fullname;
        for (int j = 0; j < sk_GENERAL_NAME_num(names); j++) {
            int type;
            ASN1_STRING *uri = GENERAL_NAME_get0_value(sk_GENERAL_NAME_value(names, j), &type);
            if (type == GEN_URI && ASN1_STRING_length(uri) > 7 &&
                strncmp((const char *)ASN1_STRING_get0_data(uri), "http://", 7) == 0)
                return (const char *)ASN1_STRING_get0_data(uri);
        }
    }
    return NULL;
}

static STACK_OF(X509_CRL) *lookup_crls(const X509_STORE_CTX *ctx, const X509_NAME *name)
{
    STACK_OF(X509_CRL) *crls = X509_STORE_CTX_get1_crls(ctx, name);
    if (crls != NULL && sk_X509_CRL_num(crls) > 0)
        return crls;
    sk_X509_CRL_free(crls);
    STACK_OF(DIST_POINT) *cdps = NULL;
    X509 *cert = X509_STORE_CTX_get_current_cert(ctx);
    const char *uri = cert != NULL ? cdp_uri(cert, &cdps) : NULL;
    X509_CRL *crl = uri != NULL ? X509_CRL_load_http(uri, NULL, NULL, CRLDL_TIMEOUT) : NULL;
    sk_DIST_POINT_pop_free(cdps, DIST_POINT_free);
    crls = crl != NULL ? sk_X509_CRL_new_null() : NULL;
    if (crls == NULL || !sk_X509_CRL_push(crls, crl)) {
        X509_CRL_free(crl);
        sk_X509_CRL_free(crls);
        ERR_clear_error();
        return NULL;
    }
    return crls;
}

void crldl_setup(X509_STORE *store)
{
    X509_STORE_set_lookup_crls(store, lookup_crls);
}
