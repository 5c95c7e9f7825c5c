/* s_server -quic: a QUIC server on OpenSSL 3.5's listener API, which openssl's own s_server
 * lacks. */
#ifndef TLSTOOL_SERVER_QUIC_H
#define TLSTOOL_SERVER_QUIC_H

#include "lib/newlib.h" /* newlib_ctx_ready(), for main() */
#include "server/server.h"

/* Listens on UDP (-accept/-port, default 4433), says ACCEPT, and serves one connection at a
 * time (interactive: stdin <-> the client's stream; -rev: lines back reversed) until -naccept
 * is reached or stdin ends. Returns the exit status. */
int server_quic_run(struct server_config *cfg, SSL_CTX *ctx);

#endif
