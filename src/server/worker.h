/* s_server's workers as server_run() sees them: make one per core, run them, stop them. The
 * inside of a worker (its loop and connections) is in loop.h. */
#ifndef TLSTOOL_SERVER_WORKER_H
#define TLSTOOL_SERVER_WORKER_H

#include "server/server.h"

struct worker;

/* A worker of srv listening on lfd (closed by the worker when owns_listener; a shared socket
 * is closed by its owner). Worker 0 also serves stdin. NULL on failure (reported). */
struct worker *worker_new(struct server *srv, int index, int lfd, int owns_listener);
/* Makes the worker watch sigfd (a signalfd): a signal there stops the server politely. The
 * caller keeps ownership of sigfd. Returns 0 or -1 (reported). */
int worker_watch_signals(struct worker *w, int sigfd);
/* Runs the worker's loop in a new thread. Returns 0 or -1 (reported). */
int worker_start(struct worker *w);
/* Runs the worker's loop in the calling thread until the server stops and its connections
 * are done. */
void worker_loop(struct worker *w);
/* Waits for a started worker's thread to end (no-op for one that was not started). */
void worker_join(struct worker *w);
/* Makes the worker look at the server's stop level now. Safe from any thread. */
void worker_wake(struct worker *w);
/* Frees a worker whose loop is not running, ending any connections it still has. */
void worker_free(struct worker *w);

#endif
