/* The -www status page: made of a part prepared once at start-up and a part per connection. */
#ifndef TLSTOOL_SERVER_PAGE_H
#define TLSTOOL_SERVER_PAGE_H

#include "server/server.h"

#include <stddef.h>
#include <openssl/bio.h>
#include <openssl/ssl.h>

/* The start of the response: status line, headers, HTML, the command line. malloc'd (length
 * in *len); NULL when out of memory. */
char *page_head(const char *cmdline, size_t *len);
/* The "Ciphers supported in s_server binary" table of ctx. malloc'd; NULL when out of memory. */
char *page_ciphers(SSL_CTX *ctx, size_t *len);
/* Writes the whole response for the connection ssl to out, using srv's prepared parts. */
void page_write(BIO *out, SSL *ssl, const struct server *srv);

#endif
