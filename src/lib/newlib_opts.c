/* Option rows for what newer libssl releases add. Every build has every row; where the headers
 * we compile against lack the feature, the row's setter refuses with the release it needs. */
#include "lib/newlib.h"
#include "lib/tlsopts.h"

#include <string.h>

#define NFIELD(member) CFIELD(newlib.member)

/* Which release brought each option that a build may lack. */
static const struct {
    const char *name, *release;
} needs[] = {
    {"cert_comp", NEEDS_CERT_COMP},         {"no_tx_cert_comp", NEEDS_CERT_COMP},
    {"no_rx_cert_comp", NEEDS_CERT_COMP},   {"enable_server_rpk", NEEDS_RPK},
    {"enable_client_rpk", NEEDS_RPK},       {"expected-rpks", NEEDS_RPK},
    {"prefer_no_dhe_kex", NEEDS_PREFER_NO_DHE_KEX}, {"provparam", NEEDS_PROVPARAM},
    {"quic", NEEDS_QUIC_CLIENT},
};

/* The setter of a row whose feature this build lacks. */
static int needs_newer(void *cfg, const struct opt_def *def, const struct opt_val *val)
{
    const char *release = "a newer release";
    (void)cfg;
    (void)val;
    for (size_t i = 0; i < sizeof(needs) / sizeof(needs[0]); i++)
        if (strcmp(needs[i].name, def->name) == 0)
            release = needs[i].release;
    /* the server's -quic needs the 3.5 listener API, the client's only 3.2's client method */
    if (strcmp(def->name, "quic") == 0 && strcmp(opt_progname(), "s_server") == 0)
        release = NEEDS_QUIC_SERVER;
    opt_error("-%s needs OpenSSL %s or later; this build uses OpenSSL %s", def->name, release,
              OPENSSL_VERSION_STR);
    return -1;
}

#ifdef HAVE_PROVPARAM
static int add_provparam(void *cfg, const struct opt_def *def, const struct opt_val *val)
{
    struct tls_common *c = cfg;
    const char *eq = strchr(val->str, '=');
    const char *colon = strchr(val->str, ':');
    (void)def;
    /* the key (after an optional "provider:") must not be empty */
    const char *key = colon != NULL && colon < eq ? colon + 1 : val->str;
    if (eq == NULL || eq == key) {
        opt_error("malformed '-provparam' option value: '%s'", val->str);
        return -1;
    }
    return strlist_add(&c->newlib.provparams, val->str);
}
#endif

#ifdef HAVE_CERT_COMP
#define IF_CERT_COMP(setter) setter
#else
#define IF_CERT_COMP(setter) needs_newer
#endif
#ifdef HAVE_RPK
#define IF_RPK(setter) setter
#else
#define IF_RPK(setter) needs_newer
#endif
#ifdef HAVE_PREFER_NO_DHE_KEX
#define IF_PREFER_NO_DHE_KEX(setter) setter
#else
#define IF_PREFER_NO_DHE_KEX(setter) needs_newer
#endif
#ifdef HAVE_PROVPARAM
#define IF_PROVPARAM(setter) setter
#else
#define IF_PROVPARAM(setter) needs_newer
#endif
/* The client needs the 3.2 QUIC client, the server 3.5's listener: the row is shared, so the
 * server checks again when it starts (server/quic.c). */
#ifdef HAVE_QUIC_CLIENT
#define IF_QUIC(setter) setter
#else
#define IF_QUIC(setter) needs_newer
#endif

const struct opt_def tls_opts_newlib[] = {
    OPT_ROW_SECTION("Newer library options"),
    {"quic", OPT_FLAG, IF_QUIC(opt_set_true), NFIELD(quic), 0,
     "Use QUIC (the client needs -alpn)"},
    {"tfo", OPT_FLAG, opt_set_true, NFIELD(tfo), 0,
     "Use TCP Fast Open (client: connect with it; server: accept it)"},
    {"ktls", OPT_FLAG, opt_set_true, NFIELD(ktls), 0,
     "Enable Kernel TLS for sending and receiving"},
    {"no_tx_cert_comp", OPT_FLAG, IF_CERT_COMP(opt_set_true), NFIELD(no_tx_cert_comp), 0,
     "Disable sending TLSv1.3 compressed certificates"},
    {"no_rx_cert_comp", OPT_FLAG, IF_CERT_COMP(opt_set_true), NFIELD(no_rx_cert_comp), 0,
     "Disable receiving TLSv1.3 compressed certificates"},
    {"enable_server_rpk", OPT_FLAG, IF_RPK(opt_set_true), NFIELD(server_rpk), 0,
     "Enable raw public keys (RFC7250) from the server"},
    {"enable_client_rpk", OPT_FLAG, IF_RPK(opt_set_true), NFIELD(client_rpk), 0,
     "Enable raw public keys (RFC7250) from the client"},
    {"no_ems", OPT_FLAG, opt_set_true, NFIELD(no_ems), 0,
     "Disable the Extended master secret extension"},
    {"prefer_no_dhe_kex", OPT_FLAG, IF_PREFER_NO_DHE_KEX(opt_set_true), NFIELD(prefer_no_dhe_kex),
     0, "Prefer a non-(EC)DHE key exchange on TLSv1.3 resumption"},
    {"provparam", OPT_STRING, IF_PROVPARAM(add_provparam), 0, 0,
     "Set a provider key-value parameter ([provider:]key=value)"},
    OPT_ROW_END,
};

const struct opt_def tls_opts_newlib_client[] = {
    {"expected-rpks", OPT_INFILE, IF_RPK(opt_set_str), NFIELD(expected_rpks), 0,
     "PEM file of public keys the server's raw public key must match"},
    OPT_ROW_END,
};

const struct opt_def tls_opts_newlib_server[] = {
    {"cert_comp", OPT_FLAG, IF_CERT_COMP(opt_set_true), NFIELD(cert_comp), 0,
     "Pre-compress server certificates"},
    OPT_ROW_END,
};

int newlib_opt_available(const struct opt_def *def)
{
    return def->set != needs_newer;
}

void tls_newlib_free(struct tls_newlib *n)
{
    strlist_free(&n->provparams);
}
