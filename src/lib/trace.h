/* What the debugging options show while a connection runs: -msg, -trace, -debug, -state,
 * -tlsextdebug, -security_debug(_verbose), -keylogfile, -msgfile. */
#ifndef TLSTOOL_TRACE_H
#define TLSTOOL_TRACE_H

#include "lib/config.h"

#include <openssl/ssl.h>

/* Installs the callbacks the options ask for on one connection. Returns 0, or -1 (reported)
 * when e.g. the -msgfile or -keylogfile cannot be opened. */
int trace_setup_ssl(SSL *ssl, const struct tls_common *c);

#endif
