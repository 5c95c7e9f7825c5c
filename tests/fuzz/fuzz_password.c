/* Pass phrase sources (load_password): "pass:", "env:", "file:", "fd:", "stdin" and junk.
 * Sources that could block or touch the machine are tamed first: stdin and the one fd a
 * source may name are /dev/null, and "file:" names only files in a private directory made
 * at start (a pass phrase file, an empty one, one without a newline, and a directory). */
#include "lib/load.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[64];
static int null_fd = -1;

static void write_file(const char *name, const char *text)
{
    char path[128];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (f == NULL)
        abort();
    fputs(text, f);
    fclose(f);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    snprintf(dir, sizeof(dir), "/tmp/fuzz_password.XXXXXX");
    if (mkdtemp(dir) == NULL)
        abort();
    write_file("pw", "secret\nsecond line\n");
    write_file("empty", "");
    write_file("nonl", "no newline at the end");
    write_file("crlf", "dos\r\n");
    char sub[128];
    snprintf(sub, sizeof(sub), "%s/dir", dir);
    mkdir(sub, 0700);
    null_fd = open("/dev/null", O_RDONLY);
    if (null_fd < 0 || dup2(null_fd, STDIN_FILENO) < 0)
        abort();
    setenv("FUZZ_PW", "from the environment", 1);
    setenv("FUZZ_EMPTY", "", 1);
    return 0;
}

/* 1 when fd:TEXT would name a descriptor other than /dev/null (the fuzzer's own files). */
static int names_foreign_fd(const char *text)
{
    char *end = NULL;
    errno = 0;
    long fd = strtol(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0')
        return 0;
    return fd != null_fd && fd != STDIN_FILENO && fd >= 0 && fd <= 65535;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 2048 || memchr(data, '\0', size) != NULL)
        return 0;
    char src[2048 + 128];
    memcpy(src, data, size);
    src[size] = '\0';
    if (strncmp(src, "fd:", 3) == 0 && names_foreign_fd(src + 3))
        return 0;
    if (strncmp(src, "file:", 5) == 0) {
        /* only names inside the private directory */
        if (strchr(src + 5, '/') != NULL)
            return 0;
        char name[2048];
        snprintf(name, sizeof(name), "%s", src + 5);
        snprintf(src, sizeof(src), "file:%s/%s", dir, name);
    }
    int failed = -1;
    char *pw = load_password(src, &failed);
    if ((pw == NULL) != (failed == 1))
        abort(); /* the contract: NULL exactly when it failed */
    if (pw != NULL && strpbrk(pw, "\r\n") != NULL && strncmp(src, "pass:", 5) != 0 &&
        strncmp(src, "env:", 4) != 0)
        abort(); /* a line source must stop at the line's end */
    load_password_free(pw);
    return 0;
}
