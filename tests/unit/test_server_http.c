/* Table-driven tests of what the -WWW/-HTTP responders make of a request path: the name of a
 * file below the served directory, or a refusal (anything that could leave the directory),
 * and of the checks made when the file is opened (symbolic links, non-files). */
#include "proto/http.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tap.h"

struct path_case {
    const char *path;
    const char *want; /* the file name, or NULL for a refusal */
};

static const struct path_case path_cases[] = {
    {"/index.html", "index.html"},
    {"/a/b/c.txt", "a/b/c.txt"},
    {"/a/./b.txt", "a/./b.txt"},
    {"/with%20space.txt", "with space.txt"},
    {"/page.html?x=1&y=../../etc", "page.html"},
    {"/frag.html#../x", "frag.html"},
    {"/", ""},
    {"/..", NULL},
    {"/../etc/passwd", NULL},
    {"/a/../../b", NULL},
    {"/a/..", NULL},
    {"//etc/passwd", NULL},
    {"/%2e%2e/x", NULL},
    {"/%2E%2e/x", NULL},
    {"/a%2f..%2f..%2fb", NULL},
    {"/%2fetc/passwd", NULL},
    {"/..%5cwin.ini", NULL},
    {"/a\\..\\b", NULL},
    {"/c:/x", NULL},
    {"/%00", NULL},
    {"/x%0", NULL},
    {"/x%zz", NULL},
    {"/x%", NULL},
    {"relative", NULL},
    {"http://host/x", NULL},
    {"/...", "..."},
    {"/..x", "..x"},
    {"/x..", "x.."},
};

static void test_paths(void)
{
    for (size_t i = 0; i < sizeof(path_cases) / sizeof(path_cases[0]); i++) {
        const struct path_case *t = &path_cases[i];
        char out[PATH_MAX] = "unset";
        const char *why = NULL;
        int rc = http_file_path(t->path, out, sizeof(out), &why);
        if (t->want == NULL)
            ok(rc < 0 && why != NULL, "\"%s\" is refused (%s)", t->path, why ? why : "accepted");
        else
            ok(rc == 0 && strcmp(out, t->want) == 0, "\"%s\" is the file \"%s\" (got \"%s\")",
               t->path, t->want, rc == 0 ? out : "refused");
    }
    char tiny[4];
    const char *why = NULL;
    ok(http_file_path("/longer-than-tiny", tiny, sizeof(tiny), &why) < 0,
       "a name longer than the buffer is refused, not cut");
}

static void test_types(void)
{
    ok(strcmp(http_content_type("a.html"), "text/html") == 0, ".html is text/html");
    ok(strcmp(http_content_type("a.HTM"), "text/html") == 0, ".HTM is text/html");
    ok(strcmp(http_content_type("x/a.php"), "text/html") == 0, ".php is text/html");
    ok(strcmp(http_content_type("a.txt"), "text/plain") == 0, ".txt is text/plain");
    ok(strcmp(http_content_type("dir.html/file"), "text/plain") == 0,
       "only the last component's extension counts");
}

/* A scratch tree: root/{in.txt, sub/, link-in -> in.txt, link-out -> ../outside.txt}. */
static void test_open(void)
{
    char base[] = "/tmp/test_server_http.XXXXXX";
    if (mkdtemp(base) == NULL) {
        ok(0, "scratch directory");
        return;
    }
    char root[PATH_MAX], p[PATH_MAX + 64];
    snprintf(root, sizeof(root), "%s/root", base);
    mkdir(root, 0700);
    snprintf(p, sizeof(p), "%s/sub", root);
    mkdir(p, 0700);
    snprintf(p, sizeof(p), "%s/in.txt", root);
    FILE *f = fopen(p, "w");
    if (f != NULL) {
        fputs("hello\n", f);
        fclose(f);
    }
    snprintf(p, sizeof(p), "%s/outside.txt", base);
    if ((f = fopen(p, "w")) != NULL)
        fclose(f);
    snprintf(p, sizeof(p), "%s/link-in", root);
    ok(symlink("in.txt", p) == 0, "made link-in");
    snprintf(p, sizeof(p), "%s/link-out", root);
    ok(symlink("../outside.txt", p) == 0, "made link-out");

    long long size = -1;
    int status = 0;
    int fd = http_open_file(root, "in.txt", &size, &status);
    ok(fd >= 0 && status == 200 && size == 6, "a file inside opens (200, its size)");
    if (fd >= 0)
        close(fd);
    fd = http_open_file(root, "link-in", &size, &status);
    ok(fd >= 0 && status == 200, "a link that stays inside opens");
    if (fd >= 0)
        close(fd);
    fd = http_open_file(root, "link-out", &size, &status);
    ok(fd < 0 && status == 403, "a link leading outside is refused (403)");
    fd = http_open_file(root, "sub", &size, &status);
    ok(fd < 0 && status == 404, "a directory is not served (404)");
    fd = http_open_file(root, "", &size, &status);
    ok(fd < 0 && status == 404, "the root itself is not served");
    fd = http_open_file(root, "missing", &size, &status);
    ok(fd < 0 && status == 404, "a missing file is 404");

    char cmd[PATH_MAX + 16];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", base);
    ok(system(cmd) == 0, "scratch directory removed");
}

int main(void)
{
    test_paths();
    test_types();
    test_open();
    printf("1..%d\n", tests_run);
    return tests_failed != 0;
}
