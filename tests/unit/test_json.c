/* The JSON writer: escaping (control characters, quotes, backslash, invalid UTF-8), numbers,
 * nesting, and the misuse it must refuse. Output is compared byte for byte. */
#include "lib/json.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tap.h"

static void is_str(const char *got, const char *want, const char *name)
{
    ok(strcmp(got, want) == 0, "%s", name);
    if (strcmp(got, want) != 0)
        printf("#      got: %s\n# expected: %s\n", got, want);
}

/* The text written so far to a memory BIO, NUL-terminated in buf. */
static const char *bio_text(BIO *b, char *buf, size_t size)
{
    char *data = NULL;
    long n = BIO_get_mem_data(b, &data);
    if (n < 0 || (size_t)n >= size)
        n = 0;
    memcpy(buf, data, (size_t)n);
    buf[n] = '\0';
    return buf;
}

struct esc_case {
    const char *name;
    const char *in;
    size_t len;
    const char *want;
};

static const struct esc_case esc_cases[] = {
    {"plain ASCII", "hello", 5, "\"hello\""},
    {"empty", "", 0, "\"\""},
    {"quote and backslash", "a\"b\\c", 5, "\"a\\\"b\\\\c\""},
    {"short escapes", "\b\f\n\r\t", 5, "\"\\b\\f\\n\\r\\t\""},
    {"other controls", "\x01\x1f\x7f", 3, "\"\\u0001\\u001f\\u007f\""},
    {"embedded NUL", "a\0b", 3, "\"a\\u0000b\""},
    {"slash passes", "a/b", 3, "\"a/b\""},
    {"valid 2-byte UTF-8", "caf\xc3\xa9", 5, "\"caf\xc3\xa9\""},
    {"valid 3-byte UTF-8", "\xe2\x82\xac", 3, "\"\xe2\x82\xac\""},
    {"valid 4-byte UTF-8", "\xf0\x9f\x94\x92", 4, "\"\xf0\x9f\x94\x92\""},
    {"lone continuation byte", "a\x80z", 3, "\"a\\ufffdz\""},
    {"Latin-1 byte", "caf\xe9", 4, "\"caf\\ufffd\""},
    {"overlong slash", "\xc0\xaf", 2, "\"\\ufffd\\ufffd\""},
    {"overlong 3-byte", "\xe0\x80\xaf", 3, "\"\\ufffd\\ufffd\\ufffd\""},
    {"UTF-16 surrogate", "\xed\xa0\x80", 3, "\"\\ufffd\\ufffd\\ufffd\""},
    {"above U+10FFFF", "\xf4\x90\x80\x80", 4, "\"\\ufffd\\ufffd\\ufffd\\ufffd\""},
    {"truncated sequence at end", "ab\xe2\x82", 4, "\"ab\\ufffd\\ufffd\""},
    {"0xff", "\xff", 1, "\"\\ufffd\""},
    {"U+2028 line separator", "\xe2\x80\xa8", 3, "\"\\u2028\""},
    {"U+2029 paragraph separator", "\xe2\x80\xa9", 3, "\"\\u2029\""},
};

static void test_escape(void)
{
    for (size_t i = 0; i < sizeof(esc_cases) / sizeof(esc_cases[0]); i++) {
        char buf[256];
        int n = json_escape(buf, sizeof(buf), esc_cases[i].in, esc_cases[i].len);
        ok(n == (int)strlen(esc_cases[i].want), "escape %s: length", esc_cases[i].name);
        is_str(buf, esc_cases[i].want, esc_cases[i].name);
    }
    char small[4];
    ok(json_escape(small, sizeof(small), "abcdef", 6) == -1, "escape: too small a buffer fails");
    ok(json_escape(small, 0, "a", 1) == -1, "escape: zero-size buffer fails");
}

static void test_document(void)
{
    char buf[1024];
    BIO *b = BIO_new(BIO_s_mem());
    struct json j;
    json_init(&j, b, 0);
    json_object_begin(&j, NULL);
    json_string(&j, "s", "x\"y");
    json_string(&j, "null", NULL);
    json_int(&j, "neg", -42);
    json_uint(&j, "big", 18446744073709551615ULL);
    json_double(&j, "ms", 12.5);
    json_double(&j, "whole", 3.0);
    json_double(&j, "nan", NAN);
    json_double(&j, "tiny", -0.0001);
    json_bool(&j, "t", 1);
    json_bool(&j, "f", 0);
    json_hex(&j, "hex", (const unsigned char *)"\x00\xab\xff", 3);
    json_array_begin(&j, "a");
    json_int(&j, NULL, 1);
    json_object_begin(&j, NULL);
    json_object_end(&j);
    json_array_begin(&j, NULL);
    json_array_end(&j);
    json_string_len(&j, NULL, "a\0b", 3);
    json_array_end(&j);
    json_object_end(&j);
    ok(json_end(&j) == 0, "document: json_end succeeds");
    is_str(bio_text(b, buf, sizeof(buf)),
           "{\"s\":\"x\\\"y\",\"null\":null,\"neg\":-42,\"big\":18446744073709551615,"
           "\"ms\":12.5,\"whole\":3,\"nan\":null,\"tiny\":0,\"t\":true,\"f\":false,"
           "\"hex\":\"00abff\",\"a\":[1,{},[],\"a\\u0000b\"]}\n",
           "document: compact output");
    BIO_free(b);
}

static void test_pretty(void)
{
    char buf[1024];
    BIO *b = BIO_new(BIO_s_mem());
    struct json j;
    json_init(&j, b, 1);
    json_object_begin(&j, NULL);
    json_int(&j, "a", 1);
    json_array_begin(&j, "l");
    json_string(&j, NULL, "x");
    json_array_end(&j);
    json_object_begin(&j, "e");
    json_object_end(&j);
    json_object_end(&j);
    ok(json_end(&j) == 0, "pretty: json_end succeeds");
    is_str(bio_text(b, buf, sizeof(buf)),
           "{\n  \"a\": 1,\n  \"l\": [\n    \"x\"\n  ],\n  \"e\": {}\n}\n", "pretty: layout");
    BIO_free(b);
}

/* Each misuse must make json_end() fail. */
static void test_misuse(void)
{
    struct json j;
    BIO *b = BIO_new(BIO_s_mem());

    json_init(&j, b, 0);
    json_object_begin(&j, NULL);
    json_int(&j, NULL, 1);
    json_object_end(&j);
    ok(json_end(&j) == -1, "misuse: value without a key in an object");

    json_init(&j, b, 0);
    json_array_begin(&j, NULL);
    json_int(&j, "k", 1);
    json_array_end(&j);
    ok(json_end(&j) == -1, "misuse: key inside an array");

    json_init(&j, b, 0);
    json_object_begin(&j, NULL);
    ok(json_end(&j) == -1, "misuse: unclosed object");

    json_init(&j, b, 0);
    json_object_begin(&j, NULL);
    json_array_end(&j);
    ok(json_end(&j) == -1, "misuse: object closed as an array");

    json_init(&j, b, 0);
    json_object_end(&j);
    ok(json_end(&j) == -1, "misuse: close without open");

    json_init(&j, b, 0);
    json_int(&j, NULL, 1);
    json_int(&j, NULL, 2);
    ok(json_end(&j) == -1, "misuse: two top-level values");

    json_init(&j, b, 0);
    ok(json_end(&j) == -1, "misuse: empty document");

    json_init(&j, b, 0);
    for (int i = 0; i < JSON_MAX_DEPTH + 2; i++)
        json_array_begin(&j, NULL);
    for (int i = 0; i < JSON_MAX_DEPTH + 2; i++)
        json_array_end(&j);
    ok(json_end(&j) == -1, "misuse: nesting deeper than JSON_MAX_DEPTH");

    json_init(&j, NULL, 0);
    json_int(&j, NULL, 1);
    ok(json_end(&j) == -1, "misuse: no output BIO");
    BIO_free(b);
}

int main(void)
{
    test_escape();
    test_document();
    test_pretty();
    test_misuse();
    printf("1..%d\n", tests_run);
    return tests_failed ? 1 : 0;
}
