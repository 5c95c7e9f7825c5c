/* The plain settings both programs share. Each program's config struct starts with a
 * struct tls_common, so one option table can fill either program's config. */
#ifndef TLSTOOL_CONFIG_H
#define TLSTOOL_CONFIG_H

#include "lib/newlib_config.h"
#include "lib/strlist.h"

/* Which side of the handshake a program plays; picks SSL_CONF flags and defaults. */
enum tls_role { ROLE_CLIENT, ROLE_SERVER };

/* One certificate with its key and chain, as -cert/-key/-cert_chain (or -xcert...) give it. */
struct cert_spec {
    const char *cert, *key, *chain, *pass;
    int certform, keyform; /* enum opt_format */
    int build_chain;
};

struct tls_common {
    enum tls_role role;

    /* identity */
    struct cert_spec id;
    struct strlist xcert, xkey, xchain; /* -xcert/-xkey/-xchain, paired by position */
    int xchain_build, xcertform, xkeyform;

    /* trust */
    const char *CAfile, *CApath, *CAstore;
    int no_CAfile, no_CApath, no_CAstore;
    struct strlist crl_files;
    int crlform, crl_download;
    int verify_depth;          /* -verify N (client), or -verify/-Verify N (server); -1 unset */
    int verify_return_error, verify_quiet;
    struct kvlist verify_params; /* verify(1) options, applied to an X509_VERIFY_PARAM */

    /* protocol versions: TLS1_VERSION... or 0 for the library's default */
    int min_version, max_version;
    int dtls; /* 0: TLS; 1: DTLS (any); DTLS1_VERSION or DTLS1_2_VERSION */

    /* handed to SSL_CONF_cmd() in order: ciphers, groups, sigalgs, -no_* flags, ... */
    struct kvlist ssl_conf;
    const char *ssl_config; /* -ssl_config section */

    /* library */
    struct strlist providers;
    const char *provider_path, *propquery, *engine;
    struct strlist rand_files;
    const char *writerand;
    const char *nameopt;

    /* what to show */
    int quiet, brief, debug, msg, state, trace, tlsextdebug;
    int security_debug, security_debug_verbose;
    const char *msgfile, *keylogfile;
    const char *keymatexport;
    int keymatexportlen;
    int json;   /* -json: one JSON object per connection on stdout instead of the reports */
    int timing; /* -timing (client): the time each step of a connection took, on stderr */

    /* I/O */
    int crlf, ign_eof, nbio, nbio_test, async, ignore_unexpected_eof;
    int max_send_frag, split_send_frag, max_pipelines, read_buf;

    /* extensions and sessions shared by both sides */
    const char *alpn, *nextprotoneg, *use_srtp;
    const char *psk_identity, *psk, *psk_session;
    const char *serverinfo;
    int status, enable_pha, no_ticket_seen;
    int mtu, dtls_timeout;

    /* how many protocol flags (-tls1_2, -dtls, ...) and -no_<protocol> flags were given, for
     * the programs' "only one protocol flag" checks */
    int version_flags, no_version_flags;

    /* what newer libraries add: QUIC, TFO, KTLS, certificate compression, raw public keys */
    struct tls_newlib newlib;
};

/* Fills the defaults a fresh config needs (everything else is zero). */
void tls_common_init(struct tls_common *c, enum tls_role role);
void tls_common_free(struct tls_common *c);

#endif
