/* s_client -quic: the whole run over QUIC (OpenSSL 3.2's client, one default stream). */
#ifndef TLSTOOL_CLIENT_QUIC_H
#define TLSTOOL_CLIENT_QUIC_H

#include "client/client.h"

/* Connects over UDP, does the QUIC handshake, prints the usual report and relays stdin to the
 * default stream and the stream to stdout until either side ends. Returns the exit status. */
int client_quic_run(struct client_config *cfg, SSL_CTX *ctx);

#endif
