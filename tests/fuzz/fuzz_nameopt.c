/* -nameopt values (print_nameopt_valid, print_nameopt_flags), then a name with awkward
 * characters printed with the flags they give, as the reports would print it. */
#include "lib/print.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/x509.h>

static X509_NAME *name;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    /* Escapes, multi-valued RDNs, a UTF-8 string and an OID without a short name. */
    name = X509_NAME_new();
    static const unsigned char utf8[] = "J\xc3\xbcrgen \"Q\" <x>, +;=";
    if (name == NULL ||
        !X509_NAME_add_entry_by_txt(name, "C", MBSTRING_ASC, (const unsigned char *)"DE", -1,
                                    -1, 0) ||
        !X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, utf8, -1, -1, 0) ||
        !X509_NAME_add_entry_by_txt(name, "OU", MBSTRING_ASC,
                                    (const unsigned char *)"# leading hash ", -1, -1, 1) ||
        !X509_NAME_add_entry_by_txt(name, "1.2.3.4.5", MBSTRING_ASC,
                                    (const unsigned char *)"\x01\x7f", -1, -1, 0) ||
        !X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                    (const unsigned char *)"example.com", -1, -1, 0))
        abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1024 || memchr(data, '\0', size) != NULL)
        return 0;
    char text[1025];
    memcpy(text, data, size);
    text[size] = '\0';
    int valid = print_nameopt_valid(text);
    unsigned long flags = print_nameopt_flags(text);
    if (!valid && flags != XN_FLAG_ONELINE)
        abort(); /* an invalid value falls back to openssl's default */
    BIO *out = BIO_new(BIO_s_mem());
    if (out == NULL)
        return 0;
    print_name(out, name, flags);
    BIO_free(out);
    return 0;
}
