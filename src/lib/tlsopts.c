/* The option rows both programs share. Rows only record what was asked; tlsctx.c applies it. */
#include "lib/tlsopts.h"
#include "lib/print.h"
#include "lib/newlib.h"

#include <string.h>
#include <openssl/ssl.h>

static int set_vpm(void *cfg, const struct opt_def *def, const struct opt_val *val)
{
    struct tls_common *c = cfg;
    return kvlist_add(&c->verify_params, def->name, val->str);
}

int tls_opt_quiet(void *cfg, const struct opt_def *def, const struct opt_val *val)
{
    struct tls_common *c = cfg;
    (void)def;
    (void)val;
    c->quiet = 1;
    c->ign_eof = 1;
    return 0;
}

int tls_opt_brief(void *cfg, const struct opt_def *def, const struct opt_val *val)
{
    struct tls_common *c = cfg;
    (void)def;
    (void)val;
    c->brief = c->quiet = c->verify_quiet = 1;
    return 0;
}

int tls_opt_nameopt(void *cfg, const struct opt_def *def, const struct opt_val *val)
{
    (void)def;
    if (!print_nameopt_valid(val->str)) {
        opt_error("-nameopt: unknown name option in \"%s\"", val->str);
        return -1;
    }
    ((struct tls_common *)cfg)->nameopt = val->str;
    return 0;
}

int tls_opt_sslconf(void *cfg, const struct opt_def *def, const struct opt_val *val)
{
    struct tls_common *c = cfg;
    if (strncmp(def->name, "no_ssl3", 7) == 0 || strncmp(def->name, "no_tls1", 7) == 0)
        c->no_version_flags++;
    return kvlist_add(&c->ssl_conf, def->name, val->str);
}

int tls_opt_version(void *cfg, const struct opt_def *def, const struct opt_val *val)
{
    struct tls_common *c = cfg;
    (void)val;
    c->version_flags++;
    switch (def->aux) {
    case SSL3_VERSION:
        opt_error("-%s: SSLv3 is not available: the linked OpenSSL was built without it",
                  def->name);
        return -1;
    case DTLS1_VERSION:
    case DTLS1_2_VERSION:
        c->dtls = (int)def->aux;
        c->min_version = c->max_version = (int)def->aux;
        return 0;
    case 1: /* -dtls: any DTLS version */
        c->dtls = 1;
        return 0;
    default:
        c->min_version = c->max_version = (int)def->aux;
        return 0;
    }
}

static int no_sctp(void *cfg, const struct opt_def *def, const struct opt_val *val)
{
    (void)cfg;
    (void)val;
    opt_error("-%s: SCTP is not available: the linked OpenSSL was built without it", def->name);
    return -1;
}

static int add_crl(void *cfg, const struct opt_def *def, const struct opt_val *val)
{
    struct tls_common *c = cfg;
    (void)def;
    return strlist_add(&c->crl_files, val->str);
}

#define VPM_FLAG(name, help) {name, OPT_FLAG, set_vpm, 0, 0, help}
#define VPM_ARG(name, kind, help) {name, kind, set_vpm, 0, 0, help}
#define CONF_FLAG(name, help) {name, OPT_FLAG, tls_opt_sslconf, 0, 0, help}
#define CONF_ARG(name, kind, help) {name, kind, tls_opt_sslconf, 0, 0, help}

const struct opt_def tls_opts_trust[] = {
    OPT_ROW_SECTION("Trust options"),
    {"CAfile", OPT_INFILE, opt_set_str, CFIELD(CAfile), 0, "PEM format file of CA's"},
    {"CApath", OPT_DIR, opt_set_str, CFIELD(CApath), 0, "PEM format directory of CA's"},
    {"CAstore", OPT_URI, opt_set_str, CFIELD(CAstore), 0, "URI to store of CA's"},
    {"no-CAfile", OPT_FLAG, opt_set_true, CFIELD(no_CAfile), 0,
     "Do not load the default certificates file"},
    {"no-CApath", OPT_FLAG, opt_set_true, CFIELD(no_CApath), 0,
     "Do not load certificates from the default certificates directory"},
    {"no-CAstore", OPT_FLAG, opt_set_true, CFIELD(no_CAstore), 0,
     "Do not load certificates from the default certificates store"},
    CONF_ARG("chainCAfile", OPT_INFILE, "CA file for certificate chain (PEM format)"),
    CONF_ARG("chainCApath", OPT_DIR, "Use dir as certificate store path to build CA chain"),
    CONF_ARG("chainCAstore", OPT_URI, "CA store URI for certificate chain"),
    CONF_ARG("verifyCAfile", OPT_INFILE, "CA file for certificate verification (PEM format)"),
    CONF_ARG("verifyCApath", OPT_DIR, "Use dir as certificate store path to verify CA certificate"),
    CONF_ARG("verifyCAstore", OPT_URI, "CA store URI for certificate verification"),
    {"CRL", OPT_INFILE, add_crl, 0, 0, "CRL file to use (may be given more than once)"},
    {"CRLform", OPT_FORMAT, opt_set_int, CFIELD(crlform), 0, "CRL format (PEM or DER); default PEM"},
    {"crl_download", OPT_FLAG, opt_set_true, CFIELD(crl_download), 0,
     "Download CRLs from distribution points"},
    {"verify_return_error", OPT_FLAG, opt_set_true, CFIELD(verify_return_error), 0,
     "Close connection on verification error"},
    {"verify_quiet", OPT_FLAG, opt_set_true, CFIELD(verify_quiet), 0,
     "Restrict verify output to errors"},
    OPT_ROW_END,
};

const struct opt_def tls_opts_verify[] = {
    OPT_ROW_SECTION("Validation options"),
    VPM_ARG("policy", OPT_STRING, "adds policy to the acceptable policy set"),
    VPM_ARG("purpose", OPT_STRING, "certificate chain purpose"),
    VPM_ARG("verify_name", OPT_STRING, "verification policy name"),
    VPM_ARG("verify_depth", OPT_INT, "chain depth limit"),
    VPM_ARG("auth_level", OPT_INT, "chain authentication security level"),
    VPM_ARG("attime", OPT_INTMAX, "verification epoch time"),
    VPM_ARG("verify_hostname", OPT_STRING, "expected peer hostname"),
    VPM_ARG("verify_email", OPT_STRING, "expected peer email"),
    VPM_ARG("verify_ip", OPT_STRING, "expected peer IP address"),
    VPM_FLAG("ignore_critical", "permit unhandled critical extensions"),
    VPM_FLAG("issuer_checks", "(deprecated, no effect)"),
    VPM_FLAG("crl_check", "check leaf certificate revocation"),
    VPM_FLAG("crl_check_all", "check full chain revocation"),
    VPM_FLAG("policy_check", "perform rfc5280 policy checks"),
    VPM_FLAG("explicit_policy", "set policy variable require-explicit-policy"),
    VPM_FLAG("inhibit_any", "set policy variable inhibit-any-policy"),
    VPM_FLAG("inhibit_map", "set policy variable inhibit-policy-mapping"),
    VPM_FLAG("x509_strict", "disable certificate compatibility work-arounds"),
    VPM_FLAG("extended_crl", "enable extended CRL features"),
    VPM_FLAG("use_deltas", "use delta CRLs"),
    VPM_FLAG("policy_print", "print policy processing diagnostics"),
    VPM_FLAG("check_ss_sig", "check root CA self-signatures"),
    VPM_FLAG("trusted_first", "search trust store first (default)"),
    VPM_FLAG("suiteB_128_only", "Suite B 128-bit-only mode"),
    VPM_FLAG("suiteB_128", "Suite B 128-bit mode allowing 192-bit algorithms"),
    VPM_FLAG("suiteB_192", "Suite B 192-bit-only mode"),
    VPM_FLAG("partial_chain", "accept chains anchored by intermediate trust-store CAs"),
    VPM_FLAG("no_alt_chains", "(deprecated) do not look for alternative chains"),
    VPM_FLAG("no_check_time", "ignore certificate validity time"),
    VPM_FLAG("allow_proxy_certs", "allow the use of proxy certificates"),
    OPT_ROW_END,
};

const struct opt_def tls_opts_versions[] = {
    OPT_ROW_SECTION("Protocol and version options"),
    {"ssl3", OPT_FLAG, tls_opt_version, 0, SSL3_VERSION, "Just use SSLv3 (not in this build)"},
    {"tls1", OPT_FLAG, tls_opt_version, 0, TLS1_VERSION, "Just use TLSv1"},
    {"tls1_1", OPT_FLAG, tls_opt_version, 0, TLS1_1_VERSION, "Just use TLSv1.1"},
    {"tls1_2", OPT_FLAG, tls_opt_version, 0, TLS1_2_VERSION, "Just use TLSv1.2"},
    {"tls1_3", OPT_FLAG, tls_opt_version, 0, TLS1_3_VERSION, "Just use TLSv1.3"},
    {"dtls", OPT_FLAG, tls_opt_version, 0, 1, "Use any version of DTLS"},
    {"dtls1", OPT_FLAG, tls_opt_version, 0, DTLS1_VERSION, "Just use DTLSv1"},
    {"dtls1_2", OPT_FLAG, tls_opt_version, 0, DTLS1_2_VERSION, "Just use DTLSv1.2"},
    {"timeout", OPT_FLAG, opt_set_true, CFIELD(dtls_timeout), 0,
     "Enable send/receive timeout on DTLS connections"},
    {"mtu", OPT_UINT, opt_set_int, CFIELD(mtu), 0, "Set the link layer MTU"},
    {"sctp", OPT_FLAG, no_sctp, 0, 0, "Use SCTP (not in this build)"},
    {"sctp_label_bug", OPT_FLAG, no_sctp, 0, 0, "Enable SCTP label length bug (not in this build)"},
    OPT_ROW_END,
};

const struct opt_def tls_opts_sslconf[] = {
    OPT_ROW_SECTION("TLS/SSL options"),
    CONF_FLAG("no_ssl3", "Just disable SSLv3"),
    CONF_FLAG("no_tls1", "Just disable TLSv1"),
    CONF_FLAG("no_tls1_1", "Just disable TLSv1.1"),
    CONF_FLAG("no_tls1_2", "Just disable TLSv1.2"),
    CONF_FLAG("no_tls1_3", "Just disable TLSv1.3"),
    CONF_FLAG("bugs", "Turn on SSL bug compatibility"),
    CONF_FLAG("no_comp", "Disable SSL/TLS compression (default)"),
    CONF_FLAG("comp", "Use SSL/TLS-level compression"),
    CONF_FLAG("no_ticket", "Disable use of TLS session tickets"),
    CONF_FLAG("serverpref", "Use server's cipher preferences (server only)"),
    CONF_FLAG("legacy_renegotiation", "Enable use of legacy renegotiation (dangerous)"),
    CONF_FLAG("client_renegotiation", "Allow client-initiated renegotiation (server only)"),
    CONF_FLAG("no_renegotiation", "Disable all renegotiation."),
    CONF_FLAG("legacy_server_connect", "Allow initial connection to servers that don't support RI"),
    CONF_FLAG("no_resumption_on_reneg", "Disallow session resumption on renegotiation"),
    CONF_FLAG("no_legacy_server_connect", "Disallow initial connection to servers without RI"),
    CONF_FLAG("allow_no_dhe_kex", "In TLSv1.3 allow non-(ec)dhe based key exchange on resumption"),
    CONF_FLAG("prioritize_chacha", "Prioritize ChaCha ciphers when preferred by clients"),
    CONF_FLAG("strict", "Enforce strict certificate checks as per TLS standard"),
    CONF_ARG("sigalgs", OPT_STRING, "Signature algorithms to support (colon-separated list)"),
    CONF_ARG("client_sigalgs", OPT_STRING,
             "Signature algorithms to support for client certificate authentication"),
    CONF_ARG("groups", OPT_STRING, "Groups to advertise (colon-separated list)"),
    CONF_ARG("curves", OPT_STRING, "Groups to advertise (colon-separated list)"),
    CONF_ARG("named_curve", OPT_STRING, "Elliptic curve used for ECDHE (server-side only)"),
    CONF_ARG("cipher", OPT_STRING, "Specify TLSv1.2 and below cipher list to be used"),
    CONF_ARG("ciphersuites", OPT_STRING, "Specify TLSv1.3 ciphersuites to be used"),
    CONF_ARG("min_protocol", OPT_STRING, "Specify the minimum protocol version to be used"),
    CONF_ARG("max_protocol", OPT_STRING, "Specify the maximum protocol version to be used"),
    CONF_ARG("record_padding", OPT_STRING, "Block size to pad TLS 1.3 records to."),
    CONF_FLAG("debug_broken_protocol", "Perform protocol violations for testing (no effect)"),
    CONF_FLAG("no_middlebox", "Disable TLSv1.3 middlebox compat mode"),
    CONF_FLAG("no_etm", "Disable Encrypt-then-Mac extension"),
    CONF_FLAG("anti_replay", "Switch on anti-replay protection (default; server only)"),
    CONF_FLAG("no_anti_replay", "Switch off anti-replay protection (server only)"),
    {"ssl_config", OPT_STRING, opt_set_str, CFIELD(ssl_config), 0,
     "Use specified section for SSL_CTX configuration"},
    OPT_ROW_END,
};

const struct opt_def tls_opts_xcert[] = {
    OPT_ROW_SECTION("Extended certificate options"),
    {"xkey", OPT_INFILE, opt_append_str, CFIELD(xkey), 0, "key for Extended certificates"},
    {"xcert", OPT_INFILE, opt_append_str, CFIELD(xcert), 0, "cert for Extended certificates"},
    {"xchain", OPT_INFILE, opt_append_str, CFIELD(xchain), 0, "chain for Extended certificates"},
    {"xchain_build", OPT_FLAG, opt_set_true, CFIELD(xchain_build), 0,
     "build certificate chain for the extended certificates"},
    {"xcertform", OPT_FORMAT, opt_set_int, CFIELD(xcertform), 0,
     "format of Extended certificate (PEM/DER)"},
    {"xkeyform", OPT_FORMAT, opt_set_int, CFIELD(xkeyform), 0,
     "format of Extended certificate's key (PEM/DER)"},
    OPT_ROW_END,
};

const struct opt_def tls_opts_provider[] = {
    OPT_ROW_SECTION("Provider options"),
    {"provider-path", OPT_STRING, opt_set_str, CFIELD(provider_path), 0,
     "Provider load path (must be before 'provider' argument if required)"},
    {"provider", OPT_STRING, opt_append_str, CFIELD(providers), 0,
     "Provider to load (can be specified multiple times)"},
    {"propquery", OPT_STRING, opt_set_str, CFIELD(propquery), 0,
     "Property query used when fetching algorithms"},
    {"engine", OPT_STRING, opt_set_str, CFIELD(engine), 0,
     "Use engine, possibly a hardware device"},
    OPT_ROW_SECTION("Random state options"),
    {"rand", OPT_STRING, opt_append_str, CFIELD(rand_files), 0,
     "Load the given file(s) into the random number generator"},
    {"writerand", OPT_OUTFILE, opt_set_str, CFIELD(writerand), 0,
     "Write random data to the specified file"},
    OPT_ROW_END,
};

void tls_common_init(struct tls_common *c, enum tls_role role)
{
    c->role = role;
    c->verify_depth = -1;
    c->id.certform = c->id.keyform = FORMAT_PEM;
    c->crlform = FORMAT_PEM;
    c->keymatexportlen = 20;
}

void tls_common_free(struct tls_common *c)
{
    strlist_free(&c->xcert);
    strlist_free(&c->xkey);
    strlist_free(&c->xchain);
    strlist_free(&c->crl_files);
    strlist_free(&c->providers);
    strlist_free(&c->rand_files);
    kvlist_free(&c->verify_params);
    kvlist_free(&c->ssl_conf);
    tls_newlib_free(&c->newlib);
}
