/* out_printf: what it writes matches what BIO_printf writes for the formats the reports use,
 * including results longer than its stack buffer. */
#include "lib/outfmt.h"

#include <stdio.h>
#include <string.h>

#include "tap.h"

/* Passes when both writes returned the same and left the same bytes (none, possibly). */
static void compare(const char *name, BIO *a, int na, BIO *b, int nb)
{
    char *pa = NULL, *pb = NULL;
    long la = BIO_get_mem_data(a, &pa), lb = BIO_get_mem_data(b, &pb);
    ok(na == nb && la == lb && la >= 0 && (la == 0 || memcmp(pa, pb, (size_t)la) == 0), "%s",
       name);
    BIO_free(a);
    BIO_free(b);
}

/* Both formatters on the same arguments, compared byte for byte. */
#define SAME(name, ...)                                                                    \
    do {                                                                                   \
        BIO *a = BIO_new(BIO_s_mem()), *b = BIO_new(BIO_s_mem());                          \
        int na = out_printf(a, __VA_ARGS__), nb = BIO_printf(b, __VA_ARGS__);              \
        compare(name, a, na, b, nb);                                                       \
    } while (0)

int main(void)
{
    char longer[2000];
    memset(longer, 'x', sizeof(longer) - 1);
    longer[sizeof(longer) - 1] = '\0';

    SAME("plain text", "no conversions\n");
    SAME("strings and hex", "%s%s (0x%04x)", ", ", "x25519", 29);
    SAME("padded columns", "%-11s:%-25s ", "TLSv1.3", "TLS_AES_256_GCM_SHA384");
    SAME("long and size_t", "%4ld items, %zu bytes", 12L, (size_t)4096);
    SAME("unsigned", "%s%u", " ", 255u);
    SAME("longer than the stack buffer", "JA3: %s\n", longer);
    SAME("empty result", "%s", "");
    printf("1..%d\n", tests_run);
    return tests_failed ? 1 : 0;
}
