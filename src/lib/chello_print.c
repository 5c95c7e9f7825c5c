/* The ClientHello report: names for code points, the verbose text, the -brief line and the
 * JSON object (see chello.h). Names are the IANA registry's. */
#include "lib/chello.h"
#include "lib/outfmt.h"
#include "lib/textbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct code_name {
    uint16_t code;
    const char *name;
};

static const struct code_name ext_names[] = {
    {0, "server_name"},
    {1, "max_fragment_length"},
    {2, "client_certificate_url"},
    {3, "trusted_ca_keys"},
    {4, "truncated_hmac"},
    {5, "status_request"},
    {6, "user_mapping"},
    {7, "client_authz"},
    {8, "server_authz"},
    {9, "cert_type"},
    {10, "supported_groups"},
    {11, "ec_point_formats"},
    {12, "srp"},
    {13, "signature_algorithms"},
    {14, "use_srtp"},
    {15, "heartbeat"},
    {16, "application_layer_protocol_negotiation"},
    {17, "status_request_v2"},
    {18, "signed_certificate_timestamp"},
    {19, "client_certificate_type"},
    {20, "server_certificate_type"},
    {21, "padding"},
    {22, "encrypt_then_mac"},
    {23, "extended_master_secret"},
    {24, "token_binding"},
    {25, "cached_info"},
    {26, "tls_lts"},
    {27, "compress_certificate"},
    {28, "record_size_limit"},
    {29, "pwd_protect"},
    {30, "pwd_clear"},
    {31, "password_salt"},
    {32, "ticket_pinning"},
    {33, "tls_cert_with_extern_psk"},
    {34, "delegated_credential"},
    {35, "session_ticket"},
    {36, "TLMSP"},
    {37, "TLMSP_proxying"},
    {38, "TLMSP_delegate"},
    {39, "supported_ekt_ciphers"},
    {41, "pre_shared_key"},
    {42, "early_data"},
    {43, "supported_versions"},
    {44, "cookie"},
    {45, "psk_key_exchange_modes"},
    {47, "certificate_authorities"},
    {48, "oid_filters"},
    {49, "post_handshake_auth"},
    {50, "signature_algorithms_cert"},
    {51, "key_share"},
    {52, "transparency_info"},
    {54, "connection_id"},
    {55, "external_id_hash"},
    {56, "external_session_id"},
    {57, "quic_transport_parameters"},
    {58, "ticket_request"},
    {59, "dnssec_chain"},
    {0x3374, "next_protocol_negotiation"},
    {0x4469, "application_settings_old"},
    {0x44cd, "application_settings"},
    {0xfe0d, "encrypted_client_hello"},
    {0xff01, "renegotiation_info"},
    {0, NULL},
};

static const struct code_name group_names[] = {
    {1, "sect163k1"},
    {2, "sect163r1"},
    {3, "sect163r2"},
    {4, "sect193r1"},
    {5, "sect193r2"},
    {6, "sect233k1"},
    {7, "sect233r1"},
    {8, "sect239k1"},
    {9, "sect283k1"},
    {10, "sect283r1"},
    {11, "sect409k1"},
    {12, "sect409r1"},
    {13, "sect571k1"},
    {14, "sect571r1"},
    {15, "secp160k1"},
    {16, "secp160r1"},
    {17, "secp160r2"},
    {18, "secp192k1"},
    {19, "secp192r1"},
    {20, "secp224k1"},
    {21, "secp224r1"},
    {22, "secp256k1"},
    {23, "secp256r1"},
    {24, "secp384r1"},
    {25, "secp521r1"},
    {26, "brainpoolP256r1"},
    {27, "brainpoolP384r1"},
    {28, "brainpoolP512r1"},
    {29, "x25519"},
    {30, "x448"},
    {31, "brainpoolP256r1tls13"},
    {32, "brainpoolP384r1tls13"},
    {33, "brainpoolP512r1tls13"},
    {256, "ffdhe2048"},
    {257, "ffdhe3072"},
    {258, "ffdhe4096"},
    {259, "ffdhe6144"},
    {260, "ffdhe8192"},
    {512, "MLKEM512"},
    {513, "MLKEM768"},
    {514, "MLKEM1024"},
    {0x11eb, "SecP256r1MLKEM768"},
    {0x11ec, "X25519MLKEM768"},
    {0x11ed, "SecP384r1MLKEM1024"},
    {0x6399, "X25519Kyber768Draft00"},
    {0, NULL},
};

static const struct code_name sigalg_names[] = {
    {0x0201, "rsa_pkcs1_sha1"},
    {0x0202, "dsa_sha1"},
    {0x0203, "ecdsa_sha1"},
    {0x0301, "rsa_pkcs1_sha224"},
    {0x0302, "dsa_sha224"},
    {0x0303, "ecdsa_sha224"},
    {0x0401, "rsa_pkcs1_sha256"},
    {0x0402, "dsa_sha256"},
    {0x0403, "ecdsa_secp256r1_sha256"},
    {0x0501, "rsa_pkcs1_sha384"},
    {0x0502, "dsa_sha384"},
    {0x0503, "ecdsa_secp384r1_sha384"},
    {0x0601, "rsa_pkcs1_sha512"},
    {0x0602, "dsa_sha512"},
    {0x0603, "ecdsa_secp521r1_sha512"},
    {0x0804, "rsa_pss_rsae_sha256"},
    {0x0805, "rsa_pss_rsae_sha384"},
    {0x0806, "rsa_pss_rsae_sha512"},
    {0x0807, "ed25519"},
    {0x0808, "ed448"},
    {0x0809, "rsa_pss_pss_sha256"},
    {0x080a, "rsa_pss_pss_sha384"},
    {0x080b, "rsa_pss_pss_sha512"},
    {0x081a, "ecdsa_brainpoolP256r1tls13_sha256"},
    {0x081b, "ecdsa_brainpoolP384r1tls13_sha384"},
    {0x081c, "ecdsa_brainpoolP512r1tls13_sha512"},
    {0x0904, "mldsa44"},
    {0x0905, "mldsa65"},
    {0x0906, "mldsa87"},
    {0xeded, "gostr34102001"},
    {0xeeee, "gostr34102012_256"},
    {0xefef, "gostr34102012_512"},
    {0, NULL},
};

static const struct code_name version_names[] = {
    {0x0304, "TLSv1.3"},  {0x0303, "TLSv1.2"}, {0x0302, "TLSv1.1"}, {0x0301, "TLSv1"},
    {0x0300, "SSLv3"},    {0x0002, "SSLv2"},   {0xfeff, "DTLSv1"},  {0xfefd, "DTLSv1.2"},
    {0xfefc, "DTLSv1.3"}, {0, NULL},
};

static const struct code_name compression_names[] = {
    {0, "null"},
    {1, "DEFLATE"},
    {64, "LZS"},
    {0, NULL},
};
static const struct code_name point_format_names[] = {
    {0, "uncompressed"},
    {1, "ansiX962_compressed_prime"},
    {2, "ansiX962_compressed_char2"},
    {0, NULL},
};
static const struct code_name psk_mode_names[] = {
    {0, "psk_ke"},
    {1, "psk_dhe_ke"},
    {0, NULL},
};

static const char *lookup(const struct code_name *t, uint16_t code)
{
    for (; t->name != NULL; t++)
        if (t->code == code)
            return t->name;
    return NULL;
}

const char *chello_ext_name(uint16_t type)
{
    return chello_is_grease(type) ? "GREASE" : lookup(ext_names, type);
}

const char *chello_group_name(uint16_t group)
{
    return chello_is_grease(group) ? "GREASE" : lookup(group_names, group);
}

const char *chello_sigalg_name(uint16_t sigalg)
{
    return chello_is_grease(sigalg) ? "GREASE" : lookup(sigalg_names, sigalg);
}

const char *chello_version_name(uint16_t version)
{
    return chello_is_grease(version) ? "GREASE" : lookup(version_names, version);
}

/* The library's own (OpenSSL) name, as openssl's reports spell cipher suites. */
const char *chello_cipher_name(SSL *ssl, uint16_t cipher)
{
    unsigned char cs[2] = {(unsigned char)(cipher >> 8), (unsigned char)cipher};
    if (chello_is_grease(cipher))
        return "GREASE";
    const SSL_CIPHER *c = ssl != NULL ? SSL_CIPHER_find(ssl, cs) : NULL;
    return c != NULL ? SSL_CIPHER_get_name(c) : NULL;
}

static const char *cipher_std_name(SSL *ssl, uint16_t cipher)
{
    unsigned char cs[2] = {(unsigned char)(cipher >> 8), (unsigned char)cipher};
    const SSL_CIPHER *c = ssl != NULL ? SSL_CIPHER_find(ssl, cs) : NULL;
    return c != NULL ? SSL_CIPHER_standard_name(c) : NULL;
}

/* JA4's first letter: the hello came over DTLS or TLS over TCP. */
static char transport(const struct chello *ch)
{
    return ch->dtls ? 'd' : 't';
}

/* ------------------------------------------------------------------ text */

/* The report is assembled in a textbuf and written in one go: it is made for every connection
 * the server reports (the -www page has it), and a BIO call per piece cost more than the rest. */

/* Bytes a peer chose (a host name, a protocol name), printable ASCII kept, the rest as \xNN. */
static void text_safe(struct textbuf *t, const unsigned char *p, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '\\') {
            run++;
            continue;
        }
        tb_put(t, p + i - run, run);
        run = 0;
        char esc[4] = {'\\', 'x', digits[p[i] >> 4], digits[p[i] & 15]};
        tb_put(t, esc, sizeof(esc));
    }
    tb_put(t, p + n - run, run);
}

/* "<sep>name (0x0017)", or "<sep>0x0017" for a code without a name. */
static void text_code(struct textbuf *t, const char *sep, uint16_t code, const char *name)
{
    tb_str(t, sep);
    if (name != NULL) {
        tb_str(t, name);
        tb_put(t, " (", 2);
        tb_hex4(t, code);
        tb_put(t, ")", 1);
    } else {
        tb_hex4(t, code);
    }
}

static void text_u16_line(struct textbuf *t, const char *title, const struct chello_u16s *l,
                          const char *(*name)(uint16_t))
{
    tb_put(t, "    ", 4);
    tb_str(t, title);
    tb_put(t, ":", 1);
    for (size_t i = 0; i < l->n; i++)
        text_code(t, i ? ", " : " ", l->v[i], name(l->v[i]));
    tb_str(t, l->n ? "\n" : " (none)\n");
}

static void text_u8_line(struct textbuf *t, const char *title, struct chello_bytes b,
                         const struct code_name *names)
{
    tb_put(t, "    ", 4);
    tb_str(t, title);
    tb_put(t, ":", 1);
    for (size_t i = 0; i < b.n; i++) {
        const char *nm = lookup(names, b.p[i]);
        tb_str(t, i ? ", " : " ");
        if (nm != NULL) {
            tb_str(t, nm);
            tb_put(t, " (", 2);
        }
        tb_uint(t, b.p[i]);
        if (nm != NULL)
            tb_put(t, ")", 1);
    }
    tb_str(t, b.n ? "\n" : " (none)\n");
}

static void text_ciphers(struct textbuf *t, const struct chello *ch, SSL *ssl)
{
    tb_str(t, "    Cipher suites (");
    tb_uint(t, ch->ciphers.n);
    tb_str(t, "):\n");
    for (size_t i = 0; i < ch->ciphers.n; i++) {
        const char *nm = chello_cipher_name(ssl, ch->ciphers.v[i]);
        tb_put(t, "        ", 8);
        tb_hex4(t, ch->ciphers.v[i]);
        tb_put(t, " ", 1);
        tb_str(t, nm ? nm : "(unknown)");
        tb_put(t, "\n", 1);
    }
}

static void text_extensions(struct textbuf *t, const struct chello *ch)
{
    tb_str(t, "    Extensions (");
    tb_uint(t, ch->n_exts);
    tb_str(t, "):\n");
    for (size_t i = 0; i < ch->n_exts; i++) {
        const char *nm = chello_ext_name(ch->exts[i].type);
        tb_put(t, "        ", 8);
        tb_hex4(t, ch->exts[i].type);
        tb_put(t, " ", 1);
        tb_str(t, nm ? nm : "(unknown)");
        tb_str(t, ", length ");
        tb_uint(t, ch->exts[i].data.n);
        tb_str(t, ch->exts[i].malformed ? " (malformed)\n" : "\n");
    }
}

static void text_named_values(struct textbuf *t, const struct chello *ch)
{
    tb_str(t, "    Server name: ");
    if (ch->sni.p != NULL)
        text_safe(t, ch->sni.p, ch->sni.n);
    else
        tb_str(t, "(none)");
    tb_str(t, "\n    ALPN:");
    for (size_t i = 0; i < ch->n_alpn; i++) {
        tb_str(t, i ? ", " : " ");
        text_safe(t, ch->alpn[i].p, ch->alpn[i].n);
    }
    tb_str(t, ch->n_alpn ? "\n" : " (none)\n");
    text_u16_line(t, "Supported groups", &ch->groups, chello_group_name);
    tb_str(t, "    Key shares:");
    for (size_t i = 0; i < ch->n_key_shares; i++) {
        text_code(t, i ? ", " : " ", ch->key_shares[i].group,
                  chello_group_name(ch->key_shares[i].group));
        tb_put(t, " ", 1);
        tb_uint(t, ch->key_shares[i].key_len);
        tb_str(t, " bytes");
    }
    tb_str(t, ch->n_key_shares ? "\n" : " (none)\n");
    text_u16_line(t, "Signature algorithms", &ch->sigalgs, chello_sigalg_name);
    text_u8_line(t, "EC point formats", ch->point_formats, point_format_names);
    text_u8_line(t, "PSK key exchange modes", ch->psk_modes, psk_mode_names);
}

/* "JA3: ...", "JA3 hash: ...", "JA4: ...", "JA4_r: ..." (a line left out when it cannot be
 * computed). The JA3 and JA4_r texts are built in place, so a failed one is cut back off. */
static void text_fingerprints(struct textbuf *t, const struct chello *ch)
{
    char md5hex[33], ja4[37];
    size_t mark = t->len;
    tb_str(t, "JA3: ");
    if (chello_ja3(ch, t, md5hex) == 0) {
        tb_str(t, "\nJA3 hash: ");
        tb_str(t, md5hex);
        tb_put(t, "\n", 1);
    } else if (!t->failed) {
        t->len = mark;
        t->p[mark] = '\0';
    }
    struct textbuf raw = {0};
    if (chello_ja4(ch, transport(ch), ja4, &raw) == 0) {
        tb_str(t, "JA4: ");
        tb_str(t, ja4);
        tb_str(t, "\nJA4_r: ");
        tb_put(t, raw.p, raw.len);
        tb_put(t, "\n", 1);
    }
    tb_free(&raw);
}

void chello_text(struct textbuf *t, const struct chello *ch, SSL *ssl)
{
    tb_str(t, "Client Hello:\n");
    text_code(t, "    Legacy version: ", ch->legacy_version,
              chello_version_name(ch->legacy_version));
    tb_put(t, "\n", 1);
    text_u16_line(t, "Supported versions", &ch->versions, chello_version_name);
    tb_str(t, "    Session ID length: ");
    tb_uint(t, ch->session_id.n);
    tb_put(t, "\n", 1);
    if (ch->dtls) {
        tb_str(t, "    Cookie length: ");
        tb_uint(t, ch->cookie.n);
        tb_put(t, "\n", 1);
    }
    text_ciphers(t, ch, ssl);
    text_u8_line(t, "Compression methods", ch->compressions, compression_names);
    text_extensions(t, ch);
    text_named_values(t, ch);
    text_fingerprints(t, ch);
}

void chello_print(BIO *out, const struct chello *ch, SSL *ssl)
{
    struct textbuf t = {0};
    chello_text(&t, ch, ssl);
    tb_write(out, &t);
    tb_free(&t);
}

void chello_print_brief(BIO *out, const struct chello *ch)
{
    char ja4[37];
    if (chello_ja4(ch, transport(ch), ja4, NULL) == 0)
        out_printf(out, "Client Hello JA4: %s\n", ja4);
}

/* ------------------------------------------------------------------ JSON */

static void json_code(struct json *j, const char *key, uint16_t code, const char *name)
{
    char hex[8];
    snprintf(hex, sizeof(hex), "0x%04x", code);
    json_object_begin(j, key);
    json_uint(j, "id", code);
    json_string(j, "hex", hex);
    json_string(j, "name", name);
    json_bool(j, "grease", chello_is_grease(code));
    json_object_end(j);
}

static void json_u16s(struct json *j, const char *key, const struct chello_u16s *l,
                      const char *(*name)(uint16_t))
{
    json_array_begin(j, key);
    for (size_t i = 0; i < l->n; i++)
        json_code(j, NULL, l->v[i], name(l->v[i]));
    json_array_end(j);
}

static void json_u8s(struct json *j, const char *key, struct chello_bytes b,
                     const struct code_name *names)
{
    json_array_begin(j, key);
    for (size_t i = 0; i < b.n; i++) {
        json_object_begin(j, NULL);
        json_uint(j, "id", b.p[i]);
        json_string(j, "name", lookup(names, b.p[i]));
        json_object_end(j);
    }
    json_array_end(j);
}

static void json_ciphers(struct json *j, const struct chello *ch, SSL *ssl)
{
    json_array_begin(j, "cipher_suites");
    for (size_t i = 0; i < ch->ciphers.n; i++) {
        uint16_t c = ch->ciphers.v[i];
        json_code(j, NULL, c, chello_is_grease(c) ? "GREASE" : cipher_std_name(ssl, c));
    }
    json_array_end(j);
}

static void json_extensions(struct json *j, const struct chello *ch)
{
    json_array_begin(j, "extensions");
    for (size_t i = 0; i < ch->n_exts; i++) {
        const struct chello_ext *e = &ch->exts[i];
        char hex[8];
        snprintf(hex, sizeof(hex), "0x%04x", e->type);
        json_object_begin(j, NULL);
        json_uint(j, "id", e->type);
        json_string(j, "hex", hex);
        json_string(j, "name", chello_ext_name(e->type));
        json_bool(j, "grease", chello_is_grease(e->type));
        json_uint(j, "length", e->data.n);
        json_bool(j, "malformed", e->malformed);
        json_object_end(j);
    }
    json_array_end(j);
}

static void json_named_values(struct json *j, const struct chello *ch)
{
    if (ch->sni.p != NULL)
        json_string_len(j, "server_name", ch->sni.p, ch->sni.n);
    else
        json_null(j, "server_name");
    json_array_begin(j, "alpn");
    for (size_t i = 0; i < ch->n_alpn; i++)
        json_string_len(j, NULL, ch->alpn[i].p, ch->alpn[i].n);
    json_array_end(j);
    json_u16s(j, "supported_groups", &ch->groups, chello_group_name);
    json_array_begin(j, "key_shares");
    for (size_t i = 0; i < ch->n_key_shares; i++) {
        json_object_begin(j, NULL);
        json_code(j, "group", ch->key_shares[i].group, chello_group_name(ch->key_shares[i].group));
        json_uint(j, "key_length", ch->key_shares[i].key_len);
        json_object_end(j);
    }
    json_array_end(j);
    json_u16s(j, "signature_algorithms", &ch->sigalgs, chello_sigalg_name);
    json_u8s(j, "ec_point_formats", ch->point_formats, point_format_names);
    json_u8s(j, "psk_key_exchange_modes", ch->psk_modes, psk_mode_names);
}

static void json_fingerprints(struct json *j, const struct chello *ch)
{
    char md5hex[33], ja4[37];
    struct textbuf ja3 = {0}, raw = {0};
    int have_ja3 = chello_ja3(ch, &ja3, md5hex) == 0;
    json_string(j, "ja3", have_ja3 ? ja3.p : NULL);
    json_string(j, "ja3_hash", have_ja3 ? md5hex : NULL);
    if (chello_ja4(ch, transport(ch), ja4, &raw) == 0) {
        json_string(j, "ja4", ja4);
        json_string(j, "ja4_r", raw.p);
    } else {
        json_null(j, "ja4");
        json_null(j, "ja4_r");
    }
    tb_free(&ja3);
    tb_free(&raw);
}

void chello_json(struct json *j, const char *key, const struct chello *ch, SSL *ssl)
{
    json_object_begin(j, key);
    json_code(j, "legacy_version", ch->legacy_version, chello_version_name(ch->legacy_version));
    json_u16s(j, "supported_versions", &ch->versions, chello_version_name);
    json_uint(j, "session_id_length", ch->session_id.n);
    if (ch->dtls)
        json_uint(j, "cookie_length", ch->cookie.n);
    json_ciphers(j, ch, ssl);
    json_u8s(j, "compression_methods", ch->compressions, compression_names);
    json_extensions(j, ch);
    json_named_values(j, ch);
    json_fingerprints(j, ch);
    json_object_end(j);
}
