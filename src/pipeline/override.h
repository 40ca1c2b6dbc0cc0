/* An admin's override of what a document is (`guichet classify`), and
 * its replay: the one place that applies one. */
#ifndef GU_PIPELINE_OVERRIDE_H
#define GU_PIPELINE_OVERRIDE_H

#include "core/call.h"
#include "store/store.h"

/* Replaces the pieces of the documents of dossier reference whose content
 * has sha256 with keys (empty: none; evidence "admin"), inside the
 * caller's transaction; derives the status again, records the events and
 * the override itself (so that replay applies it again). *status receives
 * the dossier's new status. GU_ERROR_NOT_FOUND when the dossier or the
 * document does not exist. */
gboolean gu_override_apply (const GuCall *call, GuStore *store, const char *reference, const char *sha256,
                            const char *const *keys, GuDossierStatus *status, GError **error);

/* Files the stored message named by message_id (its Message-ID) or, when
 * NULL, raw_sha256 (replay) in dossier reference, moving it out of the
 * dossier it was in (`guichet file`): inside the caller's transaction;
 * records the events and the filing itself (so that replay files it
 * again) and derives the statuses again. *status receives the dossier's
 * new status. GU_ERROR_NOT_FOUND when the message or dossier does not
 * exist. */
gboolean gu_override_file_message (const GuCall *call, GuStore *store, const char *message_id,
                                   const char *raw_sha256, const char *reference, GuDossierStatus *status,
                                   GError **error);

#endif
