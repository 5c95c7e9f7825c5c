/* The -www status page (also -WWW's /stats), laid out as openssl 3.0 lays it out. The parts
 * that are the same for every connection (headers, the command line, the cipher table) are
 * made once at start-up; per connection only the rest is written. */
#include "server/page.h"
#include "server/chello_report.h"
#include "proto/http.h"
#include "lib/outfmt.h"

#include <stdlib.h>
#include <string.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

/* Copies what a memory BIO holds into a malloc'd string; frees the BIO. NULL when empty or
 * out of memory. */
static char *bio_take(BIO *mem, size_t *len)
{
    char *data = NULL, *copy = NULL;
    long n = mem != NULL ? BIO_get_mem_data(mem, &data) : 0;
    if (n > 0 && (copy = malloc((size_t)n + 1)) != NULL) {
        memcpy(copy, data, (size_t)n);
        copy[n] = '\0';
        *len = (size_t)n;
    }
    BIO_free(mem);
    return copy;
}

char *page_head(const char *cmdline, size_t *len)
{
    BIO *mem = BIO_new(BIO_s_mem());
    if (mem == NULL)
        return NULL;
    http_ok_head(mem, "text/html; charset=UTF-8");
    /* openssl's page with the charset declared, so browsers need not guess */
    BIO_puts(mem, "<HTML><HEAD><meta charset=\"UTF-8\"></HEAD><BODY BGCOLOR=\"#ffffff\">\n"
                  "<pre>\n\n");
    http_html_escape(mem, cmdline);
    BIO_puts(mem, "\n");
    return bio_take(mem, len);
}

/* "TLSv1.3    :TLS_AES_256_GCM_SHA384    " two to a line. */
char *page_ciphers(SSL_CTX *ctx, size_t *len)
{
    BIO *mem = BIO_new(BIO_s_mem());
    if (mem == NULL)
        return NULL;
    STACK_OF(SSL_CIPHER) *ciphers = SSL_CTX_get_ciphers(ctx);
    int n = sk_SSL_CIPHER_num(ciphers);
    BIO_puts(mem, "Ciphers supported in s_server binary\n");
    for (int i = 0; i < n; i++) {
        const SSL_CIPHER *c = sk_SSL_CIPHER_value(ciphers, i);
        out_printf(mem, "%-11s:%-25s ", SSL_CIPHER_get_version(c), SSL_CIPHER_get_name(c));
        if ((i & 1) || i == n - 1)
            BIO_puts(mem, "\n");
    }
    return bio_take(mem, len);
}

/* The ciphers both sides could use, in columns of 26 characters, three to a line. */
static void page_shared_ciphers(BIO *out, SSL *ssl)
{
    char list[8192];
    server_shared_ciphers(ssl, list, sizeof(list));
    BIO_puts(out, "---\nCiphers common between both SSL end points:\n");
    int col = 0;
    for (const char *p = list; *p != '\0';) {
        size_t n = strcspn(p, ":");
        BIO_write(out, p, (int)n);
        p += n;
        if (*p == '\0')
            break;
        p++;
        for (; n < 26; n++)
            BIO_puts(out, " ");
        BIO_puts(out, ++col % 3 == 0 ? "\n" : " ");
    }
    BIO_puts(out, "\n");
}

void page_write(BIO *out, SSL *ssl, const struct server *srv)
{
    BIO_write(out, srv->page_head, (int)srv->page_head_len);
    print_renegotiation(out, ssl);
    BIO_write(out, srv->page_ciphers, (int)srv->page_ciphers_len);
    page_shared_ciphers(out, ssl);
    print_sigalgs(out, ssl);
    print_groups(out, ssl);
    out_printf(out, "---\n%s, %s, Cipher is %s\n", SSL_session_reused(ssl) ? "Reused" : "New",
               SSL_get_version(ssl), SSL_CIPHER_get_name(SSL_get_current_cipher(ssl)));
    print_session(out, ssl);
    BIO_puts(out, "---\n");
    server_print_stats(out, SSL_get_SSL_CTX(ssl));
    BIO_puts(out, "---\n");
    X509 *peer = SSL_get0_peer_certificate(ssl);
    if (peer != NULL) {
        BIO_puts(out, "Client certificate\n");
        X509_print(out, peer);
        PEM_write_bio_X509(out, peer);
    } else {
        BIO_puts(out, "no client certificate available\n");
    }
    server_chello_page(out, ssl);
    BIO_puts(out, "</pre></BODY></HTML>\r\n\r\n");
}
