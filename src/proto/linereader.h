/* A bounded reader for the clear-text part of STARTTLS dialogues: lines, delimited chunks and
 * exact byte counts, every wait bounded by a deadline, and never a byte consumed past what the
 * caller asked for, so the TLS records that follow stay in the socket for the TLS library. */
#ifndef TLSTOOL_PROTO_LINEREADER_H
#define TLSTOOL_PROTO_LINEREADER_H

#include <stdio.h>
#include <stddef.h>
#include <sys/types.h>

/* Longest line kept; longer lines are consumed whole but kept truncated (lr->truncated). */
#define LR_LINE_MAX 2048
/* Most bytes a server may send before TLS starts; more is treated as hostile. */
#define LR_TOTAL_MAX (64 * 1024)
/* Room for the sanitised summary of the current reply that error messages quote. */
#define LR_REPLY_MAX 240

/* Status codes of an lr_io callback besides a byte count. */
#define LR_EOF 0
#define LR_ERROR (-1)
#define LR_TIMEOUT (-2)
#define LR_AGAIN (-3)

/* Where the bytes come from and go to: a socket, or memory in unit tests and the fuzzer. */
struct lr_io {
    /* Waits at most timeout_ms for input, then copies up to len available bytes into buf without
     * consuming them. Returns the count (> 0), LR_EOF at end of stream, LR_TIMEOUT, LR_AGAIN
     * (interrupted: call again) or LR_ERROR with errno set. */
    ssize_t (*peek)(void *ctx, void *buf, size_t len, int timeout_ms);
    /* Consumes the first n bytes of what the last peek returned. Returns 0, or -1 with errno. */
    int (*consume)(void *ctx, size_t n);
    /* Writes all of buf within timeout_ms. Returns 0, LR_TIMEOUT or LR_ERROR with errno set. */
    int (*write)(void *ctx, const void *buf, size_t len, int timeout_ms);
    void *ctx;
};

/* Called with every chunk read (written == 0) or written (written == 1); may hex-dump it. */
typedef void lr_trace_fn(void *arg, int written, const void *buf, size_t len);

struct linereader {
    const struct lr_io *io;
    int timeout_ms;        /* budget for each reply (set by lr_expect) and each write */
    long long deadline_ms; /* monotonic time at which the current wait gives up */
    const char *what;      /* what is awaited, e.g. "the SMTP greeting", for messages */
    const char *proto;     /* protocol name that starts failure messages */
    size_t total;          /* bytes consumed so far, at most LR_TOTAL_MAX */
    FILE *debug;           /* if non-NULL, the dialogue is written here as text */
    lr_trace_fn *trace;    /* optional raw byte hook */
    void *trace_arg;
    char *err; /* where the one-line failure reason goes */
    size_t errlen;
    char line[LR_LINE_MAX];   /* last line or chunk read, NUL-terminated, CR LF stripped */
    size_t len;               /* its length (it may contain NUL bytes from a hostile peer) */
    int truncated;            /* 1 if the last line was longer than LR_LINE_MAX - 1 */
    char reply[LR_REPLY_MAX]; /* sanitised lines of the current reply, " | " between them */
};

/* Prepares lr over io. err must hold errlen bytes; it is set to "" here. */
void lr_init(struct linereader *lr, const struct lr_io *io, const char *proto, int timeout_ms,
             char *err, size_t errlen);

/* Starts waiting for a new reply: sets a fresh deadline, names it for error messages ("the IMAP
 * greeting") and empties lr->reply. */
void lr_expect(struct linereader *lr, const char *what);

/* Reads up to and including the next delim byte into lr->line; for '\n' the line ending (LF or
 * CR LF) is stripped, any other delim is kept. Returns 0, or -1 with lr->err set (timeout,
 * close, more than LR_TOTAL_MAX bytes in all). */
int lr_read_until(struct linereader *lr, int delim);
/* lr_read_until(lr, '\n'). */
int lr_read_line(struct linereader *lr);
/* Reads exactly n bytes into buf (not echoed to lr->debug: see lr_debug). Returns 0, or -1
 * with lr->err set. */
int lr_read_exact(struct linereader *lr, void *buf, size_t n);
/* Takes up to n bytes that have already arrived, without waiting (to quote what follows
 * garbage). Returns the count, 0 if none or on any failure. */
size_t lr_read_now(struct linereader *lr, void *buf, size_t n);
/* Writes a message to lr->debug, if set, as "DIR TEXT" with the bytes sanitised. */
void lr_debug(struct linereader *lr, const char *dir, const void *buf, size_t n);

/* Writes all of buf. Returns 0, or -1 with lr->err set. */
int lr_write(struct linereader *lr, const void *buf, size_t n);
/* Formats (bounded) and writes. Returns 0, or -1 with lr->err set (also if it does not fit). */
int lr_writef(struct linereader *lr, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Sets lr->err to "PROTO: MESSAGE" and returns -1, so callers can `return lr_fail(...)`. */
int lr_fail(struct linereader *lr, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Fails with "garbage from server while waiting for WHAT: 'LINE'" quoting the last line. */
int lr_fail_garbage(struct linereader *lr);
/* The same quoting buf[0..n) instead. */
int lr_fail_garbage_bytes(struct linereader *lr, const void *buf, size_t n);

/* Copies src[0..n) into dst as printable ASCII: other bytes become \xHH, and past max_out
 * characters the rest is replaced by "...". dst is always NUL-terminated. Returns dst. */
char *lr_sanitize(char *dst, size_t dstlen, const void *src, size_t n, size_t max_out);

/* 1 if word occurs in s as a whole word, ignoring case. Words are delimited by blanks,
 * brackets, parentheses and double quotes (not by '.' or '-': "mail.starttls.test" holds no
 * word STARTTLS). */
int lr_has_word(const char *s, const char *word);
/* 1 if s starts with prefix, ignoring case. */
int lr_starts_with(const char *s, const char *prefix);

/* An lr_io over a connected socket, blocking or not: every wait is a poll(). */
struct lr_sock {
    int fd;
};
/* Fills io to read and write sock (which must outlive io). */
void lr_sock_io(struct lr_io *io, struct lr_sock *sock);

#endif
