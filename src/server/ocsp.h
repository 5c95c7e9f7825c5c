/* OCSP stapling's state while the server runs: the response to staple, read from -status_file
 * once or fetched from the responder and kept for a while. (The status callback itself is
 * installed by server_ocsp_setup().) */
#ifndef TLSTOOL_SERVER_OCSP_H
#define TLSTOOL_SERVER_OCSP_H

#include "server/server.h"

/* An empty cache. NULL when out of memory (reported). */
struct ocsp_cache *ocsp_cache_new(void);
void ocsp_cache_free(struct ocsp_cache *oc);
/* -status_file: the DER response every handshake staples. Returns 0 or -1 (reported). */
int ocsp_cache_load_file(struct ocsp_cache *oc, const char *file);

#endif
