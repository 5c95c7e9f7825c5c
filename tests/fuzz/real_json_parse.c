/* The real-parser half of fuzz_json.c: json-c, in a file of its own because its json_bool
 * type and the writer's json_bool() cannot share one. */
#include <json-c/json.h>
#include <string.h>

int fuzz_json_real_parse(const char *text, size_t len, const void *want, size_t want_len);

int fuzz_json_real_parse(const char *text, size_t len, const void *want, size_t want_len)
{
    struct json_tokener *tok = json_tokener_new_ex(64);
    if (tok == NULL)
        return 0;
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
    struct json_object *v = json_tokener_parse_ex(tok, text, (int)len); /* NULL for null too */
    /* a number alone at the very end may still be "continuing": the end of input ends it */
    if (v == NULL && json_tokener_get_error(tok) == json_tokener_continue)
        v = json_tokener_parse_ex(tok, "", 1);
    int ok = json_tokener_get_error(tok) == json_tokener_success;
    size_t used = ok ? json_tokener_get_parse_end(tok) : 0;
    while (ok && used < len && strchr(" \t\r\n", text[used]) != NULL && text[used] != '\0')
        used++;
    ok = ok && used >= len;
    if (ok && want != NULL)
        ok = json_object_is_type(v, json_type_string) &&
             (size_t)json_object_get_string_len(v) == want_len &&
             memcmp(json_object_get_string(v), want, want_len) == 0;
    json_object_put(v);
    json_tokener_free(tok);
    return ok;
}
