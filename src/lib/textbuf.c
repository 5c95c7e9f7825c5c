/* The growable text buffer of textbuf.h. */
#include "lib/textbuf.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Room for n more bytes and the NUL; 0, or -1 (failed from then on). */
static int reserve(struct textbuf *b, size_t n)
{
    if (b->failed)
        return -1;
    if (b->cap - b->len > n)
        return 0;
    size_t cap = b->cap ? b->cap : 1024;
    while (cap - b->len <= n) {
        if (cap > SIZE_MAX / 2) {
            b->failed = 1;
            return -1;
        }
        cap *= 2;
    }
    char *p = realloc(b->p, cap);
    if (p == NULL) {
        b->failed = 1;
        return -1;
    }
    b->p = p;
    b->cap = cap;
    return 0;
}

void tb_put(struct textbuf *b, const void *text, size_t n)
{
    if (reserve(b, n) < 0)
        return;
    memcpy(b->p + b->len, text, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void tb_str(struct textbuf *b, const char *s)
{
    tb_put(b, s, strlen(s));
}

void tb_uint(struct textbuf *b, unsigned long v)
{
    char digits[24];
    size_t n = sizeof(digits);
    do {
        digits[--n] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    tb_put(b, digits + n, sizeof(digits) - n);
}

void tb_hex4(struct textbuf *b, uint16_t v)
{
    static const char digits[] = "0123456789abcdef";
    char hex[6] = {
        '0', 'x', digits[v >> 12], digits[(v >> 8) & 15], digits[(v >> 4) & 15], digits[v & 15]};
    tb_put(b, hex, sizeof(hex));
}

void tb_printf(struct textbuf *b, const char *fmt, ...)
{
    /* into the room there is; when that is too small, again after growing */
    for (int pass = 0; pass < 2 && !b->failed; pass++) {
        size_t room = b->cap - b->len;
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(b->p != NULL ? b->p + b->len : NULL, room, fmt, ap);
        va_end(ap);
        if (n < 0) {
            b->failed = 1;
        } else if ((size_t)n < room) {
            b->len += (size_t)n;
            return;
        } else if (b->p != NULL) {
            b->p[b->len] = '\0'; /* a cut-off try leaves the text as it was */
        }
        if (n >= 0)
            reserve(b, (size_t)n);
    }
}

int tb_write(BIO *out, const struct textbuf *b)
{
    if (b->failed || b->len > INT_MAX)
        return -1;
    return b->len == 0 || BIO_write(out, b->p, (int)b->len) == (int)b->len ? 0 : -1;
}

void tb_free(struct textbuf *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
    b->failed = 0;
}
