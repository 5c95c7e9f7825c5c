/* -ext_cache's external session cache: a bounded store of DER sessions, locked, shared by the
 * workers. (The session callbacks themselves are installed by server_sessions_setup().) */
#ifndef TLSTOOL_SERVER_SESSIONS_H
#define TLSTOOL_SERVER_SESSIONS_H

#include "server/server.h"

/* An empty cache. NULL when out of memory (reported). */
struct sess_cache *sess_cache_new(void);
void sess_cache_free(struct sess_cache *sc);

#endif
