/* Loading what the options name: certificates, keys, CRLs and pass phrases. Files may be PEM,
 * DER or PKCS#12 (OSSL_STORE finds out which), or any URI OSSL_STORE understands. Every failure
 * is reported as one line naming the file and the cause. */
#ifndef TLSTOOL_LOAD_H
#define TLSTOOL_LOAD_H

#include <openssl/x509.h>

/* Reads a pass phrase source: "pass:TEXT", "env:VAR", "file:PATH" (first line), "fd:N" (first
 * line), or "stdin". Returns a malloc'd string (free with load_password_free), or NULL with the
 * error reported. A NULL src returns NULL without error (*failed is set to 0 then). */
char *load_password(const char *src, int *failed);
/* Wipes and frees a pass phrase. */
void load_password_free(char *pass);

/* Checks that a plain path (not a URI) exists, is not a directory and can be read, for a clear
 * message before a library's vaguer one. Returns 0, or -1 after reporting
 * "cannot load WHAT from "PATH": CAUSE". The loaders below call it themselves. */
int load_check_file(const char *path, const char *what);

/* The first certificate at path. NULL on failure (reported, with what in the message,
 * e.g. "certificate"). */
X509 *load_cert(const char *path, const char *pass, const char *what);
/* The first private key at path. NULL on failure (reported). */
EVP_PKEY *load_key(const char *path, const char *pass, const char *what);
/* The private key as -keyform says: with FORMAT_ENGINE, key_id as the engine (-engine) knows
 * it, else as load_key. NULL on failure (reported). */
EVP_PKEY *load_key_as(const char *key_id, int keyform, const char *engine, const char *pass,
                      const char *what);
/* Every certificate at path; an empty file is an error. NULL on failure (reported). */
STACK_OF(X509) *load_certs(const char *path, const char *pass, const char *what);
/* Every CRL at path. NULL on failure (reported). */
STACK_OF(X509_CRL) *load_crls(const char *path, const char *what);

#endif
