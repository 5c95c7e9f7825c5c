/* Applying what newer libssl releases add. The option setters (newlib_opts.c) already refused
 * what this build lacks, so each step here is compiled only where its feature exists. */
#include "lib/newlib.h"
#include "lib/err.h"
#include "lib/net.h"
#include "lib/tlsctx.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/provider.h>
#ifdef HAVE_QUIC_CLIENT
#include <openssl/quic.h>
#endif

#ifdef HAVE_PROVPARAM
/* One -provparam being applied: the provider it names (NULL: every loaded one). */
struct provparam {
    const char *name, *key, *value;
    int found, failed;
};

static int provparam_one(OSSL_PROVIDER *prov, void *arg)
{
    struct provparam *p = arg;
    if (p->name != NULL && strcmp(OSSL_PROVIDER_get0_name(prov), p->name) != 0)
        return 1;
    p->found = 1;
    if (!OSSL_PROVIDER_add_conf_parameter(prov, p->key, p->value))
        p->failed = 1;
    return !p->failed;
}

/* "[provider:]key = value", blanks around '=' dropped, as openssl reads it. */
static int provparam_apply(const char *spec)
{
    int ret = -1;
    char *copy = OPENSSL_strdup(spec);
    char *eq = copy != NULL ? strchr(copy, '=') : NULL;
    if (eq == NULL)
        goto done;
    struct provparam p = {NULL, copy, eq + 1, 0, 0};
    for (char *t = eq; t > copy && isspace((unsigned char)t[-1]); t--)
        t[-1] = '\0';
    *eq = '\0';
    while (isspace((unsigned char)*p.value))
        p.value++;
    char *colon = strchr(copy, ':');
    if (colon != NULL) {
        *colon = '\0';
        p.name = *copy != '\0' ? copy : NULL;
        p.key = colon + 1;
    }
    OSSL_PROVIDER_do_all(NULL, provparam_one, &p);
    if (p.failed)
        err_ssl("cannot set provider '%s' parameter '%s'", p.name ? p.name : "*", p.key);
    else if (!p.found)
        err_msg("-provparam %s: no provider named '%s' is loaded", spec, p.name ? p.name : "*");
    else
        ret = 0;
done:
    OPENSSL_free(copy);
    return ret;
}
#endif

int newlib_apply_provparams(const struct tls_newlib *n)
{
#ifdef HAVE_PROVPARAM
    for (size_t i = 0; i < n->provparams.n; i++)
        if (provparam_apply(n->provparams.v[i]) < 0)
            return -1;
#else
    (void)n;
#endif
    return 0;
}

const SSL_METHOD *newlib_quic_method(const struct tls_newlib *n, int server)
{
    (void)server;
    if (!n->quic)
        return NULL;
#ifdef HAVE_QUIC_SERVER
    if (server)
        return OSSL_QUIC_server_method();
#endif
#ifdef HAVE_QUIC_CLIENT
    if (!server)
        return OSSL_QUIC_client_method();
#endif
    return NULL;
}

#ifdef HAVE_KTLS
/* Said once, when -ktls is asked for on a kernel that cannot do it: otherwise the option would
 * silently change nothing. */
static void ktls_check_kernel(void)
{
    if (access("/sys/module/tls", F_OK) != 0)
        err_warn("-ktls: this kernel has no tls module (no /sys/module/tls; try 'modprobe tls'):"
                 " TLS stays in user space");
}
#endif

static int apply_options(SSL_CTX *ctx, const struct tls_newlib *n)
{
    uint64_t opts = 0;
    if (n->no_ems)
        opts |= SSL_OP_NO_EXTENDED_MASTER_SECRET;
#ifdef HAVE_CERT_COMP
    if (n->no_tx_cert_comp)
        opts |= SSL_OP_NO_TX_CERTIFICATE_COMPRESSION;
    if (n->no_rx_cert_comp)
        opts |= SSL_OP_NO_RX_CERTIFICATE_COMPRESSION;
#endif
#ifdef HAVE_PREFER_NO_DHE_KEX
    if (n->prefer_no_dhe_kex)
        opts |= SSL_OP_PREFER_NO_DHE_KEX;
#endif
    if (n->ktls) {
#ifdef HAVE_KTLS
        opts |= SSL_OP_ENABLE_KTLS;
        ktls_check_kernel();
#else
        err_msg("-ktls: the linked OpenSSL was built without kernel TLS");
        return -1;
#endif
    }
    SSL_CTX_set_options(ctx, opts);
    return 0;
}

#ifdef HAVE_RPK
/* Raw public keys preferred, certificates still accepted, as openssl's programs offer them. */
static const unsigned char rpk_types[] = {TLSEXT_cert_type_rpk, TLSEXT_cert_type_x509};
#endif

static int apply_rpk(SSL_CTX *ctx, const struct tls_newlib *n)
{
#ifdef HAVE_RPK
    if (n->server_rpk && !SSL_CTX_set1_server_cert_type(ctx, rpk_types, sizeof(rpk_types)))
        goto fail;
    if (n->client_rpk && !SSL_CTX_set1_client_cert_type(ctx, rpk_types, sizeof(rpk_types)))
        goto fail;
    /* expected keys are DANE-EE SPKI records, so the context must allow DANE */
    if (n->expected_rpks != NULL && SSL_CTX_dane_enable(ctx) <= 0)
        goto fail;
    return 0;
fail:
    err_ssl("cannot enable raw public keys");
    return -1;
#else
    (void)ctx;
    (void)n;
    return 0;
#endif
}

int newlib_apply_ctx(SSL_CTX *ctx, const struct tls_newlib *n)
{
    if (apply_options(ctx, n) < 0 || apply_rpk(ctx, n) < 0)
        return -1;
    net_set_fastopen(n->tfo);
    return 0;
}

int newlib_ctx_ready(const struct tls_newlib *n, SSL_CTX *ctx, SSL_CTX *ctx2)
{
#ifdef HAVE_CERT_COMP
    if (!n->cert_comp)
        return 0;
    /* as openssl: a failure is said and the server goes on uncompressed */
    printf("Compressing certificates\n");
    if (ctx != NULL && !SSL_CTX_compress_certs(ctx, 0))
        printf("Error compressing certs on ctx\n");
    if (ctx2 != NULL && !SSL_CTX_compress_certs(ctx2, 0))
        printf("Error compressing certs on ctx2\n");
    fflush(stdout);
    ERR_clear_error();
#else
    (void)n;
    (void)ctx;
    (void)ctx2;
#endif
    return 0;
}

#ifdef HAVE_RPK
/* Adds every PEM public key of file as an expected raw public key of ssl. */
static int add_expected_rpks(SSL *ssl, const char *file)
{
    int count = 0, ret = -1;
    BIO *in = BIO_new_file(file, "r");
    if (in == NULL) {
        err_ssl("cannot open -expected-rpks file \"%s\"", file);
        return -1;
    }
    EVP_PKEY *key;
    while ((key = PEM_read_bio_PUBKEY(in, NULL, NULL, NULL)) != NULL) {
        int ok = SSL_add_expected_rpk(ssl, key);
        EVP_PKEY_free(key);
        if (!ok) {
            err_ssl("cannot add an expected raw public key from \"%s\"", file);
            goto done;
        }
        count++;
    }
    ERR_clear_error(); /* the end of the file reads as an error */
    if (count == 0)
        err_msg("-expected-rpks: no PEM public key in \"%s\"", file);
    else
        ret = 0;
done:
    BIO_free(in);
    return ret;
}
#endif

int newlib_setup_ssl(SSL *ssl, const struct tls_newlib *n)
{
#ifdef HAVE_RPK
    if (n->expected_rpks == NULL)
        return 0;
    /* DANE may be on already (-dane_tlsa_domain): then the keys join its records */
    const char *sni = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
    if (SSL_dane_enable(ssl, sni) <= 0) {
        if (ERR_GET_REASON(ERR_peek_last_error()) != SSL_R_DANE_ALREADY_ENABLED) {
            err_ssl("-expected-rpks: cannot enable DANE");
            return -1;
        }
        ERR_clear_error();
    }
    return add_expected_rpks(ssl, n->expected_rpks);
#else
    (void)ssl;
    (void)n;
    return 0;
#endif
}

#ifdef HAVE_RPK
/* Which raw public keys were negotiated, and the peer's, in the order openssl prints them. */
static void print_rpk(BIO *out, SSL *ssl, const struct tls_newlib *n)
{
    int server = SSL_is_server(ssl);
    int c2s = SSL_get_negotiated_client_cert_type(ssl) == TLSEXT_cert_type_rpk;
    int s2c = SSL_get_negotiated_server_cert_type(ssl) == TLSEXT_cert_type_rpk;
    if (!server && c2s)
        BIO_printf(out, "Client-to-server raw public key negotiated\n");
    if (s2c)
        BIO_printf(out, "Server-to-client raw public key negotiated\n");
    if (server && c2s)
        BIO_printf(out, "Client-to-server raw public key negotiated\n");
    if (server ? !n->client_rpk : !n->server_rpk)
        return;
    EVP_PKEY *rpk = SSL_get0_peer_rpk(ssl);
    if (rpk != NULL) {
        BIO_printf(out, "%s raw public key\n", server ? "Client" : "Server");
        EVP_PKEY_print_public(out, rpk, 2, NULL);
    } else if (!server) {
        BIO_printf(out, "no peer rpk available\n");
    }
}
#endif

void newlib_print_report(BIO *out, SSL *ssl)
{
    const struct tls_common *c = tls_ctx_config(SSL_get_SSL_CTX(ssl));
    if (c == NULL)
        return;
#ifdef HAVE_RPK
    print_rpk(out, ssl, &c->newlib);
#else
    (void)out;
#endif
#ifdef HAVE_KTLS
    /* on stderr, where openssl says it */
    int tx = BIO_get_ktls_send(SSL_get_wbio(ssl)) > 0;
    int rx = BIO_get_ktls_recv(SSL_get_rbio(ssl)) > 0;
    if (tx)
        fprintf(stderr, "Using Kernel TLS for sending\n");
    if (rx)
        fprintf(stderr, "Using Kernel TLS for receiving\n");
    if (c->newlib.ktls && !tx && !rx)
        fprintf(stderr, "Kernel TLS is not in use on this connection\n");
#endif
}

int newlib_print_tmp_key(BIO *out, SSL *ssl)
{
#ifdef HAVE_PEER_TEMP_KEY_LINES
    EVP_PKEY *key = NULL;
    if (!SSL_get_peer_tmp_key(ssl, &key)) {
        /* a KEM share (ML-KEM, hybrids) is no key: name the group instead */
        if (SSL_version(ssl) == TLS1_3_VERSION)
            BIO_printf(out, "Negotiated TLS1.3 group: %s\n",
                       SSL_group_to_name(ssl, SSL_get_negotiated_group(ssl)));
        return 0;
    }
    BIO_puts(out, "Peer Temp Key: ");
    const char *type;
    char group[80] = "";
    switch (EVP_PKEY_get_id(key)) {
    case EVP_PKEY_RSA: BIO_printf(out, "RSA, %d bits\n", EVP_PKEY_get_bits(key)); break;
    case EVP_PKEY_DH: BIO_printf(out, "DH, %d bits\n", EVP_PKEY_get_bits(key)); break;
    case EVP_PKEY_KEYMGMT:
        type = EVP_PKEY_get0_type_name(key);
        BIO_printf(out, "%s\n", type != NULL ? type : "?");
        break;
    case EVP_PKEY_EC:
        if (!EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group,
                                            sizeof(group), NULL))
            snprintf(group, sizeof(group), "?");
        BIO_printf(out, "ECDH, %s, %d bits\n", group, EVP_PKEY_get_bits(key));
        break;
    default:
        BIO_printf(out, "%s, %d bits\n", OBJ_nid2sn(EVP_PKEY_get_id(key)), EVP_PKEY_get_bits(key));
        break;
    }
    EVP_PKEY_free(key);
    return 0;
#else
    (void)out;
    (void)ssl;
    return -1;
#endif
}
