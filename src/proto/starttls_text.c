/* The line-oriented dialogues: SMTP, LMTP, POP3, IMAP, FTP, IRC, NNTP and ManageSieve. The bytes
 * sent match openssl s_client's; unlike it, a server that does not offer STARTTLS or refuses it
 * ends the dialogue with a message quoting its reply, instead of "trying anyway" and failing
 * later in the handshake with a less telling error. */
#include <stddef.h>
#include <string.h>

#include "proto/linereader.h"
#include "proto/starttls_impl.h"

static int is_digit(int c)
{
    return c >= '0' && c <= '9';
}

/* The EHLO/LHLO argument goes into a command line, so it must be one printable word. */
static int check_name(struct linereader *lr, const char *name)
{
    if (name[0] == '\0')
        return lr_fail(lr, "empty -name");
    for (const char *p = name; *p != '\0'; p++) {
        if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
            return lr_fail(lr, "-name must be a host name without spaces or control characters");
    }
    return 0;
}

/* Parses a leading 3-digit reply code followed by ' ', '-' or the end of the line. Returns 1
 * and sets *code and *more (1 for "ddd-", a continued reply), or 0 if there is none. */
static int parse_code(const struct linereader *lr, int *code, int *more)
{
    const char *l = lr->line;

    if (lr->len < 3 || !is_digit(l[0]) || !is_digit(l[1]) || !is_digit(l[2]))
        return 0;
    if (lr->len > 3 && l[3] != ' ' && l[3] != '-')
        return 0;
    *code = (l[0] - '0') * 100 + (l[1] - '0') * 10 + (l[2] - '0');
    *more = lr->len > 3 && l[3] == '-';
    return 1;
}

/* 1 if the text after a reply code starts with keyword (an EHLO keyword such as STARTTLS). */
static int line_keyword_is(const struct linereader *lr, const char *keyword)
{
    size_t n = strlen(keyword);

    return lr->len >= 4 + n && lr_starts_with(lr->line + 4, keyword) &&
           (lr->line[4 + n] == '\0' || lr->line[4 + n] == ' ');
}

/* Reads one SMTP/LMTP/FTP reply: "ddd-text" lines continue it up to the line "ddd text" (or
 * just "ddd") with the same code; lines in between may be anything, as RFC 959 allows. Sets
 * *code; when keyword is non-NULL, sets *found if a line's text starts with it. */
static int read_coded_reply(struct linereader *lr, const char *keyword, int *code, int *found)
{
    int more;

    if (lr_read_line(lr) < 0)
        return -1;
    if (!parse_code(lr, code, &more))
        return lr_fail_garbage(lr);
    for (;;) {
        int next_code, next_more;

        if (keyword != NULL && line_keyword_is(lr, keyword))
            *found = 1;
        if (!more)
            return 0;
        if (lr_read_line(lr) < 0)
            return -1;
        if (parse_code(lr, &next_code, &next_more) && next_code == *code)
            more = next_more;
    }
}

/* SMTP (RFC 3207) and LMTP (RFC 2033) differ only in the hello verb. */
static int smtp_like(struct linereader *lr, const struct starttls_opts *o, int lmtp)
{
    const char *name = o->name != NULL ? o->name : "mail.example.com";
    const char *hello = lmtp ? "LHLO" : "EHLO";
    int code, found = 0;

    if (check_name(lr, name) < 0)
        return -1;
    lr_expect(lr, lmtp ? "the LMTP greeting" : "the SMTP greeting");
    if (read_coded_reply(lr, NULL, &code, NULL) < 0)
        return -1;
    if (code != 220)
        return lr_fail(lr, "server refused the connection: '%s'", lr->reply);
    if (lr_writef(lr, "%s %s\r\n", hello, name) < 0)
        return -1;
    lr_expect(lr, lmtp ? "the LHLO reply" : "the EHLO reply");
    if (read_coded_reply(lr, "STARTTLS", &code, &found) < 0)
        return -1;
    if (code != 250)
        return lr_fail(lr, "server rejected %s: '%s'", hello, lr->reply);
    if (!found)
        return lr_fail(lr, "server does not offer STARTTLS (%s reply: '%s')", hello, lr->reply);
    if (lr_writef(lr, "STARTTLS\r\n") < 0)
        return -1;
    lr_expect(lr, "the STARTTLS reply");
    if (read_coded_reply(lr, NULL, &code, NULL) < 0)
        return -1;
    if (code != 220)
        return lr_fail(lr, "server refused STARTTLS: '%s'", lr->reply);
    return 0;
}

int starttls_smtp(struct linereader *lr, const struct starttls_opts *o)
{
    return smtp_like(lr, o, 0);
}

int starttls_lmtp(struct linereader *lr, const struct starttls_opts *o)
{
    return smtp_like(lr, o, 1);
}

/* A POP3 status line: 1 for "+OK", 0 for "-ERR", or -1 after reporting garbage. */
static int pop3_status(struct linereader *lr)
{
    if (lr_starts_with(lr->line, "+OK"))
        return 1;
    if (lr_starts_with(lr->line, "-ERR"))
        return 0;
    return lr_fail_garbage(lr);
}

/* RFC 2595: the greeting, then STLS. openssl does not ask CAPA first, and neither do we. */
int starttls_pop3(struct linereader *lr, const struct starttls_opts *o)
{
    int ok;

    (void)o;
    lr_expect(lr, "the POP3 greeting");
    if (lr_read_line(lr) < 0 || (ok = pop3_status(lr)) < 0)
        return -1;
    if (!ok)
        return lr_fail(lr, "server refused the connection: '%s'", lr->reply);
    if (lr_writef(lr, "STLS\r\n") < 0)
        return -1;
    lr_expect(lr, "the STLS reply");
    if (lr_read_line(lr) < 0 || (ok = pop3_status(lr)) < 0)
        return -1;
    if (!ok)
        return lr_fail(lr, "server refused STLS: '%s'", lr->reply);
    return 0;
}

/* Reads IMAP lines up to the tagged reply (tag "." as openssl uses), scanning the untagged
 * ones for STARTTLS. Returns 1 if the tagged reply is OK, 0 if not, -1 on failure. */
static int imap_read_tagged(struct linereader *lr, int *found)
{
    for (;;) {
        if (lr_read_line(lr) < 0)
            return -1;
        if (lr->line[0] == '.' && lr->line[1] == ' ')
            return lr_starts_with(lr->line, ". OK") ? 1 : 0;
        if (lr->line[0] != '*' || lr->line[1] != ' ')
            return lr_fail_garbage(lr);
        if (lr_starts_with(lr->line, "* BYE"))
            return lr_fail(lr, "server ended the session: '%s'", lr->reply);
        if (lr_has_word(lr->line, "STARTTLS"))
            *found = 1;
    }
}

/* RFC 3501: greeting, CAPABILITY (which must list STARTTLS), STARTTLS. */
int starttls_imap(struct linereader *lr, const struct starttls_opts *o)
{
    int found = 0, ok;

    (void)o;
    lr_expect(lr, "the IMAP greeting");
    if (lr_read_line(lr) < 0)
        return -1;
    if (lr_starts_with(lr->line, "* BYE"))
        return lr_fail(lr, "server refused the connection: '%s'", lr->reply);
    if (lr_starts_with(lr->line, "* PREAUTH"))
        return lr_fail(lr, "server greeted with PREAUTH, so STARTTLS is impossible: '%s'",
                       lr->reply);
    if (!lr_starts_with(lr->line, "* OK"))
        return lr_fail_garbage(lr);
    if (lr_writef(lr, ". CAPABILITY\r\n") < 0)
        return -1;
    lr_expect(lr, "the CAPABILITY reply");
    if ((ok = imap_read_tagged(lr, &found)) < 0)
        return -1;
    if (!ok)
        return lr_fail(lr, "server rejected CAPABILITY: '%s'", lr->reply);
    if (!found)
        return lr_fail(lr, "server does not offer STARTTLS (CAPABILITY reply: '%s')", lr->reply);
    if (lr_writef(lr, ". STARTTLS\r\n") < 0)
        return -1;
    lr_expect(lr, "the STARTTLS reply");
    if ((ok = imap_read_tagged(lr, &found)) < 0)
        return -1;
    if (!ok)
        return lr_fail(lr, "server refused STARTTLS: '%s'", lr->reply);
    return 0;
}

/* RFC 4217: the greeting (after any 1xx "wait" replies), then AUTH TLS answered by 234. */
int starttls_ftp(struct linereader *lr, const struct starttls_opts *o)
{
    int code = 100, n = 0;

    (void)o;
    lr_expect(lr, "the FTP greeting");
    while (code / 100 == 1 && n++ < 4) {
        if (read_coded_reply(lr, NULL, &code, NULL) < 0)
            return -1;
    }
    if (code != 220)
        return lr_fail(lr, "server refused the connection: '%s'", lr->reply);
    if (lr_writef(lr, "AUTH TLS\r\n") < 0)
        return -1;
    lr_expect(lr, "the AUTH TLS reply");
    if (read_coded_reply(lr, NULL, &code, NULL) < 0)
        return -1;
    if (code != 234)
        return lr_fail(lr, "server refused AUTH TLS: '%s'", lr->reply);
    return 0;
}

/* Splits an IRC line into its command (after an optional ":prefix") and the rest. Returns the
 * command length; *cmd points into lr->line and *rest at the parameters ("" if none). */
static size_t irc_command(const struct linereader *lr, const char **cmd, const char **rest)
{
    const char *p = lr->line;
    size_t n;

    if (*p == ':') {
        p = strchr(p, ' ');
        p = p != NULL ? p + 1 : lr->line + strlen(lr->line);
    }
    while (*p == ' ')
        p++;
    n = strcspn(p, " ");
    *cmd = p;
    *rest = p[n] == ' ' ? p + n + 1 : p + n;
    return n;
}

/* Answers a PING that some servers send before registration, if it is safe to echo. */
static int irc_pong(struct linereader *lr, const char *rest)
{
    for (const char *p = rest; *p != '\0'; p++) {
        if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
            return 0;
    }
    return lr_writef(lr, "PONG %.400s\r\n", rest);
}

/* One IRC line seen while waiting for 670: 1 when TLS may start, 0 to keep reading, -1 to fail. */
static int irc_line(struct linereader *lr)
{
    const char *cmd, *rest;
    size_t n = irc_command(lr, &cmd, &rest);

    if (n == 4 && lr_starts_with(cmd, "PING"))
        return irc_pong(lr, rest) < 0 ? -1 : 0;
    if (n == 5 && lr_starts_with(cmd, "ERROR"))
        return lr_fail(lr, "server closed the link: '%s'", lr->reply);
    if (n != 3 || !is_digit(cmd[0]) || !is_digit(cmd[1]) || !is_digit(cmd[2]))
        return 0;
    if (memcmp(cmd, "670", 3) == 0)
        return 1;
    if (memcmp(cmd, "691", 3) == 0)
        return lr_fail(lr, "server reports STARTTLS failed: '%s'", lr->reply);
    /* 421: unknown command; 451: not registered, which servers without STARTTLS answer. */
    if (memcmp(cmd, "421", 3) == 0 || (memcmp(cmd, "451", 3) == 0 && strstr(rest, "STARTTLS")))
        return lr_fail(lr, "server does not support STARTTLS: '%s'", lr->reply);
    return 0;
}

/* The IRCv3 tls extension: STARTTLS at once, then lines (notices, other numerics) until the
 * 670 numeric. */
int starttls_irc(struct linereader *lr, const struct starttls_opts *o)
{
    int rc = 0;

    (void)o;
    if (lr_writef(lr, "STARTTLS\r\n") < 0)
        return -1;
    lr_expect(lr, "the STARTTLS reply (670)");
    while (rc == 0) {
        if (lr_read_line(lr) < 0)
            return -1;
        rc = irc_line(lr);
    }
    return rc > 0 ? 0 : -1;
}

/* An NNTP status line's code, or -1 after reporting garbage. */
static int nntp_code(struct linereader *lr)
{
    int code, more;

    if (!parse_code(lr, &code, &more) || more)
        return lr_fail_garbage(lr);
    return code;
}

/* Reads a CAPABILITIES list (after its 101 line) up to the lone ".", noting STARTTLS. */
static int nntp_read_caps(struct linereader *lr, int *found)
{
    for (;;) {
        if (lr_read_line(lr) < 0)
            return -1;
        if (lr->len == 1 && lr->line[0] == '.')
            return 0;
        if (lr_starts_with(lr->line, "STARTTLS") && (lr->line[8] == '\0' || lr->line[8] == ' '))
            *found = 1;
    }
}

/* RFC 4642: greeting, CAPABILITIES, STARTTLS answered by 382. A server that does not know
 * CAPABILITIES gets the STARTTLS anyway, since only a listed absence is a clear "no". */
int starttls_nntp(struct linereader *lr, const struct starttls_opts *o)
{
    int code, found = 0;

    (void)o;
    lr_expect(lr, "the NNTP greeting");
    if (lr_read_line(lr) < 0 || (code = nntp_code(lr)) < 0)
        return -1;
    if (code != 200 && code != 201)
        return lr_fail(lr, "server refused the connection: '%s'", lr->reply);
    if (lr_writef(lr, "CAPABILITIES\r\n") < 0)
        return -1;
    lr_expect(lr, "the CAPABILITIES reply");
    if (lr_read_line(lr) < 0 || (code = nntp_code(lr)) < 0)
        return -1;
    if (code == 101 && nntp_read_caps(lr, &found) < 0)
        return -1;
    if (code == 101 && !found)
        return lr_fail(lr, "server does not offer STARTTLS (CAPABILITIES reply: '%s')", lr->reply);
    if (lr_writef(lr, "STARTTLS\r\n") < 0)
        return -1;
    lr_expect(lr, "the STARTTLS reply");
    if (lr_read_line(lr) < 0 || (code = nntp_code(lr)) < 0)
        return -1;
    if (code != 382)
        return lr_fail(lr, "server refused STARTTLS: '%s'", lr->reply);
    return 0;
}

/* A ManageSieve response word: "OK", "NO" or "BYE" followed by a space, '(' or the end. */
static int sieve_response(const struct linereader *lr, const char *word)
{
    size_t n = strlen(word);

    return lr_starts_with(lr->line, word) &&
           (lr->line[n] == '\0' || lr->line[n] == ' ' || lr->line[n] == '(');
}

/* 1 if the current line is OK, 0 if NO or BYE, -1 after reporting anything else. */
static int sieve_status(struct linereader *lr)
{
    if (sieve_response(lr, "OK"))
        return 1;
    if (sieve_response(lr, "NO") || sieve_response(lr, "BYE"))
        return 0;
    return lr_fail_garbage(lr);
}

/* RFC 5804: the capability listing ends with OK; then STARTTLS answered by OK. */
int starttls_sieve(struct linereader *lr, const struct starttls_opts *o)
{
    int found = 0, ok;

    (void)o;
    lr_expect(lr, "the ManageSieve capability listing");
    for (;;) {
        if (lr_read_line(lr) < 0)
            return -1;
        if (lr->line[0] != '"')
            break;
        if (lr_starts_with(lr->line, "\"STARTTLS\""))
            found = 1;
    }
    if ((ok = sieve_status(lr)) < 0)
        return -1;
    if (!ok)
        return lr_fail(lr, "server refused the connection: '%s'", lr->reply);
    if (!found)
        return lr_fail(lr, "server does not offer STARTTLS (capabilities: '%s')", lr->reply);
    if (lr_writef(lr, "STARTTLS\r\n") < 0)
        return -1;
    lr_expect(lr, "the STARTTLS reply");
    if (lr_read_line(lr) < 0 || (ok = sieve_status(lr)) < 0)
        return -1;
    if (!ok)
        return lr_fail(lr, "server refused STARTTLS: '%s'", lr->reply);
    return 0;
}
