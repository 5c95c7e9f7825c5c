/* s_client -quic: QUIC instead of TLS over TCP, as openssl 3.5's s_client offers it. One
 * connection over a connected UDP socket, the usual report, then stdin <-> the default stream.
 * Options that only make sense over TCP (STARTTLS, proxies, -tfo, -reconnect) are refused. */
#include "client/quic.h"
#include "lib/err.h"
#include "lib/net.h"
#include "lib/newlib.h"
#include "lib/quicio.h"
#include "lib/trace.h"
#include "lib/outfmt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <netinet/in.h>

#ifdef HAVE_QUIC_CLIENT

/* What -quic cannot be combined with, in openssl's words where it has them. */
static int check_quic_options(const struct client_config *cfg)
{
    const char *why = NULL;
    if (cfg->common.alpn == NULL)
        why = "QUIC requires ALPN to be specified (e.g. \"h3\" for HTTP/3) via the -alpn option";
    else if (cfg->common.newlib.tfo)
        why = "QUIC does not support the -tfo option";
    else if (cfg->common.dtls)
        why = "Can't use -quic with DTLS";
    else if (cfg->starttls != NULL || cfg->proxy != NULL || cfg->unix_path != NULL)
        why = "-quic cannot be used with -starttls, -proxy or -unix";
    else if (cfg->reconnect || cfg->early_data != NULL)
        why = "-quic cannot be used with -reconnect or -early_data";
    if (why != NULL) {
        err_msg("%s", why);
        return -1;
    }
    return 0;
}

/* The server's address, which a QUIC connection must be told as well as have its socket
 * connected to. Returns 0 or -1 (reported). */
static int set_peer_addr(SSL *ssl, int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    int ok = 0;
    BIO_ADDR *addr = BIO_ADDR_new();
    if (addr != NULL && getpeername(fd, (struct sockaddr *)&ss, &len) == 0) {
        if (ss.ss_family == AF_INET) {
            const struct sockaddr_in *in = (const struct sockaddr_in *)&ss;
            ok = BIO_ADDR_rawmake(addr, AF_INET, &in->sin_addr, sizeof(in->sin_addr),
                                  in->sin_port);
        } else if (ss.ss_family == AF_INET6) {
            const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)&ss;
            ok = BIO_ADDR_rawmake(addr, AF_INET6, &in6->sin6_addr, sizeof(in6->sin6_addr),
                                  in6->sin6_port);
        }
    }
    ok = ok && SSL_set1_initial_peer_addr(ssl, addr);
    BIO_ADDR_free(addr);
    if (!ok)
        err_ssl("cannot tell the QUIC connection the server's address");
    return ok ? 0 : -1;
}

/* The UDP socket to the target, announced as openssl does. Returns it, or -1 (reported). */
static int open_udp(const struct client_config *cfg, BIO *out)
{
    char *host = NULL, *port = NULL, why[512];
    int fd = -1;
    if (client_target(cfg, &host, &port) < 0)
        return -1;
    fd = net_udp_connect(host ? host : "localhost", port, cfg->family, why, sizeof(why));
    if (fd < 0)
        err_msg("%s", why);
    else if (out != NULL)
        BIO_printf(out, "CONNECTED(%08X)\n", (unsigned int)fd);
    free(host);
    free(port);
    return fd;
}

/* A QUIC connection object over fd, with SNI, traces and the non-blocking mode the loop
 * needs. NULL on failure (reported; fd is then closed). */
static SSL *quic_ssl_new(const struct client_config *cfg, SSL_CTX *ctx, int fd,
                         struct client_conn *conn)
{
    SSL *ssl = SSL_new(ctx);
    BIO *bio = BIO_new_dgram(fd, BIO_CLOSE);
    char *sni = client_default_servername(cfg);
    if (ssl == NULL || bio == NULL) {
        err_ssl("cannot create a QUIC connection");
        BIO_free(bio);
        if (bio == NULL)
            close(fd);
        goto fail;
    }
    SSL_set_bio(ssl, bio, bio);
    SSL_set_app_data(ssl, conn);
    if (sni != NULL && !SSL_set_tlsext_host_name(ssl, sni)) {
        err_ssl("cannot use \"%s\" as server name", sni);
        goto fail;
    }
    if (set_peer_addr(ssl, fd) < 0 || trace_setup_ssl(ssl, &cfg->common) < 0 ||
        newlib_setup_ssl(ssl, &cfg->common.newlib) < 0)
        goto fail;
    if (!SSL_set_blocking_mode(ssl, 0)) {
        err_ssl("cannot make the QUIC connection non-blocking");
        goto fail;
    }
    free(sni);
    return ssl;
fail:
    free(sni);
    SSL_free(ssl);
    return NULL;
}

int client_quic_run(struct client_config *cfg, SSL_CTX *ctx)
{
    struct client_conn conn;
    int status = 1;
    memset(&conn, 0, sizeof(conn));
    if (check_quic_options(cfg) < 0)
        return 1;
    BIO *out = trace_out(ctx);
    int fd = open_udp(cfg, out);
    if (fd < 0)
        return 1;
    SSL *ssl = quic_ssl_new(cfg, ctx, fd, &conn);
    if (ssl == NULL)
        return 1;
    int rc = quic_handshake(ssl, cfg->handshake_timeout);
    if (rc != 1) {
        char why[512];
        if (rc == -2)
            snprintf(why, sizeof(why), "no answer within %d s", cfg->handshake_timeout);
        else
            err_ssl_io_reason(ssl, rc, why, sizeof(why));
        err_msg("QUIC handshake with the server failed: %s", why);
        client_report(cfg, ssl, 1);
        goto done;
    }
    client_report(cfg, ssl, 1);
    if (out != NULL)
        out_flush(out);
    struct quic_relay_opts ro = {1, cfg->common.ign_eof, cfg->common.crlf, 0};
    enum quic_relay_end end = quic_relay(ssl, &ro);
    if (end == QUIC_END_PEER && !cfg->common.quiet)
        BIO_printf(out, "closed\n");
    status = end == QUIC_END_ERROR ? 1 : 0;
    quic_close(ssl);
done:
    if (out != NULL)
        out_flush(out);
    SSL_free(ssl);
    return status;
}

#else

int client_quic_run(struct client_config *cfg, SSL_CTX *ctx)
{
    (void)cfg;
    (void)ctx;
    err_msg("-quic needs OpenSSL %s or later; this build uses OpenSSL %s", NEEDS_QUIC_CLIENT,
            OPENSSL_VERSION_STR);
    return 1;
}

#endif
