/* -xcert/-xkey/-xchain/-xchain_build: extra certificate chains, offered as openssl's programs
 * offer them (see xcert.c). */
#ifndef TLSTOOL_XCERT_H
#define TLSTOOL_XCERT_H

#include "lib/config.h"

#include <openssl/ssl.h>

/* Loads c's extra chains and installs the certificate callback that picks among them on every
 * connection of ctx; nothing when there are none. The context owns what is loaded. Returns 0,
 * or -1 (reported). */
int xcert_setup_ctx(SSL_CTX *ctx, const struct tls_common *c);

#endif
