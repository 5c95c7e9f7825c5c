/* The default CA file, indexed on first use (see lazyca.h). */
#include "lib/lazyca.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

enum kind { KIND_CERT, KIND_CERT_AUX, KIND_CRL };
enum state { NOT_READ, INDEXED, LOADED_WHOLE };

struct entry {
    X509_NAME *name; /* subject of a certificate, issuer of a CRL */
    unsigned char *der;
    long len;
    enum kind kind;
    int added;
};

struct lazy {
    CRYPTO_RWLOCK *lock;
    enum state state;
    char *path;
    struct entry *v;
    size_t n, cap;
};

/* Reads one DER header at *p (at most end - *p bytes). Returns the content length and moves *p
 * to the content, or -1 for anything but a definite-length element. */
static long der_header(const unsigned char **p, const unsigned char *end, int *tag, int *cls)
{
    long len;
    int r = ASN1_get_object(p, &len, tag, cls, end - *p);
    if (r & 0x80 || r == 0x21)
        return -1;
    return len;
}

/* Skips one element; 0 or -1. */
static int der_skip(const unsigned char **p, const unsigned char *end, int *tag, int *cls)
{
    long len = der_header(p, end, tag, cls);
    if (len < 0 || len > end - *p)
        return -1;
    *p += len;
    return 0;
}

/* Finds the subject Name of a Certificate (or the issuer Name of a CertificateList) in der:
 * the element's start and length. 0 or -1. */
static int der_name(const unsigned char *der, long len, enum kind kind, const unsigned char **name,
                    long *name_len)
{
    const unsigned char *p = der, *end = der + len, *elem;
    int tag, cls;
    long l = der_header(&p, end, &tag, &cls); /* Certificate / CertificateList */
    if (l < 0 || tag != V_ASN1_SEQUENCE || l > end - p)
        return -1;
    end = p + l;
    l = der_header(&p, end, &tag, &cls); /* tbsCertificate / tbsCertList */
    if (l < 0 || tag != V_ASN1_SEQUENCE || l > end - p)
        return -1;
    end = p + l;
    /* Fields before the name: cert: [0] version?, serial, signature, issuer, validity;
     * CRL: version?, signature. */
    int before = kind == KIND_CRL ? 1 : 4;
    elem = p;
    if (der_skip(&p, end, &tag, &cls) < 0)
        return -1;
    int optional_version = kind == KIND_CRL ? (cls == V_ASN1_UNIVERSAL && tag == V_ASN1_INTEGER)
                                            : (cls == V_ASN1_CONTEXT_SPECIFIC && tag == 0);
    if (!optional_version)
        before--; /* what was skipped was the first required field */
    for (int i = 0; i < before; i++)
        if (der_skip(&p, end, &tag, &cls) < 0)
            return -1;
    elem = p;
    if (der_skip(&p, end, &tag, &cls) < 0 || tag != V_ASN1_SEQUENCE)
        return -1;
    *name = elem;
    *name_len = (long)(p - elem);
    return 0;
}

static void lazy_clear(struct lazy *lz)
{
    for (size_t i = 0; i < lz->n; i++) {
        X509_NAME_free(lz->v[i].name);
        OPENSSL_free(lz->v[i].der);
    }
    free(lz->v);
    lz->v = NULL;
    lz->n = lz->cap = 0;
}

/* Takes one PEM block into the index (der is taken over). 0, or -1 when the index cannot
 * stand for this file. */
static int lazy_add_entry(struct lazy *lz, enum kind kind, unsigned char *der, long len)
{
    const unsigned char *name, *q;
    long name_len;
    if (der_name(der, len, kind, &name, &name_len) < 0)
        goto fail;
    q = name;
    X509_NAME *xn = d2i_X509_NAME(NULL, &q, name_len);
    if (xn == NULL)
        goto fail;
    if (lz->n == lz->cap) {
        size_t cap = lz->cap ? lz->cap * 2 : 64;
        struct entry *v = realloc(lz->v, cap * sizeof(*v));
        if (v == NULL) {
            X509_NAME_free(xn);
            goto fail;
        }
        lz->v = v;
        lz->cap = cap;
    }
    lz->v[lz->n++] = (struct entry){xn, der, len, kind, 0};
    return 0;
fail:
    OPENSSL_free(der);
    return -1;
}

/* Indexes the file's PEM blocks as PEM_X509_INFO_read_bio would read them. 0, or -1 when a
 * block is anything but a plain certificate or CRL (or on any error): the caller then loads
 * the file whole. A missing or unreadable file indexes as empty, as it loads as nothing. */
static int lazy_index(struct lazy *lz)
{
    BIO *in = BIO_new_file(lz->path, "r");
    if (in == NULL)
        return 0;
    int ret = -1;
    for (;;) {
        char *name = NULL, *header = NULL;
        unsigned char *data = NULL;
        long len = 0;
        if (!PEM_read_bio(in, &name, &header, &data, &len)) {
            if (ERR_GET_REASON(ERR_peek_last_error()) == PEM_R_NO_START_LINE)
                ret = 0;
            break;
        }
        int kind = -1;
        if (strcmp(name, PEM_STRING_X509) == 0 || strcmp(name, PEM_STRING_X509_OLD) == 0)
            kind = KIND_CERT;
        else if (strcmp(name, PEM_STRING_X509_TRUSTED) == 0)
            kind = KIND_CERT_AUX;
        else if (strcmp(name, PEM_STRING_X509_CRL) == 0)
            kind = KIND_CRL;
        int plain = header == NULL || header[0] == '\0';
        OPENSSL_free(name);
        OPENSSL_free(header);
        if (kind < 0 || !plain || lazy_add_entry(lz, (enum kind)kind, data, len) < 0) {
            if (kind < 0 || !plain)
                OPENSSL_free(data);
            break;
        }
    }
    BIO_free(in);
    return ret;
}

/* Parses and adds to store every entry named name of the kind type asks for. */
static void lazy_add_matching(struct lazy *lz, X509_STORE *store, X509_LOOKUP_TYPE type,
                              const X509_NAME *name)
{
    for (size_t i = 0; i < lz->n; i++) {
        struct entry *e = &lz->v[i];
        if (e->added || (type == X509_LU_CRL) != (e->kind == KIND_CRL) ||
            X509_NAME_cmp(e->name, name) != 0)
            continue;
        e->added = 1;
        const unsigned char *p = e->der;
        if (e->kind == KIND_CRL) {
            X509_CRL *crl = d2i_X509_CRL(NULL, &p, e->len);
            if (crl != NULL)
                X509_STORE_add_crl(store, crl);
            X509_CRL_free(crl);
        } else {
            X509 *x = e->kind == KIND_CERT_AUX ? d2i_X509_AUX(NULL, &p, e->len)
                                               : d2i_X509(NULL, &p, e->len);
            if (x != NULL)
                X509_STORE_add_cert(store, x);
            X509_free(x);
        }
    }
}

static int lazy_get_by_subject(X509_LOOKUP *ctx, X509_LOOKUP_TYPE type, const X509_NAME *name,
                               X509_OBJECT *ret)
{
    struct lazy *lz = X509_LOOKUP_get_method_data(ctx);
    X509_STORE *store = X509_LOOKUP_get_store(ctx);
    if (lz == NULL || store == NULL || (type != X509_LU_X509 && type != X509_LU_CRL))
        return 0;
    ERR_set_mark();
    if (CRYPTO_THREAD_write_lock(lz->lock)) {
        if (lz->state == NOT_READ) {
            if (lazy_index(lz) == 0) {
                lz->state = INDEXED;
            } else {
                lazy_clear(lz);
                X509_load_cert_crl_file_ex(ctx, lz->path, X509_FILETYPE_PEM, NULL, NULL);
                lz->state = LOADED_WHOLE;
            }
        }
        if (lz->state == INDEXED)
            lazy_add_matching(lz, store, type, name);
        CRYPTO_THREAD_unlock(lz->lock);
    }
    ERR_pop_to_mark();

    /* Answer from the store, as the hash-directory lookup does: the caller takes its own
     * reference, so what is handed back holds none (the store keeps the object alive). */
    int found = 0;
    if (!X509_STORE_lock(store))
        return 0;
    X509_OBJECT *obj = X509_OBJECT_retrieve_by_subject(X509_STORE_get0_objects(store), type, name);
    if (obj != NULL) {
        if (type == X509_LU_X509) {
            X509 *x = X509_OBJECT_get0_X509(obj);
            if (X509_OBJECT_set1_X509(ret, x)) {
                X509_free(x);
                found = 1;
            }
        } else {
            X509_CRL *crl = X509_OBJECT_get0_X509_CRL(obj);
            if (X509_OBJECT_set1_X509_CRL(ret, crl)) {
                X509_CRL_free(crl);
                found = 1;
            }
        }
    }
    X509_STORE_unlock(store);
    return found;
}

static int lazy_new(X509_LOOKUP *ctx)
{
    struct lazy *lz = calloc(1, sizeof(*lz));
    if (lz == NULL)
        return 0;
    /* Where X509_LOOKUP_load_file(X509_FILETYPE_DEFAULT) would look, read now as it would. */
    const char *path = secure_getenv(X509_get_default_cert_file_env());
    lz->path = strdup(path != NULL ? path : X509_get_default_cert_file());
    lz->lock = CRYPTO_THREAD_lock_new();
    if (lz->path == NULL || lz->lock == NULL) {
        free(lz->path);
        CRYPTO_THREAD_lock_free(lz->lock);
        free(lz);
        return 0;
    }
    return X509_LOOKUP_set_method_data(ctx, lz);
}

static void lazy_free(X509_LOOKUP *ctx)
{
    struct lazy *lz = X509_LOOKUP_get_method_data(ctx);
    if (lz == NULL)
        return;
    lazy_clear(lz);
    CRYPTO_THREAD_lock_free(lz->lock);
    free(lz->path);
    free(lz);
}

static X509_LOOKUP_METHOD *lazy_method;
static CRYPTO_ONCE lazy_once = CRYPTO_ONCE_STATIC_INIT;

static void lazy_method_init(void)
{
    X509_LOOKUP_METHOD *m = X509_LOOKUP_meth_new("system CA file, read on first use");
    if (m == NULL)
        return;
    if (!X509_LOOKUP_meth_set_new_item(m, lazy_new) || !X509_LOOKUP_meth_set_free(m, lazy_free) ||
        !X509_LOOKUP_meth_set_get_by_subject(m, lazy_get_by_subject)) {
        X509_LOOKUP_meth_free(m);
        return;
    }
    lazy_method = m;
}

int lazyca_add_default_file(X509_STORE *store)
{
    if (!CRYPTO_THREAD_run_once(&lazy_once, lazy_method_init) || lazy_method == NULL)
        return -1;
    return X509_STORE_add_lookup(store, lazy_method) != NULL ? 0 : -1;
}
