// FUZZ_EXTRA_SRC: src/client src/server
/* The option engine with both programs' real tables, then their combination checks. The input
 * is an argv: the first byte picks the program (even: s_client, odd: s_server), the rest is the
 * words, separated by NUL bytes. Leaks of the config lists show up as libFuzzer leak reports. */
#include "client/client.h"
#include "server/server.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_WORDS 64

/* Splits data into NUL-separated words in a fresh buffer; argv[0] is the program name. */
static int split_words(const uint8_t *data, size_t size, const char *prog, char *buf,
                       char **argv)
{
    int argc = 0;
    argv[argc++] = (char *)prog;
    memcpy(buf, data, size);
    buf[size] = '\0';
    for (size_t start = 0; start <= size && argc < MAX_WORDS; ) {
        size_t len = strlen(buf + start);
        argv[argc++] = buf + start;
        start += len + 1;
    }
    argv[argc] = NULL;
    return argc;
}

static void run_client(int argc, char **argv)
{
    struct client_config cfg;
    client_config_init(&cfg);
    if (opt_parse(&client_prog, &cfg, argc, argv) == OPT_OK)
        (void)client_config_finish(&cfg);
    client_config_free(&cfg);
}

static void run_server(int argc, char **argv)
{
    struct server_config cfg;
    server_config_init(&cfg);
    if (opt_parse(&server_prog, &cfg, argc, argv) == OPT_OK)
        (void)server_config_finish(&cfg, argc, argv);
    server_config_free(&cfg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 4096)
        return 0;
    char *buf = malloc(size);
    char *argv[MAX_WORDS + 1];
    if (buf == NULL)
        return 0;
    int server = data[0] & 1;
    int argc = split_words(data + 1, size - 1, server ? "s_server" : "s_client", buf, argv);
    if (server)
        run_server(argc, argv);
    else
        run_client(argc, argv);
    free(buf);
    return 0;
}
