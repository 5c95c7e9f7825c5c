/* Telnet START_TLS (the 2000 draft "Telnet START-TLS Option", option 46): the server asks
 * IAC DO START_TLS, we answer IAC WILL START_TLS and IAC SB START_TLS FOLLOWS IAC SE, and TLS
 * starts once the server sends the same FOLLOWS sub-negotiation. Other option requests are
 * declined, so a server that negotiates terminal options first still gets there. */
#include <stddef.h>

#include "proto/linereader.h"
#include "proto/starttls_impl.h"

enum {
    TN_SE = 240,
    TN_SB = 250,
    TN_WILL = 251,
    TN_WONT = 252,
    TN_DO = 253,
    TN_DONT = 254,
    TN_IAC = 255,
    TN_START_TLS = 46,
    TN_FOLLOWS = 1,
    TN_SUB_MAX = 256, /* longest sub-negotiation of another option we skip */
};

/* What one unit read from the server means for the START_TLS exchange. */
enum tn_event { TN_EV_OTHER, TN_EV_DATA, TN_EV_DO_STARTTLS, TN_EV_FOLLOWS, TN_EV_REFUSED };

/* Reads the rest of a sub-negotiation up to IAC SE, un-escaping IAC IAC. Sets *follows if it
 * was START_TLS FOLLOWS. */
static int tn_read_sub(struct linereader *lr, int *follows)
{
    unsigned char b[TN_SUB_MAX], c;
    size_t n = 0;
    int after_iac = 0;

    for (;;) {
        if (lr_read_exact(lr, &c, 1) < 0)
            return -1;
        if (after_iac && c == TN_SE)
            break;
        if (!after_iac && c == TN_IAC) {
            after_iac = 1;
            continue;
        }
        /* An escaped 255 is data; any other command inside a sub-negotiation is ignored. */
        if (!after_iac || c == TN_IAC) {
            if (n == sizeof(b))
                return lr_fail_garbage_bytes(lr, b, n);
            b[n++] = c;
        }
        after_iac = 0;
    }
    lr_debug(lr, "<<< SB", b, n);
    *follows = n == 2 && b[0] == TN_START_TLS && b[1] == TN_FOLLOWS;
    return 0;
}

/* DO/DONT/WILL/WONT opt from the server: declines every option but START_TLS. */
static int tn_option(struct linereader *lr, unsigned char verb, unsigned char opt,
                     enum tn_event *ev)
{
    unsigned char reply[3] = {TN_IAC, 0, opt};

    *ev = TN_EV_OTHER;
    if (opt == TN_START_TLS && verb == TN_DO) {
        *ev = TN_EV_DO_STARTTLS;
        return 0;
    }
    if (opt == TN_START_TLS && (verb == TN_DONT || verb == TN_WONT)) {
        *ev = TN_EV_REFUSED;
        return 0;
    }
    if (verb == TN_DO)
        reply[1] = TN_WONT;
    else if (verb == TN_WILL)
        reply[1] = TN_DONT;
    else
        return 0; /* DONT/WONT need no answer when we never asked */
    return lr_write(lr, reply, sizeof(reply));
}

/* Reads one data byte or one telnet command. */
static int tn_next(struct linereader *lr, enum tn_event *ev, unsigned char *data)
{
    unsigned char b[3];
    int follows = 0;

    *ev = TN_EV_OTHER;
    if (lr_read_exact(lr, b, 1) < 0)
        return -1;
    if (b[0] != TN_IAC) {
        *ev = TN_EV_DATA;
        *data = b[0];
        return 0;
    }
    if (lr_read_exact(lr, b + 1, 1) < 0)
        return -1;
    if (b[1] == TN_IAC) {
        *ev = TN_EV_DATA;
        *data = TN_IAC;
        return 0;
    }
    if (b[1] == TN_SB) {
        if (tn_read_sub(lr, &follows) < 0)
            return -1;
        *ev = follows ? TN_EV_FOLLOWS : TN_EV_OTHER;
        return 0;
    }
    if (b[1] < TN_WILL || b[1] > TN_DONT)
        return 0; /* NOP, GA, and the other two-byte commands */
    if (lr_read_exact(lr, b + 2, 1) < 0)
        return -1;
    lr_debug(lr, "<<<", b, 3);
    return tn_option(lr, b[1], b[2], ev);
}

/* Reads until the event `want`, failing on refusal and on text (which means the server is not
 * negotiating). */
static int tn_wait_for(struct linereader *lr, enum tn_event want)
{
    for (int i = 0; i < 1000; i++) {
        enum tn_event ev;
        unsigned char text[64];
        char quoted[LR_REPLY_MAX];

        if (tn_next(lr, &ev, text) < 0)
            return -1;
        if (ev == want)
            return 0;
        if (ev == TN_EV_REFUSED)
            return lr_fail(lr, "server refused START_TLS");
        if (ev == TN_EV_DATA) {
            size_t n = 1 + lr_read_now(lr, text + 1, sizeof(text) - 1);

            return lr_fail(lr, "server did not negotiate START_TLS; it sent text: '%s'",
                           lr_sanitize(quoted, sizeof(quoted), text, n, 60));
        }
    }
    return lr_fail(lr, "too many telnet commands while waiting for %s", lr->what);
}

int starttls_telnet(struct linereader *lr, const struct starttls_opts *o)
{
    static const unsigned char will_follows[] = {
        TN_IAC, TN_WILL, TN_START_TLS, TN_IAC, TN_SB, TN_START_TLS, TN_FOLLOWS, TN_IAC, TN_SE};

    (void)o;
    lr_expect(lr, "IAC DO START_TLS");
    if (tn_wait_for(lr, TN_EV_DO_STARTTLS) < 0)
        return -1;
    if (lr_write(lr, will_follows, sizeof(will_follows)) < 0)
        return -1;
    lr_expect(lr, "IAC SB START_TLS FOLLOWS");
    return tn_wait_for(lr, TN_EV_FOLLOWS);
}
