/* s_client's option table: every option declared once, grouped as -help shows them, and the
 * checks of combinations openssl refuses. */
#include "client/client.h"
#include "lib/conninfo.h"
#include "lib/err.h"
#include "lib/tlsopts.h"

#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define F(member) offsetof(struct client_config, member)

/* Records which kind of target an option names; openssl refuses -unix mixed with the
 * internet ones. */
static void note_conn_kind(struct client_config *c, enum client_conn_kind kind)
{
    /* 1: internet flags after -unix; 2: -unix after internet flags (openssl words each) */
    if (c->conn_kind != CONN_UNSET && c->conn_kind != kind && c->conn_mixed == 0)
        c->conn_mixed = kind == CONN_INET ? 1 : 2;
    c->conn_kind = kind;
}

static int set_family(void *cfg, const struct opt_def *def, const struct opt_val *val)
{
    struct client_config *c = cfg;
    (void)val;
    c->family = (int)def->aux;
    c->family_flags++;
    note_conn_kind(c, CONN_INET);
    return 0;
}

static int set_inet_str(void *cfg, const struct opt_def *def, const struct opt_val *val)
{
    note_conn_kind(cfg, CONN_INET);
    return opt_set_str(cfg, def, val);
}

static int set_unix(void *cfg, const struct opt_def *def, const struct opt_val *val)
{
    note_conn_kind(cfg, CONN_UNIX);
    return opt_set_str(cfg, def, val);
}

static int set_verify(void *cfg, const struct opt_def *def, const struct opt_val *val)
{
    struct client_config *c = cfg;
    (void)def;
    c->common.verify_depth = (int)val->num;
    c->verify_given = 1;
    /* openssl says so as it parses, so an earlier -quiet or -brief silences it */
    if (!c->common.quiet)
        fprintf(stderr, "verify depth is %d\n", c->common.verify_depth);
    return 0;
}

static int set_psk(void *cfg, const struct opt_def *def, const struct opt_val *val)
{
    for (const char *p = val->str; *p != '\0'; p++) {
        if (!isxdigit((unsigned char)*p)) {
            opt_error("-psk: not a hex number: '%s'", val->str);
            return -1;
        }
    }
    return opt_set_str(cfg, def, val);
}

static int set_serverinfo(void *cfg, const struct opt_def *def, const struct opt_val *val)
{
    struct client_config *c = cfg;
    const int max = (int)(sizeof(c->serverinfo_types) / sizeof(c->serverinfo_types[0]));
    (void)def;
    c->serverinfo_count = 0;
    for (const char *p = val->str; *p != '\0';) {
        size_t len = strcspn(p, ",");
        char num[16];
        long long v;
        if (len == 0 || len >= sizeof(num))
            goto bad;
        memcpy(num, p, len);
        num[len] = '\0';
        if (opt_parse_ll(num, 0, 65535, &v) < 0 || c->serverinfo_count >= max)
            goto bad;
        c->serverinfo_types[c->serverinfo_count++] = (unsigned int)v;
        p += len;
        if (*p == ',')
            p++;
    }
    return 0;
bad:
    opt_error("-serverinfo: expected up to %d comma-separated extension numbers (0-65535), "
              "got \"%s\"", max, val->str);
    return -1;
}

static int set_maxfraglen(void *cfg, const struct opt_def *def, const struct opt_val *val)
{
    (void)def;
    switch (val->num) {
    case 512:
    case 1024:
    case 2048:
    case 4096:
        ((struct client_config *)cfg)->maxfraglen = (int)val->num;
        return 0;
    default:
        opt_error("-maxfraglen: %s is not one of 512, 1024, 2048, 4096", val->str);
        return -1;
    }
}

static int set_srp_strength(void *cfg, const struct opt_def *def, const struct opt_val *val)
{
    /* openssl announces it while parsing */
    fprintf(stderr, "SRP minimal length for N is %lld\n", val->num);
    return opt_set_int(cfg, def, val);
}

static int set_connect(void *cfg, const struct opt_def *def, const struct opt_val *val)
{
    struct client_config *c = cfg;
    if (c->target_given) {
        opt_error("cannot provide both -connect option and target parameter");
        return -1;
    }
    return set_inet_str(cfg, def, val);
}

static int positional(void *cfg, const char *arg)
{
    struct client_config *c = cfg;
    if (c->connect != NULL) {
        opt_error("cannot provide both -connect option and target parameter (\"%s\")", arg);
        return -1;
    }
    note_conn_kind(c, CONN_INET);
    c->connect = arg;
    c->target_given = 1;
    return 0;
}

static const struct opt_def client_general[] = {
    OPT_ROW_SECTION("General options"),
    {"help", OPT_HELP, NULL, 0, 0, "Display this summary"},
    {"version", OPT_VERSION, NULL, 0, 0, "Print our version and the linked OpenSSL version"},
    {"ssl_client_engine", OPT_STRING, opt_set_str, F(ssl_client_engine), 0,
     "Specify engine to be used for client certificate operations"},
    {"ct", OPT_FLAG, opt_set_const, F(ct), 1,
     "Request and parse SCTs (also enables OCSP stapling)"},
    {"noct", OPT_FLAG, opt_set_const, F(ct), 0, "Do not request or parse SCTs (default)"},
    {"ctlogfile", OPT_INFILE, opt_set_str, F(ctlogfile), 0, "CT log list CONF file"},
    OPT_ROW_SECTION("Network options"),
    {"host", OPT_STRING, set_inet_str, F(host), 0, "Use -connect instead"},
    {"port", OPT_UINT, set_inet_str, F(port), 0, "Use -connect instead"},
    {"connect", OPT_STRING, set_connect, F(connect), 0, "TCP/IP where to connect; default: 4433"},
    {"bind", OPT_STRING, opt_set_str, F(bind), 0, "bind local address for connection"},
    {"proxy", OPT_STRING, opt_set_str, F(proxy), 0,
     "Connect to via specified proxy to the real server"},
    {"proxy_user", OPT_STRING, opt_set_str, F(proxy_user), 0, "UserID for proxy authentication"},
    {"proxy_pass", OPT_STRING, opt_set_str, F(proxy_pass), 0,
     "Proxy authentication password source"},
    {"unix", OPT_STRING, set_unix, F(unix_path), 0,
     "Connect over the specified Unix-domain socket"},
    {"4", OPT_FLAG, set_family, 0, AF_INET, "Use IPv4 only"},
    {"6", OPT_FLAG, set_family, 0, AF_INET6, "Use IPv6 only"},
    {"maxfraglen", OPT_UINT, set_maxfraglen, 0, 0,
     "Enable Maximum Fragment Length Negotiation (512, 1024, 2048 or 4096)"},
    {"max_send_frag", OPT_UINT, opt_set_int, CFIELD(max_send_frag), 0,
     "Maximum Size of send frames"},
    {"split_send_frag", OPT_UINT, opt_set_int, CFIELD(split_send_frag), 0,
     "Size used to split data for encrypt pipelines"},
    {"max_pipelines", OPT_UINT, opt_set_int, CFIELD(max_pipelines), 0,
     "Maximum number of encrypt/decrypt pipelines to be used"},
    {"read_buf", OPT_UINT, opt_set_int, CFIELD(read_buf), 0,
     "Default read buffer size to be used for connections"},
    {"fallback_scsv", OPT_FLAG, opt_set_true, F(fallback_scsv), 0, "Send the fallback SCSV"},
    {"connect_timeout", OPT_UINT, opt_set_int, F(connect_timeout), 0,
     "Seconds allowed for name resolution and TCP connect (default: no limit)"},
    OPT_ROW_SECTION("Identity options"),
    {"cert", OPT_INFILE, opt_set_str, CFIELD(id.cert), 0, "Client certificate file to use"},
    {"certform", OPT_FORMAT, opt_set_int, CFIELD(id.certform), 0,
     "Client certificate file format (PEM/DER/P12); detected automatically"},
    {"cert_chain", OPT_INFILE, opt_set_str, CFIELD(id.chain), 0,
     "Client certificate chain file (in PEM format)"},
    {"build_chain", OPT_FLAG, opt_set_true, CFIELD(id.build_chain), 0,
     "Build client certificate chain"},
    {"key", OPT_STRING, opt_set_str, CFIELD(id.key), 0,
     "Private key file to use; default: -cert file"},
    {"keyform", OPT_KEYFORMAT, opt_set_int, CFIELD(id.keyform), 0,
     "Key format (PEM/DER/P12); detected automatically"},
    {"pass", OPT_STRING, opt_set_str, CFIELD(id.pass), 0,
     "Private key and cert file pass phrase source"},
    {"verify", OPT_UINT, set_verify, 0, 0, "Turn on peer certificate verification"},
    {"nameopt", OPT_STRING, tls_opt_nameopt, 0, 0,
     "Certificate subject/issuer name printing options"},
    {"requestCAfile", OPT_INFILE, opt_set_str, F(requestCAfile), 0,
     "PEM format file of CA names to send to the server"},
    {"dane_tlsa_domain", OPT_STRING, opt_set_str, F(dane_tlsa_domain), 0, "DANE TLSA base domain"},
    {"dane_tlsa_rrdata", OPT_STRING, opt_append_str, F(dane_tlsa_rrdata), 0,
     "DANE TLSA rrdata presentation form"},
    {"dane_ee_no_namechecks", OPT_FLAG, opt_set_true, F(dane_ee_no_namechecks), 0,
     "Disable name checks when matching DANE-EE(3) TLSA records"},
    {"psk_identity", OPT_STRING, opt_set_str, CFIELD(psk_identity), 0, "PSK identity"},
    {"psk", OPT_STRING, set_psk, CFIELD(psk), 0, "PSK in hex (without 0x)"},
    {"psk_session", OPT_INFILE, opt_set_str, CFIELD(psk_session), 0,
     "File to read PSK SSL session from"},
    {"name", OPT_STRING, opt_set_str, F(starttls_name), 0,
     "Hostname to use for \"-starttls lmtp\", \"-starttls smtp\" or \"-starttls xmpp[-server]\""},
    OPT_ROW_SECTION("Session options"),
    {"reconnect", OPT_FLAG, opt_set_true, F(reconnect), 0,
     "Drop and re-make the connection with the same Session-ID"},
    {"sess_out", OPT_OUTFILE, opt_set_str, F(sess_out), 0, "File to write SSL session to"},
    {"sess_in", OPT_INFILE, opt_set_str, F(sess_in), 0, "File to read SSL session from"},
    OPT_ROW_SECTION("Input/Output options"),
    {"crlf", OPT_FLAG, opt_set_true, CFIELD(crlf), 0, "Convert LF from terminal into CRLF"},
    {"quiet", OPT_FLAG, tls_opt_quiet, 0, 0, "No s_client output"},
    {"ign_eof", OPT_FLAG, opt_set_true, CFIELD(ign_eof), 0,
     "Ignore input eof (default when -quiet)"},
    {"no_ign_eof", OPT_FLAG, opt_set_false, CFIELD(ign_eof), 0, "Don't ignore input eof"},
    {"starttls", OPT_STRING, opt_set_str, F(starttls), 0,
     "Use the appropriate STARTTLS command before starting TLS"},
    {"xmpphost", OPT_STRING, opt_set_str, F(starttls_name), 0,
     "Alias of -name option for \"-starttls xmpp[-server]\""},
    {"brief", OPT_FLAG, tls_opt_brief, 0, 0,
     "Restrict output to brief summary of connection parameters"},
    {"prexit", OPT_FLAG, opt_set_true, F(prexit), 0,
     "Print session information after each (re)negotiation and when the program exits"},
    {"handshake_timeout", OPT_UINT, opt_set_int, F(handshake_timeout), 0,
     "Seconds allowed for STARTTLS and the TLS handshake (default: no limit)"},
    {"json", OPT_FLAG, conninfo_opt_json, 0, 0,
     "One JSON object per connection on stdout instead of the reports; errors too"},
    {"timing", OPT_FLAG, opt_set_true, CFIELD(timing), 0,
     "Print the time resolve, connect, STARTTLS, handshake and first byte took"},
    OPT_ROW_SECTION("Debug options"),
    {"showcerts", OPT_FLAG, opt_set_true, F(showcerts), 0,
     "Show all certificates sent by the server"},
    {"debug", OPT_FLAG, opt_set_true, CFIELD(debug), 0, "Extra output"},
    {"msg", OPT_FLAG, opt_set_true, CFIELD(msg), 0, "Show protocol messages"},
    {"msgfile", OPT_OUTFILE, opt_set_str, CFIELD(msgfile), 0,
     "File to send output of -msg or -trace, instead of stdout"},
    {"nbio_test", OPT_FLAG, opt_set_true, CFIELD(nbio_test), 0, "More ssl protocol testing"},
    {"state", OPT_FLAG, opt_set_true, CFIELD(state), 0, "Print the ssl states"},
    {"keymatexport", OPT_STRING, opt_set_str, CFIELD(keymatexport), 0,
     "Export keying material using label"},
    {"keymatexportlen", OPT_UINT, opt_set_int, CFIELD(keymatexportlen), 0,
     "Export len bytes of keying material; default 20"},
    {"security_debug", OPT_FLAG, opt_set_true, CFIELD(security_debug), 0,
     "Enable security debug messages"},
    {"security_debug_verbose", OPT_FLAG, opt_set_true, CFIELD(security_debug_verbose), 0,
     "Output more security debug output"},
    {"trace", OPT_FLAG, opt_set_true, CFIELD(trace), 0, "Show trace output of protocol messages"},
    {"keylogfile", OPT_OUTFILE, opt_set_str, CFIELD(keylogfile), 0, "Write TLS secrets to file"},
    {"nocommands", OPT_FLAG, opt_set_true, F(nocommands), 0,
     "Do not use interactive command letters"},
    {"servername", OPT_STRING, opt_set_str, F(servername), 0,
     "Set TLS extension servername (SNI) in ClientHello (default)"},
    {"noservername", OPT_FLAG, opt_set_true, F(noservername), 0,
     "Do not send the server name (SNI) extension in the ClientHello"},
    {"tlsextdebug", OPT_FLAG, opt_set_true, CFIELD(tlsextdebug), 0,
     "Hex dump of all TLS extensions received"},
    {"ignore_unexpected_eof", OPT_FLAG, opt_set_true, CFIELD(ignore_unexpected_eof), 0,
     "Do not treat lack of close_notify from a peer as an error"},
    {"status", OPT_FLAG, opt_set_true, CFIELD(status), 0, "Request certificate status from server"},
    {"serverinfo", OPT_STRING, set_serverinfo, 0, 0,
     "types  Send empty ClientHello extensions (comma-separated numbers)"},
    {"alpn", OPT_STRING, opt_set_str, CFIELD(alpn), 0,
     "Enable ALPN extension, considering named protocols supported (comma-separated list)"},
    {"async", OPT_FLAG, opt_set_true, CFIELD(async), 0, "Support asynchronous operation"},
    {"nbio", OPT_FLAG, opt_set_true, CFIELD(nbio), 0, "Use non-blocking IO"},
    OPT_ROW_SECTION("Protocol extensions"),
    {"nextprotoneg", OPT_STRING, opt_set_str, CFIELD(nextprotoneg), 0,
     "Enable NPN extension, considering named protocols supported (comma-separated list)"},
    {"early_data", OPT_INFILE, opt_set_str, F(early_data), 0, "File to send as early data"},
    {"enable_pha", OPT_FLAG, opt_set_true, CFIELD(enable_pha), 0,
     "Enable post-handshake-authentication"},
    {"use_srtp", OPT_STRING, opt_set_str, CFIELD(use_srtp), 0,
     "Offer SRTP key management with a colon-separated profile list"},
    {"srpuser", OPT_STRING, opt_set_str, F(srpuser), 0,
     "(deprecated) SRP authentication for 'user'"},
    {"srppass", OPT_STRING, opt_set_str, F(srppass), 0, "(deprecated) Password for 'user'"},
    {"srp_lateuser", OPT_FLAG, opt_set_true, F(srp_lateuser), 0,
     "(deprecated) SRP username into second ClientHello message"},
    {"srp_moregroups", OPT_FLAG, opt_set_true, F(srp_moregroups), 0,
     "(deprecated) Tolerate other than the known g N values."},
    {"srp_strength", OPT_UINT, set_srp_strength, F(srp_strength), 0,
     "(deprecated) Minimal length in bits for N"},
    OPT_ROW_END,
};

static const struct opt_def *const client_tables[] = {
    client_general, tls_opts_versions, tls_opts_provider, tls_opts_sslconf, tls_opts_trust,
    tls_opts_verify, tls_opts_xcert, tls_opts_newlib, tls_opts_newlib_client, NULL,
};

const struct opt_prog client_prog = {
    "s_client", "[options] [host:port]", client_tables, positional,
    "host:port", "Where to connect; same as -connect option",
};

void client_config_init(struct client_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    tls_common_init(&cfg->common, ROLE_CLIENT);
    cfg->family = AF_UNSPEC;
    cfg->srp_strength = 1024;
}

void client_config_free(struct client_config *cfg)
{
    SSL_SESSION_free(cfg->psk_sess);
    cfg->psk_sess = NULL;
    strlist_free(&cfg->dane_tlsa_rrdata);
    tls_common_free(&cfg->common);
}

/* Combinations openssl refuses while reading its options (it adds "Use -help" to these). */
static const char *usage_conflict(const struct client_config *cfg)
{
    const struct tls_common *c = &cfg->common;
    if (cfg->family_flags >= 2)
        return "Can't use both -4 and -6";
    if (cfg->servername != NULL && cfg->noservername)
        return "Can't use -servername and -noservername together";
    if (cfg->dane_tlsa_domain != NULL && cfg->noservername)
        return "Can't use -dane_tlsa_domain and -noservername together";
    if (c->min_version == TLS1_3_VERSION && c->nextprotoneg != NULL)
        return "Cannot supply -nextprotoneg with TLSv1.3";
    if (cfg->proxy != NULL && cfg->connect == NULL && cfg->host == NULL)
        return "-proxy requires use of -connect or target parameter";
    return NULL;
}

/* Other combinations openssl refuses (without the "Use -help" line). */
static const char *setup_conflict(const struct client_config *cfg)
{
    const struct tls_common *c = &cfg->common;
    if (cfg->conn_mixed)
        return cfg->conn_mixed == 1 ? "Intermixed protocol flags (unix and internet domains)"
                                    : "Intermixed protocol flags (internet and unix domains)";
    if (c->version_flags > 1)
        return "Cannot supply multiple protocol flags";
    if (c->version_flags == 1 && c->no_version_flags > 0)
        return "Cannot supply both a protocol flag and '-no_<prot>'";
    if (cfg->dane_tlsa_domain == NULL && cfg->dane_tlsa_rrdata.n > 0)
        return "DANE TLSA authentication requires the -dane_tlsa_domain option";
    if (cfg->dane_tlsa_domain != NULL && cfg->dane_tlsa_rrdata.n == 0)
        return "DANE TLSA authentication requires at least one -dane_tlsa_rrdata option";
    if (cfg->proxy != NULL && cfg->unix_path != NULL)
        return "Can't use -proxy with -unix";
    if (cfg->proxy_pass != NULL && cfg->proxy_user == NULL)
        return "Must specify -proxy_user with -proxy_pass";
    if (cfg->unix_path != NULL && c->dtls)
        return "Can't use unix sockets and datagrams together";
    if (c->dtls && cfg->proxy != NULL)
        return "Can't use -proxy with DTLS";
    if (c->id.key != NULL && c->id.cert == NULL)
        return "-key needs -cert";
    return NULL;
}

int client_config_finish(struct client_config *cfg)
{
    const char *why = usage_conflict(cfg);
    if (why != NULL) {
        err_msg("%s", why);
        err_msg("Use -help for summary.");
        return -1;
    }
    if ((why = setup_conflict(cfg)) != NULL) {
        err_msg("%s", why);
        return -1;
    }
    /* A malformed target is reported here, once, rather than by every later step needing it. */
    char *host = NULL, *port = NULL;
    if (client_target(cfg, &host, &port) < 0)
        return -1;
    free(host);
    free(port);
    return 0;
}

struct print_opts client_print_opts(const struct client_config *cfg)
{
    struct print_opts po = {print_nameopt_flags(cfg->common.nameopt), cfg->showcerts,
                            cfg->common.keymatexport, cfg->common.keymatexportlen};
    return po;
}
