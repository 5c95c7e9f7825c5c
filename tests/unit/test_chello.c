/* ClientHello parsing, record reassembly, JA3 and JA4: hand-built hellos (including the JA4
 * specification's own example, whose fingerprint it publishes), a real hello from libssl, and
 * hostile inputs (every truncation of a valid hello, bad records, odd lengths). */
#include "lib/chello.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>

#include "tap.h"

static void is_str(const char *got, const char *want, const char *name)
{
    ok(got != NULL && strcmp(got, want) == 0, "%s", name);
    if (got == NULL || strcmp(got, want) != 0)
        printf("#      got: %s\n# expected: %s\n", got ? got : "(null)", want);
}

/* ------------------------------------------------------------------ a hello builder */

struct buf {
    unsigned char d[8192];
    size_t n;
};

static void put8(struct buf *b, unsigned int v)
{
    b->d[b->n++] = (unsigned char)v;
}

static void put16(struct buf *b, unsigned int v)
{
    put8(b, v >> 8);
    put8(b, v & 0xff);
}

static void put_bytes(struct buf *b, const void *p, size_t n)
{
    memcpy(b->d + b->n, p, n);
    b->n += n;
}

/* Starts a length field of width bytes; end_len() fills it in. */
static size_t begin_len(struct buf *b, int width)
{
    size_t at = b->n;
    b->n += (size_t)width;
    return at;
}

static void end_len(struct buf *b, size_t at, int width)
{
    size_t len = b->n - at - (size_t)width;
    for (int i = width - 1; i >= 0; i--, len >>= 8)
        b->d[at + (size_t)i] = (unsigned char)(len & 0xff);
}

static void ext_u16_list(struct buf *b, unsigned int type, int lenwidth, const uint16_t *v,
                         size_t n)
{
    put16(b, type);
    size_t e = begin_len(b, 2), l = begin_len(b, lenwidth);
    for (size_t i = 0; i < n; i++)
        put16(b, v[i]);
    end_len(b, l, lenwidth);
    end_len(b, e, 2);
}

static void ext_raw(struct buf *b, unsigned int type, const void *p, size_t n)
{
    put16(b, type);
    put16(b, (unsigned int)n);
    put_bytes(b, p, n);
}

static void ext_sni(struct buf *b, const char *name)
{
    put16(b, 0);
    size_t e = begin_len(b, 2), l = begin_len(b, 2);
    put8(b, 0);
    put16(b, (unsigned int)strlen(name));
    put_bytes(b, name, strlen(name));
    end_len(b, l, 2);
    end_len(b, e, 2);
}

static void ext_alpn(struct buf *b, const char *const *protos, size_t n)
{
    put16(b, 16);
    size_t e = begin_len(b, 2), l = begin_len(b, 2);
    for (size_t i = 0; i < n; i++) {
        put8(b, (unsigned int)strlen(protos[i]));
        put_bytes(b, protos[i], strlen(protos[i]));
    }
    end_len(b, l, 2);
    end_len(b, e, 2);
}

/* The JA4 specification's example: its 15 cipher suites and 16 extensions in wire order, with
 * GREASE added in front of each list (JA4 and JA3 must ignore it). */
static const uint16_t spec_ciphers[] = {0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c,
                                        0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c,
                                        0x009d, 0x002f, 0x0035};
static const uint16_t spec_exts[] = {0x001b, 0x0000, 0x0033, 0x0010, 0x4469, 0x0017,
                                     0x002d, 0x000d, 0x0005, 0x0023, 0x0012, 0x002b,
                                     0xff01, 0x000b, 0x000a, 0x0015};
static const uint16_t spec_sigalgs[] = {0x0403, 0x0804, 0x0401, 0x0503,
                                        0x0805, 0x0501, 0x0806, 0x0601};
static const uint16_t spec_groups[] = {0x3a3a, 0x001d, 0x0017, 0x0018};
static const uint16_t spec_versions[] = {0x7a7a, 0x0304, 0x0303};

static void spec_extension(struct buf *b, uint16_t type)
{
    static const char *const alpn[] = {"h2", "http/1.1"};
    static const unsigned char ks[] = {0x00, 0x29, 0x3a, 0x3a, 0x00, 0x01, 0x00,
                                       0x00, 0x1d, 0x00, 0x20, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
                                       11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24,
                                       25, 26, 27, 28, 29, 30, 31, 32};
    static const unsigned char pf[] = {1, 0}, modes[] = {1, 1}, zero[8] = {0};
    switch (type) {
    case 0x0000: ext_sni(b, "example.com"); break;
    case 0x0010: ext_alpn(b, alpn, 2); break;
    case 0x000d: ext_u16_list(b, type, 2, spec_sigalgs, 8); break;
    case 0x000a: ext_u16_list(b, type, 2, spec_groups, 4); break;
    case 0x002b: ext_u16_list(b, type, 1, spec_versions, 3); break;
    case 0x0033: ext_raw(b, type, ks, sizeof(ks)); break;
    case 0x000b: ext_raw(b, type, pf, sizeof(pf)); break;
    case 0x002d: ext_raw(b, type, modes, sizeof(modes)); break;
    case 0x0015: ext_raw(b, type, zero, sizeof(zero)); break;
    default: ext_raw(b, type, "", 0); break;
    }
}

/* A whole handshake message: type, 24-bit length, body. */
static void build_spec_hello(struct buf *b)
{
    b->n = 0;
    put8(b, 1);
    size_t m = begin_len(b, 3);
    put16(b, 0x0303);
    for (int i = 0; i < 32; i++)
        put8(b, (unsigned int)i);
    put8(b, 32);
    for (int i = 0; i < 32; i++)
        put8(b, 0xee);
    size_t c = begin_len(b, 2);
    put16(b, 0x1a1a);
    for (size_t i = 0; i < sizeof(spec_ciphers) / 2; i++)
        put16(b, spec_ciphers[i]);
    end_len(b, c, 2);
    put8(b, 1);
    put8(b, 0);
    size_t e = begin_len(b, 2);
    ext_raw(b, 0x2a2a, "", 0);
    for (size_t i = 0; i < sizeof(spec_exts) / 2; i++)
        spec_extension(b, spec_exts[i]);
    ext_raw(b, 0xfafa, "\0", 1);
    end_len(b, e, 2);
    end_len(b, m, 3);
}

/* ------------------------------------------------------------------ tests */

static void test_spec_example(void)
{
    struct buf b;
    struct chello ch;
    const char *why = NULL;
    build_spec_hello(&b);
    ok(chello_parse(&ch, b.d, b.n, &why) == 0, "spec hello parses (%s)", why ? why : "ok");
    ok(ch.legacy_version == 0x0303, "legacy version");
    ok(ch.ciphers.n == 16 && chello_is_grease(ch.ciphers.v[0]), "16 suites, GREASE first");
    ok(ch.n_exts == 18, "18 extensions including two GREASE ones (%zu)", ch.n_exts);
    ok(ch.versions.n == 3 && ch.versions.v[1] == 0x0304, "supported_versions");
    ok(ch.groups.n == 4, "supported groups");
    ok(ch.sigalgs.n == 8 && ch.sigalgs.v[0] == 0x0403, "signature algorithms in order");
    ok(ch.n_key_shares == 2 && ch.key_shares[1].group == 0x001d &&
           ch.key_shares[1].key_len == 32,
       "key shares (GREASE one and x25519)");
    ok(ch.n_alpn == 2 && ch.alpn[1].n == 8 && memcmp(ch.alpn[1].p, "http/1.1", 8) == 0, "ALPN");
    ok(ch.sni.n == 11 && memcmp(ch.sni.p, "example.com", 11) == 0, "SNI host name");
    ok(ch.psk_modes.n == 1 && ch.psk_modes.p[0] == 1, "PSK modes");
    ok(ch.point_formats.n == 1 && ch.point_formats.p[0] == 0, "EC point formats");
    ok(ch.session_id.n == 32 && ch.compressions.n == 1, "session id and compression");

    char ja4[37];
    struct textbuf raw = {0};
    ok(chello_ja4(&ch, 't', ja4, &raw) == 0, "JA4 computed");
    is_str(ja4, "t13d1516h2_8daaf6152771_e5627efa2ab1", "JA4 equals the specification's example");
    is_str(raw.p,
           "t13d1516h2_002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,"
           "cca9_0005,000a,000b,000d,0012,0015,0017,001b,0023,002b,002d,0033,4469,ff01_0403,"
           "0804,0401,0503,0805,0501,0806,0601",
           "JA4_r equals the specification's example");
    tb_free(&raw);

    char md5hex[33];
    struct textbuf ja3 = {0};
    tb_str(&ja3, "kept:");
    ok(chello_ja3(&ch, &ja3, md5hex) == 0, "JA3 computed");
    is_str(ja3.p,
           "kept:"
           "771,4865-4866-4867-49195-49199-49196-49200-52393-52392-49171-49172-156-157-47-53,"
           "27-0-51-16-17513-23-45-13-5-35-18-43-65281-11-10-21,29-23-24,0",
           "JA3 string: decimal, wire order, GREASE dropped");
    unsigned char md[16];
    unsigned int mdlen = 0;
    char want[33];
    EVP_Digest(ja3.p + 5, ja3.len - 5, md, &mdlen, EVP_md5(), NULL);
    for (int i = 0; i < 16; i++)
        snprintf(want + 2 * i, 3, "%02x", md[i]);
    is_str(md5hex, want, "JA3 hash is the MD5 of the string (appended after what was there)");
    tb_free(&ja3);

    BIO *out = BIO_new(BIO_s_mem());
    chello_print(out, &ch, NULL);
    char *text = NULL;
    long n = BIO_get_mem_data(out, &text);
    ok(n > 0 && strstr(text, "JA4: t13d1516h2_8daaf6152771_e5627efa2ab1\n") != NULL,
       "text report carries JA4");
    ok(strstr(text, "0x1a1a GREASE") != NULL, "text report marks GREASE suites");
    ok(strstr(text, "Server name: example.com\n") != NULL, "text report shows SNI");
    BIO_free(out);
    chello_free(&ch);
}

/* JA4 details: no SNI, no ALPN, no signature algorithms, non-alphanumeric ALPN, TLS 1.2. */
static void test_ja4_variants(void)
{
    static const struct {
        const char *alpn;
        const char *want;
    } alpn_cases[] = {
        {NULL, "00"}, {"h2", "h2"}, {"http/1.1", "h1"}, {"x", "xx"}, {"\xab", "ab"},
        {"\xab\xcd", "ad"}, {"0\xab", "3b"}, {"01\xab\xcd", "3d"}, {"0\xab\xcd" "1", "01"},
    };
    for (size_t i = 0; i < sizeof(alpn_cases) / sizeof(alpn_cases[0]); i++) {
        struct buf b;
        struct chello ch;
        const char *why;
        b.n = 0;
        put8(&b, 1);
        size_t m = begin_len(&b, 3);
        put16(&b, 0x0303);
        for (int k = 0; k < 32; k++)
            put8(&b, 0);
        put8(&b, 0);
        put16(&b, 2);
        put16(&b, 0xc02f);
        put8(&b, 1);
        put8(&b, 0);
        size_t e = begin_len(&b, 2);
        if (alpn_cases[i].alpn != NULL) {
            const char *one[] = {alpn_cases[i].alpn};
            ext_alpn(&b, one, 1);
        }
        ext_raw(&b, 0x0017, "", 0);
        end_len(&b, e, 2);
        end_len(&b, m, 3);
        char ja4[37];
        if (chello_parse(&ch, b.d, b.n, &why) != 0 || chello_ja4(&ch, 't', ja4, NULL) != 0) {
            ok(0, "ALPN case %zu parses", i);
            continue;
        }
        char want[16];
        snprintf(want, sizeof(want), "t12i01%02d%s", alpn_cases[i].alpn ? 2 : 1,
                 alpn_cases[i].want);
        ok(strncmp(ja4, want, 10) == 0, "JA4 a-part for ALPN case %zu: %.10s", i, ja4);
        /* without sigalgs the c-part hashes "0017" alone, with no trailing underscore */
        ok(strcmp(ja4 + 24, "_") != 0 && strlen(ja4) == 36, "JA4 length for ALPN case %zu", i);
        chello_free(&ch);
    }
}

/* The hello fed as TLS records, split into two records and delivered one byte at a time. */
/* Bytes a capture must refuse, fed at once (for DTLS: as one datagram). */
struct bad_input {
    const char *name;
    const char *bytes;
    size_t n;
};

static void refused(const struct bad_input *bad, size_t n, int dtls)
{
    for (size_t i = 0; i < n; i++) {
        struct chello_capture c;
        chello_capture_init(&c);
        c.dtls = dtls;
        int rc = chello_capture_feed(&c, (const unsigned char *)bad[i].bytes, bad[i].n);
        ok(rc == -1 && c.why != NULL, "%s capture refuses %s (%s)", dtls ? "DTLS" : "TLS",
           bad[i].name, c.why ? c.why : "-");
        chello_capture_free(&c);
    }
}

static void test_capture(void)
{
    struct buf hello, wire;
    build_spec_hello(&hello);
    size_t half = hello.n / 2;
    wire.n = 0;
    put8(&wire, 22);
    put16(&wire, 0x0301);
    put16(&wire, (unsigned int)half);
    put_bytes(&wire, hello.d, half);
    put8(&wire, 22);
    put16(&wire, 0x0303);
    put16(&wire, (unsigned int)(hello.n - half));
    put_bytes(&wire, hello.d + half, hello.n - half);
    put_bytes(&wire, "\x14\x03\x03\x00\x01\x01", 6); /* a later record must be ignored */

    struct chello_capture c;
    chello_capture_init(&c);
    int rc = 0;
    for (size_t i = 0; i < wire.n; i++)
        rc = chello_capture_feed(&c, wire.d + i, 1);
    ok(rc == 1 && c.have == hello.n && memcmp(c.msg, hello.d, hello.n) == 0,
       "capture: byte-by-byte over two records reassembles the message");
    chello_capture_free(&c);

    chello_capture_init(&c);
    ok(chello_capture_feed(&c, wire.d, wire.n) == 1 && c.have == hello.n,
       "capture: all at once");
    chello_capture_free(&c);

    static const struct bad_input bad[] = {
        {"application data record", "\x17\x03\x03\x00\x05hello", 10},
        {"SSLv2 hello", "\x80\x2e\x01\x00\x02", 5},
        {"not TLS at all", "GET / HTTP/1.1\r\n", 16},
        {"zero-length record", "\x16\x03\x01\x00\x00", 5},
        {"server hello", "\x16\x03\x03\x00\x04\x02\x00\x00\x00", 9},
        {"oversized record", "\x16\x03\x01\xff\xff", 5},
        {"ClientHello over the limit", "\x16\x03\x01\x00\x04\x01\xff\xff\xff", 9},
    };
    refused(bad, sizeof(bad) / sizeof(bad[0]), 0);
}

/* Every truncation and a sweep of single-byte corruptions: never a crash, and a truncated
 * message is always refused. */
static void test_hostile(void)
{
    struct buf b;
    build_spec_hello(&b);
    int refused = 1;
    for (size_t len = 0; len < b.n; len++) {
        struct chello ch;
        const char *why;
        if (chello_parse(&ch, b.d, len, &why) == 0) {
            refused = 0;
            chello_free(&ch);
        }
    }
    ok(refused, "every truncation of the hello is refused");
    int survived = 1;
    for (size_t pos = 4; pos < b.n; pos += 3) {
        struct buf m = b;
        m.d[pos] ^= 0xff;
        struct chello ch;
        const char *why;
        if (chello_parse(&ch, m.d, m.n, &why) == 0) {
            char ja4[37], md5[33];
            struct textbuf ja3 = {0};
            if (chello_ja4(&ch, 't', ja4, NULL) != 0 || strlen(ja4) != 36)
                survived = 0;
            if (chello_ja3(&ch, &ja3, md5) != 0)
                survived = 0;
            tb_free(&ja3);
            chello_free(&ch);
        }
    }
    ok(survived, "corrupted hellos either fail to parse or fingerprint cleanly");

    /* a known extension with a bad body is marked, not fatal */
    struct buf x;
    x.n = 0;
    put8(&x, 1);
    size_t m = begin_len(&x, 3);
    put16(&x, 0x0303);
    for (int k = 0; k < 32; k++)
        put8(&x, 0);
    put8(&x, 0);
    put16(&x, 2);
    put16(&x, 0x1301);
    put8(&x, 1);
    put8(&x, 0);
    size_t e = begin_len(&x, 2);
    ext_raw(&x, 0x000a, "\x00\x03\x00\x1d\x00", 5); /* odd group list */
    ext_raw(&x, 0x0010, "\x00\x03\x05h2", 5);       /* ALPN entry overruns */
    end_len(&x, e, 2);
    end_len(&x, m, 3);
    struct chello ch;
    const char *why;
    ok(chello_parse(&ch, x.d, x.n, &why) == 0 && ch.n_exts == 2 && ch.exts[0].malformed &&
           ch.exts[1].malformed && ch.groups.n == 0 && ch.n_alpn == 0,
       "malformed known extensions are marked and skipped");
    chello_free(&ch);
    ok(chello_parse(&ch, x.d, x.n - 1, &why) == -1, "one byte short is refused (%s)", why);
    x.d[x.n++] = 0;
    ok(chello_parse(&ch, x.d, x.n, &why) == -1, "one byte too many is refused (%s)", why);
}

/* A real hello from libssl, captured from its output BIO. */
static void test_libssl_hello(void)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    SSL *ssl = ctx ? SSL_new(ctx) : NULL;
    BIO *rb = BIO_new(BIO_s_mem()), *wb = BIO_new(BIO_s_mem());
    if (ssl == NULL || rb == NULL || wb == NULL) {
        ok(0, "libssl client set up");
        return;
    }
    static const unsigned char protos[] = "\x02h2\x08http/1.1";
    SSL_set_bio(ssl, rb, wb);
    SSL_set_tlsext_host_name(ssl, "host.example");
    SSL_set_alpn_protos(ssl, protos, sizeof(protos) - 1);
    SSL_connect(ssl);
    char *data = NULL;
    long n = BIO_get_mem_data(wb, &data);
    struct chello_capture c;
    chello_capture_init(&c);
    int rc = chello_capture_feed(&c, (unsigned char *)data, (size_t)n);
    struct chello ch;
    const char *why = "capture failed";
    ok(rc == 1 && chello_parse(&ch, c.msg, c.have, &why) == 0, "libssl hello parses (%s)",
       why ? why : "ok");
    if (rc == 1 && why == NULL) {
        STACK_OF(SSL_CIPHER) *sk = SSL_get1_supported_ciphers(ssl);
        ok(sk != NULL && ch.ciphers.n >= (size_t)sk_SSL_CIPHER_num(sk),
           "every supported suite is offered (%zu >= %d)", ch.ciphers.n,
           sk ? sk_SSL_CIPHER_num(sk) : -1);
        sk_SSL_CIPHER_free(sk);
        ok(ch.sni.n == 12 && memcmp(ch.sni.p, "host.example", 12) == 0, "libssl SNI");
        ok(ch.n_alpn == 2, "libssl ALPN");
        const char *name = chello_cipher_name(ssl, ch.ciphers.v[0]);
        ok(name != NULL && strncmp(name, "TLS_AES_", 8) == 0, "first suite named: %s",
           name ? name : "(null)");
        char ja4[37];
        ok(chello_ja4(&ch, 't', ja4, NULL) == 0 && strncmp(ja4, "t13d", 4) == 0 &&
               strncmp(ja4 + 8, "h2_", 3) == 0,
           "libssl JA4 shape: %s", ja4);
        BIO *out = BIO_new(BIO_s_mem());
        struct json j;
        json_init(&j, out, 0);
        chello_json(&j, NULL, &ch, ssl);
        ok(json_end(&j) == 0, "JSON report is well-formed");
        BIO_free(out);
        chello_free(&ch);
    }
    chello_capture_free(&c);
    SSL_free(ssl);
    SSL_CTX_free(ctx);
}

/* ------------------------------------------------------------------ DTLS */

static void put24(struct buf *b, size_t v)
{
    put8(b, (unsigned int)(v >> 16) & 0xff);
    put16(b, (unsigned int)v & 0xffff);
}

/* One datagram: a plaintext DTLS record carrying one fragment (off, len) of the ClientHello
 * whose body is body (n bytes), message_seq seq. */
static void dtls_fragment(struct buf *d, const unsigned char *body, size_t n, unsigned int seq,
                          size_t off, size_t len)
{
    d->n = 0;
    put8(d, 22);
    put16(d, 0xfefd);
    put16(d, 0);                     /* epoch */
    put_bytes(d, "\0\0\0\0\0\1", 6); /* sequence number */
    put16(d, (unsigned int)(12 + len));
    put8(d, 1);
    put24(d, n);
    put16(d, seq);
    put24(d, off);
    put24(d, len);
    put_bytes(d, body + off, len);
}

static int feed_dtls(struct chello_capture *c, const struct buf *d)
{
    return chello_capture_feed(c, d->d, d->n);
}

/* A real DTLS hello from libssl, whole and in fragments; a later hello with a cookie
 * replacing the first; bad datagrams. */
static void test_dtls(void)
{
    SSL_CTX *ctx = SSL_CTX_new(DTLS_client_method());
    SSL *ssl = ctx ? SSL_new(ctx) : NULL;
    BIO *rb = BIO_new(BIO_s_mem()), *wb = BIO_new(BIO_s_mem());
    if (ssl == NULL || rb == NULL || wb == NULL) {
        ok(0, "libssl DTLS client set up");
        return;
    }
    SSL_set_bio(ssl, rb, wb);
    SSL_set_options(ssl, SSL_OP_NO_QUERY_MTU);
    DTLS_set_link_mtu(ssl, 1400);
    SSL_set_tlsext_host_name(ssl, "dtls.example");
    SSL_connect(ssl);
    char *data = NULL;
    long n = BIO_get_mem_data(wb, &data);

    struct chello_capture c;
    chello_capture_init(&c);
    c.dtls = 1;
    struct chello ch;
    const char *why = "capture failed";
    int rc = chello_capture_feed(&c, (unsigned char *)data, (size_t)n);
    if (rc == 1)
        chello_parse_dtls(&ch, c.msg, c.have, &why);
    ok(rc == 1 && why == NULL, "libssl DTLS hello is captured and parses (%s)", why ? why : "ok");
    if (rc != 1 || why != NULL) {
        chello_capture_free(&c);
        SSL_free(ssl);
        SSL_CTX_free(ctx);
        return;
    }
    char ja4[37];
    ok(ch.dtls && ch.legacy_version == 0xfefd && ch.cookie.n == 0 && ch.cookie.p != NULL,
       "DTLS 1.2 hello without a cookie");
    ok(ch.sni.n == 12 && memcmp(ch.sni.p, "dtls.example", 12) == 0, "DTLS SNI");
    ok(chello_ja4(&ch, 'd', ja4, NULL) == 0 && strncmp(ja4, "dd2d", 4) == 0,
       "DTLS JA4 names DTLS 1.2: %s", ja4);
    struct textbuf t = {0};
    chello_text(&t, &ch, ssl);
    ok(!t.failed && strstr(t.p, "    Cookie length: 0\n") != NULL &&
           strstr(t.p, "\nJA4: dd2d") != NULL,
       "the text report has the cookie and the DTLS JA4");
    tb_free(&t);
    struct chello plain;
    rc = chello_parse(&plain, c.msg, c.have, &why);
    ok(rc == -1, "the same message read as TLS does not parse (%s)", why ? why : "-");

    /* the message again, in two fragments, with a repeat; then out of order */
    size_t len = c.have - 4, k = len / 3;
    unsigned char *body = malloc(len + 4);
    memcpy(body, c.msg + 4, len);
    struct buf d;
    struct chello_capture f;
    chello_capture_init(&f);
    f.dtls = 1;
    dtls_fragment(&d, body, len, 0, 0, k);
    rc = feed_dtls(&f, &d);
    rc = rc == 0 ? feed_dtls(&f, &d) : -2;
    dtls_fragment(&d, body, len, 0, k / 2, len - k / 2);
    rc = rc == 0 ? feed_dtls(&f, &d) : -2;
    ok(rc == 1 && f.have == c.have && memcmp(f.msg, c.msg, c.have) == 0,
       "two overlapping fragments and a repeat put the message together");
    chello_capture_free(&f);
    chello_capture_init(&f);
    f.dtls = 1;
    dtls_fragment(&d, body, len, 0, k, len - k);
    rc = feed_dtls(&f, &d);
    ok(rc == -1 && f.why != NULL && strstr(f.why, "out of order") != NULL,
       "a fragment leaving a gap gives up (%s)", f.why ? f.why : "-");
    chello_capture_free(&f);

    /* the answer to a HelloVerifyRequest: message_seq 1, a 4-byte cookie, replaces it */
    size_t cookie_at = 2 + 32 + 1 + body[2 + 32];
    memmove(body + cookie_at + 1 + 4, body + cookie_at + 1, len - cookie_at - 1);
    body[cookie_at] = 4;
    memcpy(body + cookie_at + 1, "CKIE", 4);
    dtls_fragment(&d, body, len + 4, 1, 0, len + 4);
    rc = feed_dtls(&c, &d);
    struct chello again;
    ok(rc == 1 && chello_parse_dtls(&again, c.msg, c.have, &why) == 0 && again.cookie.n == 4 &&
           memcmp(again.cookie.p, "CKIE", 4) == 0 && again.ciphers.n == ch.ciphers.n,
       "a later hello with a cookie replaces the first");
    if (why == NULL)
        chello_free(&again);
    dtls_fragment(&d, body, len + 4, 0, 0, len + 4);
    d.d[4] = 1; /* epoch 1: a protected record, after the hello: ignored */
    ok(feed_dtls(&c, &d) == 1 && c.have == len + 8, "records after the hello leave it be");
    free(body);
    chello_free(&ch);
    chello_capture_free(&c);

    static const struct bad_input bad[] = {
        {"a TLS record", "\x16\x03\x01\x00\x08\x01\x00\x00\x04\x03\x03\x00\x00", 13},
        {"a protected record first", "\x16\xfe\xfd\x00\x01\0\0\0\0\0\0\x00\x00", 13},
        {"a truncated record header", "\x16\xfe\xfd\x00\x00\0\0", 7},
        {"a record longer than the datagram", "\x16\xfe\xfd\0\0\0\0\0\0\0\0\x00\x20", 13},
        {"a fragment longer than its record",
         "\x16\xfe\xfd\0\0\0\0\0\0\0\0\x00\x0c\x01\x00\x00\x10\x00\x00\x00\x00\x00"
         "\x00\x00\x10",
         25},
        {"a server hello", "\x16\xfe\xfd\0\0\0\0\0\0\0\0\x00\x0c\x02\0\0\0\0\0\0\0\0\0\0\0", 25},
    };
    refused(bad, sizeof(bad) / sizeof(bad[0]), 1);
    SSL_free(ssl);
    SSL_CTX_free(ctx);
}

int main(void)
{
    test_spec_example();
    test_ja4_variants();
    test_capture();
    test_hostile();
    test_libssl_hello();
    test_dtls();
    printf("1..%d\n", tests_run);
    return tests_failed ? 1 : 0;
}
