/* s_server's private interface: its settings and the steps main() runs. */
#ifndef TLSTOOL_SERVER_H
#define TLSTOOL_SERVER_H

#include "lib/config.h"
#include "lib/opt.h"
#include "lib/print.h"

#include <openssl/ssl.h>

/* What the server does with a connection once the handshake is done. */
enum server_mode {
    MODE_INTERACTIVE, /* stdin <-> peer, one connection at a time */
    MODE_WWW,         /* -www: a status page for any GET */
    MODE_WWW_FILES,   /* -WWW: files below the current directory, headers made up */
    MODE_HTTP,        /* -HTTP: files that hold their own headers */
    MODE_REV,         /* -rev: each line sent back reversed */
};

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
    int workers;

    /* the command line, shown on the -www page */
    char cmdline[1024];
};

extern const struct opt_prog server_prog;

void server_config_init(struct server_config *cfg);
void server_config_free(struct server_config *cfg);
/* Checks option combinations and fills derived values. Returns 0 or -1 (reported). */
int server_config_finish(struct server_config *cfg, int argc, char **argv);

/* The server's contexts: the main one, and the -servername one when asked (NULL otherwise).
 * Returns 0 or -1 (reported; nothing to free then). */
int server_ctx_new(struct server_config *cfg, SSL_CTX **main_ctx, SSL_CTX **sni_ctx);

/* When no -cert is given and ./server.pem does not exist: an ephemeral self-signed P-256
 * certificate for localhost, 127.0.0.1 and ::1, installed into ctx and announced on stderr
 * with its SHA-256 fingerprint. Returns 0 or -1 (reported). */
int server_use_ephemeral_cert(SSL_CTX *ctx);

/* Accepts and serves connections until -naccept is reached or a quit command. Returns the
 * exit status. */
int server_run(struct server_config *cfg, SSL_CTX *ctx);

/* Output options in the form the printers take. */
struct print_opts server_print_opts(const struct server_config *cfg);

#endif
