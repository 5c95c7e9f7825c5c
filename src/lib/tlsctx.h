/* Turns the plain settings of struct tls_common into a configured SSL_CTX, one small step per
 * group of options: library, versions, SSL_CONF commands, trust, verification, identity. */
#ifndef TLSTOOL_TLSCTX_H
#define TLSTOOL_TLSCTX_H

#include "lib/config.h"

#include <openssl/ssl.h>

/* Loads providers and seeds randomness as -provider/-rand ask. Call once, before any context.
 * Returns 0, or -1 with the error reported. */
int tls_lib_init(const struct tls_common *c);
/* Writes -writerand's file, if asked. Returns 0 or -1 (reported). */
int tls_lib_finish(const struct tls_common *c);
/* The last call before the program ends. With -engine it shuts libcrypto down now, while what
 * the engine loaded is still there: left to the exit handlers, a PKCS#11 module can be torn
 * down before libcrypto releases the engine that uses it, and the program dies on the way out
 * (openssl's own s_client does, after a wrong PIN for a SoftHSM2 token). */
void tls_lib_release(const struct tls_common *c);

/* A new context for c->role with every common option applied. The context keeps a pointer to
 * c (SSL_CTX app data) for the callbacks; c must outlive it. NULL on failure (reported). */
SSL_CTX *tls_ctx_new(const struct tls_common *c);

/* Installs a certificate, its key and chain into ctx. key defaults to cert; a chain file may
 * hold the extra certificates. With -keyform ENGINE the key is loaded by engine (-engine).
 * Returns 0, or -1 (reported). */
int tls_ctx_use_identity(SSL_CTX *ctx, const struct cert_spec *id, const char *engine);

/* Loads the trust store the options name into store (CAfile, CApath, CAstore, the system
 * defaults unless -no-CA*, and -CRL files). Returns 0 or -1 (reported). */
int tls_load_trust(const struct tls_common *c, X509_STORE *store);

/* The config a context was made from (its app data). */
const struct tls_common *tls_ctx_config(const SSL_CTX *ctx);

/* The verify callback both programs use: prints "depth=N subject" and "verify error:num=..."
 * lines on stderr as openssl does, honouring -verify_quiet, -verify_return_error and the
 * depth of -verify N. */
int tls_verify_callback(int ok, X509_STORE_CTX *store);

#endif
