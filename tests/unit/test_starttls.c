/* Unit tests of the STARTTLS dialogues (src/proto/starttls*.c): each protocol against canned
 * server transcripts over the memory transport, split into reads of every size, checking what
 * we send, where we stop reading (the TLS bytes that follow must stay unread) and the one-line
 * reasons for failures; then the socket transport over a socketpair: leftover bytes stay in
 * the socket, non-blocking sockets work, a silent peer times out, a closed one is an error. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "proto/linereader.h"
#include "proto/lr_mem.h"
#include "proto/starttls.h"

struct tap {
    int n;
    int failed;
};

static void check(struct tap *t, int cond, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void check(struct tap *t, int cond, const char *fmt, ...)
{
    va_list ap;

    t->n++;
    if (!cond)
        t->failed++;
    printf("%s %d - ", cond ? "ok" : "not ok", t->n);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
}

/* Bytes that stand for the server's first TLS record: they must never be consumed. */
#define TLS_START "\x16\x03\x01\x02\x00"
#define TLS_START_LEN 5

/* A canned exchange: the server's bytes (the TLS start is appended when rc is 0), what we must
 * send (NULL: not checked), the expected result and a piece of the expected reason. */
struct transcript {
    const char *what;
    const char *proto;
    const char *name;
    const char *server;
    size_t server_len; /* 0: strlen(server) */
    const char *client;
    size_t client_len; /* 0: strlen(client) */
    int rc;
    const char *err;
};

/* Runs one transcript with every read limited to chunk bytes. Returns 1 if all held. */
static int run_once(const struct transcript *tr, size_t chunk, char *why, size_t whylen)
{
    size_t slen = tr->server_len ? tr->server_len : strlen(tr->server);
    unsigned char *in = malloc(slen + TLS_START_LEN);
    struct lr_mem m = {0};
    struct lr_io io;
    struct starttls_opts o = {.proto = tr->proto, .name = tr->name, .host = "example.com"};
    char err[512];
    int rc, good = 0;

    if (in == NULL)
        return 0;
    memcpy(in, tr->server, slen);
    memcpy(in + slen, TLS_START, TLS_START_LEN);
    m.in = in;
    m.inlen = slen + (tr->rc == 0 ? TLS_START_LEN : 0);
    m.chunk = chunk;
    lr_mem_io(&io, &m);
    rc = starttls_negotiate_io(&io, &o, err, sizeof(err));
    if (rc != tr->rc)
        snprintf(why, whylen, "rc %d, err '%s'", rc, err);
    else if (rc == 0 && m.pos != slen)
        snprintf(why, whylen, "stopped reading at %zu of %zu", m.pos, slen);
    else if (rc != 0 && (strstr(err, tr->err) == NULL || strchr(err, '\n') != NULL))
        snprintf(why, whylen, "err '%s'", err);
    else if (tr->client != NULL &&
             (m.outlen != (tr->client_len ? tr->client_len : strlen(tr->client)) ||
              memcmp(m.out, tr->client, m.outlen) != 0))
        snprintf(why, whylen, "sent %zu bytes '%.*s'", m.outlen, (int)m.outlen, m.out);
    else
        good = 1;
    free(in);
    return good;
}

static void run_transcript(struct tap *t, const struct transcript *tr)
{
    static const size_t chunks[] = {0, 1, 2, 3, 7, 64};
    char why[700] = "";
    size_t bad = 0;

    for (size_t i = 0; i < sizeof(chunks) / sizeof(chunks[0]) && why[0] == '\0'; i++) {
        if (!run_once(tr, chunks[i], why, sizeof(why)))
            bad = chunks[i];
    }
    check(t, why[0] == '\0', "%s: %s", tr->proto, tr->what);
    if (why[0] != '\0')
        printf("# reads of %zu bytes: %s\n", bad, why);
}

static const struct transcript text_cases[] = {
    {"ok, EHLO with the default name", "smtp", NULL,
     "220 mx.test ESMTP\r\n250-mx.test\r\n250-PIPELINING\r\n250-STARTTLS\r\n250 SIZE 1000\r\n"
     "220 2.0.0 Ready to start TLS\r\n",
     0, "EHLO mail.example.com\r\nSTARTTLS\r\n", 0, 0, NULL},
    {"ok, -name, multi-line greeting, bare LF", "smtp", "client.test",
     "220-mx.test ESMTP\n220 more greeting\n250-mx.test\n250 starttls\n220 go\n", 0,
     "EHLO client.test\r\nSTARTTLS\r\n", 0, 0, NULL},
    {"no STARTTLS in EHLO reply", "smtp", NULL, "220 mx\r\n250-mx\r\n250 SIZE 100\r\n", 0, NULL, 0,
     -1, "smtp: server does not offer STARTTLS (EHLO reply: '250-mx | 250 SIZE 100')"},
    {"a host name holding 'starttls' is no offer", "smtp", NULL,
     "220 mail.starttls.test\r\n250-mail.starttls.test\r\n250 SIZE 100\r\n", 0, NULL, 0, -1,
     "does not offer STARTTLS"},
    {"STARTTLS refused", "smtp", NULL, "220 mx\r\n250 STARTTLS\r\n454 4.7.0 TLS not available\r\n",
     0, NULL, 0, -1, "smtp: server refused STARTTLS: '454 4.7.0 TLS not available'"},
    {"greeting 554", "smtp", NULL, "554 5.3.2 go away\r\n", 0, NULL, 0, -1,
     "smtp: server refused the connection: '554 5.3.2 go away'"},
    {"garbage greeting, quoted sanitised", "smtp", NULL, "HTTP/1.0 200 OK\x01\r\n", 0, NULL, 0, -1,
     "smtp: garbage from server while waiting for the SMTP greeting: 'HTTP/1.0 200 OK\\x01'"},
    {"closed before the greeting", "smtp", NULL, "", 0, NULL, 0, -1,
     "smtp: connection closed by server while waiting for the SMTP greeting"},
    {"EHLO rejected", "smtp", "bad.example", "220 mx\r\n550 5.7.1 <bad.example> rejected\r\n", 0,
     NULL, 0, -1, "smtp: server rejected EHLO: '550 5.7.1 <bad.example> rejected'"},
    {"-name with a line break is refused before sending", "smtp", "a\r\nRCPT TO:<x>", "220 mx\r\n",
     0, "", 0, -1, "smtp: -name must be a host name"},
    {"ok", "lmtp", NULL, "220 lmtp\r\n250-lmtp\r\n250 STARTTLS\r\n220 go\r\n", 0,
     "LHLO mail.example.com\r\nSTARTTLS\r\n", 0, 0, NULL},
    {"ok", "pop3", NULL, "+OK POP3 ready\r\n+OK Begin TLS\r\n", 0, "STLS\r\n", 0, 0, NULL},
    {"STLS refused", "pop3", NULL, "+OK ready\r\n-ERR Unknown command\r\n", 0, NULL, 0, -1,
     "pop3: server refused STLS: '-ERR Unknown command'"},
    {"ok", "imap", NULL,
     "* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n* CAPABILITY IMAP4rev1 STARTTLS "
     "AUTH=PLAIN\r\n. OK done\r\n. OK Begin TLS\r\n",
     0, ". CAPABILITY\r\n. STARTTLS\r\n", 0, 0, NULL},
    {"no STARTTLS capability", "imap", NULL,
     "* OK ready\r\n* CAPABILITY IMAP4rev1 LOGINDISABLED\r\n. OK done\r\n", 0, NULL, 0, -1,
     "imap: server does not offer STARTTLS (CAPABILITY reply: '* CAPABILITY IMAP4rev1 "
     "LOGINDISABLED | . OK done')"},
    {"PREAUTH greeting", "imap", NULL, "* PREAUTH welcome\r\n", 0, NULL, 0, -1, "PREAUTH"},
    {"STARTTLS answered BAD", "imap", NULL,
     "* OK ready\r\n* CAPABILITY STARTTLS\r\n. OK\r\n. BAD no\r\n", 0, NULL, 0, -1,
     "imap: server refused STARTTLS: '. BAD no'"},
    {"ok, multi-line greeting", "ftp", NULL,
     "220-Welcome\r\n  to the test\r\n220 ready\r\n234 AUTH TLS OK.\r\n", 0, "AUTH TLS\r\n", 0, 0,
     NULL},
    {"AUTH TLS refused", "ftp", NULL, "220 ready\r\n530 Please login with USER and PASS.\r\n", 0,
     NULL, 0, -1, "ftp: server refused AUTH TLS: '530 Please login with USER and PASS.'"},
    {"ok, notices and a PING before 670", "irc", NULL,
     ":irc.test NOTICE * :*** Looking up your hostname...\r\nPING :abc123\r\n"
     ":irc.test 670 * :STARTTLS successful, go ahead\r\n",
     0, "STARTTLS\r\nPONG :abc123\r\n", 0, 0, NULL},
    {"691", "irc", NULL, ":irc.test 691 * :STARTTLS failure\r\n", 0, NULL, 0, -1,
     "irc: server reports STARTTLS failed"},
    {"421 unknown command", "irc", NULL, ":irc.test 421 * STARTTLS :Unknown command\r\n", 0, NULL,
     0, -1, "irc: server does not support STARTTLS"},
    {"ok", "nntp", NULL,
     "200 news ready\r\n101 Capability list:\r\nVERSION 2\r\nSTARTTLS\r\nREADER\r\n.\r\n382 go\r\n",
     0, "CAPABILITIES\r\nSTARTTLS\r\n", 0, 0, NULL},
    {"no CAPABILITIES command: STARTTLS tried anyway", "nntp", NULL,
     "200 news ready\r\n500 What?\r\n382 go\r\n", 0, "CAPABILITIES\r\nSTARTTLS\r\n", 0, 0, NULL},
    {"not in CAPABILITIES", "nntp", NULL, "201 ready\r\n101 list\r\nVERSION 2\r\n.\r\n", 0, NULL, 0,
     -1, "nntp: server does not offer STARTTLS (CAPABILITIES reply: '101 list | VERSION 2 | .')"},
    {"ok", "sieve", NULL,
     "\"IMPLEMENTATION\" \"Dovecot\"\r\n\"SASL\" \"PLAIN\"\r\n\"STARTTLS\"\r\nOK \"ready\"\r\n"
     "OK \"Begin TLS negotiation now.\"\r\n",
     0, "STARTTLS\r\n", 0, 0, NULL},
    {"STARTTLS refused", "sieve", NULL, "\"STARTTLS\"\r\nOK\r\nNO \"not now\"\r\n", 0, NULL, 0, -1,
     "sieve: server refused STARTTLS: 'NO \"not now\"'"},
    {"not offered", "sieve", NULL, "\"SASL\" \"PLAIN\"\r\nOK \"hi\"\r\n", 0, NULL, 0, -1,
     "sieve: server does not offer STARTTLS"},
};

#define STREAM_OPEN(ns, to)                                                                        \
    "<stream:stream xmlns:stream='http://etherx.jabber.org/streams' xmlns='jabber:" ns "' to='" to \
    "' version='1.0'>"
#define STARTTLS_REQ "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"

static const struct transcript xmpp_cases[] = {
    {"ok, to the -connect host", "xmpp", NULL,
     "<?xml version='1.0'?>\n<stream:stream xmlns:stream='http://etherx.jabber.org/streams' "
     "xmlns='jabber:client' version='1.0' from='example.com'>\n <stream:features><starttls "
     "xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls><mechanisms><mechanism>PLAIN"
     "</mechanism></mechanisms></stream:features><proceed "
     "xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>",
     0, STREAM_OPEN("client", "example.com") STARTTLS_REQ, 0, 0, NULL},
    {"ok, -name, <proceed></proceed>, double quotes", "xmpp-server", "chat.test",
     "<stream:stream from=\"chat.test\"><features><starttls "
     "xmlns=\"urn:ietf:params:xml:ns:xmpp-tls\"/></features><proceed "
     "xmlns=\"urn:ietf:params:xml:ns:xmpp-tls\"></proceed>",
     0, STREAM_OPEN("server", "chat.test") STARTTLS_REQ, 0, 0, NULL},
    {"not offered", "xmpp", NULL, "<stream:stream><stream:features><mechanisms/></stream:features>",
     0, NULL, 0, -1,
     "xmpp: server does not offer STARTTLS (stream features: '<stream:features> | <mechanisms/> | "
     "</stream:features>')"},
    {"starttls outside the features is no offer", "xmpp", NULL,
     "<stream:stream><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/><stream:features/>", 0,
     NULL, 0, -1, "does not offer STARTTLS"},
    {"failure", "xmpp", NULL,
     "<stream:stream><stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"
     "</stream:features><failure xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>",
     0, NULL, 0, -1, "xmpp: server refused STARTTLS: '<failure"},
    {"stream error", "xmpp", NULL,
     "<stream:stream><stream:error><host-unknown xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"
     "</stream:error></stream:stream>",
     0, NULL, 0, -1, "xmpp: server sent a stream error: '<stream:error> | <host-unknown"},
    {"garbage", "xmpp", NULL, "HTTP/1.1 400 Bad Request\r\n\r\n<html>", 0, NULL, 0, -1,
     "xmpp: garbage from server while waiting for the XMPP stream header"},
    {"a quote in the host is refused", "xmpp", "a'b", "", 0, "", 0, -1,
     "xmpp: the stream 'to' host must be a plain host name"},
};

static void test_text_and_xmpp(struct tap *t)
{
    for (size_t i = 0; i < sizeof(text_cases) / sizeof(text_cases[0]); i++)
        run_transcript(t, &text_cases[i]);
    for (size_t i = 0; i < sizeof(xmpp_cases) / sizeof(xmpp_cases[0]); i++)
        run_transcript(t, &xmpp_cases[i]);
}

/* A MySQL initial handshake packet (sequence 0) with the given lower capability flags. */
#define MYSQL_GREETING(caps_lo, caps_hi)                                                           \
    "\x3d\x00\x00\x00"                                                                             \
    "\x0a"                                                                                         \
    "10.11.6-MariaDB\x00"                                                                          \
    "\x05\x00\x00\x00"                                                                             \
    "abcdefgh\x00" caps_lo "\x21\x02\x00" caps_hi "\x15"                                           \
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"                                                     \
    "ijklmnopqrst\x00"
#define MYSQL_GREETING_LEN (4 + 0x3d)

static const unsigned char pg_error[] = "E\x00\x00\x00\x1cSFATAL\x00Mno SSL for you\x00\x00";

static const struct transcript binary_cases[] = {
    {"ok", "postgres", NULL, "S", 1, "\x00\x00\x00\x08\x04\xd2\x16\x2f", 8, 0, NULL},
    {"answered N", "postgres", NULL, "N", 1, NULL, 0, -1,
     "postgres: server does not accept SSL (it answered 'N' to SSLRequest)"},
    {"ErrorResponse", "postgres", NULL, (const char *)pg_error, sizeof(pg_error) - 1, NULL, 0, -1,
     "postgres: server answered SSLRequest with an error: 'no SSL for you'"},
    {"garbage", "postgres", NULL, "220 smtp", 8, NULL, 0, -1,
     "postgres: garbage from server while waiting for the answer to SSLRequest: '2"},
    {"ok: SSL request packet", "mysql", NULL, MYSQL_GREETING("\xff\xff", "\xff\x81"),
     MYSQL_GREETING_LEN,
     "\x20\x00\x00\x01"
     "\x05\xaa\x0a\x00"
     "\x00\x00\x00\x01"
     "\x21"
     "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00",
     36, 0, NULL},
    {"no CLIENT_SSL", "mysql", NULL, MYSQL_GREETING("\xff\xf7", "\xff\x81"), MYSQL_GREETING_LEN, "",
     0, -1, "mysql: server does not offer SSL (server version '10.11.6-MariaDB' lacks CLIENT_SSL)"},
    {"error packet", "mysql", NULL, "\x19\x00\x00\x00\xff\x6a\x04#HY000Host not allowed", 29, NULL,
     0, -1, "mysql: server refused the connection: 'ERROR 1130: Host not allowed'"},
    {"truncated greeting", "mysql", NULL,
     "\x08\x00\x00\x00\x0a"
     "5.5\x00"
     "\x01\x02\x03",
     12, NULL, 0, -1, "mysql: garbage from server while waiting for the MySQL greeting: truncated"},
    {"not MySQL at all", "mysql", NULL, "220 mx ESMTP\r\n", 0, NULL, 0, -1,
     "mysql: garbage from server while waiting for the MySQL greeting: '220 "},
    {"ok", "ldap", NULL, "\x30\x0c\x02\x01\x01\x78\x07\x0a\x01\x00\x04\x00\x04\x00", 14,
     "\x30\x1d\x02\x01\x01\x77\x18\x80\x16"
     "1.3.6.1.4.1.1466.20037",
     31, 0, NULL},
    {"ok, long-form lengths and a responseName", "ldap", NULL,
     "\x30\x81\x25\x02\x01\x01\x78\x81\x1f\x0a\x01\x00\x04\x00\x04\x00\x8a\x16"
     "1.3.6.1.4.1.1466.20037",
     40, NULL, 0, 0, NULL},
    {"refused, diagnosticMessage quoted", "ldap", NULL,
     "\x30\x2a\x02\x01\x01\x78\x25\x0a\x01\x02\x04\x00\x04\x1eunsupported extended operation", 44,
     NULL, 0, -1,
     "ldap: server refused StartTLS: resultCode 2 (protocolError) 'unsupported extended "
     "operation'"},
    {"notice of disconnection", "ldap", NULL,
     "\x30\x0c\x02\x01\x00\x78\x07\x0a\x01\x34\x04\x00\x04\x00", 14, NULL, 0, -1,
     "ldap: server sent a notice of disconnection: resultCode 52 (unavailable)"},
    {"length past the message", "ldap", NULL, "\x30\x05\x02\x01\x01\x78\x7f", 7, NULL, 0, -1,
     "ldap: garbage from server while waiting for the StartTLS ExtendedResponse"},
    {"ok", "telnet", NULL, "\xff\xfd\x2e\xff\xfa\x2e\x01\xff\xf0", 9,
     "\xff\xfb\x2e\xff\xfa\x2e\x01\xff\xf0", 9, 0, NULL},
    {"ok, other options declined first", "telnet", NULL,
     "\xff\xfd\x18\xff\xfb\x01\xff\xf1\xff\xfd\x2e\xff\xfa\x18\x01\xff\xff\xff\xf0"
     "\xff\xfa\x2e\x01\xff\xf0",
     25, "\xff\xfc\x18\xff\xfe\x01\xff\xfb\x2e\xff\xfa\x2e\x01\xff\xf0", 15, 0, NULL},
    {"login prompt, no negotiation", "telnet", NULL, "\r\nlogin: ", 0, NULL, 0, -1,
     "telnet: server did not negotiate START_TLS; it sent text: '\\x0d"},
    {"DONT START_TLS", "telnet", NULL, "\xff\xfd\x2e\xff\xfe\x2e", 6, NULL, 0, -1,
     "telnet: server refused START_TLS"},
};

static void test_binary(struct tap *t)
{
    for (size_t i = 0; i < sizeof(binary_cases) / sizeof(binary_cases[0]); i++)
        run_transcript(t, &binary_cases[i]);
}

static void test_limits(struct tap *t)
{
    size_t big = LR_TOTAL_MAX + 100, n = 0;
    char *flood = malloc(big + 1);
    struct transcript tr = {"a flood of continuation lines",
                            "smtp",
                            NULL,
                            NULL,
                            0,
                            NULL,
                            0,
                            -1,
                            "smtp: server sent more than 65536 bytes before TLS started"};

    if (flood == NULL)
        return;
    n += (size_t)snprintf(flood, big, "220 mx\r\n");
    while (n + 8 < big)
        n += (size_t)snprintf(flood + n, big - n, "250-xx\r\n");
    tr.server = flood;
    tr.server_len = n;
    run_transcript(t, &tr);

    /* A 5000-byte greeting line is consumed whole and the dialogue goes on. */
    n = (size_t)snprintf(flood, big, "220 ");
    memset(flood + n, 'x', 5000);
    n += 5000;
    n += (size_t)snprintf(flood + n, big - n, "\r\n250 STARTTLS\r\n220 go\r\n");
    tr = (struct transcript){"an over-long greeting line",
                             "smtp",
                             NULL,
                             flood,
                             n,
                             "EHLO mail.example.com\r\nSTARTTLS\r\n",
                             0,
                             0,
                             NULL};
    run_transcript(t, &tr);
    free(flood);
}

static void test_names(struct tap *t)
{
    const char *const *names = starttls_names();
    static const char *const expected[] = {"smtp",        "pop3",   "imap",  "ftp",   "xmpp",
                                           "xmpp-server", "telnet", "irc",   "mysql", "postgres",
                                           "lmtp",        "nntp",   "sieve", "ldap"};
    size_t n = 0;
    int all_known = 1, same = 1;
    char err[128];
    struct lr_mem m = {0};
    struct lr_io io;
    struct starttls_opts o = {.proto = "gopher"};

    while (names[n] != NULL)
        n++;
    for (size_t i = 0; i < n && i < 14; i++) {
        all_known &= starttls_known(names[i]);
        same &= strcmp(names[i], expected[i]) == 0;
    }
    check(t, n == 14 && same, "starttls_names(): the 14 protocols, in openssl's order");
    check(t, all_known, "starttls_known() for each listed name");
    check(t, !starttls_known("SMTP") && !starttls_known("") && !starttls_known(NULL),
          "starttls_known() rejects other names");
    lr_mem_io(&io, &m);
    check(t,
          starttls_negotiate_io(&io, &o, err, sizeof(err)) == -1 &&
              strcmp(err, "unknown -starttls protocol 'gopher'") == 0,
          "an unknown protocol fails before any I/O (%s)", err);
}

static long long elapsed_ms(const struct timespec *t0)
{
    struct timespec t1;

    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (t1.tv_sec - t0->tv_sec) * 1000LL + (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

/* The server's bytes and the TLS start go into the socket at once; afterwards the TLS start
 * must still be readable from our end. */
static void test_socket_leftover(struct tap *t, int nonblocking)
{
    static const char server[] = "220 mx\r\n250-mx\r\n250 STARTTLS\r\n220 go\r\n" TLS_START;
    struct starttls_opts o = {.proto = "smtp", .timeout_ms = 2000};
    char err[256] = "", rest[64] = "";
    int sv[2];
    ssize_t n = -1;

    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) {
        check(t, 0, "socketpair: %s", strerror(errno));
        return;
    }
    if (nonblocking)
        fcntl(sv[0], F_SETFL, fcntl(sv[0], F_GETFL) | O_NONBLOCK);
    if (write(sv[1], server, sizeof(server) - 1) == (ssize_t)(sizeof(server) - 1) &&
        starttls_negotiate(sv[0], &o, err, sizeof(err)) == 0)
        n = recv(sv[0], rest, sizeof(rest), MSG_DONTWAIT);
    check(t, n == TLS_START_LEN && memcmp(rest, TLS_START, TLS_START_LEN) == 0,
          "socket (%s): the bytes after the last reply stay in the socket (%zd left) %s",
          nonblocking ? "non-blocking" : "blocking", n, err);
    close(sv[0]);
    close(sv[1]);
}

static void test_socket_timeout(struct tap *t)
{
    struct starttls_opts o = {.proto = "imap", .timeout_ms = 200};
    char err[256] = "";
    struct timespec t0;
    int sv[2], rc;
    long long ms;

    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
        return;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    rc = starttls_negotiate(sv[0], &o, err, sizeof(err));
    ms = elapsed_ms(&t0);
    check(t,
          rc == -1 &&
              strcmp(err, "imap: timed out after 200 ms waiting for the IMAP greeting") == 0 &&
              ms >= 150 && ms < 2000,
          "socket: a silent server times out (%lld ms: %s)", ms, err);
    close(sv[0]);
    close(sv[1]);
}

static void test_socket_closed(struct tap *t)
{
    struct starttls_opts o = {.proto = "postgres", .timeout_ms = 1000};
    char err[256] = "";
    int sv[2], rc;

    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
        return;
    close(sv[1]);
    rc = starttls_negotiate(sv[0], &o, err, sizeof(err));
    check(t, rc == -1 && strstr(err, "postgres: network error sending to the server") != NULL,
          "socket: a peer gone before our first write is an error, not SIGPIPE (%s)", err);
    close(sv[0]);
}

int main(void)
{
    struct tap t = {0, 0};

    /* Any SIGPIPE would kill the test: the transport must use MSG_NOSIGNAL. */
    signal(SIGPIPE, SIG_DFL);
    test_names(&t);
    test_text_and_xmpp(&t);
    test_binary(&t);
    test_limits(&t);
    test_socket_leftover(&t, 0);
    test_socket_leftover(&t, 1);
    test_socket_timeout(&t);
    test_socket_closed(&t);
    printf("1..%d\n", t.n);
    return t.failed ? 1 : 0;
}
