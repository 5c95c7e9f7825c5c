/* -crl_download: CRLs fetched over HTTP from a certificate's CRL distribution points when
 * the trust store has none for it, as openssl's -crl_download does. */
#ifndef TLSTOOL_CRLDL_H
#define TLSTOOL_CRLDL_H

#include <openssl/x509_vfy.h>

/* Makes store look CRLs up in itself first, then download them from the CRL distribution
 * point (an http:// URI) of the certificate being checked. Each download is bounded (10 s);
 * a failed one just leaves the certificate without a CRL (the verification then reports
 * "unable to get certificate CRL"). */
void crldl_setup(X509_STORE *store);

#endif
