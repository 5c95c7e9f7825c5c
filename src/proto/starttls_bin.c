/* The binary dialogues: the PostgreSQL SSLRequest, the MySQL SSL request packet, the LDAP
 * StartTLS extended operation. Every length the server sends is checked against what was
 * actually received before it is used. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "proto/linereader.h"
#include "proto/starttls_impl.h"

/* --- PostgreSQL (protocol 3, "SSL session encryption") --- */

/* An ErrorResponse's 'M' (message) field, sanitised into msg. Fields are a type byte and a
 * NUL-terminated string each, ending with a lone NUL. */
static void pg_error_message(const unsigned char *p, size_t n, char *msg, size_t msglen)
{
    size_t i = 0;

    snprintf(msg, msglen, "(no message)");
    while (i < n && p[i] != 0) {
        const unsigned char *end = memchr(p + i + 1, 0, n - i - 1);
        size_t flen;

        if (end == NULL)
            return;
        flen = (size_t)(end - (p + i + 1));
        if (p[i] == 'M') {
            lr_sanitize(msg, msglen, p + i + 1, flen, 160);
            return;
        }
        i += flen + 2;
    }
}

/* The server answered the SSLRequest with an ErrorResponse ('E', length, fields). */
static int pg_error(struct linereader *lr)
{
    unsigned char len4[4], body[2048];
    unsigned long len;
    char msg[LR_REPLY_MAX];

    if (lr_read_exact(lr, len4, sizeof(len4)) < 0)
        return -1;
    len = (unsigned long)len4[0] << 24 | (unsigned long)len4[1] << 16 | len4[2] << 8 | len4[3];
    if (len < 5 || len - 4 > sizeof(body))
        return lr_fail_garbage_bytes(lr, len4, sizeof(len4));
    if (lr_read_exact(lr, body, len - 4) < 0)
        return -1;
    lr_debug(lr, "<<<", body, len - 4);
    pg_error_message(body, len - 4, msg, sizeof(msg));
    return lr_fail(lr, "server answered SSLRequest with an error: '%s'", msg);
}

int starttls_postgres(struct linereader *lr, const struct starttls_opts *o)
{
    /* Length 8, then the request code 80877103 (1234 in the high half, 5679 in the low). */
    static const unsigned char ssl_request[8] = {0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f};
    unsigned char answer[64];
    size_t more;

    (void)o;
    if (lr_write(lr, ssl_request, sizeof(ssl_request)) < 0)
        return -1;
    lr_expect(lr, "the answer to SSLRequest");
    if (lr_read_exact(lr, answer, 1) < 0)
        return -1;
    lr_debug(lr, "<<<", answer, 1);
    if (answer[0] == 'S')
        return 0;
    if (answer[0] == 'N')
        return lr_fail(lr, "server does not accept SSL (it answered 'N' to SSLRequest)");
    if (answer[0] == 'E')
        return pg_error(lr);
    more = lr_read_now(lr, answer + 1, sizeof(answer) - 1);
    return lr_fail_garbage_bytes(lr, answer, 1 + more);
}

/* --- MySQL / MariaDB (client/server protocol, SSL request packet) --- */

#define MYSQL_CLIENT_LONG_PASSWORD 0x00000001UL
#define MYSQL_CLIENT_LONG_FLAG 0x00000004UL
#define MYSQL_CLIENT_PROTOCOL_41 0x00000200UL
#define MYSQL_CLIENT_SSL 0x00000800UL
#define MYSQL_CLIENT_TRANSACTIONS 0x00002000UL
#define MYSQL_CLIENT_SECURE_CONNECTION 0x00008000UL
#define MYSQL_CLIENT_MULTI_RESULTS 0x00020000UL
#define MYSQL_CLIENT_PLUGIN_AUTH 0x00080000UL
/* utf8_general_ci: any valid collation does, the real login comes after TLS. */
#define MYSQL_CHARSET_UTF8 33
#define MYSQL_GREETING_MAX 4096

static void mysql_error_packet(const unsigned char *p, size_t n, char *why, size_t whylen)
{
    unsigned code = n >= 3 ? (unsigned)(p[1] | p[2] << 8) : 0;
    size_t off = 3;
    char msg[LR_REPLY_MAX];

    if (n > 3 && p[3] == '#')
        off = n >= 9 ? 9 : n; /* '#' and a 5-character SQLSTATE */
    lr_sanitize(msg, sizeof(msg), p + (off < n ? off : n), off < n ? n - off : 0, 160);
    snprintf(why, whylen, "ERROR %u: %s", code, msg);
}

int starttls_mysql_parse_greeting(const unsigned char *p, size_t n, unsigned long *caps,
                                  char *version, size_t versionlen, char *why, size_t whylen)
{
    const unsigned char *nul;
    size_t off;

    if (n == 0) {
        snprintf(why, whylen, "empty packet");
        return -1;
    }
    if (p[0] == 0xff) {
        mysql_error_packet(p, n, why, whylen);
        return -1;
    }
    if (p[0] != 10) {
        snprintf(why, whylen, "unsupported protocol version %u", p[0]);
        return -1;
    }
    nul = memchr(p + 1, 0, n - 1);
    /* After the version: connection id (4), scramble part 1 (8), filler (1), caps low (2). */
    if (nul == NULL || (size_t)(nul - p) + 1 + 15 > n) {
        snprintf(why, whylen, "truncated handshake packet");
        return -1;
    }
    lr_sanitize(version, versionlen, p + 1, (size_t)(nul - (p + 1)), 60);
    off = (size_t)(nul - p) + 1 + 13;
    *caps = (unsigned long)p[off] | (unsigned long)p[off + 1] << 8;
    off += 2;
    /* Then charset (1) and status (2) before the upper half of the flags, when present. */
    if (off + 5 <= n)
        *caps |= ((unsigned long)p[off + 3] | (unsigned long)p[off + 4] << 8) << 16;
    return 0;
}

/* The 32-byte SSL request: our capabilities (with CLIENT_SSL), the largest packet we take, a
 * charset and 23 reserved zero bytes, after the 4-byte header with the next sequence id. */
static void mysql_ssl_request(unsigned char req[36], unsigned long server_caps, unsigned seq)
{
    unsigned long caps = MYSQL_CLIENT_LONG_PASSWORD | MYSQL_CLIENT_LONG_FLAG |
                         MYSQL_CLIENT_PROTOCOL_41 | MYSQL_CLIENT_TRANSACTIONS |
                         MYSQL_CLIENT_SECURE_CONNECTION | MYSQL_CLIENT_MULTI_RESULTS |
                         MYSQL_CLIENT_PLUGIN_AUTH;
    unsigned long max_packet = 16UL * 1024 * 1024;

    caps = (caps & server_caps) | MYSQL_CLIENT_SSL;
    memset(req, 0, 36);
    req[0] = 32;
    req[3] = (unsigned char)seq;
    for (int i = 0; i < 4; i++) {
        req[4 + i] = (unsigned char)(caps >> (8 * i));
        req[8 + i] = (unsigned char)(max_packet >> (8 * i));
    }
    req[12] = MYSQL_CHARSET_UTF8;
}

int starttls_mysql(struct linereader *lr, const struct starttls_opts *o)
{
    unsigned char hdr[4], payload[MYSQL_GREETING_MAX], req[36];
    unsigned long len, caps = 0;
    char version[80], why[LR_REPLY_MAX];

    (void)o;
    lr_expect(lr, "the MySQL greeting");
    if (lr_read_exact(lr, hdr, sizeof(hdr)) < 0)
        return -1;
    len = (unsigned long)hdr[0] | (unsigned long)hdr[1] << 8 | (unsigned long)hdr[2] << 16;
    if (len == 0 || len > sizeof(payload)) {
        /* Likely not MySQL at all: quote the header and whatever text came with it. */
        memcpy(payload, hdr, sizeof(hdr));
        return lr_fail_garbage_bytes(lr, payload, sizeof(hdr) + lr_read_now(lr, payload + 4, 60));
    }
    if (lr_read_exact(lr, payload, len) < 0)
        return -1;
    lr_debug(lr, "<<<", payload, len);
    if (starttls_mysql_parse_greeting(payload, len, &caps, version, sizeof(version), why,
                                      sizeof(why)) < 0) {
        if (payload[0] == 0xff)
            return lr_fail(lr, "server refused the connection: '%s'", why);
        return lr_fail(lr, "garbage from server while waiting for %s: %s", lr->what, why);
    }
    if (!(caps & MYSQL_CLIENT_SSL))
        return lr_fail(lr, "server does not offer SSL (server version '%s' lacks CLIENT_SSL)",
                       version);
    mysql_ssl_request(req, caps, (hdr[3] + 1u) & 0xffu);
    return lr_write(lr, req, sizeof(req));
}

/* --- LDAP (RFC 4511 section 4.14, StartTLS extended operation) --- */

#define LDAP_RESPONSE_MAX 8192

/* A view of BER bytes still to parse. */
struct ber {
    const unsigned char *p;
    size_t n;
};

/* Takes one definite-length element with the given tag off the front of b and points val at
 * its content. Returns 0, or -1 if the tag differs or the length does not fit. */
static int ber_take(struct ber *b, unsigned tag, const unsigned char **val, size_t *vlen)
{
    size_t len, hdr = 2;

    if (b->n < 2 || b->p[0] != tag)
        return -1;
    len = b->p[1];
    if (len & 0x80) {
        size_t k = len & 0x7f;

        if (k == 0 || k > 3 || b->n < 2 + k)
            return -1;
        len = 0;
        for (size_t i = 0; i < k; i++)
            len = len << 8 | b->p[2 + i];
        hdr = 2 + k;
    }
    if (len > b->n - hdr)
        return -1;
    *val = b->p + hdr;
    *vlen = len;
    b->p += hdr + len;
    b->n -= hdr + len;
    return 0;
}

/* A non-negative INTEGER or ENUMERATED of at most 4 bytes. */
static int ber_uint(const unsigned char *v, size_t n, long *out)
{
    unsigned long x = 0;

    if (n == 0 || n > 4 || (v[0] & 0x80))
        return -1;
    for (size_t i = 0; i < n; i++)
        x = x << 8 | v[i];
    *out = (long)x;
    return 0;
}

int starttls_ldap_parse_response(const unsigned char *p, size_t n, long *msgid, long *result,
                                 char *diag, size_t diaglen, char *why, size_t whylen)
{
    struct ber msg = {p, n}, resp;
    const unsigned char *v;
    size_t vlen;

    snprintf(diag, diaglen, "%s", "");
    if (ber_take(&msg, 0x02, &v, &vlen) < 0 || ber_uint(v, vlen, msgid) < 0) {
        snprintf(why, whylen, "no messageID in the LDAP message");
        return -1;
    }
    /* [APPLICATION 24] ExtendedResponse, constructed */
    if (ber_take(&msg, 0x78, &resp.p, &resp.n) < 0) {
        snprintf(why, whylen, "not an ExtendedResponse (tag 0x%02x)", msg.n ? msg.p[0] : 0);
        return -1;
    }
    if (ber_take(&resp, 0x0a, &v, &vlen) < 0 || ber_uint(v, vlen, result) < 0) {
        snprintf(why, whylen, "no resultCode in the ExtendedResponse");
        return -1;
    }
    /* matchedDN, then diagnosticMessage; both OCTET STRINGs, the second worth quoting. */
    if (ber_take(&resp, 0x04, &v, &vlen) == 0 && ber_take(&resp, 0x04, &v, &vlen) == 0)
        lr_sanitize(diag, diaglen, v, vlen, 160);
    return 0;
}

static const char *ldap_result_name(long code)
{
    static const struct {
        long code;
        const char *name;
    } names[] = {
        {1, "operationsError"},
        {2, "protocolError"},
        {7, "authMethodNotSupported"},
        {8, "strongerAuthRequired"},
        {11, "adminLimitExceeded"},
        {12, "unavailableCriticalExtension"},
        {13, "confidentialityRequired"},
        {51, "busy"},
        {52, "unavailable"},
        {53, "unwillingToPerform"},
        {80, "other"},
    };

    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (names[i].code == code)
            return names[i].name;
    }
    return "error";
}

/* Reads the LDAPMessage SEQUENCE header and then exactly its content into buf. */
static int ldap_read_message(struct linereader *lr, unsigned char *buf, size_t buflen, size_t *len)
{
    unsigned char hdr[5];
    size_t k = 0, n;

    if (lr_read_exact(lr, hdr, 2) < 0)
        return -1;
    if (hdr[0] != 0x30)
        return lr_fail_garbage_bytes(lr, hdr, 2);
    n = hdr[1];
    if (n & 0x80) {
        k = n & 0x7f;
        if (k == 0 || k > 3)
            return lr_fail_garbage_bytes(lr, hdr, 2);
        if (lr_read_exact(lr, hdr + 2, k) < 0)
            return -1;
        n = 0;
        for (size_t i = 0; i < k; i++)
            n = n << 8 | hdr[2 + i];
    }
    if (n > buflen)
        return lr_fail(lr, "garbage from server while waiting for %s: a %zu-byte message", lr->what,
                       n);
    if (lr_read_exact(lr, buf, n) < 0)
        return -1;
    lr_debug(lr, "<<<", buf, n);
    *len = n;
    return 0;
}

int starttls_ldap(struct linereader *lr, const struct starttls_opts *o)
{
    /* LDAPMessage { messageID 1, [APPLICATION 23] { [0] requestName "1.3.6.1.4.1.1466.20037" } } */
    static const unsigned char request[] = {
        0x30, 0x1d, 0x02, 0x01, 0x01, 0x77, 0x18, 0x80, 0x16, '1', '.', '3', '.', '6', '.', '1',
        '.',  '4',  '.',  '1',  '.',  '1',  '4',  '6',  '6',  '.', '2', '0', '0', '3', '7'};
    unsigned char msg[LDAP_RESPONSE_MAX];
    size_t len = 0;
    long msgid, result;
    char diag[LR_REPLY_MAX], why[LR_REPLY_MAX];

    (void)o;
    if (lr_write(lr, request, sizeof(request)) < 0)
        return -1;
    lr_expect(lr, "the StartTLS ExtendedResponse");
    if (ldap_read_message(lr, msg, sizeof(msg), &len) < 0)
        return -1;
    if (starttls_ldap_parse_response(msg, len, &msgid, &result, diag, sizeof(diag), why,
                                     sizeof(why)) < 0)
        return lr_fail(lr, "garbage from server while waiting for %s: %s", lr->what, why);
    if (msgid == 0)
        return lr_fail(lr, "server sent a notice of disconnection: resultCode %ld (%s) '%s'",
                       result, ldap_result_name(result), diag);
    if (msgid != 1)
        return lr_fail(lr, "garbage from server while waiting for %s: reply to messageID %ld",
                       lr->what, msgid);
    if (result != 0)
        return lr_fail(lr, "server refused StartTLS: resultCode %ld (%s) '%s'", result,
                       ldap_result_name(result), diag);
    return 0;
}
