/* Errors as single sentences. */
#include "lib/err.h"
#include "lib/opt.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <openssl/err.h>

static void vprint(const char *prefix, const char *fmt, va_list ap, const char *suffix)
{
    char msg[1024];
    vsnprintf(msg, sizeof(msg), fmt, ap);
    fprintf(stderr, "%s: %s%s%s%s\n", opt_progname(), prefix, msg, suffix ? ": " : "",
            suffix ? suffix : "");
}

void err_msg(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprint("", fmt, ap, NULL);
    va_end(ap);
}

void err_warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprint("warning: ", fmt, ap, NULL);
    va_end(ap);
}

const char *err_queue_reason(char *buf, size_t len)
{
    const char *data = NULL;
    int flags = 0;
    unsigned long e = ERR_peek_last_error_data(&data, &flags);
    if (e == 0) {
        snprintf(buf, len, "%s", errno ? strerror(errno) : "unknown error");
        return buf;
    }
    /* A failed fopen() and the like end in a wrapper that only says "system lib"; the errno
     * it is about sits at the root of the queue, and is the cause worth naming. */
    unsigned long root = ERR_peek_error();
    /* (OpenSSL 3.5 wraps it in "BIO lib" instead) */
    int wrapper = ERR_GET_REASON(e) == ERR_R_SYS_LIB || ERR_GET_REASON(e) == ERR_R_BIO_LIB;
    if (ERR_SYSTEM_ERROR(e) || (wrapper && ERR_SYSTEM_ERROR(root))) {
        snprintf(buf, len, "%s", strerror(ERR_GET_REASON(ERR_SYSTEM_ERROR(e) ? e : root)));
        return buf;
    }
    const char *reason = ERR_reason_error_string(e);
    if (reason == NULL)
        reason = "unknown reason";
    if (data != NULL && (flags & ERR_TXT_STRING) && *data != '\0')
        snprintf(buf, len, "%s (%s)", reason, data);
    else
        snprintf(buf, len, "%s", reason);
    return buf;
}

void err_ssl(const char *fmt, ...)
{
    char reason[512];
    err_queue_reason(reason, sizeof(reason));
    va_list ap;
    va_start(ap, fmt);
    vprint("", fmt, ap, reason);
    va_end(ap);
    ERR_clear_error();
}

const char *err_ssl_io_reason(SSL *ssl, int ret, char *buf, size_t len)
{
    int code = SSL_get_error(ssl, ret);
    switch (code) {
    case SSL_ERROR_ZERO_RETURN:
        snprintf(buf, len, "peer closed the TLS connection");
        break;
    case SSL_ERROR_SYSCALL:
        if (ERR_peek_error() != 0)
            err_queue_reason(buf, len);
        else if (errno != 0)
            snprintf(buf, len, "%s", strerror(errno));
        else
            snprintf(buf, len, "peer closed the connection without a TLS close (unexpected EOF)");
        break;
    case SSL_ERROR_SSL:
        err_queue_reason(buf, len);
        break;
    default:
        snprintf(buf, len, "SSL error %d", code);
        break;
    }
    return buf;
}

void err_print_queue(void)
{
    ERR_print_errors_fp(stderr);
}
