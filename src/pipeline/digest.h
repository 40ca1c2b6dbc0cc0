/* The admins' daily digest (doc/ARCHITECTURE.md, "Who uses it"): a day's facts from
 * the store, composed by src/reply, queued in the outbox once per day
 * (the digests table remembers the days) for the normal delivery. The
 * same code for `guichet digest` and the daemon. */
#ifndef GU_PIPELINE_DIGEST_H
#define GU_PIPELINE_DIGEST_H

#include "core/call.h"
#include "core/conf.h"
#include "store/store.h"

/* The day before now's in the call's time zone, "YYYY-MM-DD", newly
 * allocated. */
char *gu_digest_yesterday (const GuCall *call, GDateTime *now);

/* Composes the digest of day ("YYYY-MM-DD", else GU_ERROR_USAGE) for the
 * configured [digest] recipients (none: no To:), reading only. Returns
 * the message (new GBytes) and *subject (newly allocated, may be NULL),
 * or NULL with error. */
GBytes *gu_digest_build (GuStore *store, const GuConfig *cfg, const GuCall *call, const char *day,
                         char **subject, GError **error);

/* Claims day and queues its digest, one outbox row (kind digest, dedupe
 * key digest:DAY:RECIPIENT) per recipient, in one transaction. *queued is
 * FALSE when the day was already claimed (nothing done). FALSE with error
 * otherwise (no recipients or no [smtp] from: GU_ERROR_CONFIG). */
gboolean gu_digest_queue (GuStore *store, const GuConfig *cfg, const GuCall *call, const char *day,
                          gboolean *queued, GError **error);

/* The day whose digest is due at now, or NULL: yesterday, once the local
 * time has reached [digest] time and when recipients are configured.
 * Newly allocated. */
char *gu_digest_due (const GuConfig *cfg, const GuCall *call, GDateTime *now);

#endif
