// FUZZ_EXTRA_SRC: src/client
/* -dane_tlsa_rrdata: the "usage selector mtype hex" parser behind client_dane_setup, all the way
 * into libssl's SSL_dane_tlsa_add. The input is one or more records separated by newlines. */
#include "client/client.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/err.h>

static SSL_CTX *ctx;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    ctx = SSL_CTX_new(TLS_client_method());
    if (ctx == NULL || SSL_CTX_dane_enable(ctx) <= 0)
        abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096 || memchr(data, '\0', size) != NULL)
        return 0;
    char *text = malloc(size + 1);
    SSL *ssl = SSL_new(ctx);
    struct client_config cfg;
    memset(&cfg, 0, sizeof(cfg));
    cfg.dane_tlsa_domain = "example.com";
    if (text == NULL || ssl == NULL)
        goto done;
    memcpy(text, data, size);
    text[size] = '\0';
    for (char *save = NULL, *rr = strtok_r(text, "\n", &save); rr != NULL;
         rr = strtok_r(NULL, "\n", &save))
        if (strlist_add(&cfg.dane_tlsa_rrdata, rr) < 0)
            goto done;
    (void)client_dane_setup(&cfg, ctx, ssl);
done:
    ERR_clear_error();
    strlist_free(&cfg.dane_tlsa_rrdata);
    SSL_free(ssl);
    free(text);
    return 0;
}
