/* s_client's -json and -timing: what one connection's report needs, gathered as it goes
 * (where the connect went, how long each step took, how it failed), and the reports.
 * session.c owns one struct client_obs per connection and reaches it through the SSL's
 * struct client_conn; the functions below are its call sites. */
#ifndef TLSTOOL_CLIENT_OBSERVE_H
#define TLSTOOL_CLIENT_OBSERVE_H

#include "client/client.h"
#include "lib/conninfo.h"
#include "lib/net.h"
#include "lib/timing.h"

#include <openssl/ssl.h>

struct client_obs {
    struct timing timing;
    struct net_connect_info net; /* of the target, or of the -proxy */
    int have_net;
    struct conninfo_error error; /* class NULL while all is well */
    long long bytes_in, bytes_out;
    int first_byte_seen;
};

/* The connection's observer, when -json or -timing asked for one; NULL otherwise. */
struct client_obs *client_obs_of(SSL *ssl);

/* A new connection starts now. */
void client_obs_start(struct client_obs *o);

/* client_connect() that also tells where the connect went (info may be NULL). */
int client_connect_info(const struct client_config *cfg, struct net_connect_info *info);
/* client_connect() for ssl's connection, noting the resolve and connect times and, on
 * failure, its class. Returns the fd, or -1 (reported). */
int client_obs_connect(const struct client_config *cfg, SSL *ssl);

/* A step (-proxy's CONNECT, STARTTLS, the handshake) begins now. */
void client_obs_begin(SSL *ssl);
/* The step begun last ended with rc (< 0: it failed, of class; class NULL: the failure is
 * noted elsewhere). Returns rc. */
int client_obs_end(SSL *ssl, enum timing_phase phase, int rc, const char *class);

/* Notes a failure of class (a CONNINFO_* class) with its message; the first one counts. */
void client_obs_fail(struct client_obs *o, const char *class, const char *message);
/* Notes a failed handshake (SSL_connect returned rc; -2 when -handshake_timeout fired),
 * reading the error queue, so call it before anything clears the queue. */
void client_obs_handshake_failed(struct client_obs *o, const struct client_config *cfg, SSL *ssl,
                                 int rc);
/* Application data came from the server: n bytes (the first sets the first-byte time). */
void client_obs_data_in(SSL *ssl, size_t n);

/* At the end of a connection, good or failed: -json's object on stdout, -timing's line on
 * stderr. ssl may be NULL when the connection failed before TLS. */
void client_obs_report(const struct client_config *cfg, SSL *ssl, struct client_obs *o);

/* -json's session after the handshake: stdin goes to the server (no command letters); what
 * the server sends is counted, not printed, so stdout carries only JSON. Ends at stdin EOF
 * (or, with -ign_eof, when the server closes). Returns the exit status. */
int client_json_session(const struct client_config *cfg, SSL *ssl, int fd);

#endif
