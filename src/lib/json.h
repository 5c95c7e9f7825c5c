/* A small streaming JSON writer for -json: values go straight to a BIO (a memory BIO when the
 * caller wants a buffer, e.g. to write a server's report in one call), with commas, nesting
 * and string escaping handled here so that no printer can produce invalid JSON.
 *
 * Strings are written as JSON wants them whatever bytes they hold: quote, backslash and
 * control characters are escaped, valid UTF-8 passes through, and each byte of an invalid
 * UTF-8 sequence becomes U+FFFD. Errors (nesting too deep, a key where none belongs, a value
 * without a key inside an object, a failed write) are sticky: the writer stops writing and
 * json_end() reports -1. */
#ifndef TLSTOOL_JSON_H
#define TLSTOOL_JSON_H

#include <stddef.h>
#include <stdint.h>
#include <openssl/bio.h>

#define JSON_MAX_DEPTH 32

struct json {
    BIO *out;
    int depth;
    int failed;
    int pretty;                              /* newlines and two-space indents */
    unsigned char in_object[JSON_MAX_DEPTH]; /* 1: object, 0: array, per level */
    unsigned char has_items[JSON_MAX_DEPTH]; /* a comma is due before the next item */
};

/* Starts a document on out (not owned). pretty: indented over several lines; else one line. */
void json_init(struct json *j, BIO *out, int pretty);

/* Every value function takes key: the member name inside an object, NULL inside an array or
 * for the top-level value. A key where none belongs, or none where one is needed, fails the
 * writer. */
void json_object_begin(struct json *j, const char *key);
void json_object_end(struct json *j);
void json_array_begin(struct json *j, const char *key);
void json_array_end(struct json *j);

/* A string value; s NULL writes null. */
void json_string(struct json *j, const char *key, const char *s);
/* A string of len bytes, which may hold NULs and any other bytes. */
void json_string_len(struct json *j, const char *key, const void *s, size_t len);
/* A string of lowercase hex digits for len bytes, e.g. a fingerprint or session id. */
void json_hex(struct json *j, const char *key, const unsigned char *buf, size_t len);
void json_int(struct json *j, const char *key, long long v);
void json_uint(struct json *j, const char *key, unsigned long long v);
/* A number with up to three decimals (milliseconds); NaN and infinities become null. */
void json_double(struct json *j, const char *key, double v);
void json_bool(struct json *j, const char *key, int v);
void json_null(struct json *j, const char *key);

/* Ends the document (a newline after the top-level value) and flushes out. Returns 0 when
 * everything was written and every object and array was closed, else -1. */
int json_end(struct json *j);

/* Writes s (len bytes) as a quoted JSON string into buf (size bytes, NUL-terminated).
 * Returns the length written, or -1 when buf is too small (buf then holds nothing useful). */
int json_escape(char *buf, size_t size, const void *s, size_t len);

#endif
