/* The table-driven option parser shared by s_client and s_server. Conventions follow openssl's:
 * "-opt value", "--opt value", "--opt=value" (and "-opt=value"); options end at "--". */
#include "lib/opt.h"
#include "lib/strlist.h"
#include "lib/version.h"

#include <openssl/crypto.h>

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The only process-wide state of the engine: the name every message starts with. It is set
 * once, before anything else runs, by opt_parse(). */
static const char *progname = "tlstool";

const char *opt_progname(void)
{
    return progname;
}

void opt_error(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: ", progname);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

const char *opt_kind_arg(enum opt_kind kind)
{
    switch (kind) {
    case OPT_STRING: return "val";
    case OPT_INFILE: return "infile";
    case OPT_OUTFILE: return "outfile";
    case OPT_DIR: return "dir";
    case OPT_URI: return "uri";
    case OPT_INT: return "int";
    case OPT_UINT: return "+int";
    case OPT_INTMAX: return "intmax";
    case OPT_FORMAT: return "PEM|DER";
    case OPT_KEYFORMAT: return "format";
    default: return "";
    }
}

int opt_parse_ll(const char *text, long long min, long long max, long long *out)
{
    char *end = NULL;
    errno = 0;
    long long v = strtoll(text, &end, 0);
    if (errno != 0 || end == text || *end != '\0' || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

static int parse_format(const char *text, enum opt_kind kind, long long *out)
{
    static const struct {
        const char *name;
        enum opt_format fmt;
    } names[] = {{"PEM", FORMAT_PEM}, {"DER", FORMAT_DER}, {"P12", FORMAT_P12},
                 {"PKCS12", FORMAT_P12}, {"ENGINE", FORMAT_ENGINE}};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcasecmp(text, names[i].name) != 0)
            continue;
        if (kind == OPT_FORMAT && names[i].fmt == FORMAT_ENGINE)
            return -1;
        *out = names[i].fmt;
        return 0;
    }
    return -1;
}

/* Checks the argument against the row's kind and fills val. Returns 0 or -1 (reported). */
static int convert_arg(const struct opt_def *d, const char *arg, struct opt_val *val)
{
    val->str = arg;
    val->num = 0;
    switch (d->kind) {
    case OPT_INT:
        if (opt_parse_ll(arg, INT32_MIN, INT32_MAX, &val->num) == 0)
            return 0;
        opt_error("Can't parse \"%s\" as a number for option -%s", arg, d->name);
        return -1;
    case OPT_UINT:
        if (opt_parse_ll(arg, INT32_MIN, INT32_MAX, &val->num) != 0) {
            opt_error("Can't parse \"%s\" as a number for option -%s", arg, d->name);
            return -1;
        }
        if (val->num <= 0) {
            opt_error("Non-positive number \"%s\" for option -%s", arg, d->name);
            return -1;
        }
        return 0;
    case OPT_INTMAX:
        if (opt_parse_ll(arg, INT64_MIN, INT64_MAX, &val->num) == 0)
            return 0;
        opt_error("Can't parse \"%s\" as a number for option -%s", arg, d->name);
        return -1;
    case OPT_FORMAT:
    case OPT_KEYFORMAT:
        if (parse_format(arg, d->kind, &val->num) == 0)
            return 0;
        opt_error("Invalid format \"%s\" for option -%s (use %s)", arg, d->name,
                  d->kind == OPT_FORMAT ? "PEM or DER" : "PEM, DER, P12 or ENGINE");
        return -1;
    default:
        if (*arg == '\0' && d->kind != OPT_STRING) {
            opt_error("Empty argument for option -%s", d->name);
            return -1;
        }
        return 0;
    }
}

const struct opt_def *opt_find(const struct opt_prog *prog, const char *name)
{
    for (const struct opt_def *const *t = prog->tables; *t != NULL; t++)
        for (const struct opt_def *d = *t; d->kind != OPT_END; d++)
            if (d->kind != OPT_SECTION && strcmp(d->name, name) == 0)
                return d;
    return NULL;
}

static void hint(void)
{
    opt_error("Use -help for summary.");
}

/* Handles argv[*i], an option; advances *i past its argument. Returns an opt_result. */
static enum opt_result parse_one(const struct opt_prog *prog, void *cfg, int argc, char **argv,
                                 int *i)
{
    const char *word = argv[*i] + 1;
    if (*word == '-')
        word++;
    char name[128];
    const char *inline_arg = NULL;
    const char *eq = strchr(word, '=');
    size_t len = eq ? (size_t)(eq - word) : strlen(word);
    if (len >= sizeof(name))
        len = sizeof(name) - 1;
    memcpy(name, word, len);
    name[len] = '\0';
    if (eq != NULL)
        inline_arg = eq + 1;

    const struct opt_def *d = opt_find(prog, name);
    if (d == NULL) {
        opt_error("Unknown option: %s", argv[*i]);
        hint();
        return OPT_EXIT_FAIL;
    }
    if (d->kind == OPT_HELP) {
        opt_print_help(prog, stderr);
        return OPT_EXIT_OK;
    }
    if (d->kind == OPT_VERSION) {
        opt_print_version(prog, stdout);
        return OPT_EXIT_OK;
    }
    struct opt_val val = {NULL, 0};
    if (d->kind == OPT_FLAG) {
        if (inline_arg != NULL) {
            opt_error("Option -%s takes no value", d->name);
            hint();
            return OPT_EXIT_FAIL;
        }
    } else {
        const char *arg = inline_arg;
        if (arg == NULL) {
            if (*i + 1 >= argc) {
                opt_error("Option -%s needs a value", d->name);
                hint();
                return OPT_EXIT_FAIL;
            }
            arg = argv[++*i];
        }
        if (convert_arg(d, arg, &val) < 0) {
            hint();
            return OPT_EXIT_FAIL;
        }
    }
    if (d->set != NULL && d->set(cfg, d, &val) < 0)
        return OPT_EXIT_FAIL;
    return OPT_OK;
}

enum opt_result opt_parse(const struct opt_prog *prog, void *cfg, int argc, char **argv)
{
    progname = prog->name;
    int only_positional = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!only_positional && strcmp(a, "--") == 0) {
            only_positional = 1;
            continue;
        }
        if (!only_positional && a[0] == '-' && a[1] != '\0') {
            enum opt_result r = parse_one(prog, cfg, argc, argv, &i);
            if (r != OPT_OK)
                return r;
            continue;
        }
        if (prog->positional == NULL) {
            opt_error("Extra argument: %s", a);
            hint();
            return OPT_EXIT_FAIL;
        }
        if (prog->positional(cfg, a) < 0) {
            hint();
            return OPT_EXIT_FAIL;
        }
    }
    return OPT_OK;
}

/* The library's own text, not the headers' OPENSSL_VERSION_TEXT: what runs is what matters
 * when the shared libssl was upgraded after the build. */
void opt_print_version(const struct opt_prog *prog, FILE *out)
{
    fprintf(out, "%s %s (%s)\n", prog->name, TLSTOOL_VERSION, OpenSSL_version(OPENSSL_VERSION));
}

void opt_print_help(const struct opt_prog *prog, FILE *out)
{
    fprintf(out, "Usage: %s %s\n", prog->name, prog->usage);
    for (const struct opt_def *const *t = prog->tables; *t != NULL; t++) {
        for (const struct opt_def *d = *t; d->kind != OPT_END; d++) {
            if (d->kind == OPT_SECTION) {
                fprintf(out, "\n%s:\n", d->help);
                continue;
            }
            char left[96];
            snprintf(left, sizeof(left), "-%s %s", d->name, opt_kind_arg(d->kind));
            if (strlen(left) > 26)
                fprintf(out, " %s\n %-26s %s\n", left, "", d->help);
            else
                fprintf(out, " %-26s %s\n", left, d->help);
        }
    }
    if (prog->positional_name != NULL)
        fprintf(out, "\nParameters:\n %-26s %s\n", prog->positional_name, prog->positional_help);
}

/* The generic setters. */

#define FIELD(cfg, def, type) ((type *)((char *)(cfg) + (def)->field))

int opt_set_true(void *cfg, const struct opt_def *def, const struct opt_val *val)
{
    (void)val;
    *FIELD(cfg, def, int) = 1;
    return 0;
}

int opt_set_false(void *cfg, const struct opt_def *def, const struct opt_val *val)
{
    (void)val;
    *FIELD(cfg, def, int) = 0;
    return 0;
}

int opt_set_const(void *cfg, const struct opt_def *def, const struct opt_val *val)
{
    (void)val;
    *FIELD(cfg, def, int) = (int)def->aux;
    return 0;
}

int opt_set_str(void *cfg, const struct opt_def *def, const struct opt_val *val)
{
    *FIELD(cfg, def, const char *) = val->str;
    return 0;
}

int opt_set_int(void *cfg, const struct opt_def *def, const struct opt_val *val)
{
    *FIELD(cfg, def, int) = (int)val->num;
    return 0;
}

int opt_set_long(void *cfg, const struct opt_def *def, const struct opt_val *val)
{
    *FIELD(cfg, def, long long) = val->num;
    return 0;
}

int opt_append_str(void *cfg, const struct opt_def *def, const struct opt_val *val)
{
    return strlist_add(FIELD(cfg, def, struct strlist), val->str);
}

int opt_ignore(void *cfg, const struct opt_def *def, const struct opt_val *val)
{
    (void)cfg;
    (void)val;
    if (def->aux)
        fprintf(stderr, "%s: note: -%s has no effect with this build\n", progname, def->name);
    return 0;
}
