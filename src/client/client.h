/* s_client's private interface: its settings and the steps main() runs. */
#ifndef TLSTOOL_CLIENT_H
#define TLSTOOL_CLIENT_H

#include "lib/config.h"
#include "lib/opt.h"
#include "lib/print.h"

#include <openssl/ssl.h>

struct client_obs;

/* How the target was named, for openssl's "intermixed protocol flags" check. */
enum client_conn_kind { CONN_UNSET, CONN_INET, CONN_UNIX };

struct client_config {
    struct tls_common common; /* first: the shared option tables write here */

    /* where to connect */
    const char *connect;     /* "host:port" from -connect or the positional argument */
    int target_given;        /* it came as the positional argument */
    const char *host, *port; /* -host/-port (older spelling) */
    const char *bind, *unix_path, *proxy, *proxy_user, *proxy_pass;
    int family;              /* AF_UNSPEC, AF_INET (-4), AF_INET6 (-6) */
    int family_flags;        /* how many of -4/-6 were given */
    enum client_conn_kind conn_kind;
    int conn_mixed;          /* -unix mixed with -connect/-host/-port/-4/-6 */
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
    int ct;
    const char *ctlogfile;

    /* sessions */
    const char *sess_in, *sess_out;
    int reconnect;
    const char *early_data;

    /* SRP (deprecated in OpenSSL 3.0, still in its libssl) and the client certificate engine */
    const char *srpuser, *srppass;
    int srp_lateuser, srp_moregroups, srp_strength;
    const char *ssl_client_engine;

    /* derived: the -psk_session session, loaded with the context */
    SSL_SESSION *psk_sess;

    /* output and interaction */
    int showcerts, prexit, nocommands;
    unsigned int serverinfo_types[100];
    int serverinfo_count;
    int maxfraglen, fallback_scsv;
};

/* What the callbacks learn about one connection; the SSL's app data points to it. */
struct client_conn {
    int tickets;    /* sessions received (TLS 1.3 tickets, or the TLS 1.2 session) */
    int npn_status; /* 0 until the server offered NPN, then OPENSSL_NPN_NEGOTIATED/_NO_OVERLAP */
    struct client_obs *obs; /* -json/-timing's observer (observe.h), NULL when not asked */
};

extern const struct opt_prog client_prog;

void client_config_init(struct client_config *cfg);
void client_config_free(struct client_config *cfg);
/* Checks option combinations and fills derived values. Returns 0 or -1 (reported). */
int client_config_finish(struct client_config *cfg);

/* The client's SSL_CTX: common settings plus identity, verification mode, ALPN/NPN, PSK, SRP,
 * CT, OCSP stapling, custom extensions and the session callbacks. NULL on failure (reported). */
SSL_CTX *client_ctx_new(struct client_config *cfg);

/* The config a client context was made from. */
const struct client_config *client_ctx_config(const SSL_CTX *ctx);

/* The host and port to reach (malloc'd), from -connect, the target, -host/-port, or
 * localhost:4433. *host is NULL when no host was named at all. Returns 0 or -1 (reported). */
int client_target(const struct client_config *cfg, char **host, char **port);

/* The SNI to send by the manual's rules: -servername if given; none with -noservername; else
 * the target host when it looks like a DNS name (two or more labels, not an address), or
 * "localhost" when no host was named; with -proxy the target host as given. malloc'd, NULL
 * for none. */
char *client_default_servername(const struct client_config *cfg);

/* Opens the transport (TCP, UDP for DTLS, Unix socket, or TCP to the -proxy) and returns its
 * fd (blocking), or -1 after printing why. */
int client_connect(const struct client_config *cfg);

/* -proxy: asks the proxy on fd, through bio, to tunnel to the target (HTTP CONNECT, IPv6
 * literals bracketed, Basic credentials from -proxy_user/-proxy_pass). Returns 0 once the
 * proxy agreed, or -1 (reported). */
int client_proxy_tunnel(const struct client_config *cfg, BIO *bio, int fd);

/* -starttls: the clear-text dialogue before the handshake, through ssl's transport BIO (so
 * -debug shows it and the byte counts include it, as with openssl). Returns 0 when the
 * server is ready for the ClientHello, or -1 (reported in one line). */
int client_starttls(const struct client_config *cfg, SSL *ssl, int fd);

/* Puts the transport under ssl: a socket BIO, or a connected datagram BIO for DTLS (with -mtu
 * and -timeout), under -nbio_test's filter. Returns 0 or -1 (reported). */
int client_attach_transport(const struct client_config *cfg, SSL *ssl, int fd);

/* The whole run: every connection (-reconnect makes six), each with its report, then the
 * interactive session. Returns the process exit status. */
int client_run(struct client_config *cfg, SSL_CTX *ctx);

/* Relays stdin to the peer and the peer to stdout on a connected ssl until one side ends,
 * handling the command letters and printing openssl's chatter ("read R BLOCK", "closed",
 * "DONE", the -prexit report after each renegotiation). Returns the exit status openssl
 * gives for that ending. */
int client_interact(const struct client_config *cfg, SSL *ssl, int fd);

/* Prints the connection report to the client's output (nothing under -quiet): the full one
 * when full is set, else the short form reconnections print. */
void client_report(const struct client_config *cfg, SSL *ssl, int full);

/* "h2,http/1.1" in the length-prefixed wire form (OPENSSL_free it); NULL when malformed. */
unsigned char *client_protos_wire(const char *list, unsigned int *outlen);

/* DANE: enables it on ssl from -dane_tlsa_* (0, or -1 reported). */
int client_dane_setup(const struct client_config *cfg, SSL_CTX *ctx, SSL *ssl);

/* -psk/-psk_identity/-psk_session: the TLS 1.2 PSK callback and the TLS 1.3 external PSK
 * session. Returns 0 (also when not asked for), or -1 (reported). */
int client_psk_setup(struct client_config *cfg, SSL_CTX *ctx);

/* SRP and -ssl_client_engine, kept apart because they use APIs OpenSSL 3.0 deprecates.
 * Each returns 0 (also when not asked for), or -1 (reported). */
int client_srp_setup(const struct client_config *cfg, SSL_CTX *ctx);
int client_engine_setup(const struct client_config *cfg, SSL_CTX *ctx);

/* Output options in the form the printers take. */
struct print_opts client_print_opts(const struct client_config *cfg);

#endif
