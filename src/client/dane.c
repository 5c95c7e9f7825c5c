/* DANE for s_client: the TLSA records of -dane_tlsa_rrdata, checked by libssl. The match is
 * reported with the verification result (print_verify_detail). */
#include "client/client.h"
#include "lib/err.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/x509v3.h>

/* One 0-255 field followed by white space; advances *p past both. */
static int parse_u8(const char **p, uint8_t *out)
{
    char *end = NULL;
    errno = 0;
    long v = strtol(*p, &end, 10);
    if (errno != 0 || end == *p || v < 0 || v > 255 || !isspace((unsigned char)*end))
        return -1;
    *out = (uint8_t)v;
    while (isspace((unsigned char)*end))
        end++;
    *p = end;
    return 0;
}

/* The hex data, white space allowed between digits. Returns a malloc'd buffer or NULL. */
static unsigned char *parse_hex(const char *p, size_t *len)
{
    size_t n = strlen(p);
    unsigned char *buf = OPENSSL_malloc(n / 2 + 1);
    size_t got = 0;
    int high = -1;
    if (buf == NULL)
        return NULL;
    for (; *p != '\0'; p++) {
        if (isspace((unsigned char)*p))
            continue;
        int v = OPENSSL_hexchar2int((unsigned char)*p);
        if (v < 0)
            goto bad;
        if (high < 0) {
            high = v;
        } else {
            buf[got++] = (unsigned char)(high << 4 | v);
            high = -1;
        }
    }
    if (high >= 0 || got == 0)
        goto bad;
    *len = got;
    return buf;
bad:
    OPENSSL_free(buf);
    return NULL;
}

/* Adds one "usage selector mtype hex" record. Returns 1 if usable, 0 if not (warned). */
static int add_rrdata(SSL *ssl, const char *rr)
{
    uint8_t usage, selector, mtype;
    const char *p = rr, *field = "usage";
    size_t len = 0;
    unsigned char *data = NULL;
    if (parse_u8(&p, &usage) < 0)
        goto bad;
    field = "selector";
    if (parse_u8(&p, &selector) < 0)
        goto bad;
    field = "mtype";
    if (parse_u8(&p, &mtype) < 0)
        goto bad;
    field = "data";
    if ((data = parse_hex(p, &len)) == NULL)
        goto bad;
    int rc = SSL_dane_tlsa_add(ssl, usage, selector, mtype, data, len);
    OPENSSL_free(data);
    if (rc <= 0) {
        err_ssl("warning: %s TLSA rrdata: %s", rc == 0 ? "unusable" : "error loading", rr);
        return 0;
    }
    return 1;
bad:
    err_msg("warning: bad TLSA %s field in: %s", field, rr);
    return 0;
}

int client_dane_setup(const struct client_config *cfg, SSL_CTX *ctx, SSL *ssl)
{
    (void)ctx;
    if (SSL_dane_enable(ssl, cfg->dane_tlsa_domain) <= 0) {
        err_ssl("cannot enable DANE TLSA authentication for \"%s\"", cfg->dane_tlsa_domain);
        return -1;
    }
    size_t usable = 0;
    for (size_t i = 0; i < cfg->dane_tlsa_rrdata.n; i++)
        usable += (size_t)add_rrdata(ssl, cfg->dane_tlsa_rrdata.v[i]);
    if (usable == 0) {
        err_msg("failed to import any TLSA records");
        return -1;
    }
    if (cfg->dane_ee_no_namechecks)
        SSL_dane_set_flags(ssl, DANE_FLAG_NO_DANE_EE_NAMECHECKS);
    return 0;
}
