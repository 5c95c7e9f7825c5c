/* The system's default CA file, read when a verification first needs it and then parsed only
 * as far as the names it is asked for. Parsing all of Debian's bundle (~145 certificates)
 * costs OpenSSL 3.0 ~100 ms, most of a short s_client run; a lookup costs ~2 ms. */
#ifndef TLSTOOL_LAZYCA_H
#define TLSTOOL_LAZYCA_H

#include <openssl/x509_vfy.h>

/* Adds to store a lookup that stands for X509_LOOKUP_load_file(default): the file named by
 * SSL_CERT_FILE (or X509_get_default_cert_file()) is read at the first lookup by name, indexed
 * by subject (issuer for CRLs), and the certificates and CRLs with the name asked for are
 * parsed and added to the store, so the store then answers as if the whole file had been
 * loaded up front. A file the index cannot take exactly (keys, encrypted or unknown blocks,
 * unusual encodings) is loaded whole instead, as X509_LOOKUP_load_file would have. Only
 * equivalent when the store holds nothing else yet (no -CAfile, -CApath, -CAstore before it).
 * Safe for concurrent verifications. Returns 0, or -1 when out of memory (nothing added). */
int lazyca_add_default_file(X509_STORE *store);

#endif
