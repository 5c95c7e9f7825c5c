/* out_printf: BIO_printf's job, done by the C library's formatter. OpenSSL's own formatter
 * costs about four times as much per call, which the -www page (tens of formatted lines per
 * connection) and the ClientHello report feel. Unlike BIO_printf, a NULL %s is undefined:
 * callers pass strings. */
#ifndef TLSTOOL_OUTFMT_H
#define TLSTOOL_OUTFMT_H

#include <openssl/bio.h>

/* Formats into a stack buffer and writes it to out in one BIO_write (a longer result goes
 * through a heap buffer). Returns the bytes written, or -1. */
int out_printf(BIO *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* BIO_flush for output written from inside a TLS call (a library callback): a failure (say,
 * stdout's reader gone, as in `s_client ... | head`) leaves nothing on the error queue, where
 * the TLS call would take it for its own failure. */
void out_flush(BIO *out);

#endif
