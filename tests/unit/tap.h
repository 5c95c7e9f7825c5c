/* The TAP output every unit test prints: ok() per check, then "1..N" from tap_done(). Included
 * once per test program (each is its own binary), so the counters may live here. */
#ifndef TLSTOOL_TESTS_TAP_H
#define TLSTOOL_TESTS_TAP_H

#include <stdarg.h>
#include <stdio.h>

static int tests_run, tests_failed;

__attribute__((format(printf, 2, 3))) static void ok(int cond, const char *fmt, ...)
{
    va_list ap;
    tests_run++;
    if (!cond)
        tests_failed++;
    printf("%sok %d - ", cond ? "" : "not ", tests_run);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
}

#endif
