/* s_server's private interface: its settings, the state its workers share, and the steps
 * main() runs. The connection machine and the mode handlers have their own header, conn.h. */
#ifndef TLSTOOL_SERVER_H
#define TLSTOOL_SERVER_H

#include "lib/config.h"
#include "lib/opt.h"
#include "lib/print.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <openssl/ssl.h>

/* What the server does with a connection once the handshake is done. */
enum server_mode {
    MODE_INTERACTIVE, /* stdin <-> peer, one connection at a time */
    MODE_WWW,         /* -www: a status page for any GET */
    MODE_WWW_FILES,   /* -WWW: files below the current directory, headers made up */
    MODE_HTTP,        /* -HTTP: files that hold their own headers */
    MODE_REV,         /* -rev: each line sent back reversed */
};

struct server;

struct server_config {
    struct tls_common common; /* first: the shared option tables write here */

    /* listening */
    const char *accept, *port, *unix_path;
    int unlink_path, family;
    int naccept; /* connections to serve before exiting; -1 for ever */
    int listen_dtls;

    /* identity */
    int nocert;
    struct cert_spec dcert; /* -dcert..., a second certificate (e.g. another key type) */
    const char *servername; /* -servername: the name -cert2 answers to */
    struct cert_spec cert2;
    int servername_fatal;
    const char *dhparam;
    int no_dhe, no_ca_names;
    const char *context;

    /* client authentication: 0, or SSL_VERIFY_PEER[|FAIL_IF_NO_PEER_CERT] */
    int verify_mode;

    /* sessions */
    int no_cache, ext_cache, no_resume_ephemeral, stateless;
    const char *id_prefix;
    int num_tickets, max_early_data, recv_max_early_data, early_data;

    /* OCSP stapling */
    int status_verbose, status_timeout;
    const char *status_url, *status_file, *proxy, *no_proxy;

    /* PSK / SRP */
    const char *psk_hint, *srpvfile, *srpuserseed;

    /* responders */
    enum server_mode mode;
    int http_server_binmode, sendfile;
    int workers; /* 0: one per core */

    /* the command line, shown on the -www page */
    char cmdline[1024];

    /* derived once at start-up from the above */
    char npn_wire[512];    /* -nextprotoneg in wire format */
    size_t npn_wire_len;
    SSL_SESSION *psk_sess; /* -psk_session */
    void *srp_vbase;       /* -srpvfile's verifiers (an SRP_VBASE) */

    /* The running server, for the library callbacks that only get an SSL or SSL_CTX (they find
     * this config as the context's app data). Set by server_run(); NULL before. */
    struct server *srv;
};

extern const struct opt_prog server_prog;

void server_config_init(struct server_config *cfg);
void server_config_free(struct server_config *cfg);
/* Checks option combinations and fills derived values. Returns 0 or -1 (reported). */
int server_config_finish(struct server_config *cfg, int argc, char **argv);

/* --- contexts (ctx.c) ---------------------------------------------------------------------- */

/* What a context's certificates can authenticate, for the corrected "Shared ciphers" list. */
enum server_auth {
    AUTH_RSA = 1 << 0,
    AUTH_ECDSA = 1 << 1, /* EC, Ed25519 and Ed448 keys */
    AUTH_DSA = 1 << 2,
    AUTH_PSK = 1 << 3,
    AUTH_SRP = 1 << 4,
    AUTH_DHE = 1 << 5, /* ephemeral DH is on (not -no_dhe) */
};

/* The server's contexts: the main one, and the -servername one when asked (NULL otherwise).
 * Prints "Using default temp DH parameters" and the like as openssl does. Returns 0 or -1
 * (reported; nothing to free then). */
int server_ctx_new(struct server_config *cfg, SSL_CTX **main_ctx, SSL_CTX **sni_ctx);

/* When no -cert is given and ./server.pem does not exist: an ephemeral self-signed P-256
 * certificate for localhost, 127.0.0.1 and ::1, installed into ctx and announced on stderr
 * with its SHA-256 fingerprint. Returns 0 or -1 (reported). */
int server_use_ephemeral_cert(SSL_CTX *ctx);

/* Session handling asked for by the options: -ext_cache's external cache, -id_prefix,
 * -no_resume_ephemeral, -stateless cookies. Returns 0 or -1 (reported). */
int server_sessions_setup(SSL_CTX *ctx, struct server_config *cfg);

/* PSK (-psk, -psk_identity, -psk_hint, -psk_session) and SRP (-srpvfile, -srpuserseed).
 * Each returns 0 or -1 (reported). What they load once (the PSK session, the SRP verifiers)
 * is kept in cfg, shared by both contexts, and freed by server_auth_free(). */
int server_psk_setup(SSL_CTX *ctx, struct server_config *cfg);
int server_srp_setup(SSL_CTX *ctx, struct server_config *cfg);
void server_auth_free(struct server_config *cfg);

/* OCSP stapling (-status...): installs the status callback. Returns 0 or -1 (reported). */
int server_ocsp_setup(SSL_CTX *ctx, struct server_config *cfg);

/* --- the running server (run.c) ------------------------------------------------------------ */

struct worker;
struct ocsp_cache;
struct sess_cache;

/* Stop levels, raised by -naccept, a 'Q' command, stdin's EOF or a signal. */
enum server_stop {
    STOP_NONE = 0,
    STOP_ACCEPTING = 1, /* no new connections; exit once the open ones are done */
    STOP_NOW = 2,       /* close every connection (politely) and exit */
    STOP_ABORT = 3,     /* a signal while stopping: drop every connection at once and exit */
};

/* Everything the workers share. Built by server_run() before any worker starts and only read
 * afterwards, except the atomics, the locked output and the caches (which lock themselves). */
struct server {
    struct server_config *cfg;
    SSL_CTX *ctx, *sni_ctx;
    struct print_opts po;

    int nworkers;
    struct worker **workers;
    int max_conns;       /* per worker */
    int concurrent;      /* several connections at once (else one at a time, as openssl) */
    int shared_listener; /* all workers watch workers[0]'s socket (no SO_REUSEPORT) */

    atomic_int accepted; /* connections taken so far, for -naccept */
    atomic_int stopping; /* enum server_stop */
    atomic_int sendfile_warned;

    /* -www: the parts of the status page that never change, made once at start-up */
    char *page_head, *page_ciphers;
    size_t page_head_len, page_ciphers_len;

    /* -WWW/-HTTP: the directory files are served from (resolved, no trailing '/') */
    char *docroot;

    struct ocsp_cache *ocsp;      /* -status */
    struct sess_cache *sessions;  /* -ext_cache */
    unsigned char cookie_secret[32]; /* -stateless, DTLS -listen */
};

/* Accepts and serves connections until -naccept is reached or a quit command. Returns the
 * exit status. */
int server_run(struct server_config *cfg, SSL_CTX *ctx, SSL_CTX *sni_ctx);

/* The running server a context belongs to (NULL before server_run()). */
struct server *server_of_ctx(const SSL_CTX *ctx);

/* Raises the stop level (never lowers it) and wakes every worker. Safe from any thread. */
void server_stop(struct server *srv, enum server_stop level);

/* Writes buf to stdout in one piece (under the output lock), unless len is 0. */
void server_out(struct server *srv, const void *buf, size_t len);
/* Writes what a memory BIO holds to stdout in one piece (or to stderr with to_stderr) and
 * empties it. */
void server_out_bio(struct server *srv, BIO *mem, int to_stderr);
/* printf to stdout in one piece. */
void server_outf(struct server *srv, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* --- printing (report.c) ------------------------------------------------------------------- */

/* Output options in the form the printers take. */
struct print_opts server_print_opts(const struct server_config *cfg);

/* The report after a handshake, as openssl prints it: the session PEM, client certificate,
 * "Shared ciphers" (corrected: only suites that could be negotiated), unknown suites the
 * client offered, signature algorithms, groups, "CIPHER is", ... */
void server_print_report(BIO *out, SSL *ssl, const struct print_opts *po);
/* The -brief summary (openssl's server form: with the client's cipher list). */
void server_print_brief(BIO *out, SSL *ssl, const struct print_opts *po);
/* The session cache statistics (the 'S' command, the exit summary, the -www page). */
void server_print_stats(BIO *out, SSL_CTX *ctx);
/* The suites both sides could use, separated by ':' into buf (empty when none). */
void server_shared_ciphers(SSL *ssl, char *buf, size_t len);
/* "0x1A1A(GREASE):0x1301"-style list of what the client offered and libssl does not know;
 * empty when none. */
void server_unknown_ciphers(SSL *ssl, char *buf, size_t len);

#endif
