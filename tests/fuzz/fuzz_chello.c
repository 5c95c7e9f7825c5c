/* ClientHello analysis on hostile bytes: the input is read as a handshake message, TLS and
 * DTLS (chello_parse, chello_parse_dtls), as a TCP stream of records and as DTLS datagrams
 * (chello_capture_feed, cut into pieces whose sizes the input picks), then everything a report
 * does is done: JA3, JA4, the text report and the JSON object, which must always be
 * well-formed. */
#include "lib/chello.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static SSL_CTX *ctx;
static SSL *ssl;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    ctx = SSL_CTX_new(TLS_server_method());
    ssl = ctx != NULL ? SSL_new(ctx) : NULL;
    if (ssl == NULL)
        abort();
    return 0;
}

static void report(const struct chello *ch)
{
    char ja4[37], md5hex[33];
    struct textbuf ja3 = {0}, raw = {0};
    if (chello_ja3(ch, &ja3, md5hex) != 0 || strlen(md5hex) != 32 || strlen(ja3.p) != ja3.len)
        abort();
    tb_free(&ja3);
    if (chello_ja4(ch, ch->dtls ? 'd' : 't', ja4, &raw) != 0 || strlen(ja4) != 36 ||
        ja4[10] != '_' || ja4[23] != '_' || strncmp(raw.p, ja4, 11) != 0)
        abort();
    tb_free(&raw);
    BIO *out = BIO_new(BIO_s_mem());
    if (out == NULL)
        return;
    chello_print(out, ch, ssl);
    chello_print_brief(out, ch);
    struct json j;
    json_init(&j, out, 0);
    chello_json(&j, NULL, ch, ssl);
    if (json_end(&j) != 0)
        abort();
    BIO_free(out);
}

static void parse_and_report(const uint8_t *data, size_t size, int dtls)
{
    struct chello ch;
    const char *why;
    if ((dtls ? chello_parse_dtls : chello_parse)(&ch, data, size, &why) == 0) {
        if (ch.dtls != dtls)
            abort();
        report(&ch);
        chello_free(&ch);
    } else if (why == NULL) {
        abort();
    }
}

/* The bytes fed to a capture in pieces chosen by the input itself: 1..16 bytes of a TCP
 * stream, or datagrams of 1..1024 bytes. */
static void capture(const uint8_t *data, size_t size, int dtls)
{
    struct chello_capture c;
    chello_capture_init(&c);
    c.dtls = dtls;
    int rc = 0;
    for (size_t i = 0; i < size && rc >= 0;) {
        size_t piece = dtls ? (size_t)(data[i] * 4) + 1 : (size_t)(data[i] % 16) + 1;
        if (piece > size - i)
            piece = size - i;
        rc = chello_capture_feed(&c, data + i, piece);
        i += piece;
        if (rc == 1 && !dtls)
            break;
    }
    if (rc == 1)
        parse_and_report(c.msg, c.have, dtls);
    else if (rc == -1 && c.why == NULL)
        abort();
    chello_capture_free(&c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > CHELLO_MAX_MSG + 64)
        return 0;
    parse_and_report(data, size, 0);
    parse_and_report(data, size, 1);
    capture(data, size, 0);
    capture(data, size, 1);
    return 0;
}
