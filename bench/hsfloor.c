/* hsfloor: what libssl alone costs a server per handshake, with no sockets, no event loop
 * and no page: the floor under any server program built on this libssl (not part of the
 * product build; bench/common.py compiles it with the system compiler against libssl).
 *
 *   hsfloor -cert FILE -key FILE [-n COUNT] [-tls1_2|-tls1_3] [-resume]
 *   hsfloor -cert FILE -key FILE -bulk MIB [-tls1_2|-tls1_3]
 *
 * A client and a server SSL talk over an in-memory BIO pair in this one thread, COUNT times
 * (default 500, after 20 unmeasured). Only the server's calls are timed, with the thread's
 * CPU clock: SSL_new, the handshake (with the TLS 1.3 session tickets the library sends by
 * default) and SSL_free. The server context is the library's default one with the given
 * certificate, as `s_server` sets it up; the client does no certificate verification.
 * With -resume every handshake after the first resumes the first one's session.
 * Prints "floor_us U count N resumed K".
 *
 * With -bulk, one handshake and then MIB MiB sent by the server (after 8 MiB unmeasured), in
 * 64 KiB SSL_write calls, the client reading each before the next: the server's record
 * building and encryption and the copy of each record out of libssl, from a buffer that stays
 * in the CPU's cache. No file to read, no kernel: a floor under any server's CPU per byte.
 * Prints "bulk_ns_per_byte X mib M cipher NAME". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

static double thread_cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void usage(void)
{
    fprintf(stderr, "usage: hsfloor -cert FILE -key FILE [-n COUNT] [-tls1_2|-tls1_3] "
                    "[-resume | -bulk MIB]\n");
    exit(2);
}

/* Drives one handshake to its end, both sides, and the client's reading of what the server
 * sent after it (TLS 1.3 tickets). Adds the server's CPU seconds to *server_cpu. */
static int handshake(SSL *client, SSL *server, double *server_cpu)
{
    int client_done = 0, server_done = 0;
    for (int turn = 0; turn < 100 && !(client_done && server_done); turn++) {
        if (!client_done) {
            int r = SSL_do_handshake(client);
            if (r == 1)
                client_done = 1;
            else if (SSL_get_error(client, r) != SSL_ERROR_WANT_READ)
                return 0;
        }
        if (!server_done) {
            double t0 = thread_cpu();
            int r = SSL_do_handshake(server);
            *server_cpu += thread_cpu() - t0;
            if (r == 1)
                server_done = 1;
            else if (SSL_get_error(server, r) != SSL_ERROR_WANT_READ)
                return 0;
        }
    }
    char byte;
    int r = SSL_read(client, &byte, 1);  /* takes in the tickets; nothing else is sent */
    return client_done && server_done && r <= 0
           && SSL_get_error(client, r) == SSL_ERROR_WANT_READ;
}

/* Client reads whatever the server has sent, until it would block. */
static int drain(SSL *client)
{
    static unsigned char sink[64 * 1024];
    for (;;) {
        int r = SSL_read(client, sink, (int)sizeof(sink));
        if (r <= 0)
            return SSL_get_error(client, r) == SSL_ERROR_WANT_READ;
    }
}

/* The -bulk measurement on one connection over a pair of BIOs big enough for one write. */
static int bulk(SSL_CTX *cctx, SSL_CTX *sctx, long mib)
{
    enum { CHUNK = 64 * 1024, WARMUP_MIB = 8 };
    static unsigned char data[CHUNK];
    memset(data, 'x', sizeof(data));
    int ok = 0;
    double spent = 0;
    SSL *client = SSL_new(cctx), *server = SSL_new(sctx);
    BIO *cbio = NULL, *sbio = NULL;
    if (client == NULL || server == NULL || !BIO_new_bio_pair(&cbio, 256 * 1024, &sbio,
                                                              256 * 1024))
        goto out;
    SSL_set_bio(client, cbio, cbio);
    SSL_set_bio(server, sbio, sbio);
    SSL_set_connect_state(client);
    SSL_set_accept_state(server);
    if (!handshake(client, server, &spent))
        goto out;
    long chunks = (mib + WARMUP_MIB) * (1024 * 1024 / CHUNK);
    spent = 0;
    for (long i = 0; i < chunks; i++) {
        double t0 = thread_cpu();
        int r = SSL_write(server, data, CHUNK);
        if (i >= WARMUP_MIB * (1024 * 1024 / CHUNK))
            spent += thread_cpu() - t0;
        if (r != CHUNK || !drain(client))
            goto out;
    }
    printf("bulk_ns_per_byte %.3f mib %ld cipher %s\n", spent * 1e9 / ((double)mib * 1048576),
           mib, SSL_get_cipher_name(server));
    ok = 1;
out:
    /* ended as after a close_notify each way, so that freeing sends nothing */
    if (client != NULL)
        SSL_set_shutdown(client, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
    if (server != NULL)
        SSL_set_shutdown(server, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
    SSL_free(client);
    SSL_free(server);
    return ok;
}

int main(int argc, char **argv)
{
    const char *cert = NULL, *key = NULL;
    long count = 500, bulk_mib = 0;
    int version = 0, resume = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-cert") == 0 && i + 1 < argc)
            cert = argv[++i];
        else if (strcmp(argv[i], "-key") == 0 && i + 1 < argc)
            key = argv[++i];
        else if (strcmp(argv[i], "-n") == 0 && i + 1 < argc)
            count = strtol(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "-tls1_2") == 0)
            version = TLS1_2_VERSION;
        else if (strcmp(argv[i], "-tls1_3") == 0)
            version = TLS1_3_VERSION;
        else if (strcmp(argv[i], "-resume") == 0)
            resume = 1;
        else if (strcmp(argv[i], "-bulk") == 0 && i + 1 < argc)
            bulk_mib = strtol(argv[++i], NULL, 10);
        else
            usage();
    }
    if (cert == NULL || key == NULL || count < 1 || count > 1000000 || bulk_mib < 0
        || bulk_mib > 65536 || (bulk_mib > 0 && resume))
        usage();

    int rc = 1;
    SSL_SESSION *session = NULL;
    SSL_CTX *sctx = SSL_CTX_new(TLS_server_method());
    SSL_CTX *cctx = SSL_CTX_new(TLS_client_method());
    if (sctx == NULL || cctx == NULL
        || SSL_CTX_use_certificate_chain_file(sctx, cert) != 1
        || SSL_CTX_use_PrivateKey_file(sctx, key, SSL_FILETYPE_PEM) != 1)
        goto end;
    SSL_CTX_set_session_id_context(sctx, (const unsigned char *)"hsfloor", 7);
    SSL_CTX_set_verify(cctx, SSL_VERIFY_NONE, NULL);
    if (version != 0) {
        SSL_CTX_set_min_proto_version(cctx, version);
        SSL_CTX_set_max_proto_version(cctx, version);
    }

    if (bulk_mib > 0) {
        rc = bulk(cctx, sctx, bulk_mib) ? 0 : 1;
        goto end;
    }

    const long warmup = 20;
    double server_cpu = 0;
    long resumed = 0;
    for (long i = 0; i < warmup + count; i++) {
        SSL *client = SSL_new(cctx);
        BIO *cbio = NULL, *sbio = NULL;
        if (client == NULL || !BIO_new_bio_pair(&cbio, 0, &sbio, 0)) {
            SSL_free(client);
            goto end;
        }
        SSL_set_bio(client, cbio, cbio);
        SSL_set_connect_state(client);
        if (resume && session != NULL)
            SSL_set_session(client, session);

        double spent = 0, t0 = thread_cpu();
        SSL *server = SSL_new(sctx);
        if (server != NULL) {
            SSL_set_bio(server, sbio, sbio);
            SSL_set_accept_state(server);
        } else {
            BIO_free(sbio);
        }
        spent += thread_cpu() - t0;
        int ok = server != NULL && handshake(client, server, &spent);
        if (ok && i >= warmup) {
            resumed += SSL_session_reused(client);
            t0 = thread_cpu();
        }
        /* Ended as after a close_notify: SSL_free would otherwise drop the session. */
        if (server != NULL)
            SSL_set_shutdown(server, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
        SSL_free(server);
        if (ok && i >= warmup)
            server_cpu += spent + (thread_cpu() - t0);
        if (ok && resume && session == NULL)
            session = SSL_get1_session(client);
        SSL_set_shutdown(client, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
        SSL_free(client);
        if (!ok)
            goto end;
    }
    printf("floor_us %.1f count %ld resumed %ld\n", server_cpu * 1e6 / (double)count, count,
           resumed);
    rc = 0;
end:
    if (rc != 0)
        ERR_print_errors_fp(stderr);
    SSL_SESSION_free(session);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
    return rc;
}
