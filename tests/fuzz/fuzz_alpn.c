// FUZZ_EXTRA_SRC: src/client
/* The -alpn/-nextprotoneg list to wire form (client_protos_wire). Checks the round trip: the
 * wire form decodes back to the same comma-separated list less its empty names, and libssl
 * accepts it. */
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
    if (ctx == NULL)
        abort();
    return 0;
}

/* Decodes wire[0..len) back to "a,b,c" in out (size len + 1). Returns 0, or -1 if malformed. */
static int decode(const unsigned char *wire, unsigned int len, char *out)
{
    size_t o = 0;
    for (unsigned int i = 0; i < len;) {
        unsigned int n = wire[i++];
        if (n == 0 || n > len - i)
            return -1;
        if (o > 0)
            out[o++] = ',';
        memcpy(out + o, wire + i, n);
        o += n;
        i += n;
    }
    out[o] = '\0';
    return 0;
}

/* list without its empty names, into out (size strlen(list) + 1). */
static void without_empty(const char *list, char *out)
{
    size_t o = 0;
    for (const char *p = list; *p != '\0';) {
        size_t n = strcspn(p, ",");
        if (n > 0) {
            if (o > 0)
                out[o++] = ',';
            memcpy(out + o, p, n);
            o += n;
        }
        p += n;
        if (*p == ',')
            p++;
    }
    out[o] = '\0';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 70000 || memchr(data, '\0', size) != NULL)
        return 0;
    char *list = malloc(size + 1);
    if (list == NULL)
        return 0;
    memcpy(list, data, size);
    list[size] = '\0';
    unsigned int len = 0;
    unsigned char *wire = client_protos_wire(list, &len);
    if (wire != NULL) {
        char *back = malloc(len + 1), *want = malloc(size + 1);
        if (back == NULL || want == NULL)
            abort();
        without_empty(list, want);
        if (decode(wire, len, back) < 0 || strcmp(back, want) != 0)
            abort();
        if (SSL_CTX_set_alpn_protos(ctx, wire, len) != 0)
            abort();
        free(back);
        free(want);
    }
    ERR_clear_error();
    OPENSSL_free(wire);
    free(list);
    return 0;
}
