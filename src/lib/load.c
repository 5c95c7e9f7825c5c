/* Certificates, keys and CRLs through OSSL_STORE, pass phrases from their sources. */
#include "lib/load.h"
#include "lib/err.h"
#include "lib/engine.h"
#include "lib/opt.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/store.h>
#include <openssl/ui.h>

/* Reads the first line of a stream into a malloc'd string; NULL when empty or on error. */
static char *read_first_line(FILE *f)
{
    char buf[1024];
    if (fgets(buf, sizeof(buf), f) == NULL)
        return NULL;
    buf[strcspn(buf, "\r\n")] = '\0';
    return strdup(buf);
}

static char *password_from_fd(const char *text)
{
    char *end = NULL;
    errno = 0;
    long fd = strtol(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || fd < 0 || fd > 65535)
        return NULL;
    int dupfd = dup((int)fd);
    if (dupfd < 0)
        return NULL;
    FILE *f = fdopen(dupfd, "r");
    if (f == NULL) {
        close(dupfd);
        return NULL;
    }
    char *p = read_first_line(f);
    fclose(f);
    return p;
}

char *load_password(const char *src, int *failed)
{
    *failed = 0;
    if (src == NULL)
        return NULL;
    char *p = NULL;
    if (strncmp(src, "pass:", 5) == 0) {
        p = strdup(src + 5);
    } else if (strncmp(src, "env:", 4) == 0) {
        const char *v = getenv(src + 4);
        if (v == NULL) {
            err_msg("pass phrase source %s: environment variable %s is not set", src, src + 4);
            *failed = 1;
            return NULL;
        }
        p = strdup(v);
    } else if (strncmp(src, "file:", 5) == 0) {
        FILE *f = fopen(src + 5, "r");
        if (f == NULL) {
            err_msg("pass phrase source %s: %s", src, strerror(errno));
            *failed = 1;
            return NULL;
        }
        p = read_first_line(f);
        fclose(f);
    } else if (strncmp(src, "fd:", 3) == 0) {
        p = password_from_fd(src + 3);
    } else if (strcmp(src, "stdin") == 0) {
        p = read_first_line(stdin);
    } else {
        err_msg("unknown pass phrase source \"%s\": use pass:, env:, file:, fd: or stdin", src);
        *failed = 1;
        return NULL;
    }
    if (p == NULL) {
        err_msg("pass phrase source %s: nothing could be read", src);
        *failed = 1;
    }
    return p;
}

void load_password_free(char *pass)
{
    if (pass != NULL)
        OPENSSL_cleanse(pass, strlen(pass));
    free(pass);
}

/* Hands our pass phrase to the store's decoders; fails (rather than prompting) when none was
 * given and there is no terminal to ask on. */
static int pass_cb(char *buf, int size, int rwflag, void *u)
{
    const char *pass = u;
    (void)rwflag;
    if (pass == NULL) {
        if (!isatty(STDIN_FILENO))
            return -1;
        return PEM_def_callback(buf, size, 0, NULL);
    }
    size_t n = strlen(pass);
    if (n > (size_t)size)
        n = (size_t)size;
    memcpy(buf, pass, n);
    return (int)n;
}

int load_check_file(const char *path, const char *what)
{
    struct stat st;
    if (strstr(path, "://") != NULL || strncmp(path, "file:", 5) == 0)
        return 0;
    if (stat(path, &st) != 0) {
        err_msg("cannot load %s from \"%s\": %s", what, path, strerror(errno));
        return -1;
    }
    if (S_ISDIR(st.st_mode)) {
        err_msg("cannot load %s from \"%s\": it is a directory", what, path);
        return -1;
    }
    if (access(path, R_OK) != 0) {
        err_msg("cannot load %s from \"%s\": %s", what, path, strerror(errno));
        return -1;
    }
    return 0;
}

struct loaded {
    STACK_OF(X509) *certs;
    STACK_OF(X509_CRL) *crls;
    EVP_PKEY *key;
};

/* Walks the store at path collecting objects of the wanted type. Returns 0, or -1 reported. */
static int store_load(const char *path, const char *pass, int want, const char *what,
                      struct loaded *out)
{
    if (load_check_file(path, what) < 0)
        return -1;
    int ret = -1;
    UI_METHOD *ui = UI_UTIL_wrap_read_pem_callback(pass_cb, 0);
    OSSL_STORE_CTX *st = OSSL_STORE_open_ex(path, NULL, NULL, ui, (void *)pass, NULL, NULL, NULL);
    if (st == NULL) {
        err_ssl("cannot open %s \"%s\"", what, path);
        goto done;
    }
    OSSL_STORE_expect(st, want);
    while (!OSSL_STORE_eof(st)) {
        OSSL_STORE_INFO *info = OSSL_STORE_load(st);
        if (info == NULL) {
            if (OSSL_STORE_error(st))
                break;
            continue;
        }
        int type = OSSL_STORE_INFO_get_type(info);
        int ok = 1;
        if (type == OSSL_STORE_INFO_CERT && out->certs != NULL)
            ok = sk_X509_push(out->certs, OSSL_STORE_INFO_get1_CERT(info)) > 0;
        else if (type == OSSL_STORE_INFO_CRL && out->crls != NULL)
            ok = sk_X509_CRL_push(out->crls, OSSL_STORE_INFO_get1_CRL(info)) > 0;
        else if (type == OSSL_STORE_INFO_PKEY && out->key == NULL && want == OSSL_STORE_INFO_PKEY)
            out->key = OSSL_STORE_INFO_get1_PKEY(info);
        OSSL_STORE_INFO_free(info);
        if (!ok)
            break;
        if (out->key != NULL)
            break;
    }
    int found = out->key != NULL || (out->certs && sk_X509_num(out->certs) > 0) ||
                (out->crls && sk_X509_CRL_num(out->crls) > 0);
    if (found) {
        ret = 0;
        ERR_clear_error();
    } else if (ERR_peek_last_error() != 0) {
        unsigned long e = ERR_peek_last_error();
        if (ERR_GET_REASON(e) == PEM_R_BAD_DECRYPT || ERR_GET_REASON(e) == PEM_R_BAD_PASSWORD_READ
            || ERR_GET_REASON(e) == PEM_R_PROBLEMS_GETTING_PASSWORD)
            err_msg("cannot decrypt %s in \"%s\": %s", what, path,
                    pass ? "wrong pass phrase" : "it is encrypted: give -pass");
        else
            err_ssl("no %s could be read from \"%s\"", what, path);
    } else {
        err_msg("no %s found in \"%s\" (%s)", what, path,
                pass ? "wrong pass phrase or not a PEM/DER/PKCS#12 file"
                     : "not a PEM/DER/PKCS#12 file, or encrypted without -pass");
    }
done:
    ERR_clear_error();
    OSSL_STORE_close(st);
    UI_destroy_method(ui);
    return ret;
}

STACK_OF(X509) *load_certs(const char *path, const char *pass, const char *what)
{
    struct loaded l = {sk_X509_new_null(), NULL, NULL};
    if (l.certs == NULL || store_load(path, pass, OSSL_STORE_INFO_CERT, what, &l) < 0) {
        sk_X509_pop_free(l.certs, X509_free);
        return NULL;
    }
    return l.certs;
}

X509 *load_cert(const char *path, const char *pass, const char *what)
{
    STACK_OF(X509) *all = load_certs(path, pass, what);
    if (all == NULL)
        return NULL;
    X509 *first = sk_X509_shift(all);
    sk_X509_pop_free(all, X509_free);
    return first;
}

EVP_PKEY *load_key(const char *path, const char *pass, const char *what)
{
    struct loaded l = {NULL, NULL, NULL};
    if (store_load(path, pass, OSSL_STORE_INFO_PKEY, what, &l) < 0)
        return NULL;
    return l.key;
}

EVP_PKEY *load_key_as(const char *key_id, int keyform, const char *engine, const char *pass,
                      const char *what)
{
    if (keyform != FORMAT_ENGINE)
        return load_key(key_id, pass, what);
    UI_METHOD *ui = UI_UTIL_wrap_read_pem_callback(pass_cb, 0);
    EVP_PKEY *key = ui != NULL ? engine_load_key(engine, key_id, ui, (void *)pass, what) : NULL;
    UI_destroy_method(ui);
    return key;
}

STACK_OF(X509_CRL) *load_crls(const char *path, const char *what)
{
    struct loaded l = {NULL, sk_X509_CRL_new_null(), NULL};
    if (l.crls == NULL || store_load(path, NULL, OSSL_STORE_INFO_CRL, what, &l) < 0) {
        sk_X509_CRL_pop_free(l.crls, X509_CRL_free);
        return NULL;
    }
    return l.crls;
}
