/* -engine: an OpenSSL ENGINE (deprecated in 3.0, still in its libcrypto) made the default for
 * every algorithm it implements, as openssl's -engine does. */
#ifndef TLSTOOL_ENGINE_H
#define TLSTOOL_ENGINE_H

/* Loads the engine id (a built-in name, a name under the engines directory, or a shared
 * object path; "auto" registers every available engine) and makes it the default for what
 * it implements. Says 'Engine "ID" set.' on stderr. A failure is reported and, as with
 * openssl, not fatal: the program goes on with the built-in algorithms. */
void engine_setup(const char *id);

#endif
