/* A growable text buffer for reports assembled piece by piece: appending is a memcpy, and the
 * finished text goes to its BIO in one write (a BIO_write per piece cost more than the text). */
#ifndef TLSTOOL_TEXTBUF_H
#define TLSTOOL_TEXTBUF_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/bio.h>

struct textbuf {
    char *p; /* NUL-terminated once anything was appended; NULL before */
    size_t len, cap;
    int failed; /* out of memory: later appends are dropped */
};

void tb_put(struct textbuf *b, const void *text, size_t n);
void tb_str(struct textbuf *b, const char *s);
/* v in decimal. */
void tb_uint(struct textbuf *b, unsigned long v);
/* "0x" and four lower-case hex digits. */
void tb_hex4(struct textbuf *b, uint16_t v);
void tb_printf(struct textbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Writes the text to out. Returns 0, or -1 when it is incomplete (out of memory) or the
 * write failed. */
int tb_write(BIO *out, const struct textbuf *b);
void tb_free(struct textbuf *b);

#endif
