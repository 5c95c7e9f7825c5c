/* -json's connection object (see conninfo.h and docs/tlstool.schema.json). */
#include "lib/conninfo.h"
#include "lib/config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <openssl/ct.h>
#include <openssl/err.h>
#include <openssl/ocsp.h>

int conninfo_opt_json(void *cfg, const struct opt_def *def, const struct opt_val *val)
{
    struct tls_common *c = cfg; /* every program's config starts with its tls_common */
    (void)def;
    (void)val;
    c->json = 1;
    c->quiet = 1;
    c->verify_quiet = 1; /* the verify callback's "depth=..." lines: the JSON has the result */
    return 0;
}

/* ------------------------------------------------------------------ errors */

void conninfo_error_set(struct conninfo_error *e, const char *class, const char *message)
{
    memset(e, 0, sizeof(*e));
    e->class = class;
    e->alert = -1;
    snprintf(e->message, sizeof(e->message), "%s", message ? message : "");
}

/* The alert code an error-queue entry stands for, or -1: libssl files an alert received
 * from the peer under reason 1000 + the alert's code. */
static int alert_of(unsigned long code)
{
    int reason = ERR_GET_REASON(code);
    if (code == 0 || ERR_GET_LIB(code) != ERR_LIB_SSL)
        return -1;
    return reason >= SSL_AD_REASON_OFFSET && reason < SSL_AD_REASON_OFFSET + 256
               ? reason - SSL_AD_REASON_OFFSET
               : -1;
}

/* The alert the peer sent, when the error queue (its newest or oldest entry) says one ended
 * the handshake. */
static int alert_from_queue(void)
{
    int alert = alert_of(ERR_peek_last_error());
    return alert >= 0 ? alert : alert_of(ERR_peek_error());
}

void conninfo_error_from_ssl(struct conninfo_error *e, SSL *ssl, int ret, const char *why)
{
    char detail[320] = "";
    int verify = 0;
    memset(e, 0, sizeof(*e));
    e->alert = alert_from_queue();
    unsigned long code = ERR_peek_last_error();
    if (code != 0) {
        const char *r = ERR_reason_error_string(code);
        snprintf(e->reason, sizeof(e->reason), "%s", r != NULL ? r : "unknown reason");
        verify = ERR_GET_LIB(code) == ERR_LIB_SSL &&
                 ERR_GET_REASON(code) == SSL_R_CERTIFICATE_VERIFY_FAILED;
    }
    e->class = verify ? CONNINFO_VERIFY : CONNINFO_HANDSHAKE;
    if (ssl != NULL && verify)
        snprintf(detail, sizeof(detail), ": certificate verify failed: %s",
                 X509_verify_cert_error_string(SSL_get_verify_result(ssl)));
    else if (e->reason[0])
        snprintf(detail, sizeof(detail), ": %s", e->reason);
    else if (ssl != NULL && SSL_get_error(ssl, ret) == SSL_ERROR_SYSCALL)
        snprintf(detail, sizeof(detail), ": the peer closed the connection");
    snprintf(e->message, sizeof(e->message), "%s%s", why ? why : "TLS handshake failed", detail);
}

static void json_error(struct json *j, const char *key, const struct conninfo_error *e)
{
    if (e == NULL || e->class == NULL) {
        json_null(j, key);
        return;
    }
    json_object_begin(j, key);
    json_string(j, "class", e->class);
    json_string(j, "message", e->message);
    if (e->alert >= 0) {
        json_object_begin(j, "alert");
        json_int(j, "code", e->alert);
        json_string(j, "description", SSL_alert_desc_string_long(e->alert));
        json_object_end(j);
    } else {
        json_null(j, "alert");
    }
    json_string(j, "reason", e->reason[0] ? e->reason : NULL);
    json_object_end(j);
}

/* ------------------------------------------------------------------ the negotiated parameters */

static void json_cipher(struct json *j, const char *key, SSL *ssl)
{
    const SSL_CIPHER *c = SSL_get_current_cipher(ssl);
    int alg_bits = 0;
    if (c == NULL) {
        json_null(j, key);
        return;
    }
    json_object_begin(j, key);
    json_string(j, "name", SSL_CIPHER_standard_name(c));
    json_string(j, "openssl_name", SSL_CIPHER_get_name(c));
    json_uint(j, "id", SSL_CIPHER_get_protocol_id(c));
    json_int(j, "bits", SSL_CIPHER_get_bits(c, &alg_bits));
    json_object_end(j);
}

static void json_group(struct json *j, const char *key, SSL *ssl)
{
    int nid = SSL_get_negotiated_group(ssl);
    const char *name = nid != NID_undef ? SSL_group_to_name(ssl, nid) : NULL;
    if (name == NULL && nid != NID_undef && (nid & TLSEXT_nid_unknown) == 0)
        name = OBJ_nid2sn(nid);
    json_string(j, key, name);
}

/* openssl's words for a signature type ("RSA-PSS", "ECDSA", ...). */
static const char *sigtype_name(int nid)
{
    switch (nid) {
    case EVP_PKEY_RSA:
        return "RSA";
    case EVP_PKEY_RSA_PSS:
        return "RSA-PSS";
    case EVP_PKEY_DSA:
        return "DSA";
    case EVP_PKEY_EC:
        return "ECDSA";
    case NID_ED25519:
        return "Ed25519";
    case NID_ED448:
        return "Ed448";
    default:
        return nid != NID_undef ? OBJ_nid2sn(nid) : NULL;
    }
}

static void json_peer_signature(struct json *j, const char *key, SSL *ssl)
{
    int digest = NID_undef, type = NID_undef;
    int have_digest = SSL_get_peer_signature_nid(ssl, &digest);
    int have_type = SSL_get_peer_signature_type_nid(ssl, &type);
    if (!have_digest && !have_type) {
        json_null(j, key);
        return;
    }
    json_object_begin(j, key);
    json_string(j, "digest", have_digest && digest != NID_undef ? OBJ_nid2sn(digest) : NULL);
    json_string(j, "type", have_type ? sigtype_name(type) : NULL);
    json_object_end(j);
}

/* The key of the key exchange the peer sent (the client's view, "Server Temp Key"). */
static void json_temp_key(struct json *j, const char *key, SSL *ssl)
{
    EVP_PKEY *pk = NULL;
    if (!SSL_get_peer_tmp_key(ssl, &pk) || pk == NULL) {
        json_null(j, key);
        return;
    }
    json_object_begin(j, key);
    json_string(j, "type", EVP_PKEY_get0_type_name(pk));
    json_int(j, "bits", EVP_PKEY_get_bits(pk));
    json_object_end(j);
    EVP_PKEY_free(pk);
}

static void json_protos(struct json *j, SSL *ssl)
{
    const unsigned char *p = NULL;
    unsigned int len = 0;
    SSL_get0_alpn_selected(ssl, &p, &len);
    if (p != NULL && len > 0)
        json_string_len(j, "alpn", p, len);
    else
        json_null(j, "alpn");
    p = NULL;
    len = 0;
#ifndef OPENSSL_NO_NEXTPROTONEG
    SSL_get0_next_proto_negotiated(ssl, &p, &len);
#endif
    if (p != NULL && len > 0)
        json_string_len(j, "npn", p, len);
    else
        json_null(j, "npn");
    json_string(j, "sni", SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name));
}

static void json_session(struct json *j, const char *key, SSL *ssl)
{
    SSL_SESSION *s = SSL_get_session(ssl);
    unsigned int idlen = 0;
    if (s == NULL) {
        json_null(j, key);
        return;
    }
    const unsigned char *id = SSL_SESSION_get_id(s, &idlen);
    json_object_begin(j, key);
    json_hex(j, "id", id, idlen);
    json_bool(j, "resumed", SSL_session_reused(ssl));
    json_bool(j, "ticket", SSL_SESSION_has_ticket(s));
    if (SSL_SESSION_has_ticket(s))
        json_uint(j, "ticket_lifetime_hint", SSL_SESSION_get_ticket_lifetime_hint(s));
    else
        json_null(j, "ticket_lifetime_hint");
    json_int(j, "timeout", SSL_SESSION_get_timeout(s));
    json_object_end(j);
}

static void json_early_data(struct json *j, const char *key, SSL *ssl)
{
    switch (SSL_get_early_data_status(ssl)) {
    case SSL_EARLY_DATA_ACCEPTED:
        json_string(j, key, "accepted");
        break;
    case SSL_EARLY_DATA_REJECTED:
        json_string(j, key, "rejected");
        break;
    default:
        json_string(j, key, "not_sent");
        break;
    }
}

/* ------------------------------------------------------------------ OCSP, CT, DANE, verify */

static void json_gentime(struct json *j, const char *key, const ASN1_GENERALIZEDTIME *t)
{
    struct tm tm;
    char buf[32];
    if (t != NULL && ASN1_TIME_to_tm(t, &tm) &&
        strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm) > 0)
        json_string(j, key, buf);
    else
        json_null(j, key);
}

/* The first single response of a basic OCSP response: status and validity. */
static void json_ocsp_single(struct json *j, OCSP_BASICRESP *basic)
{
    OCSP_SINGLERESP *single = basic != NULL ? OCSP_resp_get0(basic, 0) : NULL;
    int reason = -1;
    ASN1_GENERALIZEDTIME *revtime = NULL, *thisupd = NULL, *nextupd = NULL;
    int status = single != NULL
                     ? OCSP_single_get0_status(single, &reason, &revtime, &thisupd, &nextupd)
                     : -1;
    json_string(j, "cert_status", status >= 0 ? OCSP_cert_status_str(status) : NULL);
    json_gentime(j, "this_update", thisupd);
    json_gentime(j, "next_update", nextupd);
    json_gentime(j, "revocation_time", revtime);
    json_int(j, "responses", basic != NULL ? OCSP_resp_count(basic) : 0);
}

static void json_ocsp(struct json *j, const char *key, SSL *ssl, int requested)
{
    const unsigned char *p = NULL;
    long len = requested ? SSL_get_tlsext_status_ocsp_resp(ssl, &p) : -1;
    if (!requested) {
        json_null(j, key);
        return;
    }
    json_object_begin(j, key);
    json_bool(j, "stapled", p != NULL && len > 0);
    OCSP_RESPONSE *resp = p != NULL && len > 0 ? d2i_OCSP_RESPONSE(NULL, &p, len) : NULL;
    OCSP_BASICRESP *basic = resp != NULL ? OCSP_response_get1_basic(resp) : NULL;
    if (resp != NULL)
        json_string(j, "response_status", OCSP_response_status_str(OCSP_response_status(resp)));
    else
        json_null(j, "response_status");
    json_ocsp_single(j, basic);
    json_object_end(j);
    OCSP_BASICRESP_free(basic);
    OCSP_RESPONSE_free(resp);
}

static const char *sct_status_name(sct_validation_status_t s)
{
    switch (s) {
    case SCT_VALIDATION_STATUS_VALID:
        return "valid";
    case SCT_VALIDATION_STATUS_INVALID:
        return "invalid";
    case SCT_VALIDATION_STATUS_UNVERIFIED:
        return "unverified";
    case SCT_VALIDATION_STATUS_UNKNOWN_LOG:
        return "unknown_log";
    case SCT_VALIDATION_STATUS_UNKNOWN_VERSION:
        return "unknown_version";
    default:
        return "not_set";
    }
}

static const char *sct_source_name(sct_source_t s)
{
    switch (s) {
    case SCT_SOURCE_TLS_EXTENSION:
        return "tls_extension";
    case SCT_SOURCE_X509V3_EXTENSION:
        return "certificate";
    case SCT_SOURCE_OCSP_STAPLED_RESPONSE:
        return "ocsp";
    default:
        return "unknown";
    }
}

static void json_scts(struct json *j, const char *key, SSL *ssl)
{
    if (!SSL_ct_is_enabled(ssl)) {
        json_null(j, key);
        return;
    }
    const STACK_OF(SCT) *scts = SSL_get0_peer_scts(ssl);
    json_array_begin(j, key);
    for (int i = 0; i < sk_SCT_num(scts); i++) {
        const SCT *sct = sk_SCT_value(scts, i);
        unsigned char *logid = NULL;
        size_t idlen = SCT_get0_log_id(sct, &logid);
        uint64_t ts = SCT_get_timestamp(sct);
        time_t secs = (time_t)(ts / 1000);
        struct tm tm;
        char when[32] = "";
        json_object_begin(j, NULL);
        json_int(j, "version", (long long)SCT_get_version(sct) + 1);
        json_hex(j, "log_id", logid, idlen);
        if (gmtime_r(&secs, &tm) != NULL)
            strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
        json_string(j, "timestamp", when[0] ? when : NULL);
        json_string(j, "source", sct_source_name(SCT_get_source(sct)));
        json_string(j, "validation", sct_status_name(SCT_get_validation_status(sct)));
        json_object_end(j);
    }
    json_array_end(j);
}

static void json_dane(struct json *j, const char *key, SSL *ssl, int enabled)
{
    uint8_t usage = 0, selector = 0, mtype = 0;
    const unsigned char *data = NULL;
    size_t dlen = 0;
    if (!enabled) {
        json_null(j, key);
        return;
    }
    int depth = SSL_get0_dane_tlsa(ssl, &usage, &selector, &mtype, &data, &dlen);
    json_object_begin(j, key);
    json_bool(j, "verified", depth >= 0);
    if (depth >= 0) {
        json_object_begin(j, "tlsa");
        json_int(j, "usage", usage);
        json_int(j, "selector", selector);
        json_int(j, "matching_type", mtype);
        json_int(j, "depth", depth);
        json_object_end(j);
    } else {
        json_null(j, "tlsa");
    }
    json_object_end(j);
}

static void json_verification(struct json *j, const char *key, SSL *ssl)
{
    long code = SSL_get_verify_result(ssl);
    json_object_begin(j, key);
    json_bool(j, "verified", code == X509_V_OK && SSL_get0_peer_certificate(ssl) != NULL);
    json_int(j, "code", code);
    json_string(j, "text", X509_verify_cert_error_string(code));
    json_string(j, "peer_name", SSL_get0_peername(ssl));
    json_object_end(j);
}

/* ------------------------------------------------------------------ where and when */

static void json_peer(struct json *j, const char *key, const struct conninfo *ci)
{
    const struct net_connect_info *n = ci->net;
    json_object_begin(j, key);
    json_string(j, "host", ci->host);
    json_string(j, "port", ci->port);
    const char *addr = n != NULL && n->addr[0] ? n->addr : ci->peer_addr;
    json_string(j, "address", addr);
    if (n != NULL && n->addr[0])
        json_string(j, "family", n->family == AF_INET6 ? "ipv6" : "ipv4");
    else if (addr != NULL)
        json_string(j, "family", strchr(addr, ':') != NULL ? "ipv6" : "ipv4");
    else
        json_null(j, "family");
    if (n != NULL)
        json_int(j, "connect_attempts", n->attempts);
    else
        json_null(j, "connect_attempts");
    json_object_end(j);
}

static void json_tls(struct json *j, SSL *ssl, const struct conninfo *ci)
{
    json_string(j, "protocol", SSL_get_version(ssl));
    json_cipher(j, "cipher", ssl);
    json_group(j, "group", ssl);
    json_temp_key(j, "peer_temp_key", ssl);
    json_peer_signature(j, "peer_signature", ssl);
    json_protos(j, ssl);
    json_session(j, "session", ssl);
    json_early_data(j, "early_data", ssl);
    json_ocsp(j, "ocsp", ssl, ci->ocsp_requested);
    json_scts(j, "sct", ssl);
    json_dane(j, "dane", ssl, ci->dane_enabled);
    json_verification(j, "verification", ssl);
    conninfo_json_chain(j, "chain", ssl);
}

/* The members json_tls() writes, for a connection whose handshake did not finish: nulls,
 * but the verification result and the chain when the handshake got as far as them (a
 * verification failure is easier to understand with the certificates that caused it). */
static void json_partial_tls(struct json *j, SSL *ssl)
{
    static const char *const members[] = {
        "protocol", "cipher",     "group", "peer_temp_key", "peer_signature", "alpn", "npn", "sni",
        "session",  "early_data", "ocsp",  "sct",           "dane",
    };
    for (size_t i = 0; i < sizeof(members) / sizeof(members[0]); i++)
        json_null(j, members[i]);
    /* a failed verification leaves the chain but no peer certificate */
    int got_cert = ssl != NULL && (SSL_get0_peer_certificate(ssl) != NULL ||
                                   sk_X509_num(SSL_get_peer_cert_chain(ssl)) > 0);
    if (got_cert)
        json_verification(j, "verification", ssl);
    else
        json_null(j, "verification");
    if (got_cert) {
        conninfo_json_chain(j, "chain", ssl);
    } else {
        json_array_begin(j, "chain");
        json_array_end(j);
    }
}

void conninfo_json(struct json *j, const char *key, SSL *ssl, const struct conninfo *ci)
{
    int failed = ci->error != NULL && ci->error->class != NULL;
    int tls_done = ssl != NULL && SSL_is_init_finished(ssl);
    json_object_begin(j, key);
    json_string(j, "program", ci->program);
    json_string(j, "status", failed ? "error" : "ok");
    json_peer(j, "peer", ci);
    json_string(j, "starttls", ci->starttls);
    if (tls_done)
        json_tls(j, ssl, ci);
    else
        json_partial_tls(j, ssl);
    if (ci->hello != NULL)
        chello_json(j, "client_hello", ci->hello, ssl);
    else
        json_null(j, "client_hello");
    if (ci->timing != NULL)
        timing_json(j, "timing", ci->timing);
    else
        json_null(j, "timing");
    if (ci->bytes_in >= 0 && ci->bytes_out >= 0) {
        json_object_begin(j, "bytes");
        json_int(j, "received", ci->bytes_in);
        json_int(j, "sent", ci->bytes_out);
        json_object_end(j);
    } else {
        json_null(j, "bytes");
    }
    json_error(j, "error", ci->error);
    json_object_end(j);
}

int conninfo_write_json(BIO *out, SSL *ssl, const struct conninfo *ci)
{
    struct json j;
    json_init(&j, out, 0);
    conninfo_json(&j, NULL, ssl, ci);
    return json_end(&j);
}
