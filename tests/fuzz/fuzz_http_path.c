/* -WWW/-HTTP request paths to file names (http_file_path), the check that keeps the responders
 * inside their directory. Besides memory safety, what it accepts is checked independently
 * here: relative, no ".." segment, no '\\' or ':', and it fits the buffer. The first byte
 * picks the buffer size, so that short buffers are tried too. */
#include "proto/http.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* 1 when a '/'-separated segment of p is exactly "..". */
static int dotdot_segment(const char *p)
{
    for (const char *s = p; *s != '\0';) {
        size_t n = strcspn(s, "/");
        if (n == 2 && s[0] == '.' && s[1] == '.')
            return 1;
        s += n;
        s += *s == '/';
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 4096 || memchr(data + 1, '\0', size - 1) != NULL)
        return 0;
    char path[4096];
    memcpy(path, data + 1, size - 1);
    path[size - 1] = '\0';
    size_t outlen = 1 + data[0] * 8u; /* 1 .. 2041 */
    char *out = malloc(outlen);
    const char *why = NULL;
    if (out == NULL)
        return 0;
    if (http_file_path(path, out, outlen, &why) == 0) {
        if (memchr(out, '\0', outlen) == NULL || out[0] == '/' || dotdot_segment(out) ||
            strpbrk(out, "\\:") != NULL)
            abort(); /* a name that leaves the directory, or is not terminated */
        (void)http_content_type(out);
    } else if (why == NULL || *why == '\0') {
        abort(); /* a refusal says why */
    }
    free(out);
    return 0;
}
