/* The one option engine for both programs: each program declares its options once, in tables
 * of struct opt_def rows; parsing, -help, the man page and shell completion all read them. */
#ifndef TLSTOOL_OPT_H
#define TLSTOOL_OPT_H

#include <stddef.h>
#include <stdio.h>

enum opt_kind {
    OPT_END = 0,   /* terminates a table */
    OPT_SECTION,   /* not an option: a heading in -help ("help" is the heading text) */
    OPT_HELP,      /* prints the summary and ends parsing */
    OPT_VERSION,   /* prints our version and the linked OpenSSL's to stdout, ends parsing */
    OPT_FLAG,      /* no argument */
    OPT_STRING,    /* "val" */
    OPT_INFILE,    /* "infile" */
    OPT_OUTFILE,   /* "outfile" */
    OPT_DIR,       /* "dir" */
    OPT_URI,       /* "uri" */
    OPT_INT,       /* "int": any int */
    OPT_UINT,      /* "+int": a positive int (openssl refuses 0 too) */
    OPT_INTMAX,    /* "intmax": a 64-bit number (times) */
    OPT_FORMAT,    /* "PEM|DER" */
    OPT_KEYFORMAT, /* "format": PEM, DER, P12 or ENGINE */
};

/* File formats, as -certform/-keyform give them. */
enum opt_format { FORMAT_UNSET = 0, FORMAT_PEM, FORMAT_DER, FORMAT_P12, FORMAT_ENGINE };

/* A parsed argument: str is the text as given (NULL for flags); num holds the value of the
 * numeric and format kinds. */
struct opt_val {
    const char *str;
    long long num;
};

struct opt_def;

/* Stores one option into the program's config. Returns 0, or -1 after printing why (with
 * opt_error()). cfg is the program's config struct, whose first member is its
 * struct tls_common, so common and program-specific rows share one base pointer. */
typedef int (*opt_setter)(void *cfg, const struct opt_def *def, const struct opt_val *val);

struct opt_def {
    const char *name; /* without the leading '-' */
    enum opt_kind kind;
    opt_setter set;
    size_t field; /* offsetof() the destination, for the generic setters below */
    long aux;     /* a setter's constant: the value for opt_set_const, a flag bit, ... */
    const char *help;
};

/* Table-row shorthands. */
#define OPT_ROW_SECTION(title) {"", OPT_SECTION, NULL, 0, 0, title}
#define OPT_ROW_END {NULL, OPT_END, NULL, 0, 0, NULL}

struct opt_prog {
    const char *name;  /* "s_client": prefixes every message */
    const char *usage; /* after "Usage: NAME ", e.g. "[options] [host:port]" */
    const struct opt_def *const *tables; /* NULL-terminated; rows of each end with OPT_ROW_END */
    /* Accepts one positional argument; NULL when the program takes none. */
    int (*positional)(void *cfg, const char *arg);
    const char *positional_name; /* for the "Parameters:" section of -help */
    const char *positional_help;
};

enum opt_result { OPT_OK = 0, OPT_EXIT_OK = 1, OPT_EXIT_FAIL = -1 };

/* Parses argv[1..argc-1] into cfg. Returns OPT_OK to go on, OPT_EXIT_OK after -help or
 * -version was printed, OPT_EXIT_FAIL after an error was printed (with the "Use -help" hint). */
enum opt_result opt_parse(const struct opt_prog *prog, void *cfg, int argc, char **argv);

/* Prints the grouped summary of every table to out. */
void opt_print_help(const struct opt_prog *prog, FILE *out);

/* Prints "PROG VERSION (OpenSSL ...)" for -version: our version and the linked library's. */
void opt_print_version(const struct opt_prog *prog, FILE *out);

/* Finds a row by name (without '-'); NULL when there is none. */
const struct opt_def *opt_find(const struct opt_prog *prog, const char *name);

/* The argument placeholder -help shows for a kind ("val", "infile", "+int", ...), "" for none. */
const char *opt_kind_arg(enum opt_kind kind);

/* Prints "PROG: message" to stderr. The program name comes from the last opt_parse(). */
void opt_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *opt_progname(void);

/* Checked number parsing: returns 0 and stores the value, or -1 when text is not a whole
 * number within [min, max]. */
int opt_parse_ll(const char *text, long long min, long long max, long long *out);

/* Generic setters, writing at def->field of cfg. */
int opt_set_true(void *cfg, const struct opt_def *def, const struct opt_val *val);   /* int = 1 */
int opt_set_false(void *cfg, const struct opt_def *def, const struct opt_val *val);  /* int = 0 */
int opt_set_const(void *cfg, const struct opt_def *def, const struct opt_val *val);  /* int = aux */
int opt_set_str(void *cfg, const struct opt_def *def, const struct opt_val *val);    /* const char * */
int opt_set_int(void *cfg, const struct opt_def *def, const struct opt_val *val);    /* int */
int opt_set_long(void *cfg, const struct opt_def *def, const struct opt_val *val);   /* long long */
int opt_append_str(void *cfg, const struct opt_def *def, const struct opt_val *val); /* strlist */
/* Accepted for compatibility, with nothing to do: says so on stderr when aux is 1. */
int opt_ignore(void *cfg, const struct opt_def *def, const struct opt_val *val);

#endif
