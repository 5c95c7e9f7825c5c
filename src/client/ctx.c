/* s_client's SSL_CTX: the common settings plus what only a client sets, and the callbacks that
 * print what the server sent (tickets, OCSP staples, NPN offers, custom extensions). */
#include "client/client.h"
#include "lib/err.h"
#include "lib/tlsctx.h"
#include "lib/trace.h"
#include "lib/outfmt.h"

#include <stdio.h>
#include <string.h>
#include <openssl/err.h>
#include <openssl/ocsp.h>
#include <openssl/pem.h>

const struct client_config *client_ctx_config(const SSL_CTX *ctx)
{
    /* the context's app data is the struct tls_common that starts the client's config */
    return (const struct client_config *)tls_ctx_config(ctx);
}

/* Turns "h2,http/1.1" into the length-prefixed wire form, empty names (stray commas) left
 * out as openssl does. Returns a malloc'd buffer, or NULL when no name is left or one is
 * longer than 255 bytes. */
unsigned char *client_protos_wire(const char *list, unsigned int *outlen)
{
    size_t n = strlen(list);
    if (n == 0 || n >= 65535)
        return NULL;
    unsigned char *out = OPENSSL_malloc(n + 1);
    if (out == NULL)
        return NULL;
    size_t start = 0, used = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i != n && list[i] != ',')
            continue;
        size_t len = i - start;
        if (len > 255) {
            OPENSSL_free(out);
            return NULL;
        }
        if (len > 0) {
            out[used] = (unsigned char)len;
            memcpy(out + used + 1, list + start, len);
            used += len + 1;
        }
        start = i + 1;
    }
    if (used == 0) {
        OPENSSL_free(out);
        return NULL;
    }
    *outlen = (unsigned int)used;
    return out;
}

/* Every new session is written to -sess_out; TLS 1.3 tickets arrive after the handshake, so
 * they are shown as they come (the report has no session to show then). */
static int on_new_session(SSL *ssl, SSL_SESSION *sess)
{
    const struct client_config *cfg = client_ctx_config(SSL_get_SSL_CTX(ssl));
    struct client_conn *conn = SSL_get_app_data(ssl);
    if (conn != NULL)
        conn->tickets++;
    if (cfg->sess_out != NULL) {
        BIO *b = BIO_new_file(cfg->sess_out, "w");
        if (b == NULL || !PEM_write_bio_SSL_SESSION(b, sess))
            err_ssl("cannot write the session to \"%s\"", cfg->sess_out);
        BIO_free(b);
    }
    BIO *out = trace_out(SSL_get_SSL_CTX(ssl));
    if (SSL_version(ssl) == TLS1_3_VERSION && out != NULL) {
        BIO_puts(out, "---\nPost-Handshake New Session Ticket arrived:\n");
        SSL_SESSION_print(out, sess);
        BIO_puts(out, "---\n");
        out_flush(out);
    }
    return 0; /* no reference kept */
}

/* -status: prints the stapled OCSP response (or that there was none). One that does not parse
 * fails the handshake, -quiet or not, as openssl's does. */
static int on_ocsp_status(SSL *ssl, void *arg)
{
    BIO *out = trace_out(SSL_get_SSL_CTX(ssl));
    const unsigned char *p = NULL;
    long len = SSL_get_tlsext_status_ocsp_resp(ssl, &p);
    (void)arg;
    if (p == NULL) {
        if (out != NULL)
            BIO_puts(out, "OCSP response: no response sent\n");
        return 1;
    }
    const unsigned char *q = p;
    OCSP_RESPONSE *rsp = d2i_OCSP_RESPONSE(NULL, &q, len);
    if (rsp == NULL) {
        if (out != NULL) {
            BIO_puts(out, "OCSP response: response parse error\n");
            BIO_dump_indent(out, (const char *)p, (int)len, 4);
        }
        return 0;
    }
    if (out == NULL) {
        OCSP_RESPONSE_free(rsp);
        return 1;
    }
    BIO_puts(out, "OCSP response: ");
    BIO_puts(out, "\n======================================\n");
    OCSP_RESPONSE_print(out, rsp, 0);
    BIO_puts(out, "======================================\n");
    OCSP_RESPONSE_free(rsp);
    return 1;
}

/* -nextprotoneg: shows what the server offers and picks from our list. */
static int on_npn_offer(SSL *ssl, unsigned char **out, unsigned char *outlen,
                        const unsigned char *in, unsigned int inlen, void *arg)
{
    const struct client_config *cfg = client_ctx_config(SSL_get_SSL_CTX(ssl));
    struct client_conn *conn = SSL_get_app_data(ssl);
    BIO *bout = trace_out(SSL_get_SSL_CTX(ssl));
    (void)arg;
    if (bout != NULL && !cfg->common.quiet) {
        BIO_puts(bout, "Protocols advertised by server: ");
        for (unsigned int i = 0; i < inlen; i += in[i] + 1u) {
            if (i > 0)
                BIO_puts(bout, ", ");
            BIO_write(bout, in + i + 1, in[i]);
        }
        BIO_puts(bout, "\n");
    }
    if (*cfg->common.nextprotoneg == '\0') {
        /* the manual's empty list: offer NPN only to see the server's list, then leave */
        err_msg("-nextprotoneg with an empty list: disconnecting after the server's offer");
        return SSL_TLSEXT_ERR_ALERT_FATAL;
    }
    unsigned int ourlen = 0;
    unsigned char *ours = client_protos_wire(cfg->common.nextprotoneg, &ourlen);
    if (ours == NULL)
        return SSL_TLSEXT_ERR_ALERT_FATAL;
    int status = SSL_select_next_proto(out, outlen, in, inlen, ours, ourlen);
    /* without a common protocol *out is our first one, in ours, which must not be kept: the
     * same name is the option text's first non-empty item */
    if (*out > ours && *out < ours + ourlen)
        *out = (unsigned char *)cfg->common.nextprotoneg + strspn(cfg->common.nextprotoneg, ",");
    OPENSSL_free(ours);
    if (conn != NULL)
        conn->npn_status = status;
    return SSL_TLSEXT_ERR_OK;
}

/* -serverinfo: the server's answer to each extension we asked for, as PEM. */
static int on_serverinfo(SSL *ssl, unsigned int ext_type, const unsigned char *in, size_t inlen,
                         int *al, void *arg)
{
    BIO *out = trace_out(SSL_get_SSL_CTX(ssl));
    unsigned char *buf = OPENSSL_malloc(inlen + 4);
    char name[64];
    (void)al;
    (void)arg;
    if (buf == NULL || out == NULL) {
        OPENSSL_free(buf);
        return 1;
    }
    buf[0] = (unsigned char)(ext_type >> 8);
    buf[1] = (unsigned char)ext_type;
    buf[2] = (unsigned char)(inlen >> 8);
    buf[3] = (unsigned char)inlen;
    memcpy(buf + 4, in, inlen);
    snprintf(name, sizeof(name), "SERVERINFO FOR EXTENSION %u", ext_type);
    PEM_write_bio(out, name, "", buf, (long)(inlen + 4));
    OPENSSL_free(buf);
    return 1;
}

/* openssl notes on stderr when the server name it sent cannot be looked up (no SNI sent). */
static int on_servername(SSL *ssl, int *al, void *arg)
{
    (void)al;
    (void)arg;
    if (SSL_get_servername_type(ssl) == -1)
        fputs("Can't use SSL_get_servername\n", stderr);
    return SSL_TLSEXT_ERR_OK;
}

static int apply_alpn(SSL_CTX *ctx, const char *list)
{
    unsigned int len = 0;
    unsigned char *wire = client_protos_wire(list, &len);
    if (wire == NULL) {
        err_msg("-alpn: bad protocol list \"%s\" (comma-separated names of 1-255 bytes, at "
                "least one)",
                list);
        return -1;
    }
    int rc = SSL_CTX_set_alpn_protos(ctx, wire, len);
    OPENSSL_free(wire);
    if (rc != 0) {
        err_ssl("-alpn: cannot set protocols");
        return -1;
    }
    return 0;
}

static int apply_npn(SSL_CTX *ctx, const char *list)
{
    unsigned int len = 0;
    unsigned char *wire = *list == '\0' ? NULL : client_protos_wire(list, &len);
    if (wire == NULL && *list != '\0') {
        err_msg("-nextprotoneg: bad protocol list \"%s\"", list);
        return -1;
    }
    OPENSSL_free(wire);
    SSL_CTX_set_next_proto_select_cb(ctx, on_npn_offer, NULL);
    return 0;
}

static void apply_serverinfo(SSL_CTX *ctx, const struct client_config *cfg)
{
    for (int i = 0; i < cfg->serverinfo_count; i++) {
        unsigned int type = cfg->serverinfo_types[i];
        if (!SSL_CTX_add_client_custom_ext(ctx, type, NULL, NULL, NULL, on_serverinfo, NULL)) {
            ERR_clear_error();
            err_warn("unable to add custom extension %u, skipping", type);
        }
    }
}

static int apply_ct(SSL_CTX *ctx, const struct client_config *cfg)
{
#ifndef OPENSSL_NO_CT
    if (cfg->ct && !SSL_CTX_enable_ct(ctx, SSL_CT_VALIDATION_PERMISSIVE)) {
        err_ssl("-ct: cannot enable certificate transparency");
        return -1;
    }
    /* The log list names the logs SCTs came from; it is needed only with -ct, but loaded
     * anyway so SCTs seen without validation can still be attributed. */
    int ok = cfg->ctlogfile != NULL ? SSL_CTX_set_ctlog_list_file(ctx, cfg->ctlogfile)
                                    : SSL_CTX_set_default_ctlog_list_file(ctx);
    if (!ok && cfg->ct) {
        err_ssl("-ct: cannot load the CT log list \"%s\"",
                cfg->ctlogfile != NULL ? cfg->ctlogfile : "(default)");
        return -1;
    }
    ERR_clear_error();
#else
    if (cfg->ct) {
        err_msg("-ct: the linked OpenSSL has no certificate transparency");
        return -1;
    }
#endif
    return 0;
}

static int apply_request_ca(SSL_CTX *ctx, const char *file)
{
    STACK_OF(X509_NAME) *names = sk_X509_NAME_new_null();
    if (names == NULL || !SSL_add_file_cert_subjects_to_stack(names, file)) {
        sk_X509_NAME_pop_free(names, X509_NAME_free);
        err_ssl("cannot load CA names from \"%s\"", file);
        return -1;
    }
    SSL_CTX_set0_CA_list(ctx, names);
    return 0;
}

static int client_ctx_apply_extensions(SSL_CTX *ctx, const struct client_config *cfg)
{
    const struct tls_common *c = &cfg->common;
    if (c->alpn != NULL && apply_alpn(ctx, c->alpn) < 0)
        return -1;
    if (c->nextprotoneg != NULL && apply_npn(ctx, c->nextprotoneg) < 0)
        return -1;
    if (cfg->requestCAfile != NULL && apply_request_ca(ctx, cfg->requestCAfile) < 0)
        return -1;
    if (cfg->maxfraglen > 0) {
        int mode = cfg->maxfraglen == 512    ? TLSEXT_max_fragment_length_512
                   : cfg->maxfraglen == 1024 ? TLSEXT_max_fragment_length_1024
                   : cfg->maxfraglen == 2048 ? TLSEXT_max_fragment_length_2048
                                             : TLSEXT_max_fragment_length_4096;
        SSL_CTX_set_tlsext_max_fragment_length(ctx, mode);
    }
    if (c->use_srtp != NULL && SSL_CTX_set_tlsext_use_srtp(ctx, c->use_srtp) != 0) {
        err_ssl("-use_srtp: bad profile list \"%s\"", c->use_srtp);
        return -1;
    }
    if (cfg->fallback_scsv)
        SSL_CTX_set_mode(ctx, SSL_MODE_SEND_FALLBACK_SCSV);
    apply_serverinfo(ctx, cfg);
    if (apply_ct(ctx, cfg) < 0)
        return -1;
    if (c->status) {
        SSL_CTX_set_tlsext_status_type(ctx, TLSEXT_STATUSTYPE_ocsp);
        SSL_CTX_set_tlsext_status_cb(ctx, on_ocsp_status);
    }
    if (!cfg->noservername)
        SSL_CTX_set_tlsext_servername_callback(ctx, on_servername);
    return 0;
}

/* The read buffer: room for four full records. */
#define CLIENT_READ_AHEAD (64 * 1024)

SSL_CTX *client_ctx_new(struct client_config *cfg)
{
    const struct tls_common *c = &cfg->common;
    SSL_CTX *ctx = tls_ctx_new(c);
    if (ctx == NULL)
        return NULL;
    if (client_engine_setup(cfg, ctx) < 0 || client_psk_setup(cfg, ctx) < 0)
        goto fail;
    if (client_ctx_apply_extensions(ctx, cfg) < 0)
        goto fail;
    int verify = cfg->verify_given || c->verify_return_error;
    SSL_CTX_set_verify(ctx, verify ? SSL_VERIFY_PEER : SSL_VERIFY_NONE, tls_verify_callback);
    if (c->id.cert != NULL && tls_ctx_use_identity(ctx, &c->id, c->engine) < 0)
        goto fail;
    if (client_srp_setup(cfg, ctx) < 0)
        goto fail;
    if (cfg->dane_tlsa_domain != NULL && SSL_CTX_dane_enable(ctx) <= 0) {
        err_ssl("cannot enable DANE TLSA authentication");
        goto fail;
    }
    /* TLS 1.3 tickets come after the handshake: keep sessions from the callback */
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
    SSL_CTX_sess_set_new_cb(ctx, on_new_session);
    /* Let a read that only consumed a post-handshake message come back to the loop. */
    SSL_CTX_clear_mode(ctx, SSL_MODE_AUTO_RETRY);
    /* Room for several records, for the session's read-ahead (client_interact()). */
    if (!c->debug && c->read_buf <= 0)
        SSL_CTX_set_default_read_buffer_len(ctx, CLIENT_READ_AHEAD);
    return ctx;
fail:
    SSL_CTX_free(ctx);
    return NULL;
}
