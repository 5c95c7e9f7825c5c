/* XMPP STARTTLS (RFC 6120 section 5) for client-to-server and server-to-server streams. The
 * server's XML is read one tag at a time (up to each '>'), which is all the parsing this needs:
 * find <starttls/> among the stream features, then wait for <proceed/> or <failure/>. */
#include <stddef.h>
#include <string.h>

#include "proto/linereader.h"
#include "proto/starttls_impl.h"

#define XMPP_TLS_NS "urn:ietf:params:xml:ns:xmpp-tls"

/* One tag as read: its local name (without a namespace prefix) and its kind. */
struct xml_tag {
    char name[32];
    int closing;      /* </name> */
    int self_closing; /* <name/> */
    int leading_text; /* non-blank text came before the '<' */
};

static int is_blank(int c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Parses the tag that ends lr->line. Returns 0, or -1 if the chunk holds no tag. */
static int parse_tag(const struct linereader *lr, struct xml_tag *t)
{
    const char *lt = memchr(lr->line, '<', lr->len);
    const char *p, *end = lr->line + lr->len;
    size_t n = 0;

    memset(t, 0, sizeof(*t));
    if (lt == NULL || lr->len < 2 || end[-1] != '>')
        return -1;
    for (p = lr->line; p < lt; p++)
        t->leading_text |= !is_blank((unsigned char)*p);
    p = lt + 1;
    if (p < end && *p == '/') {
        t->closing = 1;
        p++;
    }
    t->self_closing = end - p >= 2 && end[-2] == '/';
    for (; p < end && !is_blank((unsigned char)*p) && *p != '/' && *p != '>'; p++) {
        if (*p == ':') {
            n = 0; /* keep only the local part of prefix:name */
            continue;
        }
        if (n + 1 < sizeof(t->name))
            t->name[n++] = *p;
    }
    t->name[n] = '\0';
    return 0;
}

/* Reads the next tag. Returns 0, or -1 with lr->err set. */
static int next_tag(struct linereader *lr, struct xml_tag *t)
{
    if (lr_read_until(lr, '>') < 0)
        return -1;
    if (parse_tag(lr, t) < 0 || lr->truncated)
        return lr_fail_garbage(lr);
    return 0;
}

/* After <stream:error>: reads its content (bounded) so the message can quote the condition. */
static int stream_error(struct linereader *lr)
{
    struct xml_tag t;

    for (int i = 0; i < 8; i++) {
        if (lr_read_until(lr, '>') < 0 || parse_tag(lr, &t) < 0)
            break;
        if (t.closing && strcmp(t.name, "error") == 0)
            break;
    }
    return lr_fail(lr, "server sent a stream error: '%s'", lr->reply);
}

/* Reads the stream header and the features up to </stream:features>. Sets *offered if they
 * hold <starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'>. */
static int read_features(struct linereader *lr, int *offered)
{
    struct xml_tag t;
    int in_stream = 0, in_features = 0;

    for (;;) {
        if (next_tag(lr, &t) < 0)
            return -1;
        if (!in_stream && (t.leading_text || t.closing))
            return lr_fail_garbage(lr);
        if (t.name[0] == '?' || t.name[0] == '!')
            continue; /* the XML declaration, a comment */
        if (!in_stream && strcmp(t.name, "stream") != 0)
            return lr_fail_garbage(lr);
        if (!in_stream) {
            in_stream = 1;
            lr_expect(lr, "the stream features");
            continue;
        }
        if (strcmp(t.name, "error") == 0 && !t.closing)
            return stream_error(lr);
        if (strcmp(t.name, "stream") == 0 && t.closing)
            return lr_fail(lr, "server closed the stream: '%s'", lr->reply);
        if (strcmp(t.name, "features") == 0 && (t.closing || t.self_closing))
            return 0;
        if (strcmp(t.name, "features") == 0)
            in_features = 1;
        else if (in_features && strcmp(t.name, "starttls") == 0 && !t.closing &&
                 strstr(lr->line, XMPP_TLS_NS) != NULL)
            *offered = 1;
    }
}

/* Waits for <proceed/> (or <proceed></proceed>). Returns 0, or -1 with lr->err set. */
static int read_proceed(struct linereader *lr)
{
    struct xml_tag t;

    if (next_tag(lr, &t) < 0)
        return -1;
    if (strcmp(t.name, "failure") == 0)
        return lr_fail(lr, "server refused STARTTLS: '%s'", lr->reply);
    if (strcmp(t.name, "error") == 0 && !t.closing)
        return stream_error(lr);
    if (strcmp(t.name, "stream") == 0 && t.closing)
        return lr_fail(lr, "server closed the stream: '%s'", lr->reply);
    if (strcmp(t.name, "proceed") != 0 || t.closing || t.leading_text)
        return lr_fail_garbage(lr);
    if (t.self_closing)
        return 0;
    if (next_tag(lr, &t) < 0)
        return -1;
    if (strcmp(t.name, "proceed") != 0 || !t.closing || t.leading_text)
        return lr_fail_garbage(lr);
    return 0;
}

/* The 'to' host goes inside a quoted XML attribute, so it must not be able to leave it. */
static int check_host(struct linereader *lr, const char *host)
{
    if (host == NULL || host[0] == '\0')
        return lr_fail(lr, "no host name for the stream 'to' (give -name or -xmpphost)");
    for (const char *p = host; *p != '\0'; p++) {
        if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f || strchr("'\"<>&", *p))
            return lr_fail(lr, "the stream 'to' host must be a plain host name");
    }
    return 0;
}

static int xmpp_dialogue(struct linereader *lr, const struct starttls_opts *o, const char *ns)
{
    const char *to = o->name != NULL ? o->name : o->host;
    int offered = 0;

    if (check_host(lr, to) < 0)
        return -1;
    if (lr_writef(lr,
                  "<stream:stream xmlns:stream='http://etherx.jabber.org/streams' "
                  "xmlns='jabber:%s' to='%s' version='1.0'>",
                  ns, to) < 0)
        return -1;
    lr_expect(lr, "the XMPP stream header");
    if (read_features(lr, &offered) < 0)
        return -1;
    if (!offered)
        return lr_fail(lr, "server does not offer STARTTLS (stream features: '%s')", lr->reply);
    if (lr_writef(lr, "<starttls xmlns='" XMPP_TLS_NS "'/>") < 0)
        return -1;
    lr_expect(lr, "the reply to <starttls/>");
    return read_proceed(lr);
}

int starttls_xmpp(struct linereader *lr, const struct starttls_opts *o)
{
    return xmpp_dialogue(lr, o, "client");
}

int starttls_xmpp_server(struct linereader *lr, const struct starttls_opts *o)
{
    return xmpp_dialogue(lr, o, "server");
}
