/* s_client's private interface: its settings and the steps main() runs. */
#ifndef TLSTOOL_CLIENT_H
#define TLSTOOL_CLIENT_H

#include "lib/config.h"
#include "lib/opt.h"
#include "lib/print.h"

#include <openssl/ssl.h>

struct client_config {
    struct tls_common common; /* first: the shared option tables write here */

    /* where to connect */
    const char *connect; /* "host:port" from -connect or the positional argument */
    const char *host, *port; /* -host/-port (older spelling) */
    const char *bind, *unix_path, *proxy, *proxy_user, *proxy_pass;
    int family; /* AF_UNSPEC, AF_INET (-4), AF_INET6 (-6) */
    const char *servername;
    int noservername;
    int connect_timeout, handshake_timeout; /* seconds; 0 = none */

    /* STARTTLS */
    const char *starttls, *starttls_name;

    /* verification extras */
    int verify_given;
    const char *requestCAfile;
    const char *dane_tlsa_domain;
    struct strlist dane_tlsa_rrdata;
    int dane_ee_no_namechecks;
    int ct, noct;
    const char *ctlogfile;

    /* sessions */
    const char *sess_in, *sess_out;
    int reconnect;
    const char *early_data;

    /* output and interaction */
    int showcerts, prexit, nocommands, no_ign_eof;
    unsigned int serverinfo_types[32];
    int serverinfo_count;
    int maxfraglen, fallback_scsv;
};

extern const struct opt_prog client_prog;

void client_config_init(struct client_config *cfg);
void client_config_free(struct client_config *cfg);
/* Checks option combinations and fills derived values. Returns 0 or -1 (reported). */
int client_config_finish(struct client_config *cfg);

/* The client's SSL_CTX: common settings plus identity, verification mode, ALPN, sessions.
 * NULL on failure (reported). */
SSL_CTX *client_ctx_new(struct client_config *cfg);

/* The host and port to reach (malloc'd), from -connect, the target, -host/-port, or
 * localhost:4433. Returns 0 or -1 (reported). */
int client_target(const struct client_config *cfg, char **host, char **port);

/* Opens the transport (TCP, Unix socket, proxy, STARTTLS) and returns its fd, or -1 after
 * printing why. */
int client_connect(const struct client_config *cfg);

/* One whole connection: handshake, report, then relaying stdin and the peer until one side
 * ends. Returns the process exit status. */
int client_session(struct client_config *cfg, SSL_CTX *ctx);

/* "h2,http/1.1" in the length-prefixed wire form (OPENSSL_free it); NULL when malformed. */
unsigned char *client_protos_wire(const char *list, unsigned int *outlen);

/* DANE: enables it on ssl from -dane_tlsa_* (0 or -1 reported), and reports the match. */
int client_dane_setup(const struct client_config *cfg, SSL_CTX *ctx, SSL *ssl);
void client_dane_report(const struct client_config *cfg, SSL *ssl);

/* Output options in the form the printers take. */
struct print_opts client_print_opts(const struct client_config *cfg);

#endif
