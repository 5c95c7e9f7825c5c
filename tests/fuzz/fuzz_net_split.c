/* "host:port" splitting (net_split), as -connect, -accept and -bind use it. The first byte
 * picks which defaults are given. Checks: the parts come from the text (or the defaults),
 * and a bracketed host never keeps its brackets. */
#include "lib/net.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void check_part(const char *part, const char *text, const char *def)
{
    if (part == NULL)
        return;
    if (def != NULL && strcmp(part, def) == 0)
        return;
    if (strstr(text, part) == NULL)
        abort(); /* a part that is neither in the text nor the default */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 1024 || memchr(data + 1, '\0', size - 1) != NULL)
        return 0;
    char text[1024];
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    const char *defhost = data[0] & 1 ? "localhost" : NULL;
    const char *defport = data[0] & 2 ? "4433" : NULL;
    char *host = NULL, *port = NULL;
    if (net_split(text, defhost, defport, &host, &port) == 0) {
        check_part(host, text, defhost);
        check_part(port, text, defport);
        if (text[0] == '[' && host != NULL && strcmp(host, defhost ? defhost : "") != 0 &&
            strchr(host, ']') != NULL)
            abort();
    } else if (host != NULL || port != NULL) {
        abort(); /* nothing to free after a failure */
    }
    free(host);
    free(port);
    return 0;
}
