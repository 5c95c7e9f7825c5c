/* Option tables both programs share: trust, verification, versions, the SSL_CONF_cmd()
 * pass-through, extra certificates, providers and randomness. Each fills struct tls_common. */
#ifndef TLSTOOL_TLSOPTS_H
#define TLSTOOL_TLSOPTS_H

#include "lib/config.h"
#include "lib/newlib.h" /* tls_opts_newlib*: the rows of what newer libraries add */
#include "lib/opt.h"

#include <stddef.h>

/* Offset of a struct tls_common member inside any program config (it comes first). */
#define CFIELD(member) offsetof(struct tls_common, member)

extern const struct opt_def tls_opts_trust[];
extern const struct opt_def tls_opts_verify[];
extern const struct opt_def tls_opts_versions[];
extern const struct opt_def tls_opts_sslconf[];
extern const struct opt_def tls_opts_xcert[];
extern const struct opt_def tls_opts_provider[];

/* Setters other tables use too. */
int tls_opt_version(void *cfg, const struct opt_def *def, const struct opt_val *val);
/* -quiet (no chatter; implies -ign_eof), -brief (the short summary; implies -quiet and
 * -verify_quiet) and -nameopt (checked here, applied when printing): the same in both programs. */
int tls_opt_quiet(void *cfg, const struct opt_def *def, const struct opt_val *val);
int tls_opt_brief(void *cfg, const struct opt_def *def, const struct opt_val *val);
int tls_opt_nameopt(void *cfg, const struct opt_def *def, const struct opt_val *val);
int tls_opt_sslconf(void *cfg, const struct opt_def *def, const struct opt_val *val);

#endif
