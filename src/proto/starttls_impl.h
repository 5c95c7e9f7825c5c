/* Private to src/proto: the per-protocol dialogues behind starttls_negotiate(). Each one runs
 * the whole clear-text exchange over lr and returns 0 when the server waits for the TLS
 * ClientHello, or -1 with lr->err set (via lr_fail). */
#ifndef TLSTOOL_PROTO_STARTTLS_IMPL_H
#define TLSTOOL_PROTO_STARTTLS_IMPL_H

#include <stddef.h>

#include "proto/linereader.h"
#include "proto/starttls.h"

typedef int starttls_dialogue_fn(struct linereader *lr, const struct starttls_opts *o);

/* Text protocols (starttls_text.c). */
starttls_dialogue_fn starttls_smtp, starttls_lmtp, starttls_pop3, starttls_imap, starttls_ftp,
    starttls_irc, starttls_nntp, starttls_sieve;
/* starttls_xmpp.c */
starttls_dialogue_fn starttls_xmpp, starttls_xmpp_server;
/* Binary protocols (starttls_bin.c). */
starttls_dialogue_fn starttls_postgres, starttls_mysql, starttls_ldap, starttls_telnet;

/* Parsers split out of the binary dialogues so they can be tested on their own.
 * A MySQL initial handshake payload (after the 4-byte packet header): returns 0 and sets *caps
 * (the server's capability flags) and version (server version, sanitised), or -1 with a reason
 * in why. An error packet (0xff) also returns -1 with its message in why. */
int starttls_mysql_parse_greeting(const unsigned char *p, size_t n, unsigned long *caps,
                                  char *version, size_t versionlen, char *why, size_t whylen);
/* The content of an LDAPMessage SEQUENCE holding an ExtendedResponse: returns 0 and sets
 * *msgid, *result and diag (the sanitised diagnosticMessage), or -1 with a reason in why. */
int starttls_ldap_parse_response(const unsigned char *p, size_t n, long *msgid, long *result,
                                 char *diag, size_t diaglen, char *why, size_t whylen);

#endif
