// FUZZ_EXTRA_SRC: src/client
/* s_client's -serverinfo type list and -maxfraglen, through the real option table. The first
 * byte picks the option; the rest is its value. Checks what the rest of the client assumes:
 * at most 32 types, each 0-65535, and a fragment length that libssl has a code for. */
#include "client/client.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void check(const struct client_config *cfg)
{
    int max = (int)(sizeof(cfg->serverinfo_types) / sizeof(cfg->serverinfo_types[0]));
    if (cfg->serverinfo_count < 0 || cfg->serverinfo_count > max)
        abort();
    for (int i = 0; i < cfg->serverinfo_count; i++)
        if (cfg->serverinfo_types[i] > 65535)
            abort();
    switch (cfg->maxfraglen) {
    case 0: case 512: case 1024: case 2048: case 4096: break;
    default: abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 1024 || memchr(data + 1, '\0', size - 1) != NULL)
        return 0;
    char value[1024];
    memcpy(value, data + 1, size - 1);
    value[size - 1] = '\0';
    char *argv[] = {"s_client", data[0] & 1 ? "-maxfraglen" : "-serverinfo", value, NULL};
    struct client_config cfg;
    client_config_init(&cfg);
    if (opt_parse(&client_prog, &cfg, 3, argv) == OPT_OK)
        check(&cfg);
    client_config_free(&cfg);
    return 0;
}
