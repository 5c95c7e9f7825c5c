/* textbuf: appends of every kind, growth past the first allocation, tb_printf's retry after
 * growing, and tb_write. */
#include "lib/textbuf.h"

#include <stdio.h>
#include <string.h>

#include "tap.h"

int main(void)
{
    struct textbuf t = {0};
    ok(t.p == NULL && t.len == 0 && tb_write(NULL, &t) == 0, "empty: nothing to write");

    tb_str(&t, "a");
    tb_put(&t, "bcd", 2);
    tb_put(&t, "", 0);
    tb_uint(&t, 0);
    tb_put(&t, " ", 1);
    tb_uint(&t, 4294967295UL);
    tb_put(&t, " ", 1);
    tb_hex4(&t, 0x0a1f);
    ok(strcmp(t.p, "abc0 4294967295 0x0a1f") == 0 && t.len == strlen(t.p),
       "put, str, uint and hex4, NUL-terminated: %s", t.p);

    char big[5000];
    memset(big, 'y', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    size_t before = t.len;
    tb_str(&t, big);
    ok(t.len == before + sizeof(big) - 1 && t.cap > t.len && t.p[t.len] == '\0' &&
           memcmp(t.p, "abc0", 4) == 0,
       "growing keeps what was there");

    struct textbuf f = {0};
    tb_printf(&f, "%s=%d;", "k", 42);
    ok(f.p != NULL && strcmp(f.p, "k=42;") == 0, "printf into an empty buffer");
    size_t room = f.cap - f.len;
    char fill[4096];
    memset(fill, 'z', room + 10);
    fill[room + 10] = '\0';
    tb_printf(&f, "[%s]", fill);
    ok(f.len == 5 + room + 12 && f.p[4] == ';' && f.p[5] == '[' && f.p[f.len - 1] == ']' &&
           f.p[f.len] == '\0',
       "printf longer than the room left: grown and written whole");
    tb_printf(&f, "%s", "");
    ok(f.len == 5 + room + 12, "an empty printf adds nothing");

    BIO *mem = BIO_new(BIO_s_mem());
    char *data = NULL;
    ok(tb_write(mem, &f) == 0 && BIO_get_mem_data(mem, &data) == (long)f.len &&
           memcmp(data, f.p, f.len) == 0,
       "tb_write: the whole text in one write");
    BIO_free(mem);

    struct textbuf bad = {0};
    tb_str(&bad, "x");
    bad.failed = 1;
    tb_str(&bad, "more");
    ok(bad.len == 1 && tb_write(NULL, &bad) == -1, "after a failure appends are dropped and "
                                                   "tb_write refuses the incomplete text");
    tb_free(&bad);
    tb_free(&t);
    tb_free(&f);
    ok(t.p == NULL && t.len == 0 && t.cap == 0, "tb_free leaves an empty buffer");
    printf("1..%d\n", tests_run);
    return tests_failed ? 1 : 0;
}
