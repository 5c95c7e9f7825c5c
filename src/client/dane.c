/* DANE for s_client: TLSA records from -dane_tlsa_rrdata, checked by libssl, and the
 * "DANE TLSA ... matched ..." report. */
#include "client/client.h"
#include "lib/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/x509v3.h>

/* Parses "usage selector mtype hexdata" into its parts. Returns 0 or -1. */
static int parse_rrdata(const char *text, unsigned char *usage, unsigned char *selector,
                        unsigned char *mtype, unsigned char **data, long *len)
{
    unsigned int u, s, m;
    int consumed = 0;
    if (sscanf(text, "%u %u %u %n", &u, &s, &m, &consumed) != 3 || u > 255 || s > 255 ||
        m > 255)
        return -1;
    *usage = (unsigned char)u;
    *selector = (unsigned char)s;
    *mtype = (unsigned char)m;
    *data = OPENSSL_hexstr2buf(text + consumed, len);
    return *data == NULL ? -1 : 0;
}

int client_dane_setup(const struct client_config *cfg, SSL_CTX *ctx, SSL *ssl)
{
    if (SSL_CTX_dane_enable(ctx) <= 0 || SSL_dane_enable(ssl, cfg->dane_tlsa_domain) <= 0) {
        err_ssl("cannot enable DANE for \"%s\"", cfg->dane_tlsa_domain);
        return -1;
    }
    if (cfg->dane_ee_no_namechecks)
        SSL_dane_set_flags(ssl, DANE_FLAG_NO_DANE_EE_NAMECHECKS);
    if (cfg->dane_tlsa_rrdata.n == 0) {
        err_msg("-dane_tlsa_domain needs at least one -dane_tlsa_rrdata");
        return -1;
    }
    size_t usable = 0;
    for (size_t i = 0; i < cfg->dane_tlsa_rrdata.n; i++) {
        const char *rr = cfg->dane_tlsa_rrdata.v[i];
        unsigned char u, s, m, *data = NULL;
        long len = 0;
        if (parse_rrdata(rr, &u, &s, &m, &data, &len) < 0) {
            err_msg("bad -dane_tlsa_rrdata \"%s\": expected \"usage selector mtype hex\"", rr);
            return -1;
        }
        int rc = SSL_dane_tlsa_add(ssl, u, s, m, data, (size_t)len);
        OPENSSL_free(data);
        if (rc < 0) {
            err_ssl("bad -dane_tlsa_rrdata \"%s\"", rr);
            return -1;
        }
        if (rc > 0)
            usable++;
        else
            err_warn("unusable TLSA record ignored: %s", rr);
    }
    if (usable == 0) {
        err_msg("none of the TLSA records is usable");
        return -1;
    }
    return 0;
}

void client_dane_report(const struct client_config *cfg, SSL *ssl)
{
    uint8_t usage, selector, mtype;
    unsigned const char *data = NULL;
    size_t dlen = 0;
    EVP_PKEY *mspki = NULL;
    if (cfg->common.quiet && !cfg->common.brief)
        return;
    FILE *out = cfg->common.brief ? stderr : stdout;
    int depth = SSL_get0_dane_authority(ssl, NULL, &mspki);
    if (depth < 0) {
        fprintf(out, "DANE TLSA: no match\n");
        return;
    }
    SSL_get0_dane_tlsa(ssl, &usage, &selector, &mtype, &data, &dlen);
    fprintf(out, "DANE TLSA %d %d %d ", usage, selector, mtype);
    size_t shown = dlen > 12 ? 12 : dlen;
    for (size_t i = 0; i < shown; i++)
        fprintf(out, "%02X", data[i]);
    fprintf(out, "%s %s at depth %d\n", dlen > 12 ? "..." : "",
            mspki != NULL ? "signed the certificate" : depth ? "matched TA certificate"
                                                             : "matched EE certificate",
            depth);
}
