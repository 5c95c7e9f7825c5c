/* -engine: an OpenSSL ENGINE (deprecated in 3.0, still in its libcrypto) made the default for
 * every algorithm it implements, as openssl's -engine does. */
#ifndef TLSTOOL_ENGINE_H
#define TLSTOOL_ENGINE_H

#include <openssl/evp.h>
#include <openssl/ui.h>

/* Loads the engine id (a built-in name, a name under the engines directory, or a shared
 * object path; "auto" registers every available engine) and makes it the default for what
 * it implements. Says 'Engine "ID" set.' on stderr. A failure is reported and, as with
 * openssl, not fatal: the program goes on with the built-in algorithms. */
void engine_setup(const char *id);

/* -keyform ENGINE: the private key the engine id (as for engine_setup) knows as key_id, a
 * PKCS#11 URI for the pkcs11 engine say. The engine asks its PIN or pass phrase through ui with
 * ui_data. NULL on failure (reported, naming what). */
EVP_PKEY *engine_load_key(const char *id, const char *key_id, UI_METHOD *ui, void *ui_data,
                          const char *what);

#endif
