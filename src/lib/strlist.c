/* Growable lists of borrowed strings. */
#include "lib/strlist.h"

#include <stdio.h>
#include <stdlib.h>

static int grow(void **arr, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t ncap = *cap ? *cap * 2 : 8;
    void *p = realloc(*arr, ncap * elem);
    if (p == NULL) {
        fputs("out of memory\n", stderr);
        return -1;
    }
    *arr = p;
    *cap = ncap;
    return 0;
}

int strlist_add(struct strlist *l, const char *s)
{
    if (grow((void **)&l->v, &l->cap, l->n + 1, sizeof(*l->v)) < 0)
        return -1;
    l->v[l->n++] = s;
    return 0;
}

int kvlist_add(struct kvlist *l, const char *key, const char *value)
{
    if (grow((void **)&l->v, &l->cap, l->n + 1, sizeof(*l->v)) < 0)
        return -1;
    l->v[l->n].key = key;
    l->v[l->n].value = value;
    l->n++;
    return 0;
}

void strlist_free(struct strlist *l)
{
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
}

void kvlist_free(struct kvlist *l)
{
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
}
