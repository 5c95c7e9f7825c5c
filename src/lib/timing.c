/* The timing breakdown behind -timing and the "timing" object of -json. */
#include "lib/timing.h"

#include <stdio.h>
#include <string.h>

static const char *const phase_names[TIMING_NPHASES] = {
    "resolve", "connect", "proxy", "starttls", "handshake", "first_byte",
};

struct timespec timing_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts;
}

double timing_ms_between(const struct timespec *from, const struct timespec *to)
{
    return (double)(to->tv_sec - from->tv_sec) * 1e3 + (double)(to->tv_nsec - from->tv_nsec) / 1e6;
}

void timing_start(struct timing *t)
{
    memset(t, 0, sizeof(*t));
    t->start = t->mark = timing_now();
    for (int i = 0; i < TIMING_NPHASES; i++)
        t->ms[i] = -1;
}

void timing_begin(struct timing *t)
{
    t->mark = timing_now();
}

void timing_end(struct timing *t, enum timing_phase phase)
{
    struct timespec now = timing_now();
    if (phase < TIMING_NPHASES)
        t->ms[phase] = timing_ms_between(&t->mark, &now);
    t->mark = now;
}

void timing_set(struct timing *t, enum timing_phase phase, double ms)
{
    if (phase < TIMING_NPHASES)
        t->ms[phase] = ms < 0 ? 0 : ms;
}

double timing_elapsed_ms(const struct timing *t)
{
    struct timespec now = timing_now();
    return timing_ms_between(&t->start, &now);
}

const char *timing_phase_name(enum timing_phase phase)
{
    return phase < TIMING_NPHASES ? phase_names[phase] : "?";
}

void timing_print(BIO *out, const struct timing *t)
{
    const char *sep = " ";
    BIO_puts(out, "Timing:");
    for (int i = 0; i < TIMING_NPHASES; i++) {
        if (t->ms[i] < 0)
            continue;
        BIO_printf(out, "%s%s %.2f ms", sep, i == TIMING_FIRST_BYTE ? "first byte" : phase_names[i],
                   t->ms[i]);
        sep = ", ";
    }
    BIO_printf(out, "%stotal %.2f ms\n", sep, timing_elapsed_ms(t));
}

void timing_json(struct json *j, const char *key, const struct timing *t)
{
    json_object_begin(j, key);
    for (int i = 0; i < TIMING_NPHASES; i++) {
        char name[32];
        snprintf(name, sizeof(name), "%s_ms", phase_names[i]);
        if (t->ms[i] < 0)
            json_null(j, name);
        else
            json_double(j, name, t->ms[i]);
    }
    json_double(j, "total_ms", timing_elapsed_ms(t));
    json_object_end(j);
}
