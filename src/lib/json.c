/* The streaming JSON writer behind -json. */
#include "lib/json.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Where escaped text goes: a BIO, or a fixed buffer (json_escape). */
struct sink {
    BIO *bio;
    char *buf;
    size_t size, used;
    int failed;
};

static void sink_put(struct sink *s, const char *p, size_t n)
{
    if (s->failed || n == 0)
        return;
    if (s->bio != NULL) {
        if (BIO_write(s->bio, p, (int)n) != (int)n)
            s->failed = 1;
        return;
    }
    if (s->used + n >= s->size) {
        s->failed = 1;
        return;
    }
    memcpy(s->buf + s->used, p, n);
    s->used += n;
    s->buf[s->used] = '\0';
}

static void sink_puts(struct sink *s, const char *p)
{
    sink_put(s, p, strlen(p));
}

/* Length of the well-formed UTF-8 sequence at p (RFC 3629: no overlong forms, no surrogates,
 * nothing above U+10FFFF), or 0 when the bytes there are not one. */
static size_t utf8_seq_len(const unsigned char *p, size_t n)
{
    unsigned char c = p[0];
    size_t len;
    unsigned char lo = 0x80, hi = 0xbf; /* the allowed range of the second byte */
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        len = 2;
    else if (c >= 0xe0 && c <= 0xef)
        len = 3;
    else if (c >= 0xf0 && c <= 0xf4)
        len = 4;
    else
        return 0;
    if (c == 0xe0)
        lo = 0xa0;
    else if (c == 0xed)
        hi = 0x9f;
    else if (c == 0xf0)
        lo = 0x90;
    else if (c == 0xf4)
        hi = 0x8f;
    if (n < len || p[1] < lo || p[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++)
        if (p[i] < 0x80 || p[i] > 0xbf)
            return 0;
    return len;
}

/* The escape for a single byte below 0x80, or NULL when it stands for itself. */
static const char *ascii_escape(unsigned char c, char tmp[8])
{
    switch (c) {
    case '"':
        return "\\\"";
    case '\\':
        return "\\\\";
    case '\b':
        return "\\b";
    case '\f':
        return "\\f";
    case '\n':
        return "\\n";
    case '\r':
        return "\\r";
    case '\t':
        return "\\t";
    default:
        break;
    }
    if (c < 0x20 || c == 0x7f) {
        snprintf(tmp, 8, "\\u%04x", c);
        return tmp;
    }
    return NULL;
}

static void sink_quoted(struct sink *s, const unsigned char *p, size_t n)
{
    char tmp[8];
    size_t run = 0; /* bytes at p that pass through unchanged, not yet written */
    sink_put(s, "\"", 1);
    for (size_t i = 0; i < n;) {
        size_t len = utf8_seq_len(p + i, n - i);
        const char *esc = NULL;
        if (len == 0) {
            esc = "\\ufffd"; /* one replacement per bad byte, then resynchronise */
            len = 1;
        } else if (len == 1) {
            esc = ascii_escape(p[i], tmp);
        } else if (len == 3 && p[i] == 0xe2 && p[i + 1] == 0x80 && (p[i + 2] & 0xfe) == 0xa8) {
            /* U+2028/U+2029 are valid JSON but end lines in JavaScript: escape them too */
            esc = p[i + 2] == 0xa8 ? "\\u2028" : "\\u2029";
        }
        if (esc != NULL) {
            sink_put(s, (const char *)p + i - run, run);
            run = 0;
            sink_puts(s, esc);
        } else {
            run += len;
        }
        i += len;
    }
    sink_put(s, (const char *)p + n - run, run);
    sink_put(s, "\"", 1);
}

int json_escape(char *buf, size_t size, const void *str, size_t len)
{
    struct sink s = {NULL, buf, size, 0, 0};
    if (size == 0)
        return -1;
    buf[0] = '\0';
    sink_quoted(&s, str, len);
    return s.failed ? -1 : (int)s.used;
}

void json_init(struct json *j, BIO *out, int pretty)
{
    memset(j, 0, sizeof(*j));
    j->out = out;
    j->pretty = pretty;
    j->failed = out == NULL;
}

static void put(struct json *j, const char *p, size_t n)
{
    struct sink s = {j->out, NULL, 0, 0, 0};
    if (j->failed)
        return;
    sink_put(&s, p, n);
    j->failed = s.failed;
}

static void newline_indent(struct json *j, int depth)
{
    static const char spaces[] = "                                                                ";
    if (!j->pretty)
        return;
    put(j, "\n", 1);
    size_t n = (size_t)depth * 2;
    put(j, spaces, n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1);
}

/* Everything due before a value: the comma, the indent and the key; checks that a key is
 * given exactly where one belongs. */
static void begin_value(struct json *j, const char *key)
{
    if (j->failed)
        return;
    int d = j->depth;
    if (d < 0 || d >= JSON_MAX_DEPTH) {
        j->failed = 1;
        return;
    }
    int want_key = d > 0 && j->in_object[d];
    if ((key != NULL) != want_key || (d == 0 && j->has_items[0])) {
        j->failed = 1;
        return;
    }
    if (d > 0) {
        if (j->has_items[d])
            put(j, ",", 1);
        newline_indent(j, d);
    }
    j->has_items[d] = 1;
    if (key != NULL) {
        struct sink s = {j->out, NULL, 0, 0, 0};
        sink_quoted(&s, (const unsigned char *)key, strlen(key));
        sink_put(&s, j->pretty ? ": " : ":", j->pretty ? 2 : 1);
        j->failed = s.failed;
    }
}

static void open_container(struct json *j, const char *key, int object)
{
    begin_value(j, key);
    if (j->failed)
        return;
    if (j->depth + 1 >= JSON_MAX_DEPTH) {
        j->failed = 1;
        return;
    }
    j->depth++;
    j->in_object[j->depth] = (unsigned char)object;
    j->has_items[j->depth] = 0;
    put(j, object ? "{" : "[", 1);
}

static void close_container(struct json *j, int object)
{
    if (j->failed)
        return;
    if (j->depth == 0 || j->in_object[j->depth] != object) {
        j->failed = 1;
        return;
    }
    if (j->has_items[j->depth])
        newline_indent(j, j->depth - 1);
    j->depth--;
    put(j, object ? "}" : "]", 1);
}

void json_object_begin(struct json *j, const char *key)
{
    open_container(j, key, 1);
}

void json_object_end(struct json *j)
{
    close_container(j, 1);
}

void json_array_begin(struct json *j, const char *key)
{
    open_container(j, key, 0);
}

void json_array_end(struct json *j)
{
    close_container(j, 0);
}

void json_string_len(struct json *j, const char *key, const void *s, size_t len)
{
    begin_value(j, key);
    if (j->failed)
        return;
    struct sink sk = {j->out, NULL, 0, 0, 0};
    sink_quoted(&sk, s, len);
    j->failed = sk.failed;
}

void json_string(struct json *j, const char *key, const char *s)
{
    if (s == NULL)
        json_null(j, key);
    else
        json_string_len(j, key, s, strlen(s));
}

void json_hex(struct json *j, const char *key, const unsigned char *buf, size_t len)
{
    static const char digits[] = "0123456789abcdef";
    begin_value(j, key);
    put(j, "\"", 1);
    for (size_t i = 0; i < len && !j->failed; i++) {
        char two[2] = {digits[buf[i] >> 4], digits[buf[i] & 15]};
        put(j, two, 2);
    }
    put(j, "\"", 1);
}

/* A value that is already valid JSON text. */
static void raw_value(struct json *j, const char *key, const char *text)
{
    begin_value(j, key);
    put(j, text, strlen(text));
}

void json_int(struct json *j, const char *key, long long v)
{
    char num[32];
    snprintf(num, sizeof(num), "%lld", v);
    raw_value(j, key, num);
}

void json_uint(struct json *j, const char *key, unsigned long long v)
{
    char num[32];
    snprintf(num, sizeof(num), "%llu", v);
    raw_value(j, key, num);
}

void json_double(struct json *j, const char *key, double v)
{
    char num[64];
    if (!isfinite(v)) {
        raw_value(j, key, "null");
        return;
    }
    int n = snprintf(num, sizeof(num), "%.3f", v);
    if (n < 0 || (size_t)n >= sizeof(num)) {
        raw_value(j, key, "null");
        return;
    }
    /* "12.500" -> "12.5", "3.000" -> "3": shorter, and still the same number */
    while (n > 0 && num[n - 1] == '0')
        num[--n] = '\0';
    if (n > 0 && num[n - 1] == '.')
        num[--n] = '\0';
    if (strcmp(num, "-0") == 0)
        snprintf(num, sizeof(num), "0");
    raw_value(j, key, num);
}

void json_bool(struct json *j, const char *key, int v)
{
    raw_value(j, key, v ? "true" : "false");
}

void json_null(struct json *j, const char *key)
{
    raw_value(j, key, "null");
}

int json_end(struct json *j)
{
    if (j->depth != 0 || !j->has_items[0])
        j->failed = 1;
    put(j, "\n", 1);
    if (j->out != NULL && BIO_flush(j->out) <= 0)
        j->failed = 1;
    return j->failed ? -1 : 0;
}
