/* Growable lists of borrowed strings (they point into argv or static text; never freed here). */
#ifndef TLSTOOL_STRLIST_H
#define TLSTOOL_STRLIST_H

#include <stddef.h>

struct strlist {
    const char **v;
    size_t n, cap;
};

/* A list of name/value pairs, in the order given. */
struct kv {
    const char *key, *value;
};
struct kvlist {
    struct kv *v;
    size_t n, cap;
};

/* Append; returns 0, or -1 when out of memory (already reported). */
int strlist_add(struct strlist *l, const char *s);
int kvlist_add(struct kvlist *l, const char *key, const char *value);

/* Frees the arrays (not the strings). */
void strlist_free(struct strlist *l);
void kvlist_free(struct kvlist *l);

#endif
