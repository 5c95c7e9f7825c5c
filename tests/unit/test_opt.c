/* Table-driven tests of the option engine, and a sweep that parses every row of both
 * programs' tables with a value of the right kind (no option in a table may fail to parse). */
#include "client/client.h"
#include "server/server.h"
#include "lib/newlib.h"
#include "lib/opt.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"

/* Runs the client parser on a NULL-terminated argument list (argv[0] is added), with stderr
 * silenced. */
static enum opt_result parse_client(struct client_config *cfg, const char *const *args)
{
    char *argv[32] = {"s_client"};
    int argc = 1;
    for (; args[argc - 1] != NULL && argc < 31; argc++)
        argv[argc] = (char *)args[argc - 1];
    client_config_init(cfg);
    fflush(stderr);
    int saved = dup(2);
    FILE *null = freopen("/dev/null", "w", stderr);
    enum opt_result r = opt_parse(&client_prog, cfg, argc, argv);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    (void)null;
    return r;
}

struct parse_case {
    const char *name;
    const char *args[6];
    enum opt_result want;
};

static const struct parse_case cases[] = {
    {"no arguments", {NULL}, OPT_OK},
    {"single dash", {"-connect", "h:1", NULL}, OPT_OK},
    {"double dash", {"--connect", "h:1", NULL}, OPT_OK},
    {"double dash with =", {"--connect=h:1", NULL}, OPT_OK},
    {"positional target", {"h:1", NULL}, OPT_OK},
    {"two targets", {"h:1", "h:2", NULL}, OPT_EXIT_FAIL},
    {"unknown option", {"-foo", NULL}, OPT_EXIT_FAIL},
    {"missing value", {"-connect", NULL}, OPT_EXIT_FAIL},
    {"non-number for +int", {"-port", "abc", NULL}, OPT_EXIT_FAIL},
    {"negative for +int", {"-port", "-1", NULL}, OPT_EXIT_FAIL},
    {"zero for +int", {"-keymatexportlen", "0", NULL}, OPT_EXIT_FAIL},
    {"number with junk", {"-verify", "3x", NULL}, OPT_EXIT_FAIL},
    {"int overflow", {"-verify", "99999999999", NULL}, OPT_EXIT_FAIL},
    {"bad format", {"-certform", "XYZ", NULL}, OPT_EXIT_FAIL},
    {"format case-insensitive", {"-certform", "der", NULL}, OPT_OK},
    {"ENGINE not a cert format", {"-certform", "ENGINE", NULL}, OPT_EXIT_FAIL},
    {"flag with =value", {"--quiet=1", NULL}, OPT_EXIT_FAIL},
    {"help", {"-help", NULL}, OPT_EXIT_OK},
    {"help after options", {"-quiet", "-help", NULL}, OPT_EXIT_OK},
    {"-- ends options", {"--", "h:1", NULL}, OPT_OK},
    {"ssl3 refused clearly", {"-ssl3", NULL}, OPT_EXIT_FAIL},
    {"bad nameopt", {"-nameopt", "nonsense", NULL}, OPT_EXIT_FAIL},
    {"good nameopt", {"-nameopt", "RFC2253,-esc_msb", NULL}, OPT_OK},
    {"serverinfo list", {"-serverinfo", "1,2,65535", NULL}, OPT_OK},
    {"serverinfo bad", {"-serverinfo", "1,,x", NULL}, OPT_EXIT_FAIL},
    {"maxfraglen bad", {"-maxfraglen", "1000", NULL}, OPT_EXIT_FAIL},
};

static void test_cases(void)
{
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct client_config cfg;
        enum opt_result r = parse_client(&cfg, cases[i].args);
        ok(r == cases[i].want, "parse: %s", cases[i].name);
        client_config_free(&cfg);
    }
}

static void test_values(void)
{
    struct client_config cfg;
    const char *a1[] = {"--connect=example.org:443", "-verify", "4", "-quiet", "-tls1_2",
                        "-cipher", "ECDHE", NULL};
    parse_client(&cfg, a1);
    ok(cfg.connect && strcmp(cfg.connect, "example.org:443") == 0, "value: %s", "--connect=");
    ok(cfg.common.verify_depth == 4 && cfg.verify_given, "value: %s", "-verify 4");
    ok(cfg.common.quiet && cfg.common.ign_eof, "value: %s", "-quiet implies ign_eof");
    ok(cfg.common.min_version == TLS1_2_VERSION && cfg.common.max_version == TLS1_2_VERSION,
       "value: %s", "-tls1_2 pins the version");
    ok(cfg.common.ssl_conf.n == 1 && strcmp(cfg.common.ssl_conf.v[0].key, "cipher") == 0 &&
           strcmp(cfg.common.ssl_conf.v[0].value, "ECDHE") == 0,
       "value: %s", "-cipher goes to SSL_CONF");
    client_config_free(&cfg);
}

/* A value each argument kind accepts; a few rows check their value more closely. */
static const char *sample_value(const struct opt_def *d)
{
    static const struct {
        const char *name, *value;
    } special[] = {{"nameopt", "oneline"}, {"maxfraglen", "512"}, {"port", "4433"},
                   {"provparam", "key=value"}};
    for (size_t i = 0; i < sizeof(special) / sizeof(special[0]); i++)
        if (strcmp(d->name, special[i].name) == 0)
            return special[i].value;
    switch (d->kind) {
    case OPT_FORMAT:
    case OPT_KEYFORMAT: return "PEM";
    case OPT_INT:
    case OPT_UINT:
    case OPT_INTMAX: return "1";
    default: return "1";
    }
}

/* Options that parse but refuse on purpose: the library has no SSLv3 or SCTP. */
static int refused_on_purpose(const char *name)
{
    return strcmp(name, "ssl3") == 0 || strcmp(name, "sctp") == 0 ||
           strcmp(name, "sctp_label_bug") == 0;
}

static void sweep(const struct opt_prog *prog, void *cfg, size_t cfgsize,
                  void (*init)(void *), void (*release)(void *))
{
    int total = 0, bad = 0;
    char failed[2048] = "";
    for (const struct opt_def *const *t = prog->tables; *t != NULL; t++) {
        for (const struct opt_def *d = *t; d->kind != OPT_END; d++) {
            if (d->kind == OPT_SECTION || d->kind == OPT_HELP || d->kind == OPT_VERSION)
                continue;
            char opt[96];
            snprintf(opt, sizeof(opt), "-%s", d->name);
            char *argv[4] = {(char *)prog->name, opt, (char *)sample_value(d), NULL};
            int argc = d->kind == OPT_FLAG ? 2 : 3;
            memset(cfg, 0, cfgsize);
            init(cfg);
            int saved = dup(2);
            fflush(stderr);
            FILE *null = freopen("/dev/null", "w", stderr);
            (void)null;
            enum opt_result r = opt_parse(prog, cfg, argc, argv);
            fflush(stderr);
            dup2(saved, 2);
            close(saved);
            release(cfg);
            total++;
            /* rows of features the linked library lacks refuse too (lib/newlib.h) */
            if ((r == OPT_OK) != (!refused_on_purpose(d->name) && newlib_opt_available(d))) {
                bad++;
                strncat(failed, opt, sizeof(failed) - strlen(failed) - 2);
                strncat(failed, " ", sizeof(failed) - strlen(failed) - 1);
            }
        }
    }
    printf("# %s: %d options in the tables\n", prog->name, total);
    ok(bad == 0, "every table option parses with a value of its kind (%s)",
       bad ? failed : prog->name);
}

static void client_init(void *c) { client_config_init(c); }
static void client_release(void *c) { client_config_free(c); }
static void server_init(void *c) { server_config_init(c); }
static void server_release(void *c) { server_config_free(c); }

/* Each name appears once across a program's tables. */
static void unique_names(const struct opt_prog *prog)
{
    int dups = 0;
    for (const struct opt_def *const *t = prog->tables; *t != NULL; t++)
        for (const struct opt_def *d = *t; d->kind != OPT_END; d++)
            if (d->kind != OPT_SECTION && opt_find(prog, d->name) != d)
                dups++;
    ok(dups == 0, "no option is declared twice in %s", prog->name);
}

int main(void)
{
    test_cases();
    test_values();
    struct client_config cc;
    struct server_config sc;
    sweep(&client_prog, &cc, sizeof(cc), client_init, client_release);
    sweep(&server_prog, &sc, sizeof(sc), server_init, server_release);
    unique_names(&client_prog);
    unique_names(&server_prog);
    printf("1..%d\n", tests_run);
    return tests_failed ? 1 : 0;
}
