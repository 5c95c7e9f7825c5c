/* The -starttls name table and the entry points that pick a dialogue from it. */
#include "proto/starttls.h"

#include <stdio.h>
#include <string.h>

#include "proto/linereader.h"
#include "proto/starttls_impl.h"

struct starttls_proto {
    const char *name;
    starttls_dialogue_fn *run;
};

/* In the order openssl 3.0 lists them. */
static const struct starttls_proto protos[] = {
    {"smtp", starttls_smtp},         {"pop3", starttls_pop3}, {"imap", starttls_imap},
    {"ftp", starttls_ftp},           {"xmpp", starttls_xmpp}, {"xmpp-server", starttls_xmpp_server},
    {"telnet", starttls_telnet},     {"irc", starttls_irc},   {"mysql", starttls_mysql},
    {"postgres", starttls_postgres}, {"lmtp", starttls_lmtp}, {"nntp", starttls_nntp},
    {"sieve", starttls_sieve},       {"ldap", starttls_ldap},
};

#define NPROTOS (sizeof(protos) / sizeof(protos[0]))

static const char *const names[] = {
    "smtp",  "pop3",     "imap", "ftp",  "xmpp",  "xmpp-server", "telnet", "irc",
    "mysql", "postgres", "lmtp", "nntp", "sieve", "ldap",        NULL,
};

_Static_assert(sizeof(names) / sizeof(names[0]) == NPROTOS + 1, "names[] must match protos[]");

static const struct starttls_proto *find_proto(const char *name)
{
    if (name == NULL)
        return NULL;
    for (size_t i = 0; i < NPROTOS; i++) {
        if (strcmp(protos[i].name, name) == 0)
            return &protos[i];
    }
    return NULL;
}

int starttls_known(const char *proto)
{
    return find_proto(proto) != NULL;
}

const char *const *starttls_names(void)
{
    return names;
}

int starttls_negotiate_io(const struct lr_io *io, const struct starttls_opts *o, char *err,
                          size_t errlen)
{
    const struct starttls_proto *p = find_proto(o->proto);
    struct linereader lr;

    if (p == NULL) {
        if (errlen > 0)
            snprintf(err, errlen, "unknown -starttls protocol '%s'", o->proto ? o->proto : "");
        return -1;
    }
    lr_init(&lr, io, p->name, o->timeout_ms, err, errlen);
    lr.debug = o->debug;
    lr.trace = o->trace;
    lr.trace_arg = o->trace_arg;
    return p->run(&lr, o);
}

int starttls_negotiate(int fd, const struct starttls_opts *o, char *err, size_t errlen)
{
    struct lr_sock sock = {.fd = fd};
    struct lr_io io;

    lr_sock_io(&io, &sock);
    return starttls_negotiate_io(&io, o, err, errlen);
}
