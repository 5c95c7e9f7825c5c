/* One funnel for errors and warnings: every message is one line starting with the program name,
 * and an OpenSSL error queue is turned into its most telling reason. */
#ifndef TLSTOOL_ERR_H
#define TLSTOOL_ERR_H

#include <openssl/ssl.h>

/* Prints "PROG: MESSAGE" to stderr. */
void err_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints "PROG: warning: MESSAGE". */
void err_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints "PROG: MESSAGE: REASON", REASON taken from the OpenSSL error queue (its last entry,
 * the one nearest the cause as the library reports it); clears the queue. */
void err_ssl(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Copies the most telling reason of the error queue into buf (without clearing it). Returns buf. */
const char *err_queue_reason(char *buf, size_t len);
/* Explains why an SSL_connect/accept/read/write returning ret failed, as one sentence
 * ("peer closed the connection", "TLS alert from peer: handshake failure", ...). */
const char *err_ssl_io_reason(SSL *ssl, int ret, char *buf, size_t len);
/* Prints the whole error queue the way openssl does (for -debug style output), clearing it. */
void err_print_queue(void);

#endif
