/* The settings of the newer-library options (lib/newlib.h), as a plain struct that
 * struct tls_common embeds; kept apart so config.h stays free of OpenSSL headers. */
#ifndef TLSTOOL_NEWLIB_CONFIG_H
#define TLSTOOL_NEWLIB_CONFIG_H

#include "lib/strlist.h"

struct tls_newlib {
    int cert_comp;                        /* -cert_comp: pre-compress the server's certificates */
    int no_tx_cert_comp, no_rx_cert_comp; /* RFC 8879 off for sending / receiving */
    int server_rpk, client_rpk;           /* -enable_{server,client}_rpk (RFC 7250) */
    const char *expected_rpks;            /* -expected-rpks: PEM public keys to accept */
    int no_ems, prefer_no_dhe_kex;
    struct strlist provparams;            /* -provparam [name:]key=value, in order */
    int tfo, ktls, quic;
};

#endif
