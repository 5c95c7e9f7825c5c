/* -json: everything about one connection as one JSON object (one line, so several connections
 * make JSON Lines), for both programs. The schema is docs/tlstool.schema.json; every member it
 * lists is always present, null when it does not apply, so consumers need no guessing.
 *
 * What the SSL cannot tell (where we connected, how long each step took, the client's hello as
 * a server saw it, why a connection failed before TLS) the caller passes in struct conninfo. */
#ifndef TLSTOOL_CONNINFO_H
#define TLSTOOL_CONNINFO_H

#include "lib/chello.h"
#include "lib/json.h"
#include "lib/net.h"
#include "lib/opt.h"
#include "lib/timing.h"

#include <openssl/bio.h>
#include <openssl/ssl.h>

/* The error classes of the schema. */
#define CONNINFO_RESOLVE "resolve"
#define CONNINFO_CONNECT "connect"
#define CONNINFO_TIMEOUT "timeout"
#define CONNINFO_PROXY "proxy"
#define CONNINFO_STARTTLS "starttls"
#define CONNINFO_HANDSHAKE "handshake"
#define CONNINFO_VERIFY "verify"

struct conninfo_error {
    const char *class; /* one of the CONNINFO_* classes; NULL: no error */
    char message[512]; /* the one-line error the program prints */
    int alert;         /* the TLS alert the peer sent (description code), -1 when none */
    char reason[256];  /* the library's reason from the error queue, "" when none */
};

struct conninfo {
    const char *program;                /* "s_client" or "s_server" */
    const char *host, *port;            /* the target asked for (client); may be NULL */
    const struct net_connect_info *net; /* where the connect went (client); may be NULL */
    const char *peer_addr;              /* the client's address (server); may be NULL */
    const char *starttls;               /* -starttls protocol, or NULL */
    const struct timing *timing;        /* may be NULL */
    const struct chello *hello;         /* the client's ClientHello (server); may be NULL */
    int ocsp_requested;                 /* -status: report the stapled OCSP response */
    int dane_enabled;                   /* -dane_tlsa_*: report the DANE result */
    long long bytes_in, bytes_out;      /* application bytes; negative: not counted */
    const struct conninfo_error *error; /* NULL (or class NULL) for a good connection */
};

/* The -json option's setter (both programs' tables): JSON instead of the reports, so the
 * program's own chatter goes quiet (as with -quiet, but stdin's end still ends the session). */
int conninfo_opt_json(void *cfg, const struct opt_def *def, const struct opt_val *val);

/* Fills e for a failed SSL_connect/SSL_accept that returned ret: class, the message (with
 * why prefixed when given), the alert the peer sent and the library's reason, read from the
 * error queue without clearing it. A handshake that failed verifying the peer's certificate
 * is classed "verify". */
void conninfo_error_from_ssl(struct conninfo_error *e, SSL *ssl, int ret, const char *why);
/* Fills e with a class and a message, for failures before TLS. */
void conninfo_error_set(struct conninfo_error *e, const char *class, const char *message);

/* The connection object as a member of the current JSON value (key NULL at top level). ssl
 * may be NULL when the connection failed before TLS began. */
void conninfo_json(struct json *j, const char *key, SSL *ssl, const struct conninfo *ci);
/* Writes the object as one line to out. Returns 0, or -1 when the writer failed. */
int conninfo_write_json(BIO *out, SSL *ssl, const struct conninfo *ci);

/* The peer's certificate chain, leaf first (the members of "chain"). Exposed for the tests. */
void conninfo_json_chain(struct json *j, const char *key, SSL *ssl);
/* One certificate as a JSON object: subject, issuer, serial, validity (RFC 3339), days left,
 * subject alternative names, key type and size, signature algorithm, SHA-256 fingerprint. */
void conninfo_json_cert(struct json *j, const char *key, X509 *cert);

#endif
