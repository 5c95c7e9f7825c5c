/* What newer libssl releases add (3.2 .. 3.5): certificate compression, raw public keys, QUIC,
 * TCP Fast Open, kernel TLS, provider parameters and a few TLS switches. The option rows are
 * in every build, so -help and the man pages list them; a build against a library without the
 * feature refuses the option with a one-line message naming the release it needs. */
#ifndef TLSTOOL_NEWLIB_H
#define TLSTOOL_NEWLIB_H

#include "lib/features.h"
#include "lib/newlib_config.h"
#include "lib/opt.h"

#include <openssl/bio.h>
#include <openssl/ssl.h>

/* The rows both programs take; the client's and the server's own extras. */
extern const struct opt_def tls_opts_newlib[];
extern const struct opt_def tls_opts_newlib_client[];
extern const struct opt_def tls_opts_newlib_server[];

void tls_newlib_free(struct tls_newlib *n);

/* 0 when def is a row this build refuses for want of a newer library (for the tests). */
int newlib_opt_available(const struct opt_def *def);

/* Applies -provparam to the loaded providers; call after -provider loading. Returns 0 or -1
 * (reported). */
int newlib_apply_provparams(const struct tls_newlib *n);

/* The method for a QUIC context (client or server), or NULL when QUIC was not asked for. */
const SSL_METHOD *newlib_quic_method(const struct tls_newlib *n, int server);

/* Applies the per-context switches (compression, RPK, EMS, DHE-less resumption, kernel TLS,
 * TCP Fast Open for the sockets net.c makes). Returns 0 or -1 (reported). */
int newlib_apply_ctx(SSL_CTX *ctx, const struct tls_newlib *n);

/* Once a server has installed its certificates (ctx2: its -servername context, or NULL):
 * -cert_comp pre-compresses them, saying "Compressing certificates" on stdout as openssl does.
 * Returns 0 (a failure to compress is said, and the server goes on uncompressed). */
int newlib_ctx_ready(const struct tls_newlib *n, SSL_CTX *ctx, SSL_CTX *ctx2);

/* Per connection, once the SSL exists: -expected-rpks (through DANE, as the library does it).
 * Returns 0 or -1 (reported). */
int newlib_setup_ssl(SSL *ssl, const struct tls_newlib *n);

/* The report lines for what was negotiated: raw public keys on out, and kernel TLS use on
 * stderr (where openssl prints them). The settings come from the context's config. */
void newlib_print_report(BIO *out, SSL *ssl);

/* "Peer Temp Key: ..." / "Negotiated TLS1.3 group: ..." as openssl 3.5 prints them; returns 0
 * when it printed, -1 when the linked library does not have those lines (the caller then prints
 * the 3.0 form). */
int newlib_print_tmp_key(BIO *out, SSL *ssl);

#endif
