// FUZZ_EXTRA_SRC: src/client
/* -psk (hex) and -psk_identity as s_client uses them: the option goes through the real table
 * and client_ctx_new(), then a handshake runs in memory (a BIO pair) against a plain libssl
 * server that knows one PSK, so the client's PSK callbacks (TLS 1.2 cipher suites and the TLS
 * 1.3 external PSK) turn the text into a key. Input: byte 0 picks the version (even: TLS 1.2
 * PSK suites, odd: TLS 1.3), then the -psk value, then optionally a NUL and the identity. */
#include "client/client.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/err.h>

static SSL_CTX *server_ctx;
static const unsigned char server_key[] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08};

static unsigned int server_psk_cb(SSL *ssl, const char *identity, unsigned char *psk,
                                  unsigned int max)
{
    (void)ssl;
    (void)identity;
    if (max < sizeof(server_key))
        return 0;
    memcpy(psk, server_key, sizeof(server_key));
    return sizeof(server_key);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    server_ctx = SSL_CTX_new(TLS_server_method());
    if (server_ctx == NULL || !SSL_CTX_set_cipher_list(server_ctx, "PSK"))
        abort();
    SSL_CTX_set_psk_server_callback(server_ctx, server_psk_cb);
    return 0;
}

/* Runs both sides until neither makes progress (bounded). */
static void handshake(SSL *client, SSL *server)
{
    for (int round = 0; round < 50; round++) {
        int c = SSL_do_handshake(client), s = SSL_do_handshake(server);
        if (c == 1 && s == 1)
            return;
        int ce = SSL_get_error(client, c), se = SSL_get_error(server, s);
        if ((c <= 0 && ce != SSL_ERROR_WANT_READ && ce != SSL_ERROR_WANT_WRITE) ||
            (s <= 0 && se != SSL_ERROR_WANT_READ && se != SSL_ERROR_WANT_WRITE))
            return;
    }
}

static void run(char *psk, char *identity, int tls13)
{
    char *argv[8] = {"s_client", "-psk", psk, tls13 ? "-tls1_3" : "-tls1_2", "-cipher", "PSK"};
    int argc = 6;
    if (identity != NULL) {
        argv[argc++] = "-psk_identity";
        argv[argc++] = identity;
    }
    struct client_config cfg;
    client_config_init(&cfg);
    SSL_CTX *ctx = NULL;
    SSL *client = NULL, *server = NULL;
    BIO *cb = NULL, *sb = NULL;
    if (opt_parse(&client_prog, &cfg, argc, argv) != OPT_OK || client_config_finish(&cfg) < 0)
        goto done;
    if ((ctx = client_ctx_new(&cfg)) == NULL)
        goto done;
    client = SSL_new(ctx);
    server = SSL_new(server_ctx);
    if (client == NULL || server == NULL || !BIO_new_bio_pair(&cb, 0, &sb, 0))
        goto done;
    SSL_set_bio(client, cb, cb);
    SSL_set_bio(server, sb, sb);
    cb = sb = NULL;
    SSL_set_connect_state(client);
    SSL_set_accept_state(server);
    handshake(client, server);
done:
    BIO_free(cb);
    BIO_free(sb);
    SSL_free(client);
    SSL_free(server);
    SSL_CTX_free(ctx);
    client_config_free(&cfg);
    ERR_clear_error();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 2048)
        return 0;
    char *buf = malloc(size); /* the value, NUL, the identity (the last byte's place) */
    if (buf == NULL)
        return 0;
    memcpy(buf, data + 1, size - 1);
    buf[size - 1] = '\0';
    size_t vlen = strlen(buf);
    char *identity = vlen + 1 < size - 1 ? buf + vlen + 1 : NULL;
    run(buf, identity, data[0] & 1);
    free(buf);
    return 0;
}
