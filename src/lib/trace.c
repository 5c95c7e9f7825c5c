/* Protocol tracing for the debugging options. */
#include "lib/trace.h"
#include "lib/err.h"

#include <stdio.h>
#include <string.h>
#include <openssl/bio.h>

/* -msg/-trace output goes to stdout unless -msgfile names a file; the BIO lives as long as
 * the SSL (freed by its ex_data free callback would be neater; we tie it to the SSL here). */
static BIO *open_msg_bio(const struct tls_common *c)
{
    if (c->msgfile == NULL)
        return BIO_new_fp(stdout, BIO_NOCLOSE);
    BIO *b = BIO_new_file(c->msgfile, "w");
    if (b == NULL)
        err_ssl("cannot open -msgfile \"%s\"", c->msgfile);
    return b;
}

static void keylog_cb(const SSL *ssl, const char *line)
{
    const struct tls_common *c = SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl));
    if (c == NULL || c->keylogfile == NULL)
        return;
    FILE *f = fopen(c->keylogfile, "a");
    if (f == NULL)
        return;
    fprintf(f, "%s\n", line);
    fclose(f);
}

static void state_cb(const SSL *ssl, int where, int ret)
{
    const char *side = (where & SSL_ST_CONNECT) ? "SSL_connect"
                       : (where & SSL_ST_ACCEPT) ? "SSL_accept"
                                                 : "undefined";
    if (where & SSL_CB_LOOP) {
        fprintf(stderr, "%s:%s\n", side, SSL_state_string_long(ssl));
    } else if (where & SSL_CB_ALERT) {
        fprintf(stderr, "SSL3 alert %s:%s:%s\n", (where & SSL_CB_READ) ? "read" : "write",
                SSL_alert_type_string_long(ret), SSL_alert_desc_string_long(ret));
    } else if (where & SSL_CB_EXIT) {
        if (ret == 0)
            fprintf(stderr, "%s:failed in %s\n", side, SSL_state_string_long(ssl));
        else if (ret < 0)
            fprintf(stderr, "%s:error in %s\n", side, SSL_state_string_long(ssl));
    }
}

int trace_setup_ssl(SSL *ssl, const struct tls_common *c)
{
    if (c->keylogfile != NULL) {
        FILE *f = fopen(c->keylogfile, "a");
        if (f == NULL) {
            err_msg("cannot open -keylogfile \"%s\"", c->keylogfile);
            return -1;
        }
        fclose(f);
        SSL_CTX_set_keylog_callback(SSL_get_SSL_CTX(ssl), keylog_cb);
    }
    if (c->state)
        SSL_set_info_callback(ssl, state_cb);
    if (c->trace || c->msg) {
        BIO *b = open_msg_bio(c);
        if (b == NULL)
            return -1;
        SSL_set_msg_callback(ssl, SSL_trace);
        SSL_set_msg_callback_arg(ssl, b);
        /* the BIO is leaked deliberately for the connection's life: see TODO in issue notes */
    }
    return 0;
}
