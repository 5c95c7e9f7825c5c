/* The clear-text dialogues that s_client -starttls runs before the TLS handshake, one per
 * application protocol, picked by name.
 *
 * How s_client calls it: after the TCP connect and before SSL_set_fd()/SSL_connect():
 *
 *     struct starttls_opts so = {.proto = cfg->starttls, .name = cfg->starttls_name,
 *                                .host = connect_host, .timeout_ms = 0, .debug = NULL};
 *     char why[512];
 *     if (starttls_negotiate(fd, &so, why, sizeof(why)) < 0) {
 *         err_msg("%s", why);   // one line, e.g. "smtp: server does not offer STARTTLS (...)"
 *         exit code 1
 *     }
 *
 * -xmpphost is the same as -name (the last one given wins). Set .trace to feed the -debug hex
 * dump with the clear-text bytes, as openssl's -debug shows them. Option parsing should reject an
 * unknown -starttls name with starttls_known() and can list starttls_names() in its message. */
#ifndef TLSTOOL_PROTO_STARTTLS_H
#define TLSTOOL_PROTO_STARTTLS_H

#include <stddef.h>
#include <stdio.h>

struct lr_io;

struct starttls_opts {
    const char *proto; /* name as given to -starttls */
    const char *name;  /* -name / -xmpphost; NULL = default: "mail.example.com" for the smtp
                          and lmtp EHLO/LHLO, the connect host for the xmpp 'to' */
    const char *host;  /* host part of -connect, the default xmpp 'to' */
    int timeout_ms;    /* bound on each wait for a reply and each write; <= 0 means 30000 */
    FILE *debug;       /* if non-NULL, the clear-text dialogue is written here, one line per
                          message, "<<< " for the server's and ">>> " for ours; may be NULL */
    /* Optional: called with every chunk of clear-text bytes read (written == 0) or written
     * (written == 1), e.g. to hex-dump them for -debug. NULL for none. */
    void (*trace)(void *arg, int written, const void *buf, size_t len);
    void *trace_arg;
};

/* Returns 1 if proto names a supported protocol, else 0. */
int starttls_known(const char *proto);

/* NULL-terminated list of the protocol names, in the order openssl lists them. */
const char *const *starttls_names(void);

/* Runs the pre-TLS dialogue on the connected socket fd (blocking or not; every wait is a
 * poll() bounded by o->timeout_ms). Returns 0 when the peer is ready for the TLS ClientHello,
 * or -1 with a one-line reason in err that starts with the protocol name and quotes the
 * server's reply, sanitised and truncated ("smtp: server does not offer STARTTLS (EHLO reply:
 * '250-...')"). Never consumes a byte past the server's last clear-text reply, so the TLS
 * records that follow stay in the socket. Does not close fd. */
int starttls_negotiate(int fd, const struct starttls_opts *o, char *err, size_t errlen);

/* As starttls_negotiate() over any transport (unit tests and the fuzzer use memory). */
int starttls_negotiate_io(const struct lr_io *io, const struct starttls_opts *o, char *err,
                          size_t errlen);

#endif
