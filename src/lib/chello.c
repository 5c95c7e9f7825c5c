/* ClientHello parsing, record reassembly and the JA3/JA4 fingerprints (see chello.h). */
#include "lib/chello.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

enum {
    EXT_SERVER_NAME = 0x0000,
    EXT_SUPPORTED_GROUPS = 0x000a,
    EXT_EC_POINT_FORMATS = 0x000b,
    EXT_SIGALGS = 0x000d,
    EXT_ALPN = 0x0010,
    EXT_SUPPORTED_VERSIONS = 0x002b,
    EXT_PSK_MODES = 0x002d,
    EXT_KEY_SHARE = 0x0033,
};

int chello_is_grease(uint16_t v)
{
    return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
}

/* ------------------------------------------------------------------ a bounds-checked reader */

struct rd {
    const unsigned char *p;
    size_t n;
    int bad; /* set by any read past the end; reads then return zeros */
};

static unsigned int rd_u8(struct rd *r)
{
    if (r->n < 1) {
        r->bad = 1;
        return 0;
    }
    r->n--;
    return *r->p++;
}

static unsigned int rd_u16(struct rd *r)
{
    unsigned int hi = rd_u8(r);
    return (hi << 8) | rd_u8(r);
}

static struct chello_bytes rd_bytes(struct rd *r, size_t n)
{
    struct chello_bytes b = {NULL, 0};
    if (r->bad || r->n < n) {
        r->bad = 1;
        return b;
    }
    b.p = r->p;
    b.n = n;
    r->p += n;
    r->n -= n;
    return b;
}

/* A length-prefixed vector (prefix of lenbytes 1 or 2). */
static struct chello_bytes rd_vec(struct rd *r, int lenbytes)
{
    size_t n = lenbytes == 1 ? rd_u8(r) : rd_u16(r);
    return rd_bytes(r, n);
}

static struct rd rd_of(struct chello_bytes b)
{
    struct rd r = {b.p, b.n, 0};
    return r;
}

/* The 16-bit values of b; -1 when b has an odd length or memory runs out. */
static int u16s_of(struct chello_bytes b, struct chello_u16s *out)
{
    out->v = NULL;
    out->n = 0;
    if (b.n % 2 != 0)
        return -1;
    if (b.n == 0)
        return 0;
    out->v = malloc(b.n / 2 * sizeof(uint16_t));
    if (out->v == NULL)
        return -1;
    for (size_t i = 0; i < b.n / 2; i++)
        out->v[i] = (uint16_t)((b.p[2 * i] << 8) | b.p[2 * i + 1]);
    out->n = b.n / 2;
    return 0;
}

/* ------------------------------------------------------------------ extensions */

static int parse_sni(struct chello *ch, struct chello_bytes data)
{
    struct rd r = rd_of(data);
    struct rd list = rd_of(rd_vec(&r, 2));
    if (r.bad || r.n != 0 || list.n == 0)
        return -1;
    while (list.n > 0) {
        unsigned int type = rd_u8(&list);
        struct chello_bytes name = rd_vec(&list, 2);
        if (list.bad)
            return -1;
        if (type == 0 && ch->sni.p == NULL)
            ch->sni = name;
    }
    return 0;
}

static int parse_alpn(struct chello *ch, struct chello_bytes data)
{
    struct rd r = rd_of(data);
    struct chello_bytes listb = rd_vec(&r, 2);
    if (r.bad || r.n != 0)
        return -1;
    /* each entry takes at least two bytes, so this bounds the count */
    struct chello_bytes *v = calloc(listb.n / 2 + 1, sizeof(*v));
    if (v == NULL)
        return -1;
    size_t n = 0;
    struct rd list = rd_of(listb);
    while (list.n > 0 && !list.bad && n < listb.n / 2 + 1)
        v[n++] = rd_vec(&list, 1);
    if (list.bad || list.n != 0) {
        free(v);
        return -1;
    }
    ch->alpn = v;
    ch->n_alpn = n;
    return 0;
}

static int parse_key_share(struct chello *ch, struct chello_bytes data)
{
    struct rd r = rd_of(data);
    struct chello_bytes listb = rd_vec(&r, 2);
    if (r.bad || r.n != 0)
        return -1;
    struct chello_key_share *v = calloc(listb.n / 4 + 1, sizeof(*v));
    if (v == NULL)
        return -1;
    size_t n = 0;
    struct rd list = rd_of(listb);
    while (list.n > 0 && !list.bad && n < listb.n / 4 + 1) {
        v[n].group = (uint16_t)rd_u16(&list);
        v[n].key_len = rd_vec(&list, 2).n;
        n++;
    }
    if (list.bad || list.n != 0) {
        free(v);
        return -1;
    }
    ch->key_shares = v;
    ch->n_key_shares = n;
    return 0;
}

/* A list of u16s behind a length prefix of lenbytes, filling the whole extension. */
static int parse_u16_list(struct chello_bytes data, int lenbytes, struct chello_u16s *out)
{
    struct rd r = rd_of(data);
    struct chello_bytes list = rd_vec(&r, lenbytes);
    if (r.bad || r.n != 0)
        return -1;
    return u16s_of(list, out);
}

/* A list of u8s behind a one-byte length, filling the whole extension. */
static int parse_u8_list(struct chello_bytes data, struct chello_bytes *out)
{
    struct rd r = rd_of(data);
    struct chello_bytes list = rd_vec(&r, 1);
    if (r.bad || r.n != 0)
        return -1;
    *out = list;
    return 0;
}

/* Fills the fields a known extension gives; only its first occurrence counts. */
static void parse_known_ext(struct chello *ch, struct chello_ext *e, uint32_t *seen)
{
    static const uint16_t known[] = {
        EXT_SERVER_NAME, EXT_SUPPORTED_GROUPS,   EXT_EC_POINT_FORMATS, EXT_SIGALGS,
        EXT_ALPN,        EXT_SUPPORTED_VERSIONS, EXT_PSK_MODES,        EXT_KEY_SHARE};
    size_t k;
    for (k = 0; k < sizeof(known) / sizeof(known[0]) && known[k] != e->type; k++)
        ;
    if (k == sizeof(known) / sizeof(known[0]) || (*seen & (1u << k)))
        return;
    *seen |= 1u << k;
    int rc = 0;
    switch (e->type) {
    case EXT_SERVER_NAME:
        ch->has_sni_ext = 1;
        rc = parse_sni(ch, e->data);
        break;
    case EXT_SUPPORTED_GROUPS:
        rc = parse_u16_list(e->data, 2, &ch->groups);
        break;
    case EXT_EC_POINT_FORMATS:
        rc = parse_u8_list(e->data, &ch->point_formats);
        break;
    case EXT_SIGALGS:
        rc = parse_u16_list(e->data, 2, &ch->sigalgs);
        break;
    case EXT_ALPN:
        ch->has_alpn_ext = 1;
        rc = parse_alpn(ch, e->data);
        break;
    case EXT_SUPPORTED_VERSIONS:
        rc = parse_u16_list(e->data, 1, &ch->versions);
        break;
    case EXT_PSK_MODES:
        rc = parse_u8_list(e->data, &ch->psk_modes);
        break;
    case EXT_KEY_SHARE:
        rc = parse_key_share(ch, e->data);
        break;
    default:
        break;
    }
    e->malformed = rc < 0;
}

static int parse_extensions(struct chello *ch, struct rd *body)
{
    struct chello_bytes block = rd_vec(body, 2);
    if (body->bad)
        return -1;
    ch->has_extensions_block = 1;
    /* each extension takes at least four bytes, which bounds the count */
    ch->exts = calloc(block.n / 4 + 1, sizeof(*ch->exts));
    if (ch->exts == NULL)
        return -1;
    struct rd r = rd_of(block);
    uint32_t seen = 0;
    while (r.n > 0) {
        struct chello_ext *e = &ch->exts[ch->n_exts];
        e->type = (uint16_t)rd_u16(&r);
        e->data = rd_vec(&r, 2);
        if (r.bad)
            return -1;
        ch->n_exts++;
        parse_known_ext(ch, e, &seen);
    }
    return 0;
}

/* ------------------------------------------------------------------ the message */

void chello_free(struct chello *ch)
{
    free(ch->msg);
    free(ch->ciphers.v);
    free(ch->exts);
    free(ch->versions.v);
    free(ch->groups.v);
    free(ch->sigalgs.v);
    free(ch->key_shares);
    free(ch->alpn);
    memset(ch, 0, sizeof(*ch));
}

static int parse_body(struct chello *ch, struct rd *body, const char **why)
{
    ch->legacy_version = (uint16_t)rd_u16(body);
    ch->random = rd_bytes(body, 32);
    ch->session_id = rd_vec(body, 1);
    if (ch->dtls)
        ch->cookie = rd_vec(body, 1);
    struct chello_bytes ciphers = rd_vec(body, 2);
    ch->compressions = rd_vec(body, 1);
    if (body->bad) {
        *why = "ClientHello truncated before its extensions";
        return -1;
    }
    if (ch->session_id.n > 32 || ciphers.n % 2 != 0 || ciphers.n == 0 || ch->compressions.n == 0) {
        *why = "ClientHello with a bad session id, cipher list or compression list";
        return -1;
    }
    if (u16s_of(ciphers, &ch->ciphers) < 0) {
        *why = "out of memory";
        return -1;
    }
    if (body->n > 0 && parse_extensions(ch, body) < 0) {
        *why = "ClientHello extensions are malformed";
        return -1;
    }
    if (body->n != 0) {
        *why = "ClientHello has bytes after its extensions";
        return -1;
    }
    return 0;
}

static int parse_msg(struct chello *ch, const unsigned char *msg, size_t len, int dtls,
                     const char **why)
{
    memset(ch, 0, sizeof(*ch));
    ch->dtls = dtls;
    *why = NULL;
    if (len < 4 || msg[0] != 1) {
        *why = "not a ClientHello message";
        return -1;
    }
    size_t body_len = ((size_t)msg[1] << 16) | ((size_t)msg[2] << 8) | msg[3];
    if (body_len != len - 4 || len > CHELLO_MAX_MSG) {
        *why = len > CHELLO_MAX_MSG ? "ClientHello too long" : "ClientHello length mismatch";
        return -1;
    }
    ch->msg = malloc(len);
    if (ch->msg == NULL) {
        *why = "out of memory";
        return -1;
    }
    memcpy(ch->msg, msg, len);
    ch->msg_len = len;
    struct rd body = {ch->msg + 4, body_len, 0};
    if (parse_body(ch, &body, why) < 0) {
        chello_free(ch);
        return -1;
    }
    return 0;
}

int chello_parse(struct chello *ch, const unsigned char *msg, size_t len, const char **why)
{
    return parse_msg(ch, msg, len, 0, why);
}

int chello_parse_dtls(struct chello *ch, const unsigned char *msg, size_t len, const char **why)
{
    return parse_msg(ch, msg, len, 1, why);
}

/* ------------------------------------------------------------------ record reassembly */

/* The largest record payload TLS allows a peer (2^14 plus expansion). */
#define MAX_RECORD_PAYLOAD (16384 + 2048)

void chello_capture_init(struct chello_capture *c)
{
    memset(c, 0, sizeof(*c));
}

void chello_capture_free(struct chello_capture *c)
{
    free(c->msg);
    memset(c, 0, sizeof(*c));
}

static int capture_fail(struct chello_capture *c, const char *why)
{
    c->state = -1;
    c->why = why;
    return -1;
}

/* Takes the next byte of a record header; checks the header once it is whole. */
static int capture_header_byte(struct chello_capture *c, unsigned char byte)
{
    if (c->hdr_have == 0 && c->have == 0 && (byte & 0x80))
        return capture_fail(c, "an SSLv2-format ClientHello (not analysed)");
    c->hdr[c->hdr_have++] = byte;
    if (c->hdr_have < 5)
        return 0;
    if (c->hdr[0] != 22)
        return capture_fail(c, "the first record is not a handshake record");
    if (c->hdr[1] != 3)
        return capture_fail(c, "not a TLS record");
    c->rec_left = ((size_t)c->hdr[3] << 8) | c->hdr[4];
    if (c->rec_left == 0 || c->rec_left > MAX_RECORD_PAYLOAD)
        return capture_fail(c, "a handshake record of impossible length");
    return 0;
}

/* Room for the message to reach size bytes (<= CHELLO_MAX_MSG), grown as it comes so that a
 * peer announcing a large message does not make us hold more than it sent. */
static int capture_room(struct chello_capture *c, size_t size)
{
    if (size <= c->cap)
        return 0;
    size_t cap = c->cap ? c->cap : 1024;
    while (cap < size)
        cap *= 2;
    if (cap > CHELLO_MAX_MSG)
        cap = CHELLO_MAX_MSG;
    unsigned char *m = realloc(c->msg, cap);
    if (m == NULL)
        return capture_fail(c, "out of memory");
    c->msg = m;
    c->cap = cap;
    return 0;
}

/* The length a handshake message's header (msg[1..3]) gives its body. */
static size_t body_length(const unsigned char *msg)
{
    return ((size_t)msg[1] << 16) | ((size_t)msg[2] << 8) | msg[3];
}

/* Appends payload bytes, never more than the message needs; notices completion. */
static int capture_payload(struct chello_capture *c, const unsigned char *p, size_t n)
{
    size_t want = CHELLO_MAX_MSG; /* until the message header tells the real length */
    if (c->have >= 4)
        want = 4 + body_length(c->msg);
    if (n > want - c->have)
        n = want - c->have;
    if (capture_room(c, c->have + n) < 0)
        return -1;
    memcpy(c->msg + c->have, p, n);
    c->have += n;
    if (c->have < 4)
        return 0;
    if (c->msg[0] != 1)
        return capture_fail(c, "the first handshake message is not a ClientHello");
    size_t total = 4 + body_length(c->msg);
    if (total > CHELLO_MAX_MSG)
        return capture_fail(c, "ClientHello too long");
    if (c->have == total)
        c->state = 1;
    return c->state;
}

/* DTLS: a 24-bit number of a handshake fragment header. */
static size_t u24(const unsigned char *p)
{
    return ((size_t)p[0] << 16) | ((size_t)p[1] << 8) | p[2];
}

/* DTLS: one handshake fragment (12-byte header, then its bytes, all within n). The fragments
 * of the first message are put together in order; a repeated one is skipped, one that
 * leaves a gap gives up (DTLS clients send their ClientHello's fragments in order). */
static int capture_fragment(struct chello_capture *c, const unsigned char *p, size_t n,
                            size_t *used)
{
    if (n < 12)
        return capture_fail(c, "a truncated DTLS handshake fragment");
    size_t total = u24(p + 1), off = u24(p + 6), len = u24(p + 9);
    unsigned int seq = ((unsigned int)p[4] << 8) | p[5];
    if (len > n - 12 || off > total || len > total - off)
        return capture_fail(c, "a malformed DTLS handshake fragment");
    *used = 12 + len;
    if (c->have == 0) { /* the first fragment: the message starts */
        if (p[0] != 1)
            return capture_fail(c, "the first handshake message is not a ClientHello");
        if (total > CHELLO_MAX_MSG - 4)
            return capture_fail(c, "ClientHello too long");
        if (capture_room(c, 4) < 0)
            return -1;
        c->msg[0] = 1;
        c->msg[1] = (unsigned char)(total >> 16);
        c->msg[2] = (unsigned char)(total >> 8);
        c->msg[3] = (unsigned char)total;
        c->have = 4;
        c->dtls_seq = seq;
    } else if (seq != c->dtls_seq) {
        return 0; /* another message: not ours */
    } else if (p[0] != 1 || total != body_length(c->msg)) {
        return capture_fail(c, "DTLS fragments of the ClientHello disagree");
    }
    size_t have = c->have - 4; /* body bytes in order so far */
    if (off > have)
        return capture_fail(c, "DTLS fragments of the ClientHello out of order (not analysed)");
    if (off + len > have) {
        size_t from = have - off;
        if (capture_room(c, 4 + off + len) < 0)
            return -1;
        memcpy(c->msg + c->have, p + 12 + from, len - from);
        c->have = 4 + off + len;
    }
    if (c->have == 4 + total)
        c->state = 1;
    return 0;
}

/* DTLS, a ClientHello being complete: whether the datagram starts a later one (the client's
 * answer to a HelloVerifyRequest, with the cookie). */
static int later_hello(const struct chello_capture *c, const unsigned char *p, size_t n)
{
    if (n < 13 + 12 || p[0] != 22 || p[1] != 0xfe || p[3] != 0 || p[4] != 0)
        return 0;
    const unsigned char *f = p + 13;
    unsigned int seq = ((unsigned int)f[4] << 8) | f[5];
    return f[0] == 1 && seq > c->dtls_seq && u24(f + 6) == 0;
}

/* DTLS: one datagram, records within it; each record's payload is handshake fragments. A
 * later ClientHello replaces a complete one: the report is on the hello the handshake went
 * on with. */
static int capture_datagram(struct chello_capture *c, const unsigned char *p, size_t n)
{
    if (c->state == 1) {
        if (!later_hello(c, p, n))
            return 1;
        c->have = 0;
        c->state = 0;
    }
    while (n > 0 && c->state == 0) {
        if (n < 13)
            return capture_fail(c, "a truncated DTLS record");
        if (p[0] != 22)
            return capture_fail(c, "the first record is not a handshake record");
        if (p[1] != 0xfe)
            return capture_fail(c, "not a DTLS record");
        if (p[3] != 0 || p[4] != 0)
            return capture_fail(c, "a protected DTLS record before the ClientHello");
        size_t len = ((size_t)p[11] << 8) | p[12];
        if (len > n - 13)
            return capture_fail(c, "a truncated DTLS record");
        const unsigned char *f = p + 13;
        size_t left = len;
        while (left > 0 && c->state == 0) {
            size_t used = 0;
            if (capture_fragment(c, f, left, &used) < 0)
                return -1;
            f += used;
            left -= used;
        }
        p += 13 + len;
        n -= 13 + len;
    }
    return c->state;
}

int chello_capture_feed(struct chello_capture *c, const unsigned char *data, size_t len)
{
    if (c->dtls)
        return c->state == 0 || c->state == 1 ? capture_datagram(c, data, len) : c->state;
    while (len > 0 && c->state == 0) {
        if (c->rec_left == 0) {
            if (capture_header_byte(c, *data) < 0)
                return -1;
            data++;
            len--;
            continue;
        }
        size_t take = len < c->rec_left ? len : c->rec_left;
        if (capture_payload(c, data, take) < 0)
            return -1;
        c->rec_left -= take;
        if (c->rec_left == 0)
            c->hdr_have = 0;
        data += take;
        len -= take;
    }
    return c->state;
}

/* ------------------------------------------------------------------ JA3 */

/* The values of l in decimal, '-' between them, GREASE left out. */
static void ja3_u16s(struct textbuf *t, const struct chello_u16s *l)
{
    int first = 1;
    for (size_t i = 0; i < l->n; i++) {
        if (chello_is_grease(l->v[i]))
            continue;
        if (!first)
            tb_put(t, "-", 1);
        tb_uint(t, l->v[i]);
        first = 0;
    }
}

static void hex_of(const unsigned char *d, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[d[i] >> 4];
        out[2 * i + 1] = digits[d[i] & 15];
    }
    out[2 * n] = '\0';
}

int chello_ja3(const struct chello *ch, struct textbuf *t, char md5hex[33])
{
    size_t start = t->len;
    struct chello_u16s types = {NULL, 0};
    md5hex[0] = '\0';
    tb_uint(t, ch->legacy_version);
    tb_put(t, ",", 1);
    ja3_u16s(t, &ch->ciphers);
    tb_put(t, ",", 1);
    types.v = malloc((ch->n_exts + 1) * sizeof(uint16_t));
    if (types.v == NULL)
        return -1;
    for (size_t i = 0; i < ch->n_exts; i++)
        types.v[types.n++] = ch->exts[i].type;
    ja3_u16s(t, &types);
    free(types.v);
    tb_put(t, ",", 1);
    ja3_u16s(t, &ch->groups);
    tb_put(t, ",", 1);
    for (size_t i = 0; i < ch->point_formats.n; i++) {
        if (i > 0)
            tb_put(t, "-", 1);
        tb_uint(t, ch->point_formats.p[i]);
    }
    if (t->failed)
        return -1;
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    if (!EVP_Digest(t->p + start, t->len - start, md, &mdlen, EVP_md5(), NULL) || mdlen != 16)
        return -1;
    hex_of(md, 16, md5hex);
    return 0;
}

/* ------------------------------------------------------------------ JA4 */

/* The values of v without GREASE (and without server_name and ALPN, when skip_sni_alpn is
 * set), in order or sorted, into out (room for n; out may be v). Returns the count. */
static size_t ja4_list(const uint16_t *v, size_t n, int sorted, int skip_sni_alpn, uint16_t *out)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        uint16_t x = v[i];
        if (chello_is_grease(x) || (skip_sni_alpn && (x == EXT_SERVER_NAME || x == EXT_ALPN)))
            continue;
        /* sorted by insertion: the lists are short */
        size_t j = k++;
        for (; sorted && j > 0 && out[j - 1] > x; j--)
            out[j] = out[j - 1];
        out[j] = x;
    }
    return k;
}

/* "xxxx,yyyy": four lower-case hex digits per value. */
static void ja4_hex_list(struct textbuf *t, const uint16_t *v, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        char item[5] = {',', digits[v[i] >> 12], digits[(v[i] >> 8) & 15], digits[(v[i] >> 4) & 15],
                        digits[v[i] & 15]};
        tb_put(t, i > 0 ? item : item + 1, i > 0 ? 5 : 4);
    }
}

/* The first 12 hex digits of the SHA-256 of text[from..], or twelve zeros when count (the
 * values hashed) is 0. */
static void ja4_hash(const struct textbuf *t, size_t from, size_t count, char out[13])
{
    unsigned char d[SHA256_DIGEST_LENGTH];
    if (count == 0) {
        memcpy(out, "000000000000", 13);
        return;
    }
    SHA256((const unsigned char *)t->p + from, t->len - from, d);
    hex_of(d, 6, out);
}

static const char *ja4_version(const struct chello *ch, char transport)
{
    static const struct {
        uint16_t v;
        const char *s;
    } names[] = {{0x0304, "13"}, {0x0303, "12"}, {0x0302, "11"}, {0x0301, "10"}, {0x0300, "s3"},
                 {0x0200, "s2"}, {0x0100, "s1"}, {0xfeff, "d1"}, {0xfefd, "d2"}, {0xfefc, "d3"}};
    uint16_t best = 0;
    int found = 0;
    for (size_t i = 0; i < ch->versions.n; i++) {
        uint16_t v = ch->versions.v[i];
        if (chello_is_grease(v))
            continue;
        /* DTLS numbers its versions downwards: its highest version is the smallest value */
        if (!found || (transport == 'd' ? v < best : v > best))
            best = v;
        found = 1;
    }
    if (!found)
        best = ch->legacy_version;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (names[i].v == best)
            return names[i].s;
    return "00";
}

static int is_alnum_byte(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* First and last character of the first ALPN value; their hex digits when either byte is not
 * alphanumeric; "00" without one. */
static void ja4_alpn(const struct chello *ch, char out[3])
{
    static const char digits[] = "0123456789abcdef";
    memcpy(out, "00", 3);
    if (ch->n_alpn == 0 || ch->alpn[0].n == 0)
        return;
    unsigned char first = ch->alpn[0].p[0], last = ch->alpn[0].p[ch->alpn[0].n - 1];
    if (is_alnum_byte(first) && is_alnum_byte(last)) {
        out[0] = (char)first;
        out[1] = (char)last;
    } else {
        out[0] = digits[first >> 4];
        out[1] = digits[last & 15];
    }
}

static void ja4_a(const struct chello *ch, char transport, char a[11])
{
    char alpn[3];
    size_t c = 0, e = 0;
    for (size_t i = 0; i < ch->ciphers.n; i++)
        c += !chello_is_grease(ch->ciphers.v[i]);
    for (size_t i = 0; i < ch->n_exts; i++)
        e += !chello_is_grease(ch->exts[i].type);
    ja4_alpn(ch, alpn);
    snprintf(a, 11, "%c%s%c%02zu%02zu%s", transport, ja4_version(ch, transport),
             ch->has_sni_ext ? 'd' : 'i', c > 99 ? (size_t)99 : c, e > 99 ? (size_t)99 : e, alpn);
}

int chello_ja4(const struct chello *ch, char transport, char ja4[37], struct textbuf *raw)
{
    /* the three lists, one after another in one allocation */
    size_t room = ch->ciphers.n + ch->n_exts + ch->sigalgs.n + 1;
    uint16_t *ciphers = malloc(room * sizeof(uint16_t));
    struct textbuf own = {0};
    struct textbuf *t = raw != NULL ? raw : &own;
    char a[11], b[13], c[13];
    ja4[0] = '\0';
    if (ciphers == NULL)
        return -1;
    uint16_t *exts = ciphers + ch->ciphers.n, *sigalgs = exts + ch->n_exts;
    size_t nc = ja4_list(ch->ciphers.v, ch->ciphers.n, 1, 0, ciphers);
    for (size_t i = 0; i < ch->n_exts; i++) /* the types, then filtered and sorted in place */
        exts[i] = ch->exts[i].type;
    size_t ne = ja4_list(exts, ch->n_exts, 1, 1, exts);
    size_t ns = ja4_list(ch->sigalgs.v, ch->sigalgs.n, 0, 0, sigalgs);

    ja4_a(ch, transport, a);
    tb_str(t, a);
    tb_put(t, "_", 1);
    size_t from = t->len;
    ja4_hex_list(t, ciphers, nc);
    if (!t->failed)
        ja4_hash(t, from, nc, b);
    tb_put(t, "_", 1);
    from = t->len;
    ja4_hex_list(t, exts, ne);
    if (ns > 0) {
        tb_put(t, "_", 1);
        ja4_hex_list(t, sigalgs, ns);
    }
    if (!t->failed)
        ja4_hash(t, from, ne, c);
    int ret = t->failed ? -1 : 0;
    if (ret == 0)
        snprintf(ja4, 37, "%s_%s_%s", a, b, c);
    tb_free(&own);
    free(ciphers);
    return ret;
}
