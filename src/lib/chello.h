/* ClientHello analysis for s_server: parse the raw ClientHello a client sent (every list in
 * wire order, GREASE values kept and marked), compute its JA3 and JA4 fingerprints, and print
 * it as text or JSON.
 *
 * Everything here treats its input as hostile: every length is checked against what is left,
 * nothing is read past the end, and lists of any size are handled (they are counted exactly
 * even where the text report abbreviates). A malformed *known* extension does not fail the
 * parse: it is marked malformed and its contents are left out, as the fingerprints only need
 * its type.
 *
 * Fingerprints follow their published definitions: JA3 (Salesforce: "SSLVersion,Ciphers,
 * Extensions,EllipticCurves,EllipticCurvePointFormats" in decimal, GREASE dropped, MD5) and
 * JA4 (FoxIO, client side: "t13d1516h2_<ciphers>_<extensions+sigalgs>"). */
#ifndef TLSTOOL_CHELLO_H
#define TLSTOOL_CHELLO_H

#include "lib/json.h"
#include "lib/textbuf.h"

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <openssl/bio.h>
#include <openssl/ssl.h>

/* The largest ClientHello we keep (as libssl does, generous for padded or post-quantum
 * hellos); a longer one is reported as too long. */
#define CHELLO_MAX_MSG 131396

struct chello_u16s {
    uint16_t *v;
    size_t n;
};

struct chello_bytes {
    const unsigned char *p; /* points into struct chello's copy of the message */
    size_t n;
};

struct chello_ext {
    uint16_t type;
    struct chello_bytes data;
    int malformed; /* a known extension whose contents did not parse */
};

struct chello_key_share {
    uint16_t group;
    size_t key_len;
};

struct chello {
    unsigned char *msg; /* our copy of the handshake message, header included */
    size_t msg_len;
    uint16_t legacy_version;
    struct chello_bytes random, session_id, compressions;
    struct chello_u16s ciphers;
    struct chello_ext *exts;
    size_t n_exts;
    int has_extensions_block;

    /* from the extensions (first occurrence of each) */
    struct chello_u16s versions, groups, sigalgs;
    struct chello_key_share *key_shares;
    size_t n_key_shares;
    struct chello_bytes point_formats, psk_modes;
    struct chello_bytes *alpn;
    size_t n_alpn;
    struct chello_bytes sni; /* the first host_name; p NULL when none */
    int has_sni_ext, has_alpn_ext;

    int dtls;                   /* a DTLS ClientHello: it has a cookie, JA4 says 'd' */
    struct chello_bytes cookie; /* DTLS only */
};

/* True for the RFC 8701 GREASE values (0x0a0a, 0x1a1a, ... 0xfafa). */
int chello_is_grease(uint16_t v);

/* Parses msg (len bytes): one handshake message, i.e. type 1 (client_hello), a 24-bit
 * length, then the body, exactly as the message callback or a record reassembly gives it.
 * Returns 0 and fills ch (free it with chello_free), or -1 with ch empty and *why set to a
 * static phrase naming the first thing wrong. */
int chello_parse(struct chello *ch, const unsigned char *msg, size_t len, const char **why);
/* The same for a DTLS ClientHello, given in the same form (a DTLS capture reassembles its
 * fragments into it): its body has the cookie after the session id. */
int chello_parse_dtls(struct chello *ch, const unsigned char *msg, size_t len, const char **why);
void chello_free(struct chello *ch);

/* Reassembles the first handshake message of a TLS connection from the bytes a server reads
 * (records as they come off the wire, cut anywhere), or of a DTLS association from its
 * datagrams (set dtls after chello_capture_init: each feed is then one whole datagram, and
 * the message's fragments are put together in the TLS form chello_parse_dtls takes). */
struct chello_capture {
    unsigned char hdr[5];
    size_t hdr_have; /* bytes of the current record header seen */
    size_t rec_left; /* payload bytes of the current record still to come */
    unsigned char *msg;
    size_t have, cap;
    int state;       /* 0 collecting, 1 complete, -1 given up */
    const char *why; /* for state -1 */
    int dtls;
    unsigned int dtls_seq; /* DTLS: message_seq of the message being put together */
};
void chello_capture_init(struct chello_capture *c);
/* Feeds len more bytes. Returns 1 once the whole message is there (more input is then
 * ignored, except that in DTLS a later ClientHello, the one answering a HelloVerifyRequest,
 * replaces it), 0 while more is needed, -1 when the stream is not a TLS (or DTLS) ClientHello
 * (c->why). */
int chello_capture_feed(struct chello_capture *c, const unsigned char *data, size_t len);
void chello_capture_free(struct chello_capture *c);

/* A server's recorder (chello_bio.c): a filter under ssl's read BIO (set it first) that copies
 * the client's first handshake message off the wire (TLS or DTLS, as ssl is). -debug still
 * sees the transport below it, and -msg/-trace keep the message callback. Returns 0 (also when
 * ssl has a recorder already), or -1 when out of memory. */
int chello_record(SSL *ssl);
/* SSL_set_bio(ssl, bio, bio) that keeps ssl's recorder, and what it recorded, above the new
 * transport: for a DTLS server going on, on its own socket, with what DTLSv1_listen() began. */
void chello_set_bio(SSL *ssl, BIO *bio);
/* The hello recorded on ssl, parsed on first call; NULL, with *why, when nothing was recorded,
 * it was not a TLS ClientHello or did not parse. Valid until ssl is freed. */
const struct chello *chello_recorded(SSL *ssl, const char **why);
/* When the recorder saw the client's first byte (CLOCK_MONOTONIC). Returns 0, or -1 when it
 * saw none. */
int chello_first_byte(SSL *ssl, struct timespec *when);

/* JA3: the text appended to t and its MD5 as 32 hex digits into md5hex. Returns 0, or -1
 * when out of memory or MD5 is not available (the hash is then not computed). */
int chello_ja3(const struct chello *ch, struct textbuf *t, char md5hex[33]);

/* JA4 (client) for a hello carried over transport 't' (TLS over TCP), 'd' (DTLS) or 'q'
 * (QUIC): the fingerprint into ja4 (37 bytes with the NUL). When raw is not NULL, the raw
 * form ("JA4_r": the sorted hex lists instead of their hashes) is appended to it. Returns 0,
 * or -1 when out of memory. */
int chello_ja4(const struct chello *ch, char transport, char ja4[37], struct textbuf *raw);

/* Names for the report; NULL when the value has none we know. ssl names cipher suites the
 * library knows (any SSL will do; NULL: code points only). */
const char *chello_ext_name(uint16_t type);
const char *chello_group_name(uint16_t group);
const char *chello_sigalg_name(uint16_t sigalg);
const char *chello_version_name(uint16_t version);
const char *chello_cipher_name(SSL *ssl, uint16_t cipher);

/* The verbose text report ("Client Hello:" ... "JA4: ..."), each line ending in '\n', appended
 * to t, or written to out. */
void chello_text(struct textbuf *t, const struct chello *ch, SSL *ssl);
void chello_print(BIO *out, const struct chello *ch, SSL *ssl);
/* One line for -brief: "Client Hello JA4: ...". */
void chello_print_brief(BIO *out, const struct chello *ch);
/* The same as one JSON object (member key of the current object, or NULL in an array). */
void chello_json(struct json *j, const char *key, const struct chello *ch, SSL *ssl);

#endif
