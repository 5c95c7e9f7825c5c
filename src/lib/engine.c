/* -engine through the ENGINE API, which OpenSSL 3.0 deprecates but keeps: this is the one lib
 * file allowed to call it. */
#define OPENSSL_SUPPRESS_DEPRECATED 1

#include "lib/engine.h"
#include "lib/err.h"

#include <stdio.h>
#include <string.h>
#include <openssl/err.h>
#ifndef OPENSSL_NO_ENGINE
#include <openssl/engine.h>
#endif

#ifndef OPENSSL_NO_ENGINE
/* A built-in or installed engine by name, else a shared object loaded through "dynamic". */
static ENGINE *engine_find(const char *id)
{
    ENGINE *e = ENGINE_by_id(id);
    if (e != NULL) {
        /* one loaded from the engines directory is not listed: list it, so that a later
         * lookup (engine_load_key) finds this same instance instead of loading another */
        if (!ENGINE_add(e))
            ERR_clear_error();
        return e;
    }
    e = ENGINE_by_id("dynamic");
    if (e != NULL && (!ENGINE_ctrl_cmd_string(e, "SO_PATH", id, 0) ||
                      !ENGINE_ctrl_cmd_string(e, "LIST_ADD", "1", 0) ||
                      !ENGINE_ctrl_cmd_string(e, "LOAD", NULL, 0))) {
        ENGINE_free(e);
        e = NULL;
    }
    return e;
}

void engine_setup(const char *id)
{
    if (strcmp(id, "auto") == 0) {
        fputs("Enabling auto ENGINE support\n", stderr);
        ENGINE_register_all_complete();
        return;
    }
    ENGINE *e = engine_find(id);
    if (e == NULL) {
        err_ssl("invalid engine \"%s\"; going on without it", id);
        return;
    }
    /* the defaults hold their own reference: ours can go once they are set */
    if (!ENGINE_set_default(e, ENGINE_METHOD_ALL))
        err_ssl("cannot use engine \"%s\"; going on without it", ENGINE_get_id(e));
    else
        fprintf(stderr, "Engine \"%s\" set.\n", ENGINE_get_id(e));
    ENGINE_free(e);
    ERR_clear_error();
}

EVP_PKEY *engine_load_key(const char *id, const char *key_id, UI_METHOD *ui, void *ui_data,
                          const char *what)
{
    if (id == NULL) {
        err_msg("cannot load %s \"%s\": -keyform ENGINE needs -engine (the engine holding it)",
                what, key_id);
        return NULL;
    }
    EVP_PKEY *key = NULL;
    ENGINE *e = engine_find(id);
    if (e == NULL) {
        err_ssl("cannot load %s \"%s\": no engine \"%s\"", what, key_id, id);
        return NULL;
    }
    if (!ENGINE_init(e)) {
        err_ssl("cannot load %s \"%s\": engine \"%s\" does not start", what, key_id, id);
    } else {
        key = ENGINE_load_private_key(e, key_id, ui, ui_data);
        if (key == NULL)
            err_ssl("cannot load %s \"%s\" from engine \"%s\"", what, key_id, id);
        ENGINE_finish(e);
    }
    ENGINE_free(e);
    return key;
}
#else
void engine_setup(const char *id)
{
    err_warn("-engine %s: the linked OpenSSL has no engine support; going on without it", id);
}

EVP_PKEY *engine_load_key(const char *id, const char *key_id, UI_METHOD *ui, void *ui_data,
                          const char *what)
{
    (void)id, (void)ui, (void)ui_data;
    err_msg("cannot load %s \"%s\": the linked OpenSSL has no engine support", what, key_id);
    return NULL;
}
#endif
