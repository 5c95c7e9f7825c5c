/* Where a connection's time went, for -timing and -json: name resolution, TCP connect, the
 * proxy CONNECT, STARTTLS, the TLS handshake, and the wait for the first application byte.
 * Times come from the monotonic clock, so a clock step never makes a phase negative. */
#ifndef TLSTOOL_TIMING_H
#define TLSTOOL_TIMING_H

#include "lib/json.h"

#include <time.h>
#include <openssl/bio.h>

enum timing_phase {
    TIMING_RESOLVE,    /* getaddrinfo */
    TIMING_CONNECT,    /* TCP connect, all attempts (Happy Eyeballs included) */
    TIMING_PROXY,      /* HTTP CONNECT through -proxy */
    TIMING_STARTTLS,   /* the -starttls dialogue */
    TIMING_HANDSHAKE,  /* the TLS handshake */
    TIMING_FIRST_BYTE, /* from the end of the handshake to the first application byte */
    TIMING_NPHASES
};

struct timing {
    struct timespec start;     /* when the connection began */
    struct timespec mark;      /* when the phase under way began */
    double ms[TIMING_NPHASES]; /* each phase's length; negative: did not happen */
};

/* Starts the clock for a new connection: no phase has happened yet. */
void timing_start(struct timing *t);
/* Notes that a phase begins now. */
void timing_begin(struct timing *t);
/* Records the phase that began at the last timing_begin() as ending now. */
void timing_end(struct timing *t, enum timing_phase phase);
/* Records a phase measured elsewhere (e.g. inside net_connect), in milliseconds. */
void timing_set(struct timing *t, enum timing_phase phase, double ms);
/* Milliseconds since timing_start(). */
double timing_elapsed_ms(const struct timing *t);
/* Milliseconds between two monotonic instants. */
double timing_ms_between(const struct timespec *from, const struct timespec *to);
/* The monotonic clock now. */
struct timespec timing_now(void);

/* "resolve", "connect", "proxy", "starttls", "handshake", "first_byte". */
const char *timing_phase_name(enum timing_phase phase);

/* One line for -timing: "Timing: resolve 0.12 ms, connect 0.08 ms, handshake 4.51 ms,
 * total 4.71 ms" (phases that did not happen are left out; total is time since the start). */
void timing_print(BIO *out, const struct timing *t);
/* The JSON object: "<phase>_ms" for every phase (null when it did not happen), "total_ms". */
void timing_json(struct json *j, const char *key, const struct timing *t);

#endif
