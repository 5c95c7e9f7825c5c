/* The s_client features OpenSSL 3.0 keeps but deprecates: SRP authentication (-srpuser,
 * -srppass, -srp_lateuser, -srp_moregroups, -srp_strength) and -ssl_client_engine. They live
 * here, the one file allowed to call deprecated functions. */
#define OPENSSL_SUPPRESS_DEPRECATED 1

#include "client/client.h"
#include "lib/err.h"
#include "lib/load.h"

#include <stdio.h>
#include <string.h>
#include <openssl/bn.h>
#include <openssl/engine.h>
#include <openssl/srp.h>

#ifndef OPENSSL_NO_SRP
/* True when N is a safe prime and g generates the whole group mod N (g is then a quadratic
 * non-residue, g^((N-1)/2) = N-1): what -srp_moregroups accepts besides the RFC 5054 groups. */
static int srp_group_is_safe(const BIGNUM *N, const BIGNUM *g)
{
    BN_CTX *bctx = BN_CTX_new();
    BIGNUM *q = BN_new(), *r = BN_new(), *nm1 = BN_new();
    int ok = 0;
    if (bctx == NULL || q == NULL || r == NULL || nm1 == NULL)
        goto done;
    if (BN_num_bits(g) > BN_BITS || !BN_sub(nm1, N, BN_value_one()) || !BN_rshift1(q, nm1))
        goto done;
    if (BN_check_prime(N, bctx, NULL) != 1 || BN_check_prime(q, bctx, NULL) != 1)
        goto done;
    if (!BN_mod_exp(r, g, q, N, bctx))
        goto done;
    ok = BN_cmp(r, nm1) == 0;
done:
    BN_free(q);
    BN_free(r);
    BN_free(nm1);
    BN_CTX_free(bctx);
    return ok;
}

/* Checks the server's SRP group: a known one, or with -srp_moregroups any safe group. */
static int srp_verify_param_cb(SSL *ssl, void *arg)
{
    const struct client_config *cfg = arg;
    BIGNUM *N = SSL_get_srp_N(ssl), *g = SSL_get_srp_g(ssl);
    if (N == NULL || g == NULL)
        return 0;
    /* openssl 3.0 shows the group whenever it checks one */
    {
        BIO *err = BIO_new_fp(stderr, BIO_NOCLOSE);
        if (err != NULL) {
            BIO_puts(err, "SRP parameters:\n\tN=");
            BN_print(err, N);
            BIO_puts(err, "\n\tg=");
            BN_print(err, g);
            BIO_puts(err, "\n");
            BIO_free(err);
        }
    }
    if (SRP_check_known_gN_param(g, N) != NULL)
        return 1;
    if (cfg->srp_moregroups) {
        if (cfg->common.debug)
            fputs("SRP param N and g are not known params, going to check deeper.\n", stderr);
        if (srp_group_is_safe(N, g))
            return 1;
    }
    fputs("SRP param N and g rejected.\n", stderr);
    return 0;
}

/* Hands libssl the SRP password (it frees it). */
static char *srp_password_cb(SSL *ssl, void *arg)
{
    const struct client_config *cfg = arg;
    int failed = 0;
    (void)ssl;
    if (cfg->srppass == NULL) {
        err_msg("SRP needs a password: give -srppass");
        return NULL;
    }
    char *pass = load_password(cfg->srppass, &failed);
    if (pass == NULL)
        return NULL;
    char *copy = OPENSSL_strdup(pass);
    load_password_free(pass);
    return copy;
}

int client_srp_setup(const struct client_config *cfg, SSL_CTX *ctx)
{
    if (cfg->srpuser == NULL)
        return 0;
    /* with -srp_lateuser the name is not offered in the first ClientHello */
    if (!cfg->srp_lateuser && !SSL_CTX_set_srp_username(ctx, (char *)cfg->srpuser)) {
        err_ssl("cannot use \"%s\" as SRP user", cfg->srpuser);
        return -1;
    }
    SSL_CTX_set_srp_cb_arg(ctx, (void *)cfg);
    SSL_CTX_set_srp_client_pwd_callback(ctx, srp_password_cb);
    SSL_CTX_set_srp_strength(ctx, cfg->srp_strength);
    if (cfg->common.msg || cfg->common.debug || !cfg->srp_moregroups)
        SSL_CTX_set_srp_verify_param_callback(ctx, srp_verify_param_cb);
    return 0;
}
#else
int client_srp_setup(const struct client_config *cfg, SSL_CTX *ctx)
{
    (void)ctx;
    if (cfg->srpuser == NULL)
        return 0;
    err_msg("-srpuser: the linked OpenSSL was built without SRP");
    return -1;
}
#endif

#ifndef OPENSSL_NO_ENGINE
/* An engine by id, or a shared object to load as one (as openssl's -engine takes it). */
static ENGINE *engine_load(const char *id)
{
    ENGINE *e = ENGINE_by_id(id);
    if (e != NULL)
        return e;
    e = ENGINE_by_id("dynamic");
    if (e != NULL && (!ENGINE_ctrl_cmd_string(e, "SO_PATH", id, 0) ||
                      !ENGINE_ctrl_cmd_string(e, "LOAD", NULL, 0))) {
        ENGINE_free(e);
        e = NULL;
    }
    return e;
}

int client_engine_setup(const struct client_config *cfg, SSL_CTX *ctx)
{
    if (cfg->ssl_client_engine == NULL)
        return 0;
    ENGINE *e = engine_load(cfg->ssl_client_engine);
    if (e == NULL) {
        err_ssl("-ssl_client_engine: cannot load engine \"%s\"", cfg->ssl_client_engine);
        return -1;
    }
    int ok = SSL_CTX_set_client_cert_engine(ctx, e);
    ENGINE_free(e);
    if (!ok) {
        err_ssl("-ssl_client_engine: engine \"%s\" cannot supply client certificates",
                cfg->ssl_client_engine);
        return -1;
    }
    return 0;
}
#else
int client_engine_setup(const struct client_config *cfg, SSL_CTX *ctx)
{
    (void)ctx;
    if (cfg->ssl_client_engine == NULL)
        return 0;
    err_msg("-ssl_client_engine: the linked OpenSSL was built without engines");
    return -1;
}
#endif
