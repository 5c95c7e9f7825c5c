/* Sockets: resolving, connecting (with a timeout, either address family), listening. Every
 * function returns a file descriptor (>= 0) or -1 with a one-line reason in err. */
#ifndef TLSTOOL_NET_H
#define TLSTOOL_NET_H

#include <stddef.h>
#include <sys/socket.h>

/* Splits "host:port", "[v6addr]:port", "host" or ":port" into malloc'd parts (host may come
 * back NULL for "any"). A missing part takes the default given. Returns 0, or -1 when the text
 * cannot be split (e.g. an unclosed '['). */
int net_split(const char *text, const char *defhost, const char *defport, char **host,
              char **port);

/* Connects a TCP socket to host:port, trying each address in turn (racing them when the name
 * has both families: see net_connect_ex). family is AF_UNSPEC, AF_INET or AF_INET6 (-4/-6: no
 * fallback to the other family). bind_addr ("host:port") may be NULL. timeout_ms bounds name
 * resolution and connect together; <= 0 waits as long as the system does. The socket is left
 * blocking. */
int net_connect(const char *host, const char *port, int family, const char *bind_addr,
                int timeout_ms, char *err, size_t errlen);

/* Why a net_connect_ex() failed, for -json's error classes. */
enum net_failure { NET_OK = 0, NET_FAIL_RESOLVE, NET_FAIL_CONNECT, NET_FAIL_TIMEOUT };

/* What a connect learnt on the way, for -timing and -json. */
struct net_connect_info {
    double resolve_ms, connect_ms; /* name resolution; TCP connect (all attempts) */
    int family;                    /* AF_INET or AF_INET6 of the address connected to */
    char addr[64];                 /* that address, numeric ("::1", "127.0.0.1") */
    int attempts;                  /* connection attempts started */
    enum net_failure failure;      /* NET_OK on success */
    char error[256];               /* on failure, the message err also gets */
};

/* net_connect(), telling what happened in *info (may be NULL). timeout_ms bounds name
 * resolution and the connect together. When family is AF_UNSPEC and the name has addresses
 * of both families, the attempts race as RFC 8305 (Happy Eyeballs v2) describes: IPv6 first,
 * the next address (alternating families) 250 ms later or as soon as one fails, the first to
 * connect wins and the others are closed. */
int net_connect_ex(const char *host, const char *port, int family, const char *bind_addr,
                   int timeout_ms, struct net_connect_info *info, char *err, size_t errlen);
/* Connects to a Unix-domain socket. */
int net_connect_unix(const char *path, char *err, size_t errlen);

/* A listening TCP socket on host:port (host NULL: every address; IPv6 sockets also take IPv4
 * unless family is AF_INET6). reuseport sets SO_REUSEPORT so several workers may each have one.
 * Port "0" picks a free port; net_local_port() tells which. */
int net_listen(const char *host, const char *port, int family, int reuseport, char *err,
               size_t errlen);
int net_listen_unix(const char *path, int unlink_first, char *err, size_t errlen);
/* The local port of a bound socket, or -1. */
int net_local_port(int fd);
/* UDP sockets (QUIC): one connected to host:port, or one bound to it (host NULL: any address;
 * port "0": a free one). The socket is left blocking. */
int net_udp_connect(const char *host, const char *port, int family, char *err, size_t errlen);
int net_udp_bind(const char *host, const char *port, int family, char *err, size_t errlen);
/* TCP Fast Open (-tfo) for the sockets net_connect() and net_listen() make from now on: the
 * client's data rides on its SYN when the server's cookie is known; a server accepts that. */
void net_set_fastopen(int on);
/* Sets O_NONBLOCK on or off. Returns 0 or -1. */
int net_set_nonblock(int fd, int on);

#endif
