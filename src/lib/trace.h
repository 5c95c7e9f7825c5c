/* What the debugging options show while a connection runs, in openssl 3.0's formats: -msg,
 * -trace, -debug, -state, -tlsextdebug, -security_debug(_verbose), -keylogfile, -msgfile.
 * Role-neutral: both programs use it the same way.
 *
 * Where things go: -msg/-trace to the -msgfile, else stdout; -debug and -tlsextdebug to stdout
 * unless -quiet without -debug; -state and -security_debug to stderr; -keylogfile (else the
 * SSLKEYLOGFILE environment variable) appends key log lines (with openssl's header line when
 * the file starts empty).
 *
 * Lifetime: what a context needs (the open -msgfile and -keylogfile, the security callback's
 * state) is owned by the SSL_CTX and freed with it through its ex_data, so callers free
 * nothing. Connections only point into it, and an SSL never outlives its SSL_CTX. */
#ifndef TLSTOOL_TRACE_H
#define TLSTOOL_TRACE_H

#include "lib/config.h"

#include <openssl/bio.h>
#include <openssl/ssl.h>

/* Installs the context-wide parts: -keylogfile, -security_debug(_verbose), and opens -msgfile.
 * Call right after SSL_CTX_new(), before certificates are loaded, so the security callback
 * also reports on them. Calling it again on the same context does nothing. Returns 0, or -1
 * (reported) when a file cannot be opened. */
int trace_setup_ctx(SSL_CTX *ctx, const struct tls_common *c);

/* Installs the per-connection callbacks (-msg, -trace, -debug, -state, -tlsextdebug) on ssl,
 * whose BIOs must already be set (SSL_set_fd/SSL_set_bio): -debug hooks the lowest BIO of the
 * read chain, the transport. Sets the context up first if trace_setup_ctx() was not called.
 * Returns 0, or -1 (reported). */
int trace_setup_ssl(SSL *ssl, const struct tls_common *c);

/* Where the program's own chatter goes for connections of ctx: stdout, or NULL under -quiet
 * without -debug. Valid once either setup function ran for ctx; NULL otherwise. */
BIO *trace_out(const SSL_CTX *ctx);

/* The openssl-format dump callback behind -debug, for callers that add BIOs of their own
 * (e.g. a DTLS datagram BIO): hooks bio so its reads and writes are dumped to out. */
void trace_hook_bio(BIO *bio, BIO *out);

#endif
