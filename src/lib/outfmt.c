/* out_printf and out_flush (see outfmt.h). */
#include "lib/outfmt.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <openssl/err.h>

void out_flush(BIO *out)
{
    ERR_set_mark();
    (void)BIO_flush(out);
    ERR_pop_to_mark();
}

int out_printf(BIO *out, const char *fmt, ...)
{
    char small[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < 0)
        return -1;
    if ((size_t)n < sizeof(small))
        return BIO_write(out, small, n);
    char *big = malloc((size_t)n + 1);
    if (big == NULL)
        return -1;
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    int w = BIO_write(out, big, n);
    free(big);
    return w;
}
