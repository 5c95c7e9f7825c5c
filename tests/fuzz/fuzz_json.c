/* The JSON writer driven by arbitrary byte strings: each input byte picks an operation
 * (open/close a container, a string made of the following bytes, numbers, booleans). Whatever
 * the sequence, a document json_end() accepts must be strict JSON (RFC 8259) in valid UTF-8,
 * which a small checker here verifies and a real parser (json-c, strict mode) must read;
 * json_escape() output must be one valid JSON string, and when the input bytes were valid
 * UTF-8 the parser must decode exactly those bytes from it (the round trip). */
// FUZZ_EXTRA_SRC: tests/fuzz/real_json_parse.c
// FUZZ_EXTRA_LIBS: -ljson-c
#include "lib/json.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct cur {
    const unsigned char *p, *end;
};

static int check_value(struct cur *c, int depth);

static void skip_ws(struct cur *c)
{
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\n' || *c->p == '\t' || *c->p == '\r'))
        c->p++;
}

static int is_hex(unsigned char ch)
{
    return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
}

/* A string: no raw control characters, valid escapes, valid UTF-8. */
static int check_string(struct cur *c)
{
    if (c->p >= c->end || *c->p++ != '"')
        return 0;
    while (c->p < c->end) {
        unsigned char ch = *c->p++;
        if (ch == '"')
            return 1;
        if (ch < 0x20)
            return 0;
        if (ch == '\\') {
            if (c->p >= c->end)
                return 0;
            ch = *c->p++;
            if (ch == 'u') {
                for (int i = 0; i < 4; i++)
                    if (c->p >= c->end || !is_hex(*c->p++))
                        return 0;
            } else if (strchr("\"\\/bfnrt", ch) == NULL || ch == '\0') {
                return 0;
            }
        } else if (ch >= 0x80) {
            int n = ch >= 0xf0 ? 3 : ch >= 0xe0 ? 2 : ch >= 0xc2 ? 1 : -1;
            if (n < 0 || ch > 0xf4)
                return 0;
            for (int i = 0; i < n; i++)
                if (c->p >= c->end || (*c->p++ & 0xc0) != 0x80)
                    return 0;
        }
    }
    return 0;
}

static int check_number(struct cur *c)
{
    const unsigned char *start = c->p;
    if (c->p < c->end && *c->p == '-')
        c->p++;
    if (c->p >= c->end || *c->p < '0' || *c->p > '9')
        return 0;
    if (*c->p == '0' && c->p + 1 < c->end && c->p[1] >= '0' && c->p[1] <= '9')
        return 0;
    while (c->p < c->end && *c->p >= '0' && *c->p <= '9')
        c->p++;
    if (c->p < c->end && *c->p == '.') {
        c->p++;
        if (c->p >= c->end || *c->p < '0' || *c->p > '9')
            return 0;
        while (c->p < c->end && *c->p >= '0' && *c->p <= '9')
            c->p++;
    }
    return c->p > start;
}

static int check_word(struct cur *c, const char *w)
{
    size_t n = strlen(w);
    if ((size_t)(c->end - c->p) < n || memcmp(c->p, w, n) != 0)
        return 0;
    c->p += n;
    return 1;
}

static int check_container(struct cur *c, int depth, int object)
{
    c->p++;
    skip_ws(c);
    if (c->p < c->end && *c->p == (object ? '}' : ']')) {
        c->p++;
        return 1;
    }
    for (;;) {
        if (object) {
            skip_ws(c);
            if (!check_string(c))
                return 0;
            skip_ws(c);
            if (c->p >= c->end || *c->p++ != ':')
                return 0;
        }
        if (!check_value(c, depth + 1))
            return 0;
        skip_ws(c);
        if (c->p >= c->end)
            return 0;
        unsigned char ch = *c->p++;
        if (ch == (object ? '}' : ']'))
            return 1;
        if (ch != ',')
            return 0;
    }
}

static int check_value(struct cur *c, int depth)
{
    if (depth > JSON_MAX_DEPTH)
        return 0;
    skip_ws(c);
    if (c->p >= c->end)
        return 0;
    switch (*c->p) {
    case '{': return check_container(c, depth, 1);
    case '[': return check_container(c, depth, 0);
    case '"': return check_string(c);
    case 't': return check_word(c, "true");
    case 'f': return check_word(c, "false");
    case 'n': return check_word(c, "null");
    default: return check_number(c);
    }
}

static void check_document(const unsigned char *p, size_t n)
{
    struct cur c = {p, p + n};
    if (!check_value(&c, 0))
        abort();
    skip_ws(&c);
    if (c.p != c.end)
        abort();
}

/* Whether s (len bytes) is valid UTF-8 as RFC 3629 has it (no overlongs or surrogates).
 * Written again here on purpose, not taken from lib/json.c: the oracle must not share the
 * writer's own idea of validity. */
static int utf8_valid(const unsigned char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        unsigned char c = s[i];
        size_t n;
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf)
            n = 1;
        else if (c >= 0xe0 && c <= 0xef)
            n = 2;
        else if (c >= 0xf0 && c <= 0xf4)
            n = 3;
        else
            return 0;
        if (len - i <= n)
            return 0;
        unsigned char c1 = s[i + 1];
        if ((c == 0xe0 && c1 < 0xa0) || (c == 0xed && c1 > 0x9f) || (c == 0xf0 && c1 < 0x90) ||
            (c == 0xf4 && c1 > 0x8f))
            return 0;
        for (size_t k = 1; k <= n; k++)
            if ((s[i + k] & 0xc0) != 0x80)
                return 0;
        i += n + 1;
    }
    return 1;
}

/* In tests/fuzz/real_json_parse.c (json-c's json_bool type and our json_bool() writer
 * cannot share a file): 1 when json-c in strict mode reads text (len bytes) as one complete
 * value; with want, it must be a string of exactly want_len bytes equal to want. */
int fuzz_json_real_parse(const char *text, size_t len, const void *want, size_t want_len);

/* One operation; returns how many input bytes it used. */
static size_t apply(struct json *j, const uint8_t *d, size_t n, int *in_object)
{
    const char *key = *in_object ? "k" : NULL;
    uint8_t op = d[0];
    size_t used = 1;
    switch (op % 12) {
    case 0: json_object_begin(j, key); *in_object = 1; break;
    case 1: json_array_begin(j, key); *in_object = 0; break;
    case 2: json_object_end(j); break;
    case 3: json_array_end(j); break;
    case 4: {
        /* the next byte is a length, the bytes after it the string */
        size_t len = n > 1 ? d[1] % 32u : 0;
        size_t start = n > 1 ? 2 : 1;
        if (len > n - start)
            len = n - start;
        json_string_len(j, key, d + start, len);
        used = start + len;
        break;
    }
    case 5: json_int(j, key, (long long)op * -123456789LL); break;
    case 6: json_uint(j, key, (unsigned long long)op << 56); break;
    case 7: json_double(j, key, op == 7 ? NAN : op / 7.0 - 10.0); break;
    case 8: json_bool(j, key, op & 16); break;
    case 9: json_null(j, key); break;
    case 10: json_hex(j, key, d, n < 8 ? n : 8); break;
    default: *in_object = !*in_object; break; /* lets misuse (wrong key use) be tried too */
    }
    return used;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char esc[256 * 6 + 3];
    if (size > 4096)
        return 0;
    size_t elen = size < 256 ? size : 256;
    int n = json_escape(esc, sizeof(esc), data, elen);
    if (n < 0)
        abort(); /* six bytes per input byte plus quotes always fit */
    check_document((const unsigned char *)esc, (size_t)n);
    int valid = utf8_valid(data, elen);
    if (!fuzz_json_real_parse(esc, (size_t)n, valid ? data : NULL, elen))
        abort(); /* not JSON to a real parser, or it read back other bytes than were escaped */

    BIO *out = BIO_new(BIO_s_mem());
    if (out == NULL)
        return 0;
    struct json j;
    int in_object = 0;
    json_init(&j, out, size > 0 && (data[0] & 1));
    for (size_t i = 0; i < size;)
        i += apply(&j, data + i, size - i, &in_object);
    if (json_end(&j) == 0) {
        char *text = NULL;
        long len = BIO_get_mem_data(out, &text);
        check_document((const unsigned char *)text, (size_t)len);
        if (!fuzz_json_real_parse(text, (size_t)len, NULL, 0))
            abort();
    }
    BIO_free(out);
    return 0;
}
