/* What the linked libssl can do, decided once at compile time from the headers we build
 * against, so the rest of the code tests named features (#ifdef HAVE_...) and never a version.
 * Where the headers define a macro that comes with a feature, that macro decides; the version
 * number is used only here, for features that have no such macro. */
#ifndef TLSTOOL_FEATURES_H
#define TLSTOOL_FEATURES_H

#include <openssl/bio.h>
#include <openssl/opensslv.h>
#include <openssl/ssl.h>
#include <openssl/tls1.h>

/* The library release a feature arrived in, for the "needs OpenSSL X" messages. */
#define NEEDS_CERT_COMP "3.2"
#define NEEDS_RPK "3.2"
#define NEEDS_TFO "3.2"
#define NEEDS_PREFER_NO_DHE_KEX "3.3"
#define NEEDS_PROVPARAM "3.5"
#define NEEDS_QUIC_CLIENT "3.2"
#define NEEDS_QUIC_SERVER "3.5"

/* RFC 8879 certificate compression: the option bits and SSL_CTX_compress_certs(). */
#ifdef SSL_OP_NO_TX_CERTIFICATE_COMPRESSION
#define HAVE_CERT_COMP 1
#endif

/* RFC 7250 raw public keys: SSL_set1_{client,server}_cert_type(), SSL_add_expected_rpk(). */
#ifdef TLSEXT_cert_type_rpk
#define HAVE_RPK 1
#endif

/* TCP Fast Open through BIO_connect()/BIO_listen() flags. */
#ifdef BIO_SOCK_TFO
#define HAVE_TFO 1
#endif

/* Prefer a (EC)DHE-less key exchange on TLS 1.3 resumption (-prefer_no_dhe_kex). */
#ifdef SSL_OP_PREFER_NO_DHE_KEX
#define HAVE_PREFER_NO_DHE_KEX 1
#endif

/* The name of the signature scheme the peer used ("rsa_pss_rsae_sha256"). */
#ifdef SSL_get0_peer_signature_name
#define HAVE_SIGALG_NAMES 1
#endif

/* Kernel TLS offload: present in 3.0 already, when the library was configured with it. */
#if defined(SSL_OP_ENABLE_KTLS) && !defined(OPENSSL_NO_KTLS)
#define HAVE_KTLS 1
#endif

/* Features without a macro of their own: by release. */
#if OPENSSL_VERSION_NUMBER >= 0x30200000L && !defined(OPENSSL_NO_QUIC)
#define HAVE_QUIC_CLIENT 1 /* OSSL_QUIC_client_method() */
#endif
#if OPENSSL_VERSION_NUMBER >= 0x30500000L && !defined(OPENSSL_NO_QUIC)
#define HAVE_QUIC_SERVER 1 /* OSSL_QUIC_server_method(), SSL_new_listener() */
#endif
#if OPENSSL_VERSION_NUMBER >= 0x30300000L
#define HAVE_SESSION_TIME_EX 1 /* SSL_SESSION_get_time_ex(); 3.4 deprecates the long one */
#endif
#if OPENSSL_VERSION_NUMBER >= 0x30500000L
#define HAVE_PROVPARAM 1 /* OSSL_PROVIDER_add_conf_parameter() */
/* openssl 3.5's s_client says "Peer Temp Key:" where 3.0 said "Server Temp Key:", and names
 * the TLS 1.3 group when the peer's share is no key (hybrid and ML-KEM groups). */
#define HAVE_PEER_TEMP_KEY_LINES 1
/* The rest of what openssl 3.5's s_client/s_server print differently from 3.0's, which the
 * reports follow so that scripts see the lines of the openssl that goes with the library:
 * names as "CN=x, O=y" by default, "Protocol:" after the cipher, "This TLS version forbids
 * renegotiation.", key and signature algorithms by their provider names, "Connecting to". */
#define HAVE_OPENSSL35_OUTPUT 1
#endif

#endif
