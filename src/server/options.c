/* s_server's option table: every option declared once, grouped as -help shows them. */
#include "server/server.h"
#include "lib/conninfo.h"
#include "lib/err.h"
#include "lib/tlsopts.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#define F(member) offsetof(struct server_config, member)

static int set_family(void *cfg, const struct opt_def *def, const struct opt_val *val)
{
    (void)val;
    ((struct server_config *)cfg)->family = (int)def->aux;
    return 0;
}

static int set_mode(void *cfg, const struct opt_def *def, const struct opt_val *val)
{
    (void)val;
    ((struct server_config *)cfg)->mode = (enum server_mode)def->aux;
    return 0;
}

/* -verify N asks for a client certificate, -Verify N insists on one; N is the depth. */
static int set_verify(void *cfg, const struct opt_def *def, const struct opt_val *val)
{
    struct server_config *s = cfg;
    s->common.verify_depth = (int)val->num;
    s->verify_mode = SSL_VERIFY_PEER | SSL_VERIFY_CLIENT_ONCE | (int)def->aux;
    /* openssl says so while parsing; scripts comparing the two see the same stderr */
    fprintf(stderr, "verify depth is %d%s\n", s->common.verify_depth,
            def->aux ? ", must return a certificate" : "");
    return 0;
}

static int set_port(void *cfg, const struct opt_def *def, const struct opt_val *val)
{
    (void)def;
    if (val->num > 65535) {
        opt_error("-port: %s is not a port number", val->str);
        return -1;
    }
    ((struct server_config *)cfg)->port = val->str;
    return 0;
}

static const struct opt_def server_general[] = {
    OPT_ROW_SECTION("General options"),
    {"help", OPT_HELP, NULL, 0, 0, "Display this summary"},
    {"version", OPT_VERSION, NULL, 0, 0, "Print our version and the linked OpenSSL version"},
    {"trace", OPT_FLAG, opt_set_true, CFIELD(trace), 0, "trace protocol messages"},
    OPT_ROW_SECTION("Network options"),
    {"port", OPT_UINT, set_port, 0, 0, "TCP/IP port to listen on for connections (default is 4433)"},
    {"accept", OPT_STRING, opt_set_str, F(accept), 0,
     "TCP/IP optional host and port to listen on for connections (default is *:4433)"},
    {"unix", OPT_STRING, opt_set_str, F(unix_path), 0, "Unix domain socket to accept on"},
    {"unlink", OPT_FLAG, opt_set_true, F(unlink_path), 0,
     "For -unix, unlink existing socket first"},
    {"4", OPT_FLAG, set_family, 0, AF_INET, "Use IPv4 only"},
    {"6", OPT_FLAG, set_family, 0, AF_INET6, "Use IPv6 only"},
    {"nbio", OPT_FLAG, opt_set_true, CFIELD(nbio), 0, "Use non-blocking IO"},
    {"read_buf", OPT_UINT, opt_set_int, CFIELD(read_buf), 0,
     "Default read buffer size to be used for connections"},
    {"split_send_frag", OPT_UINT, opt_set_int, CFIELD(split_send_frag), 0,
     "Size used to split data for encrypt pipelines"},
    {"max_send_frag", OPT_UINT, opt_set_int, CFIELD(max_send_frag), 0,
     "Maximum Size of send frames"},
    {"workers", OPT_UINT, opt_set_int, F(workers), 0,
     "Worker threads for the responder modes (default: one per core; 1: sequential)"},
    OPT_ROW_SECTION("Identity options"),
    {"context", OPT_STRING, opt_set_str, F(context), 0, "Set session ID context"},
    {"nocert", OPT_FLAG, opt_set_true, F(nocert), 0, "Don't use any certificates (Anon-DH)"},
    {"verify", OPT_INT, set_verify, 0, 0, "Turn on peer certificate verification"},
    {"Verify", OPT_INT, set_verify, 0, SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
     "Turn on peer certificate verification, must have a cert"},
    {"nameopt", OPT_STRING, tls_opt_nameopt, 0, 0, "Certificate subject/issuer name printing options"},
    {"cert", OPT_INFILE, opt_set_str, CFIELD(id.cert), 0,
     "Server certificate file to use; default server.pem (or an ephemeral one)"},
    {"cert2", OPT_INFILE, opt_set_str, F(cert2.cert), 0,
     "Certificate file to use for servername; default server2.pem"},
    {"certform", OPT_FORMAT, opt_set_int, CFIELD(id.certform), 0,
     "Server certificate file format (PEM/DER/P12); detected automatically"},
    {"cert_chain", OPT_INFILE, opt_set_str, CFIELD(id.chain), 0,
     "Server certificate chain file in PEM format"},
    {"build_chain", OPT_FLAG, opt_set_true, CFIELD(id.build_chain), 0,
     "Build server certificate chain"},
    {"serverinfo", OPT_STRING, opt_set_str, CFIELD(serverinfo), 0,
     "PEM serverinfo file for certificate"},
    {"key", OPT_STRING, opt_set_str, CFIELD(id.key), 0,
     "Private key file to use; default is -cert file or else server.pem"},
    {"key2", OPT_INFILE, opt_set_str, F(cert2.key), 0,
     "Private Key file to use for servername if not in -cert2"},
    {"keyform", OPT_KEYFORMAT, opt_set_int, CFIELD(id.keyform), 0,
     "Key format (PEM/DER/P12); detected automatically"},
    {"pass", OPT_STRING, opt_set_str, CFIELD(id.pass), 0,
     "Private key and cert file pass phrase source"},
    {"dcert", OPT_INFILE, opt_set_str, F(dcert.cert), 0,
     "Second server certificate file to use (usually for DSA)"},
    {"dcertform", OPT_FORMAT, opt_set_int, F(dcert.certform), 0,
     "Second server certificate file format (PEM/DER/P12)"},
    {"dcert_chain", OPT_INFILE, opt_set_str, F(dcert.chain), 0,
     "second server certificate chain file in PEM format"},
    {"dkey", OPT_INFILE, opt_set_str, F(dcert.key), 0,
     "Second private key file to use (usually for DSA)"},
    {"dkeyform", OPT_KEYFORMAT, opt_set_int, F(dcert.keyform), 0, "Second key file format"},
    {"dpass", OPT_STRING, opt_set_str, F(dcert.pass), 0,
     "Second private key and cert file pass phrase source"},
    {"dhparam", OPT_INFILE, opt_set_str, F(dhparam), 0, "DH parameters file to use"},
    {"servername", OPT_STRING, opt_set_str, F(servername), 0,
     "Servername for HostName TLS extension"},
    {"servername_fatal", OPT_FLAG, opt_set_true, F(servername_fatal), 0,
     "On servername mismatch send fatal alert (default warning alert)"},
    {"nbio_test", OPT_FLAG, opt_set_true, CFIELD(nbio_test), 0,
     "Test with the non-blocking test bio"},
    {"crlf", OPT_FLAG, opt_set_true, CFIELD(crlf), 0, "Convert LF from terminal into CRLF"},
    {"quiet", OPT_FLAG, tls_opt_quiet, 0, 0, "No server output"},
    {"no_resume_ephemeral", OPT_FLAG, opt_set_true, F(no_resume_ephemeral), 0,
     "Disable caching and tickets if ephemeral (EC)DH is used"},
    {"www", OPT_FLAG, set_mode, 0, MODE_WWW, "Respond to a 'GET /' with a status page"},
    {"WWW", OPT_FLAG, set_mode, 0, MODE_WWW_FILES, "Respond to a 'GET with the file ./path"},
    {"HTTP", OPT_FLAG, set_mode, 0, MODE_HTTP, "Like -WWW but ./path includes HTTP headers"},
    {"rev", OPT_FLAG, set_mode, 0, MODE_REV,
     "act as an echo server that sends back received text reversed"},
    {"ignore_unexpected_eof", OPT_FLAG, opt_set_true, CFIELD(ignore_unexpected_eof), 0,
     "Do not treat lack of close_notify from a peer as an error"},
    {"tlsextdebug", OPT_FLAG, opt_set_true, CFIELD(tlsextdebug), 0,
     "Hex dump of all TLS extensions received"},
    {"id_prefix", OPT_STRING, opt_set_str, F(id_prefix), 0,
     "Generate SSL/TLS session IDs prefixed by arg"},
    {"keymatexport", OPT_STRING, opt_set_str, CFIELD(keymatexport), 0,
     "Export keying material using label"},
    {"keymatexportlen", OPT_UINT, opt_set_int, CFIELD(keymatexportlen), 0,
     "Export len bytes of keying material; default 20"},
    {"no_cache", OPT_FLAG, opt_set_true, F(no_cache), 0, "Disable session cache"},
    {"ext_cache", OPT_FLAG, opt_set_true, F(ext_cache), 0,
     "Disable internal cache, set up and use external cache"},
    {"ign_eof", OPT_FLAG, opt_set_true, CFIELD(ign_eof), 0,
     "Ignore input EOF (default when -quiet)"},
    {"no_ign_eof", OPT_FLAG, opt_set_false, CFIELD(ign_eof), 0, "Do not ignore input EOF"},
    OPT_ROW_SECTION("OCSP options"),
    {"status", OPT_FLAG, opt_set_true, CFIELD(status), 0,
     "Respond to certificate status requests (OCSP stapling)"},
    {"status_verbose", OPT_FLAG, opt_set_true, F(status_verbose), 0,
     "Print more output in certificate status callback"},
    {"status_timeout", OPT_INT, opt_set_int, F(status_timeout), 0,
     "Status request responder timeout"},
    {"status_url", OPT_STRING, opt_set_str, F(status_url), 0, "Status request fallback URL"},
    {"proxy", OPT_STRING, opt_set_str, F(proxy), 0,
     "[http[s]://]host[:port][/path] of HTTP(S) proxy to use; path is ignored"},
    {"no_proxy", OPT_STRING, opt_set_str, F(no_proxy), 0,
     "List of addresses of servers not to use HTTP(S) proxy for"},
    {"status_file", OPT_INFILE, opt_set_str, F(status_file), 0,
     "File containing DER encoded OCSP Response"},
    OPT_ROW_SECTION("Debug options"),
    {"security_debug", OPT_FLAG, opt_set_true, CFIELD(security_debug), 0,
     "Print output from SSL/TLS security framework"},
    {"security_debug_verbose", OPT_FLAG, opt_set_true, CFIELD(security_debug_verbose), 0,
     "Print more output from SSL/TLS security framework"},
    {"brief", OPT_FLAG, tls_opt_brief, 0, 0,
     "Restrict output to brief summary of connection parameters"},
    {"debug", OPT_FLAG, opt_set_true, CFIELD(debug), 0, "Print more output"},
    {"msg", OPT_FLAG, opt_set_true, CFIELD(msg), 0, "Show protocol messages"},
    {"msgfile", OPT_OUTFILE, opt_set_str, CFIELD(msgfile), 0,
     "File to send output of -msg or -trace, instead of stdout"},
    {"state", OPT_FLAG, opt_set_true, CFIELD(state), 0, "Print the SSL states"},
    {"async", OPT_FLAG, opt_set_true, CFIELD(async), 0, "Operate in asynchronous mode"},
    {"max_pipelines", OPT_UINT, opt_set_int, CFIELD(max_pipelines), 0,
     "Maximum number of encrypt/decrypt pipelines to be used"},
    {"naccept", OPT_UINT, opt_set_int, F(naccept), 0, "Terminate after #num connections"},
    {"keylogfile", OPT_OUTFILE, opt_set_str, CFIELD(keylogfile), 0, "Write TLS secrets to file"},
    {"json", OPT_FLAG, conninfo_opt_json, 0, 0,
     "One JSON object per connection, with the ClientHello analysis, instead of the reports"},
    OPT_ROW_SECTION("Server identity options"),
    {"psk_identity", OPT_STRING, opt_set_str, CFIELD(psk_identity), 0, "PSK identity to expect"},
    {"psk_hint", OPT_STRING, opt_set_str, F(psk_hint), 0, "PSK identity hint to use"},
    {"psk", OPT_STRING, opt_set_str, CFIELD(psk), 0, "PSK in hex (without 0x)"},
    {"psk_session", OPT_INFILE, opt_set_str, CFIELD(psk_session), 0,
     "File to read PSK SSL session from"},
    {"srpvfile", OPT_INFILE, opt_set_str, F(srpvfile), 0, "(deprecated) The verifier file for SRP"},
    {"srpuserseed", OPT_STRING, opt_set_str, F(srpuserseed), 0,
     "(deprecated) A seed string for a default user salt"},
    OPT_ROW_SECTION("Server protocol options"),
    {"max_early_data", OPT_INT, opt_set_int, F(max_early_data), 0,
     "The maximum number of bytes of early data as advertised in tickets"},
    {"recv_max_early_data", OPT_INT, opt_set_int, F(recv_max_early_data), 0,
     "The maximum number of bytes of early data (hard limit)"},
    {"early_data", OPT_FLAG, opt_set_true, F(early_data), 0, "Attempt to read early data"},
    {"num_tickets", OPT_INT, opt_set_int, F(num_tickets), 0,
     "The number of TLSv1.3 session tickets that a server will automatically issue"},
    {"http_server_binmode", OPT_FLAG, opt_set_true, F(http_server_binmode), 0,
     "opening files in binary mode when acting as http server (-WWW and -HTTP)"},
    {"no_ca_names", OPT_FLAG, opt_set_true, F(no_ca_names), 0, "Disable TLS Extension CA Names"},
    {"stateless", OPT_FLAG, opt_set_true, F(stateless), 0, "Require TLSv1.3 cookies"},
    {"listen", OPT_FLAG, opt_set_true, F(listen_dtls), 0,
     "Listen for a DTLS ClientHello with a cookie and then connect"},
    {"use_srtp", OPT_STRING, opt_set_str, CFIELD(use_srtp), 0,
     "Offer SRTP key management with a colon-separated profile list"},
    {"no_dhe", OPT_FLAG, opt_set_true, F(no_dhe), 0, "Disable ephemeral DH"},
    {"nextprotoneg", OPT_STRING, opt_set_str, CFIELD(nextprotoneg), 0,
     "Set the advertised protocols for the NPN extension (comma-separated list)"},
    {"alpn", OPT_STRING, opt_set_str, CFIELD(alpn), 0,
     "Set the advertised protocols for the ALPN extension (comma-separated list)"},
    {"sendfile", OPT_FLAG, opt_set_true, F(sendfile), 0, "Use sendfile to response file with -WWW"},
    {"enable_pha", OPT_FLAG, opt_set_true, CFIELD(enable_pha), 0,
     "Accept post-handshake authentication (the 'c' command asks for it)"},
    OPT_ROW_END,
};

static const struct opt_def *const server_tables[] = {
    server_general, tls_opts_versions, tls_opts_provider, tls_opts_sslconf, tls_opts_trust,
    tls_opts_verify, tls_opts_xcert, tls_opts_newlib, tls_opts_newlib_server, NULL,
};

const struct opt_prog server_prog = {
    "s_server", "[options]", server_tables, NULL, NULL, NULL,
};

void server_config_init(struct server_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    tls_common_init(&cfg->common, ROLE_SERVER);
    cfg->family = AF_UNSPEC;
    cfg->naccept = -1;
    cfg->num_tickets = -1;
    cfg->max_early_data = -1;
    cfg->recv_max_early_data = -1;
    cfg->status_timeout = -1;
    cfg->dcert.certform = cfg->dcert.keyform = FORMAT_PEM;
    cfg->cert2.certform = cfg->cert2.keyform = FORMAT_PEM;
}

void server_config_free(struct server_config *cfg)
{
    server_auth_free(cfg);
    tls_common_free(&cfg->common);
}

/* The command line as the -www page shows it (openssl prints it the same way). */
static void keep_cmdline(struct server_config *cfg, int argc, char **argv)
{
    size_t used = 0;
    for (int i = 0; i < argc; i++) {
        const char *word = i == 0 ? "s_server" : argv[i];
        int n = snprintf(cfg->cmdline + used, sizeof(cfg->cmdline) - used, "%s ", word);
        if (n < 0 || (size_t)n >= sizeof(cfg->cmdline) - used)
            break;
        used += (size_t)n;
    }
}

int server_config_finish(struct server_config *cfg, int argc, char **argv)
{
    keep_cmdline(cfg, argc, argv);
    if (cfg->unix_path != NULL && (cfg->accept != NULL || cfg->port != NULL)) {
        err_msg("Can't use -unix with -accept or -port");
        return -1;
    }
    if (cfg->common.min_version == TLS1_3_VERSION && cfg->common.nextprotoneg != NULL) {
        err_msg("Cannot supply -nextprotoneg with TLSv1.3");
        err_msg("Use -help for summary.");
        return -1;
    }
    if (cfg->listen_dtls && !cfg->common.dtls) {
        err_msg("-listen can only be used with DTLS (-dtls, -dtls1, -dtls1_2)");
        return -1;
    }
    if (cfg->common.dtls && (cfg->unix_path != NULL || cfg->stateless || cfg->early_data)) {
        err_msg("DTLS cannot be used with -unix, -stateless or -early_data");
        return -1;
    }
    if (cfg->early_data && cfg->mode != MODE_INTERACTIVE) {
        err_msg("Can't use -early_data in combination with -www, -WWW, -HTTP, or -rev");
        return -1;
    }
    if (cfg->cert2.cert != NULL && cfg->servername == NULL) {
        err_msg("-cert2 needs -servername to say which name it is for");
        return -1;
    }
    if (cfg->dcert.key != NULL && cfg->dcert.cert == NULL) {
        err_msg("-dkey needs -dcert");
        return -1;
    }
    /* any of the -status_* options turns stapling on, as in openssl */
    if (cfg->status_verbose || cfg->status_url || cfg->status_file || cfg->status_timeout >= 0)
        cfg->common.status = 1;
    /* -early_data offers it in tickets (up to a record's worth) unless -max_early_data says */
    if (cfg->early_data && cfg->max_early_data < 0)
        cfg->max_early_data = SSL3_RT_MAX_PLAIN_LENGTH;
    if (cfg->dcert.pass == NULL)
        cfg->dcert.pass = cfg->common.id.pass;
    if (cfg->cert2.pass == NULL)
        cfg->cert2.pass = cfg->common.id.pass;
    return 0;
}

struct print_opts server_print_opts(const struct server_config *cfg)
{
    struct print_opts po = {print_nameopt_flags(cfg->common.nameopt), 0,
                            cfg->common.keymatexport, cfg->common.keymatexportlen};
    return po;
}
