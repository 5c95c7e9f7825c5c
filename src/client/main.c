/* s_client: a TLS client for looking at servers. Parse, configure, connect, report, relay. */
#include "client/client.h"
#include "client/quic.h"
#include "lib/err.h"
#include "lib/relay.h"
#include "lib/tlsctx.h"
#include "proto/starttls.h"

#include <signal.h>
#include <stdio.h>

static int check_starttls(const struct client_config *cfg)
{
    if (cfg->starttls == NULL || starttls_known(cfg->starttls))
        return 0;
    char list[512] = "";
    size_t used = 0;
    for (const char *const *n = starttls_names(); *n != NULL; n++) {
        int w = snprintf(list + used, sizeof(list) - used, "%s%s", used ? ", " : "", *n);
        if (w < 0 || (size_t)w >= sizeof(list) - used)
            break;
        used += (size_t)w;
    }
    err_msg("unknown -starttls protocol \"%s\" (use one of: %s)", cfg->starttls, list);
    return -1;
}

int main(int argc, char **argv)
{
    struct client_config cfg;
    SSL_CTX *ctx = NULL;
    int status = 1;
    client_config_init(&cfg);
    signal(SIGPIPE, SIG_IGN);
    switch (opt_parse(&client_prog, &cfg, argc, argv)) {
    case OPT_EXIT_OK: status = 0; goto done;
    case OPT_EXIT_FAIL: goto done;
    case OPT_OK: break;
    }
    if (client_config_finish(&cfg) < 0 || check_starttls(&cfg) < 0)
        goto done;
    if (tls_lib_init(&cfg.common) < 0)
        goto done;
    if ((ctx = client_ctx_new(&cfg)) == NULL)
        goto done;
    status = cfg.common.newlib.quic ? client_quic_run(&cfg, ctx) : client_run(&cfg, ctx);
    if (tls_lib_finish(&cfg.common) < 0 && status == 0)
        status = 1;
done:
    SSL_CTX_free(ctx);
    tls_lib_release(&cfg.common);
    client_config_free(&cfg);
    return status;
}
