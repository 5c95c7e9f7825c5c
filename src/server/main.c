/* s_server: a TLS server for testing clients. Parse, configure, listen, serve. */
#include "server/server.h"
#include "server/quic.h"
#include "lib/err.h"
#include "lib/tlsctx.h"

#include <signal.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    struct server_config cfg;
    SSL_CTX *ctx = NULL, *sni_ctx = NULL;
    int status = 1;
    server_config_init(&cfg);
    signal(SIGPIPE, SIG_IGN);
    switch (opt_parse(&server_prog, &cfg, argc, argv)) {
    case OPT_EXIT_OK: status = 0; goto done;
    case OPT_EXIT_FAIL: goto done;
    case OPT_OK: break;
    }
    if (server_config_finish(&cfg, argc, argv) < 0 || tls_lib_init(&cfg.common) < 0)
        goto done;
    if (server_ctx_new(&cfg, &ctx, &sni_ctx) < 0 ||
        newlib_ctx_ready(&cfg.common.newlib, ctx, sni_ctx) < 0)
        goto done;
    status = cfg.common.newlib.quic ? server_quic_run(&cfg, ctx) : server_run(&cfg, ctx, sni_ctx);
    if (tls_lib_finish(&cfg.common) < 0 && status == 0)
        status = 1;
done:
    SSL_CTX_free(ctx);
    SSL_CTX_free(sni_ctx);
    tls_lib_release(&cfg.common);
    server_config_free(&cfg);
    return status;
}
