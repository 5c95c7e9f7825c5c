/* s_client's naming rules, table-driven: the SNI it sends by default (the manual's rules and
 * openssl 3.0's notion of a DNS name), how the target splits into host and port, the ALPN/NPN
 * wire form, and the option combinations refused before any connection. */
#include "client/client.h"
#include "lib/opt.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"

/* Parses a NULL-terminated argument list into cfg, stderr silenced. Returns opt_parse's result
 * and, when it is OPT_OK, client_config_finish()'s in *finished. */
static enum opt_result parse(struct client_config *cfg, const char *const *args, int *finished)
{
    char *argv[32] = {"s_client"};
    int argc = 1;
    for (; args[argc - 1] != NULL && argc < 31; argc++)
        argv[argc] = (char *)args[argc - 1];
    client_config_init(cfg);
    fflush(stderr);
    int saved = dup(2);
    FILE *null = freopen("/dev/null", "w", stderr);
    (void)null;
    enum opt_result r = opt_parse(&client_prog, cfg, argc, argv);
    *finished = r == OPT_OK ? client_config_finish(cfg) : -1;
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    return r;
}

struct sni_case {
    const char *args[6];
    const char *want; /* NULL: no SNI */
};

static const struct sni_case sni_cases[] = {
    {{"-connect", "www.example.com:443", NULL}, "www.example.com"},
    {{"-connect", "example.com", NULL}, "example.com"},
    {{"-connect", "localhost:4433", NULL}, NULL}, /* one label is no DNS name for openssl */
    {{"-connect", "127.0.0.1:4433", NULL}, NULL},
    {{"-connect", "[::1]:4433", NULL}, NULL},
    {{"-connect", "10.0.0.1.example:1", NULL}, "10.0.0.1.example"},
    {{"-connect", "123.456:1", NULL}, NULL}, /* all digits */
    {{"-connect", "a-.example:1", NULL}, NULL},
    {{"-connect", "a..example:1", NULL}, NULL},
    {{"-connect", "-a.example:1", NULL}, NULL},
    {{"-connect", "under_score.example:1", NULL}, "under_score.example"},
    {{"-port", "4433", NULL}, "localhost"}, /* no host named at all */
    {{NULL}, "localhost"},
    {{"-host", "mail.example.org", NULL}, "mail.example.org"},
    {{"-connect", "127.0.0.1:1", "-servername", "given.example", NULL}, "given.example"},
    {{"-connect", "www.example.com:1", "-noservername", NULL}, NULL},
    {{"-connect", "127.0.0.1:1", "-proxy", "127.0.0.1:3128", NULL}, "127.0.0.1"},
    {{"-unix", "/tmp/x.sock", NULL}, NULL},
    {{"-connect", "www.example.com:1", "-dane_tlsa_domain", "example.com", "-dane_tlsa_rrdata",
      NULL},
     NULL},
};

static void test_sni(void)
{
    for (size_t i = 0; i < sizeof(sni_cases) / sizeof(sni_cases[0]); i++) {
        const struct sni_case *c = &sni_cases[i];
        struct client_config cfg;
        int finished;
        const char *args[8];
        size_t n = 0;
        for (; c->args[n] != NULL; n++)
            args[n] = c->args[n];
        if (n > 0 && strcmp(args[n - 1], "-dane_tlsa_rrdata") == 0)
            args[n++] = "3 1 1 00";
        args[n] = NULL;
        parse(&cfg, args, &finished);
        char *got = client_default_servername(&cfg);
        int good = (got == NULL && c->want == NULL) ||
                   (got != NULL && c->want != NULL && strcmp(got, c->want) == 0);
        ok(good, "SNI for %s %s: %s", c->args[0] ? c->args[0] : "(nothing)",
           c->args[0] ? c->args[1] : "", c->want ? c->want : "none");
        if (!good)
            printf("#      got: %s\n", got ? got : "(none)");
        free(got);
        client_config_free(&cfg);
    }
    /* a label of 63 characters is too long for openssl's test, 62 is not */
    char host[128];
    struct client_config cfg;
    int finished;
    for (int len = 62; len <= 63; len++) {
        memset(host, 'a', (size_t)len);
        snprintf(host + len, sizeof(host) - (size_t)len, ".example:1");
        const char *args[] = {"-connect", host, NULL};
        parse(&cfg, args, &finished);
        char *got = client_default_servername(&cfg);
        ok(len == 62 ? got != NULL : got == NULL, "SNI for a %d-character label: %s", len,
           len == 62 ? "sent" : "none");
        free(got);
        client_config_free(&cfg);
    }
}

static void test_target(void)
{
    static const struct {
        const char *connect, *host, *port;
    } cases[] = {
        {"example.com:443", "example.com", "443"},
        {"example.com", "example.com", "4433"},
        {"[::1]:8443", "::1", "8443"},
        {":8443", NULL, "8443"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct client_config cfg;
        client_config_init(&cfg);
        cfg.connect = cases[i].connect;
        char *host = NULL, *port = NULL;
        int rc = client_target(&cfg, &host, &port);
        int good = rc == 0 && port != NULL && strcmp(port, cases[i].port) == 0 &&
                   ((host == NULL && cases[i].host == NULL) ||
                    (host != NULL && cases[i].host != NULL && strcmp(host, cases[i].host) == 0));
        ok(good, "target %s: host %s port %s", cases[i].connect,
           cases[i].host ? cases[i].host : "(none)", cases[i].port);
        free(host);
        free(port);
        client_config_free(&cfg);
    }
}

static void test_wire(void)
{
    unsigned int len = 0;
    unsigned char *w = client_protos_wire("h2,http/1.1", &len);
    ok(w != NULL && len == 12 && memcmp(w, "\x02h2\x08http/1.1", 12) == 0,
       "protocol list to wire form");
    OPENSSL_free(w);
    ok(client_protos_wire("", &len) == NULL, "an empty list has no wire form");
    ok(client_protos_wire(",", &len) == NULL, "a list of empty names has no wire form");
    w = client_protos_wire(",a,,b,", &len);
    static const unsigned char ab[] = {1, 'a', 1, 'b'};
    ok(w != NULL && len == 4 && memcmp(w, ab, 4) == 0,
       "empty names (stray commas) are left out, as openssl does");
    OPENSSL_free(w);
    char longname[300];
    memset(longname, 'x', 256);
    longname[256] = '\0';
    ok(client_protos_wire(longname, &len) == NULL, "a name over 255 bytes is refused");
}

struct conflict_case {
    const char *name;
    const char *args[8];
    int refused;
};

static const struct conflict_case conflicts[] = {
    {"-4 and -6", {"-4", "-6", NULL}, 1},
    {"two protocol flags", {"-tls1_2", "-tls1_3", NULL}, 1},
    {"protocol flag and -no_tls1_3", {"-tls1_2", "-no_tls1_3", NULL}, 1},
    {"-no_tls1_3 alone", {"-no_tls1_3", NULL}, 0},
    {"-servername and -noservername", {"-servername", "a.b", "-noservername", NULL}, 1},
    {"-unix and -connect", {"-unix", "/x", "-connect", "h:1", NULL}, 1},
    {"-connect and -unix", {"-connect", "h:1", "-unix", "/x", NULL}, 1},
    {"-proxy without a target", {"-proxy", "p:1", NULL}, 1},
    {"-proxy with a target", {"-proxy", "p:1", "-connect", "h:1", NULL}, 0},
    {"-proxy_pass without -proxy_user",
     {"-proxy", "p:1", "-connect", "h:1", "-proxy_pass", "pass:x", NULL},
     1},
    {"-nextprotoneg with -tls1_3", {"-tls1_3", "-nextprotoneg", "h2", NULL}, 1},
    {"DANE rrdata without domain", {"-dane_tlsa_rrdata", "3 1 1 00", NULL}, 1},
    {"DANE domain without rrdata", {"-dane_tlsa_domain", "a.b", NULL}, 1},
    {"-quiet then -no_ign_eof", {"-quiet", "-no_ign_eof", NULL}, 0},
};

static void test_conflicts(void)
{
    for (size_t i = 0; i < sizeof(conflicts) / sizeof(conflicts[0]); i++) {
        struct client_config cfg;
        int finished;
        enum opt_result r = parse(&cfg, conflicts[i].args, &finished);
        int refused = r != OPT_OK || finished < 0;
        ok(refused == conflicts[i].refused, "%s: %s", conflicts[i].name,
           conflicts[i].refused ? "refused" : "accepted");
        client_config_free(&cfg);
    }
    /* the last of -ign_eof, -no_ign_eof and -quiet wins, as in openssl */
    struct client_config cfg;
    int finished;
    const char *a1[] = {"-quiet", "-no_ign_eof", NULL};
    parse(&cfg, a1, &finished);
    ok(cfg.common.quiet && !cfg.common.ign_eof, "-quiet -no_ign_eof: quiet, EOF ends");
    client_config_free(&cfg);
    const char *a2[] = {"-no_ign_eof", "-quiet", NULL};
    parse(&cfg, a2, &finished);
    ok(cfg.common.ign_eof, "-no_ign_eof -quiet: EOF ignored");
    client_config_free(&cfg);
    const char *a3[] = {"-ct", "-noct", NULL};
    parse(&cfg, a3, &finished);
    ok(!cfg.ct, "-ct -noct: no CT");
    client_config_free(&cfg);
}

int main(void)
{
    test_sni();
    test_target();
    test_wire();
    test_conflicts();
    printf("1..%d\n", tests_run);
    return tests_failed ? 1 : 0;
}
