/* Build-time generator of the documentation that must not drift from the code: the OPTIONS
 * part of the man pages and the bash completion scripts, both read from the option tables
 * that the parser and -help use. Per-option prose lives in docs/ (see docs/README.md).
 *
 *   gendoc man PROG DOCDIR     the whole man page of PROG on stdout
 *   gendoc completion PROG     the bash completion script of PROG on stdout
 *   gendoc options PROG        "-name kind" per option, in table order ("-" for no argument)
 *   gendoc check DOCDIR        options without prose and prose without option, for the tests */
#include "lib/opt.h"
#include "lib/print.h"
#include "lib/version.h"
#include "proto/starttls.h"

#include <openssl/err.h>
#include <openssl/provider.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* The programs' tables, declared here rather than through their private headers. */
extern const struct opt_prog client_prog;
extern const struct opt_prog server_prog;

static const struct opt_prog *const progs[] = {&client_prog, &server_prog, NULL};

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
    va_list ap;
    fputs("gendoc: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(2);
}

static const struct opt_prog *find_prog(const char *name)
{
    for (size_t i = 0; progs[i] != NULL; i++)
        if (strcmp(progs[i]->name, name) == 0)
            return progs[i];
    die("unknown program \"%s\" (s_client or s_server)", name);
}

/* Loops over every option row of prog (not the headings), in -help order. */
#define FOR_EACH_OPTION(prog, d)                                                                   \
    for (const struct opt_def *const *t_ = (prog)->tables; *t_ != NULL; t_++)                      \
        for (const struct opt_def *d = *t_; d->kind != OPT_END; d++)                               \
            if (d->kind != OPT_SECTION)

static int takes_arg(enum opt_kind kind)
{
    return kind != OPT_FLAG && kind != OPT_HELP && kind != OPT_VERSION && kind != OPT_SECTION;
}

/* ---- files and prose ------------------------------------------------------------------------- */

/* Reads a whole file into a malloc'd, NUL-terminated buffer; NULL when it does not exist. */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t cap = 8192, len = 0;
    char *buf = malloc(cap);
    size_t n;
    while (buf != NULL && (n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (cap - len < 2)
            buf = realloc(buf, cap *= 2);
    }
    if (buf == NULL)
        die("out of memory reading %s", path);
    if (ferror(f))
        die("cannot read %s", path);
    fclose(f);
    buf[len] = '\0';
    return buf;
}

static char *doc_path(const char *dir, const char *prog, const char *suffix)
{
    static char paths[8][512];
    static int next;
    char *p = paths[next++ % 8];
    int n = snprintf(p, sizeof(paths[0]), "%s/%s%s", dir, prog, suffix);
    if (n < 0 || (size_t)n >= sizeof(paths[0]))
        die("path too long: %s/%s%s", dir, prog, suffix);
    return p;
}

/* One entry of an options.txt file: a heading line (the option with its '-', or a
 * positional parameter's name) and the indented body lines below it, [body, end). */
struct entry {
    char name[64];
    const char *body, *end;
    const char *file;
    int used;
};

struct prose {
    struct entry *v;
    size_t n, cap;
    char *texts[4]; /* the files' contents, which the entries point into */
    size_t ntexts;
};

static void prose_free(struct prose *pr)
{
    for (size_t i = 0; i < pr->ntexts; i++)
        free(pr->texts[i]);
    free(pr->v);
    memset(pr, 0, sizeof(*pr));
}

static const char *line_end(const char *p)
{
    const char *e = strchr(p, '\n');
    return e ? e : p + strlen(p);
}

static int blank_line(const char *p, const char *e)
{
    for (; p < e; p++)
        if (!isspace((unsigned char)*p))
            return 0;
    return 1;
}

static struct entry *prose_find(struct prose *pr, const char *name)
{
    for (size_t i = 0; i < pr->n; i++)
        if (strcmp(pr->v[i].name, name) == 0)
            return &pr->v[i];
    return NULL;
}

static void prose_add(struct prose *pr, const char *file, const char *head, const char *e)
{
    size_t len = (size_t)(e - head);
    while (len > 0 && isspace((unsigned char)head[len - 1]))
        len--;
    struct entry en = {.body = e, .end = e, .file = file};
    if (len == 0 || len >= sizeof(en.name))
        die("%s: bad entry heading \"%.*s\"", file, (int)len, head);
    memcpy(en.name, head, len);
    en.name[len] = '\0';
    struct entry *old = prose_find(pr, en.name);
    if (old != NULL && strcmp(old->file, file) == 0)
        die("%s: %s has two entries", file, en.name);
    if (pr->n == pr->cap) {
        pr->cap = pr->cap ? pr->cap * 2 : 256;
        pr->v = realloc(pr->v, pr->cap * sizeof(*pr->v));
        if (pr->v == NULL)
            die("out of memory");
    }
    pr->v[pr->n++] = en;
}

/* Parses one options.txt: "#" lines are comments, a line at column 0 starts an entry, lines
 * indented by spaces (and blank lines) are its body. A missing file is no entries. */
static void prose_load(struct prose *pr, const char *path)
{
    char *text = slurp(path);
    if (text == NULL)
        return;
    if (pr->ntexts == sizeof(pr->texts) / sizeof(pr->texts[0]))
        die("too many prose files");
    pr->texts[pr->ntexts++] = text;
    for (const char *p = text; *p != '\0';) {
        const char *e = line_end(p);
        if (*p == '#') {
            /* comment */
        } else if (*p != ' ' && !blank_line(p, e)) {
            prose_add(pr, path, p, e);
        } else if (blank_line(p, e)) {
            /* inside a body when more body follows; nothing otherwise */
        } else if (pr->n > 0 && strcmp(pr->v[pr->n - 1].file, path) == 0) {
            pr->v[pr->n - 1].end = e;
        } else {
            die("%s: text before the first entry: \"%.*s\"", path, (int)(e - p), p);
        }
        p = *e ? e + 1 : e;
    }
}

/* The program's own file first, so that it can say more than the shared one. */
static struct entry *lookup(struct prose *own, struct prose *common, const char *name)
{
    struct entry *en = prose_find(own, name);
    if (en == NULL)
        en = prose_find(common, name);
    if (en != NULL)
        en->used = 1;
    return en;
}

/* ---- troff output ---------------------------------------------------------------------------- */

/* An argument placeholder in prose: "<name>", letters first, no spaces. Returns its length
 * including the brackets, or 0. */
static size_t placeholder_len(const char *p, const char *e)
{
    if (*p != '<' || p + 1 >= e || !isalpha((unsigned char)p[1]))
        return 0;
    for (const char *q = p + 1; q < e; q++) {
        if (*q == '>')
            return (size_t)(q - p + 1);
        if (!isalnum((unsigned char)*q) && strchr("_:.+|/-", *q) == NULL)
            return 0;
    }
    return 0;
}

/* A '-' that starts an option or a negative number is a minus sign in troff ("\-"), so that
 * it survives copy and paste; a hyphen inside a word stays a hyphen. */
static int is_option_dash(const char *p, const char *start)
{
    int at_word_start = p == start || strchr(" ([`\"'/|,=", p[-1]) != NULL;
    return at_word_start && (isalnum((unsigned char)p[1]) || p[1] == '-');
}

static void put_escaped_char(FILE *out, const char *p, const char *start)
{
    if (*p == '\\')
        fputs("\\e", out);
    else if (*p == '-' && is_option_dash(p, start))
        fputs("\\-", out);
    else
        fputc(*p, out);
}

/* Writes one line of prose as troff: `code` in bold, <arg> in italics, the rest escaped. */
static void put_text_line(FILE *out, const char *p, const char *e)
{
    const char *start = p;
    int bold = 0;
    if (*p == '.' || *p == '\'')
        fputs("\\&", out);
    while (p < e) {
        size_t ph = placeholder_len(p, e);
        if (*p == '`') {
            fputs(bold ? "\\fR" : "\\fB", out);
            bold = !bold;
            p++;
        } else if (ph > 0 && !bold) {
            fputs("\\fI", out);
            for (const char *q = p + 1; q < p + ph - 1; q++)
                put_escaped_char(out, q, start);
            fputs("\\fR", out);
            p += ph;
        } else {
            put_escaped_char(out, p++, start);
        }
    }
    if (bold)
        fputs("\\fR", out);
    fputc('\n', out);
}

static void put_literal_line(FILE *out, const char *p, const char *e)
{
    const char *start = p;
    if (*p == '.' || *p == '\'')
        fputs("\\&", out);
    for (; p < e; p++)
        put_escaped_char(out, p, start);
    fputc('\n', out);
}

/* Writes an entry body: paragraphs separated by blank lines; lines indented deeper than the
 * body are shown as they are (examples). Indentation is relative to the first body line. */
static void put_body(FILE *out, const struct entry *en)
{
    size_t indent = 0;
    int first = 1, blank = 0, literal = 0;
    for (const char *p = en->body; p < en->end;) {
        if (*p == '\n')
            p++;
        const char *e = line_end(p);
        if (e > en->end)
            e = en->end;
        if (blank_line(p, e)) {
            blank = !first;
            p = e;
            continue;
        }
        size_t sp = strspn(p, " ");
        if (first)
            indent = sp;
        int lit = sp >= indent + 2;
        if (!first && (blank || lit != literal)) {
            fputs(literal ? ".fi\n.IP\n" : ".IP\n", out);
            fputs(lit ? ".nf\n" : "", out);
        } else if (first && lit) {
            fputs(".nf\n", out);
        }
        literal = lit;
        blank = first = 0;
        if (lit)
            put_literal_line(out, p + indent + 2, e);
        else
            put_text_line(out, p + (sp < indent ? sp : indent), e);
        p = e;
    }
    if (literal)
        fputs(".fi\n", out);
}

/* What each argument kind means, said once at the top of OPTIONS. */
static const struct {
    enum opt_kind kind;
    const char *says;
} kind_words[] = {
    {OPT_STRING, "a text value, described with each option"},
    {OPT_INFILE, "a file to read"},
    {OPT_OUTFILE, "a file to write (created or truncated)"},
    {OPT_DIR, "a directory"},
    {OPT_URI, "a URI naming a certificate store, such as file:/etc/ssl/certs"},
    {OPT_INT, "a whole number, possibly negative"},
    {OPT_UINT, "a whole number, 1 or more"},
    {OPT_INTMAX, "a whole number up to 64 bits (a time in seconds since 1970)"},
    {OPT_FORMAT, "a file format: PEM or DER"},
    {OPT_KEYFORMAT, "a key format: PEM, DER, P12 or ENGINE"},
};

static int prog_uses_kind(const struct opt_prog *prog, enum opt_kind kind)
{
    FOR_EACH_OPTION(prog, d)
    {
        if (d->kind == kind)
            return 1;
    }
    return 0;
}

static void put_options_intro(FILE *out, const struct opt_prog *prog)
{
    fputs(".PP\nOptions are listed in the groups that \\fB\\-help\\fR shows, each with the kind "
          "of argument it takes, as \\fB\\-help\\fR names it:\n",
          out);
    fputs(".PD 0\n", out);
    for (size_t i = 0; i < sizeof(kind_words) / sizeof(kind_words[0]); i++) {
        if (!prog_uses_kind(prog, kind_words[i].kind))
            continue;
        fprintf(out, ".TP 10\n\\fI%s\\fR\n%s\n", opt_kind_arg(kind_words[i].kind),
                kind_words[i].says);
    }
    fputs(".PD\n.PP\nAn option may start with one dash or two, and its argument may follow an "
          "equals sign (\\fB\\-verify_depth=2\\fR is \\fB\\-verify_depth 2\\fR); "
          "\\fB\\-\\-\\fR ends the options. Format names are not case-sensitive. When an option "
          "is given twice, the last one wins, except for those said to add to a list.\n",
          out);
}

static void put_option_heading(FILE *out, const char *name, const char *arg)
{
    fputs(".TP\n\\fB", out);
    for (const char *p = name; *p; p++) {
        if (*p == '-')
            fputc('\\', out);
        fputc(*p, out);
    }
    if (*arg != '\0')
        fprintf(out, "\\fR \\fI%s\\fR\n", arg);
    else
        fputs("\\fR\n", out);
}

static void missing_prose(const struct opt_prog *prog, const char *name, const char *dir)
{
    fprintf(stderr,
            "gendoc: %s: no prose for %s: add an entry to %s/%s.options.txt or "
            "%s/common.options.txt (the help line stands in for now)\n",
            prog->name, name, dir, prog->name, dir);
}

static void put_option(FILE *out, const struct opt_prog *prog, const struct opt_def *d,
                       struct prose *own, struct prose *common, const char *dir)
{
    char name[80];
    snprintf(name, sizeof(name), "-%s", d->name);
    put_option_heading(out, name, opt_kind_arg(d->kind));
    const struct entry *en = lookup(own, common, name);
    if (en != NULL && en->body < en->end) {
        put_body(out, en);
        return;
    }
    missing_prose(prog, name, dir);
    const char *h = d->help ? d->help : "";
    put_text_line(out, h, h + strlen(h));
}

static void put_parameters(FILE *out, const struct opt_prog *prog, struct prose *own,
                           struct prose *common, const char *dir)
{
    if (prog->positional_name == NULL)
        return;
    fputs(".SS Parameters\n.TP\n", out);
    fprintf(out, "\\fI%s\\fR\n", prog->positional_name);
    const struct entry *en = lookup(own, common, prog->positional_name);
    if (en != NULL && en->body < en->end) {
        put_body(out, en);
        return;
    }
    missing_prose(prog, prog->positional_name, dir);
    put_text_line(out, prog->positional_help,
                  prog->positional_help + strlen(prog->positional_help));
}

static void put_options(FILE *out, const struct opt_prog *prog, const char *dir)
{
    struct prose own = {0}, common = {0};
    prose_load(&own, doc_path(dir, prog->name, ".options.txt"));
    prose_load(&common, doc_path(dir, "common", ".options.txt"));
    fputs(".SH OPTIONS\n", out);
    put_options_intro(out, prog);
    for (const struct opt_def *const *t = prog->tables; *t != NULL; t++) {
        for (const struct opt_def *d = *t; d->kind != OPT_END; d++) {
            if (d->kind == OPT_SECTION)
                fprintf(out, ".SS %s\n", d->help);
            else
                put_option(out, prog, d, &own, &common, dir);
        }
    }
    put_parameters(out, prog, &own, &common, dir);
    prose_free(&own);
    prose_free(&common);
}

/* Copies a hand-written part, filling in @VERSION@, @PROG@ and @USAGE@. */
static void put_part(FILE *out, const struct opt_prog *prog, const char *path)
{
    char *text = slurp(path);
    if (text == NULL)
        die("cannot read %s", path);
    for (const char *p = text; *p != '\0';) {
        if (strncmp(p, "@VERSION@", 9) == 0) {
            fputs(TLSTOOL_VERSION, out);
            p += 9;
        } else if (strncmp(p, "@PROG@", 6) == 0) {
            fputs(prog->name, out);
            p += 6;
        } else if (strncmp(p, "@USAGE@", 7) == 0) {
            const char *u = prog->usage;
            put_literal_line(out, u, u + strlen(u));
            p += 7;
            if (*p == '\n')
                p++;
        } else {
            fputc(*p++, out);
        }
    }
    free(text);
}

static int cmd_man(const char *progname, const char *dir)
{
    const struct opt_prog *prog = find_prog(progname);
    printf(".\\\" Generated by tools/gendoc from the option tables and docs/%s.head.roff,\n"
           ".\\\" docs/%s.options.txt, docs/common.options.txt and docs/%s.tail.roff:\n"
           ".\\\" edit those, then run `make docs`.\n",
           prog->name, prog->name, prog->name);
    put_part(stdout, prog, doc_path(dir, prog->name, ".head.roff"));
    put_options(stdout, prog, dir);
    put_part(stdout, prog, doc_path(dir, prog->name, ".tail.roff"));
    return fflush(stdout) == 0 ? 0 : 2;
}

/* ---- consistency ----------------------------------------------------------------------------- */

static int check_prog(const struct opt_prog *prog, struct prose *own, struct prose *common)
{
    int missing = 0;
    char name[80];
    FOR_EACH_OPTION(prog, d)
    {
        snprintf(name, sizeof(name), "-%s", d->name);
        const struct entry *en = lookup(own, common, name);
        if (en == NULL || en->body == en->end) {
            printf("%s: missing %s\n", prog->name, name);
            missing++;
        }
    }
    if (prog->positional_name != NULL && lookup(own, common, prog->positional_name) == NULL) {
        printf("%s: missing %s\n", prog->name, prog->positional_name);
        missing++;
    }
    for (size_t i = 0; i < own->n; i++)
        if (!own->v[i].used)
            printf("%s: unused %s in %s\n", prog->name, own->v[i].name, own->v[i].file);
    return missing;
}

/* Prints "PROG: missing NAME" for each option without prose, and "PROG: unused NAME in FILE"
 * for each entry no table has (common entries: neither program's). Exit 1 when any is
 * missing; unused entries may wait for options still to come, the test judges them. */
static int cmd_check(const char *dir)
{
    struct prose common = {0};
    prose_load(&common, doc_path(dir, "common", ".options.txt"));
    int missing = 0;
    for (size_t i = 0; progs[i] != NULL; i++) {
        struct prose own = {0};
        prose_load(&own, doc_path(dir, progs[i]->name, ".options.txt"));
        missing += check_prog(progs[i], &own, &common);
        prose_free(&own);
    }
    for (size_t i = 0; i < common.n; i++)
        if (!common.v[i].used)
            printf("common: unused %s in %s\n", common.v[i].name, common.v[i].file);
    prose_free(&common);
    return missing ? 1 : 0;
}

static int cmd_options(const char *progname)
{
    const struct opt_prog *prog = find_prog(progname);
    FOR_EACH_OPTION(prog, d)
    {
        const char *arg = opt_kind_arg(d->kind);
        printf("-%s %s\n", d->name, *arg ? arg : "-");
    }
    return 0;
}

/* ---- completion: word lists from the linked library ------------------------------------------ */

/* A growing space-separated list of words. */
struct words {
    char buf[16384];
    size_t len;
};

static void words_add(struct words *w, const char *word)
{
    if (strchr(word, ' ') != NULL || strchr(word, '\'') != NULL)
        return;
    size_t n = strlen(word);
    if (w->len + n + 2 > sizeof(w->buf))
        die("word list too long at \"%s\"", word);
    if (w->len > 0)
        w->buf[w->len++] = ' ';
    memcpy(w->buf + w->len, word, n + 1);
    w->len += n;
}

/* Adds each blank-separated word of list. */
static void words_split(struct words *w, const char *list)
{
    char word[128];
    for (const char *p = list; *p != '\0';) {
        size_t n = strcspn(p, " ");
        if (n > 0 && n < sizeof(word)) {
            memcpy(word, p, n);
            word[n] = '\0';
            words_add(w, word);
        }
        p += n + (p[n] == ' ');
    }
}

/* Keeps the candidates that the library accepts, one at a time. */
static void words_if(struct words *w, SSL_CTX *ctx, const char *const *cand,
                     int (*accepts)(SSL_CTX *, const char *))
{
    for (size_t i = 0; cand[i] != NULL; i++)
        if (accepts(ctx, cand[i]))
            words_add(w, cand[i]);
    ERR_clear_error();
}

static int accepts_group(SSL_CTX *ctx, const char *name)
{
    return SSL_CTX_set1_groups_list(ctx, name) == 1;
}

static int accepts_sigalg(SSL_CTX *ctx, const char *name)
{
    return SSL_CTX_set1_sigalgs_list(ctx, name) == 1;
}

static int accepts_cipher_rule(SSL_CTX *ctx, const char *name)
{
    return SSL_CTX_set_cipher_list(ctx, name) == 1;
}

static int accepts_suite(SSL_CTX *ctx, const char *name)
{
    return SSL_CTX_set_ciphersuites(ctx, name) == 1;
}

static int accepts_srtp(SSL_CTX *ctx, const char *name)
{
    return SSL_CTX_set_tlsext_use_srtp(ctx, name) == 0; /* 0 is success here */
}

static int accepts_protocol(SSL_CTX *ctx, const char *name)
{
    SSL_CONF_CTX *cctx = SSL_CONF_CTX_new();
    int ok = 0;
    if (cctx != NULL) {
        SSL_CONF_CTX_set_flags(cctx, SSL_CONF_FLAG_FILE | SSL_CONF_FLAG_CLIENT);
        SSL_CONF_CTX_set_ssl_ctx(cctx, ctx);
        ok = SSL_CONF_cmd(cctx, "MinProtocol", name) > 0;
        SSL_CONF_CTX_free(cctx);
    }
    return ok;
}

static int accepts_nameopt(SSL_CTX *ctx, const char *name)
{
    (void)ctx;
    return print_nameopt_valid(name);
}

static int accepts_provider(SSL_CTX *ctx, const char *name)
{
    (void)ctx;
    OSSL_PROVIDER *p = OSSL_PROVIDER_try_load(NULL, name, 1);
    if (p == NULL)
        return 0;
    OSSL_PROVIDER_unload(p);
    return 1;
}

/* The word lists below read better packed than one per line. */
/* clang-format off */
/* Groups cannot be listed through the 3.0 API: a generous candidate list, of which the build
 * keeps what this libssl takes. */
static const char *const group_names[] = {
    "X25519", "X448", "P-256", "P-384", "P-521", "secp256r1", "prime256v1", "secp384r1",
    "secp521r1", "secp224r1", "secp256k1", "brainpoolP256r1", "brainpoolP384r1",
    "brainpoolP512r1", "brainpoolP256r1tls13", "brainpoolP384r1tls13", "brainpoolP512r1tls13",
    "ffdhe2048", "ffdhe3072", "ffdhe4096", "ffdhe6144", "ffdhe8192", "X25519MLKEM768",
    "SecP256r1MLKEM768", "SecP384r1MLKEM1024", "MLKEM512", "MLKEM768", "MLKEM1024", NULL,
};

static const char *const sigalg_names[] = {
    "ecdsa_secp256r1_sha256", "ecdsa_secp384r1_sha384", "ecdsa_secp521r1_sha512", "ed25519",
    "ed448", "rsa_pss_rsae_sha256", "rsa_pss_rsae_sha384", "rsa_pss_rsae_sha512",
    "rsa_pss_pss_sha256", "rsa_pss_pss_sha384", "rsa_pss_pss_sha512", "rsa_pkcs1_sha256",
    "rsa_pkcs1_sha384", "rsa_pkcs1_sha512", "rsa_pkcs1_sha1", "ecdsa_sha1",
    "ecdsa_brainpoolP256r1_sha256", "ecdsa_brainpoolP384r1_sha384",
    "ecdsa_brainpoolP512r1_sha512", "RSA+SHA256", "RSA+SHA384", "RSA+SHA512", "ECDSA+SHA256",
    "ECDSA+SHA384", "ECDSA+SHA512", "RSA-PSS+SHA256", "RSA-PSS+SHA384", "RSA-PSS+SHA512",
    "mldsa44", "mldsa65", "mldsa87", NULL,
};

/* Cipher-string words besides the cipher names; kept if they select something. */
static const char *const cipher_rules[] = {
    "ALL", "DEFAULT", "COMPLEMENTOFDEFAULT", "COMPLEMENTOFALL", "HIGH", "MEDIUM", "LOW",
    "aRSA", "aECDSA", "aPSK", "kRSA", "kECDHE", "kDHE", "ECDHE", "DHE", "EDH", "PSK", "AES",
    "AESGCM", "AESCCM", "CHACHA20", "ARIA", "CAMELLIA", "SHA256", "SHA384", "TLSv1.2",
    "@STRENGTH", NULL,
};

static const char *const suite_names[] = {
    "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
    "TLS_AES_128_CCM_SHA256", "TLS_AES_128_CCM_8_SHA256", NULL,
};

static const char *const srtp_names[] = {
    "SRTP_AES128_CM_SHA1_80", "SRTP_AES128_CM_SHA1_32", "SRTP_AEAD_AES_128_GCM",
    "SRTP_AEAD_AES_256_GCM", "SRTP_DOUBLE_AEAD_AES_128_GCM_AEAD_AES_128_GCM",
    "SRTP_DOUBLE_AEAD_AES_256_GCM_AEAD_AES_256_GCM", NULL,
};

static const char *const protocol_names[] = {
    "None", "SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3", "DTLSv1", "DTLSv1.2", NULL,
};

static const char *const nameopt_names[] = {
    "oneline", "multiline", "RFC2253", "compat", "ca_default", "utf8", "sep_comma_plus",
    "sep_comma_plus_space", "sep_semi_plus_space", "sep_multiline", "dn_rev", "nofname",
    "sname", "lname", "align", "oid", "space_eq", "dump_unknown", "esc_2253", "esc_2254",
    "esc_ctrl", "esc_msb", "use_quote", "ignore_type", "show_type", "dump_all", "dump_nostr",
    "dump_der", NULL,
};

static const char *const provider_names[] = {"default", "legacy", "base", "fips", "null", NULL};
/* clang-format on */

/* The TLS 1.2-and-below cipher names this libssl knows, at any security level. */
static void cipher_names(struct words *w, SSL_CTX *ctx)
{
    if (SSL_CTX_set_cipher_list(ctx, "ALL:COMPLEMENTOFALL:@SECLEVEL=0") != 1)
        die("the linked libssl takes no cipher list");
    STACK_OF(SSL_CIPHER) *sk = SSL_CTX_get_ciphers(ctx);
    for (int i = 0; i < sk_SSL_CIPHER_num(sk); i++) {
        const SSL_CIPHER *c = sk_SSL_CIPHER_value(sk, i);
        if (strcmp(SSL_CIPHER_get_version(c), "TLSv1.3") != 0)
            words_add(w, SSL_CIPHER_get_name(c));
    }
    words_if(w, ctx, cipher_rules, accepts_cipher_rule);
}

static void verify_names(struct words *w)
{
    for (int i = 0; i < X509_VERIFY_PARAM_get_count(); i++)
        words_add(w, X509_VERIFY_PARAM_get0_name(X509_VERIFY_PARAM_get0(i)));
}

static void purpose_names(struct words *w)
{
    for (int i = 0; i < X509_PURPOSE_get_count(); i++)
        words_add(w, X509_PURPOSE_get0_sname(X509_PURPOSE_get0(i)));
}

static void starttls_words(struct words *w)
{
    for (const char *const *n = starttls_names(); *n != NULL; n++)
        words_add(w, *n);
}

/* ---- completion: which argument completes how ------------------------------------------------ */

enum comp {
    C_NONE,  /* takes a value nobody can guess: offer nothing */
    C_FILE,  /* files and directories */
    C_DIR,   /* directories */
    C_HOST,  /* host names */
    C_WORDS, /* one of the words */
    C_LIST,  /* a list of the words, separated by sep */
};

/* Value lists by option name; prog NULL means both programs. The list is filled at build
 * time by fill(), so it is what the linked library accepts. */
struct comp_rule {
    const char *name;
    const char *prog;
    enum comp comp;
    char sep;
    const char *fixed; /* a fixed word list, or NULL to call fill */
    void (*fill)(struct words *w, SSL_CTX *ctx);
};

#define FILL(fn, cands, test)                                                                      \
    static void fn(struct words *w, SSL_CTX *ctx)                                                  \
    {                                                                                              \
        words_if(w, ctx, cands, test);                                                             \
    }
FILL(fill_groups, group_names, accepts_group)
FILL(fill_sigalgs, sigalg_names, accepts_sigalg)
FILL(fill_suites, suite_names, accepts_suite)
FILL(fill_srtp, srtp_names, accepts_srtp)
FILL(fill_protocols, protocol_names, accepts_protocol)
FILL(fill_nameopts, nameopt_names, accepts_nameopt)
FILL(fill_providers, provider_names, accepts_provider)

static void fill_ciphers(struct words *w, SSL_CTX *ctx)
{
    cipher_names(w, ctx);
}

static void fill_starttls(struct words *w, SSL_CTX *ctx)
{
    (void)ctx;
    starttls_words(w);
}

static void fill_verify_names(struct words *w, SSL_CTX *ctx)
{
    (void)ctx;
    verify_names(w);
}

static void fill_purposes(struct words *w, SSL_CTX *ctx)
{
    (void)ctx;
    purpose_names(w);
}

static const struct comp_rule comp_rules[] = {
    {"starttls", NULL, C_WORDS, 0, NULL, fill_starttls},
    {"groups", NULL, C_LIST, ':', NULL, fill_groups},
    {"curves", NULL, C_LIST, ':', NULL, fill_groups},
    {"named_curve", NULL, C_WORDS, 0, NULL, fill_groups},
    {"cipher", NULL, C_LIST, ':', NULL, fill_ciphers},
    {"ciphersuites", NULL, C_LIST, ':', NULL, fill_suites},
    {"sigalgs", NULL, C_LIST, ':', NULL, fill_sigalgs},
    {"client_sigalgs", NULL, C_LIST, ':', NULL, fill_sigalgs},
    {"use_srtp", NULL, C_LIST, ':', NULL, fill_srtp},
    {"min_protocol", NULL, C_WORDS, 0, NULL, fill_protocols},
    {"max_protocol", NULL, C_WORDS, 0, NULL, fill_protocols},
    {"nameopt", NULL, C_LIST, ',', NULL, fill_nameopts},
    {"verify_name", NULL, C_WORDS, 0, NULL, fill_verify_names},
    {"purpose", NULL, C_WORDS, 0, NULL, fill_purposes},
    {"provider", NULL, C_WORDS, 0, NULL, fill_providers},
    {"pass", NULL, C_WORDS, 0, "pass: env: file: fd: stdin", NULL},
    {"dpass", NULL, C_WORDS, 0, "pass: env: file: fd: stdin", NULL},
    {"proxy_pass", NULL, C_WORDS, 0, "pass: env: file: fd: stdin", NULL},
    {"maxfraglen", NULL, C_WORDS, 0, "512 1024 2048 4096", NULL},
    {"alpn", NULL, C_LIST, ',', "h2 http/1.1 http/1.0 acme-tls/1 imap pop3 smtp xmpp-client", NULL},
    {"nextprotoneg", NULL, C_LIST, ',', "h2 http/1.1 http/1.0", NULL},
    {"key", NULL, C_FILE, 0, NULL, NULL},
    {"rand", NULL, C_FILE, 0, NULL, NULL},
    {"unix", NULL, C_FILE, 0, NULL, NULL},
    {"serverinfo", "s_server", C_FILE, 0, NULL, NULL},
    {"CAstore", NULL, C_FILE, 0, NULL, NULL},
    {"chainCAstore", NULL, C_FILE, 0, NULL, NULL},
    {"verifyCAstore", NULL, C_FILE, 0, NULL, NULL},
    {"connect", NULL, C_HOST, 0, NULL, NULL},
    {"host", NULL, C_HOST, 0, NULL, NULL},
    {"servername", "s_client", C_HOST, 0, NULL, NULL},
    {"verify_hostname", NULL, C_HOST, 0, NULL, NULL},
    {"name", NULL, C_HOST, 0, NULL, NULL},
    {"xmpphost", NULL, C_HOST, 0, NULL, NULL},
};

static const struct comp_rule *rule_for(const struct opt_prog *prog, const char *name)
{
    for (size_t i = 0; i < sizeof(comp_rules) / sizeof(comp_rules[0]); i++) {
        const struct comp_rule *r = &comp_rules[i];
        if (strcmp(r->name, name) == 0 && (r->prog == NULL || strcmp(r->prog, prog->name) == 0))
            return r;
    }
    return NULL;
}

/* How an option's argument completes, with its word list for C_WORDS and C_LIST. */
static enum comp comp_for(const struct opt_prog *prog, const struct opt_def *d, SSL_CTX *ctx,
                          struct words *w, char *sep)
{
    static const struct comp_rule pem_der = {"", NULL, C_WORDS, 0, "PEM DER", NULL};
    static const struct comp_rule any_format = {"", NULL, C_WORDS, 0, "PEM DER P12 ENGINE", NULL};
    const struct comp_rule *r = rule_for(prog, d->name);
    w->len = 0;
    w->buf[0] = '\0';
    if (r == NULL && d->kind == OPT_FORMAT)
        r = &pem_der;
    if (r == NULL && d->kind == OPT_KEYFORMAT)
        r = &any_format;
    if (r == NULL) {
        if (d->kind == OPT_INFILE || d->kind == OPT_OUTFILE)
            return C_FILE;
        return d->kind == OPT_DIR ? C_DIR : C_NONE;
    }
    if (r->fixed != NULL)
        words_split(w, r->fixed);
    else if (r->fill != NULL)
        r->fill(w, ctx);
    *sep = r->sep;
    return r->comp;
}

/* ---- completion: the script ------------------------------------------------------------------ */

/* The helpers every generated script carries; identical in both, so sourcing both is fine. */
static const char completion_helpers[] =
    "# _tlstool_words CUR WORDS: the WORDS that start with CUR.\n"
    "_tlstool_words()\n"
    "{\n"
    "    mapfile -t COMPREPLY < <(compgen -W \"$2\" -- \"$1\")\n"
    "}\n"
    "\n"
    "# _tlstool_list CUR SEP WORDS: complete the last item of a SEP-separated list.\n"
    "_tlstool_list()\n"
    "{\n"
    "    local cur=$1 sep=$2 prefix='' i\n"
    "    if [[ $cur == *\"$sep\"* ]]; then prefix=${cur%\"$sep\"*}$sep; fi\n"
    "    mapfile -t COMPREPLY < <(compgen -P \"$prefix\" -W \"$3\" -- \"${cur#\"$prefix\"}\")\n"
    "    # Readline replaces only what follows the last COMP_WORDBREAKS character (':' by\n"
    "    # default), so drop what precedes it from each reply.\n"
    "    if [[ $sep == : && ${COMP_WORDBREAKS-} == *:* && $cur == *:* ]]; then\n"
    "        for i in \"${!COMPREPLY[@]}\"; do COMPREPLY[i]=${COMPREPLY[i]#\"${cur%:*}:\"}; done\n"
    "    fi\n"
    "    compopt -o nospace 2>/dev/null\n"
    "}\n"
    "\n"
    "_tlstool_files()\n"
    "{\n"
    "    compopt -o filenames 2>/dev/null\n"
    "    mapfile -t COMPREPLY < <(compgen -f -- \"$1\")\n"
    "}\n"
    "\n"
    "_tlstool_dirs()\n"
    "{\n"
    "    compopt -o filenames 2>/dev/null\n"
    "    mapfile -t COMPREPLY < <(compgen -d -- \"$1\")\n"
    "}\n"
    "\n"
    "_tlstool_hosts()\n"
    "{\n"
    "    mapfile -t COMPREPLY < <(compgen -A hostname -- \"$1\")\n"
    "}\n"
    "\n"
    "# _tlstool_words_at CUR PREV: sets cur and prev from the command line up to the cursor,\n"
    "# split at blanks only, so that 'X25519:P-256' is one word; COMP_WORDS without a line.\n"
    "_tlstool_words_at()\n"
    "{\n"
    "    local line\n"
    "    if [[ -n ${COMP_LINE-} ]]; then\n"
    "        line=${COMP_LINE:0:${COMP_POINT:-${#COMP_LINE}}}\n"
    "        cur=${line##*[[:space:]]}\n"
    "        line=${line%\"$cur\"}\n"
    "        line=${line%\"${line##*[![:space:]]}\"}\n"
    "        prev=${line##*[[:space:]]}\n"
    "    else\n"
    "        cur=${COMP_WORDS[COMP_CWORD]-}\n"
    "        prev=${COMP_WORDS[COMP_CWORD-1]-}\n"
    "    fi\n"
    "    if [[ $prev == --?* ]]; then prev=${prev#-}; fi\n"
    "}\n";

/* An option that takes an argument, and how the argument completes. */
struct comp_opt {
    const char *name;
    enum comp comp;
    char sep;
    char *words;
    int done;
};

static void put_completion_case(FILE *out, const char *pattern, const struct comp_opt *o)
{
    fprintf(out, "        %s)\n            ", pattern);
    switch (o->comp) {
    case C_FILE:
        fputs("_tlstool_files \"$cur\"", out);
        break;
    case C_DIR:
        fputs("_tlstool_dirs \"$cur\"", out);
        break;
    case C_HOST:
        fputs("_tlstool_hosts \"$cur\"", out);
        break;
    case C_WORDS:
        fprintf(out, "_tlstool_words \"$cur\" '%s'", o->words);
        break;
    case C_LIST:
        fprintf(out, "_tlstool_list \"$cur\" '%c' '%s'", o->sep, o->words);
        break;
    case C_NONE:
        fputs(":", out);
        break;
    }
    fputs("\n            return\n            ;;\n", out);
}

static int same_comp(const struct comp_opt *a, const struct comp_opt *b)
{
    return a->comp == b->comp && a->sep == b->sep && strcmp(a->words, b->words) == 0;
}

/* One case branch per distinct completion; options that complete alike share a branch. */
static void put_completion_cases(FILE *out, struct comp_opt *o, size_t n)
{
    static char pattern[16384];
    for (size_t i = 0; i < n; i++) {
        if (o[i].done)
            continue;
        size_t plen = 0;
        for (size_t j = i; j < n; j++) {
            if (o[j].done || !same_comp(&o[i], &o[j]))
                continue;
            o[j].done = 1;
            int k = snprintf(pattern + plen, sizeof(pattern) - plen, "%s-%s", plen ? "|" : "",
                             o[j].name);
            if (k < 0 || (size_t)k >= sizeof(pattern) - plen)
                die("case pattern too long");
            plen += (size_t)k;
        }
        put_completion_case(out, pattern, &o[i]);
    }
}

/* Works out, once per option, how its argument completes. Returns the count. */
static size_t comp_opts(const struct opt_prog *prog, SSL_CTX *ctx, struct comp_opt **out)
{
    static struct words w;
    size_t n = 0, cap = 0;
    struct comp_opt *o = NULL;
    FOR_EACH_OPTION(prog, d)
    {
        if (!takes_arg(d->kind))
            continue;
        if (n == cap && (o = realloc(o, (cap = cap ? cap * 2 : 128) * sizeof(*o))) == NULL)
            die("out of memory");
        char sep = 0;
        o[n] = (struct comp_opt){d->name, comp_for(prog, d, ctx, &w, &sep), 0, NULL, 0};
        o[n].sep = sep;
        if ((o[n].words = strdup(w.buf)) == NULL)
            die("out of memory");
        n++;
    }
    *out = o;
    return n;
}

/* The option names, a few to a line (compgen -W splits at any blank). */
static void put_option_words(FILE *out, const struct opt_prog *prog)
{
    size_t col = (size_t)fprintf(out, "_%s_options='", prog->name);
    int fresh = 1;
    FOR_EACH_OPTION(prog, d)
    {
        size_t n = strlen(d->name) + 1;
        if (!fresh && col + 1 + n > 96) {
            fputc('\n', out);
            col = 0;
            fresh = 1;
        }
        if (!fresh) {
            fputc(' ', out);
            col++;
        }
        fprintf(out, "-%s", d->name);
        col += n;
        fresh = 0;
    }
    fputs("'\n\n", out);
}

static int cmd_completion(const char *progname)
{
    const struct opt_prog *prog = find_prog(progname);
    SSL_CTX *ctx = SSL_CTX_new(TLS_method());
    if (ctx == NULL)
        die("SSL_CTX_new failed");
    printf("# bash completion for %s                                  -*- shell-script -*-\n"
           "# Generated by tools/gendoc from %s's option tables, with value lists checked\n"
           "# against %s. Do not edit: run `make completion`.\n\n",
           prog->name, prog->name, OpenSSL_version(OPENSSL_VERSION));
    fputs(completion_helpers, stdout);
    putchar('\n');
    put_option_words(stdout, prog);
    printf("_%s()\n{\n    local cur prev\n    _tlstool_words_at\n    COMPREPLY=()\n"
           "    case $prev in\n",
           prog->name);
    struct comp_opt *o = NULL;
    size_t n = comp_opts(prog, ctx, &o);
    put_completion_cases(stdout, o, n);
    for (size_t i = 0; i < n; i++)
        free(o[i].words);
    free(o);
    printf("    esac\n"
           "    if [[ $cur == -* ]]; then\n"
           "        _tlstool_words \"$cur\" \"$_%s_options\"\n",
           prog->name);
    if (prog->positional != NULL)
        printf("    else\n        _tlstool_hosts \"$cur\"\n");
    printf("    fi\n}\n\ncomplete -F _%s %s\n", prog->name, prog->name);
    SSL_CTX_free(ctx);
    return fflush(stdout) == 0 ? 0 : 2;
}

/* ---- main ------------------------------------------------------------------------------------ */

static void usage(void)
{
    fputs("usage: gendoc man PROG DOCDIR | completion PROG | options PROG | check DOCDIR\n",
          stderr);
    exit(2);
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "man") == 0)
        return cmd_man(argv[2], argv[3]);
    if (argc == 3 && strcmp(argv[1], "completion") == 0)
        return cmd_completion(argv[2]);
    if (argc == 3 && strcmp(argv[1], "options") == 0)
        return cmd_options(argv[2]);
    if (argc == 3 && strcmp(argv[1], "check") == 0)
        return cmd_check(argv[2]);
    usage();
}
