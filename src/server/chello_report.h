/* s_server's ClientHello analysis and -json (chello_report.c): the recorder under each
 * connection, the analysis in the verbose report, -brief, the -www page, and one JSON line
 * per connection. The owners' files only call these. */
#ifndef TLSTOOL_SERVER_CHELLO_REPORT_H
#define TLSTOOL_SERVER_CHELLO_REPORT_H

#include "server/server.h"

#include <openssl/bio.h>
#include <openssl/ssl.h>

/* Puts the ClientHello recorder under a new connection's SSL, after its BIOs are set.
 * Returns 0, or -1 (reported). */
int server_chello_attach(SSL *ssl);

/* The analysis for the verbose report ("Client Hello:" ... "JA4_r: ..."), or a line saying
 * why there is none. */
void server_chello_print(BIO *out, SSL *ssl);
/* -brief's line: "Client Hello JA4: ...". */
void server_chello_print_brief(BIO *out, SSL *ssl);
/* The -www page's section, HTML-escaped (the hello's names and ALPN values are the client's
 * choice). */
void server_chello_page(BIO *out, SSL *ssl);

/* -json: the handshake with peer ("127.0.0.1:41234") finished: one JSON line on stdout. */
void server_json_open(struct server *srv, SSL *ssl, const char *peer);
/* -json: the handshake call returned r; if that is a failure (not a wait), one JSON line with
 * the error. Call it before the error queue is cleared. */
void server_json_handshake_failed(struct server *srv, SSL *ssl, int r, const char *peer);
/* -json: the client did not finish its handshake within secs: one JSON line, class timeout. */
void server_json_handshake_timeout(struct server *srv, SSL *ssl, const char *peer, int secs);

#endif
