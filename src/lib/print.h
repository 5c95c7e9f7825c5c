/* Everything that prints a connection the way openssl 3.0 does (these lines are scraped by
 * scripts, so their shape is an interface): names, certificate chains, the client's verbose
 * report, the server's connection report, -brief summaries. All output goes to a BIO so a
 * caller may assemble it in memory and write it in one go. */
#ifndef TLSTOOL_PRINT_H
#define TLSTOOL_PRINT_H

#include <stdio.h>
#include <openssl/bio.h>
#include <openssl/ssl.h>

/* X509_NAME_print_ex flags for a -nameopt value (comma-separated names such as "oneline",
 * "RFC2253", "multiline", "utf8", "-esc_msb"); NULL gives openssl's default. Returns 0 for a
 * name it does not know (print_nameopt_valid says whether a value is good). */
unsigned long print_nameopt_flags(const char *nameopt);
int print_nameopt_valid(const char *nameopt);
void print_name_fp(FILE *out, const X509_NAME *name, unsigned long flags);
void print_name(BIO *out, const X509_NAME *name, unsigned long flags);

/* What the reports show besides the defaults. */
struct print_opts {
    unsigned long nmflags;
    int showcerts;          /* the whole chain as PEM */
    const char *keymatexport;
    int keymatexportlen;
};

/* "Certificate chain" ... "Server certificate" PEM, "subject=", "issuer=". */
void print_peer_chain(BIO *out, SSL *ssl, const struct print_opts *po);
/* The client's report after a handshake (the part after CONNECTED). short_form: a
 * reconnection's report, from "Verification" on without the chain or the key size.
 * npn_status: OPENSSL_NPN_NEGOTIATED or _NO_OVERLAP when the server offered NPN, else 0. */
void print_client_report(BIO *out, SSL *ssl, const struct print_opts *po, int short_form,
                         int npn_status);
/* The -brief summary, for either side. */
void print_brief(BIO *out, SSL *ssl, const struct print_opts *po);
/* Signature algorithms, peer signing digest and type, as both reports show them. */
void print_sigalgs(BIO *out, SSL *ssl);
/* "Server Temp Key: X25519, 253 bits" and the like (client side). */
void print_tmp_key(BIO *out, SSL *ssl);
/* "LABEL: rsa_pss_rsae_sha256" (3.5 names the scheme) or "LABEL: RSA-PSS" (3.0), for
 * "Peer signature type" and -brief's "Signature type". */
void print_peer_sigtype(BIO *out, SSL *ssl, const char *label);
/* "Secure Renegotiation IS [NOT] supported", or 3.5's "This TLS version forbids
 * renegotiation." for TLS 1.3. */
void print_renegotiation(BIO *out, SSL *ssl);
/* -brief's lines on the peer: its certificate's subject, hash and signature type and the
 * verification result, or that it sent none (3.5 also tells of a raw public key). */
void print_brief_peer(BIO *out, SSL *ssl, const struct print_opts *po);
/* "Verification: OK" or "Verification error: ...", then the DANE TLSA record that matched. */
void print_verify_detail(BIO *out, SSL *ssl);
/* "Keying material exporter:" block, when -keymatexport was given. */
void print_keymat(BIO *out, SSL *ssl, const struct print_opts *po);

/* The pieces the reports are made of, for a program that assembles its own report. */
/* "Signature Algorithms: ..." (the peer's list), or with shared the "Shared ..." line. */
void print_sigalg_list(BIO *out, SSL *ssl, int shared);
/* "Supported groups:" and "Shared groups:" (the peer's offer), if it sent any. */
/* "Supported groups: ..." (the peer's list) on one line; returns 0 when the peer sent none. */
int print_supported_groups(BIO *out, SSL *ssl);
void print_groups(BIO *out, SSL *ssl);
/* "Supported Elliptic Curve Point Formats:", if the peer sent the extension. */
void print_point_formats(BIO *out, SSL *ssl);
/* "Acceptable ... certificate CA names" from the peer, if any (a client notes none sent). */
void print_ca_names(BIO *out, SSL *ssl, unsigned long nmflags);
/* "SRTP Extension negotiated, profile=...", if one was. */
void print_srtp(BIO *out, SSL *ssl);
/* The "SSL-Session:" block of ssl's session, as SSL_SESSION_print writes it (print_session.c
 * writes the common server-side case itself, in one go). */
void print_session(BIO *out, SSL *ssl);

#endif
