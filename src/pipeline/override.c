#include "config.h"

#include "dossier/dossier.h"
#include "pipeline/filing.h"
#include "pipeline/override.h"
#include "util/error.h"

/* Derives the status of the dossier again after its pieces changed, and
 * records what changed. */
static gboolean
record_override (const GuCall *call, GuStore *store, const GuDossier *before, const char *sha256,
                 const char *const *keys, GuDossierStatus *status, GError **error)
{
  g_autoptr (GuDossier) after = gu_store_dossier_load (store, before->id, NULL, FALSE, error);
  if (after == NULL)
    return FALSE;
  *status = gu_dossier_status (call, after, NULL);
  g_autofree char *joined = g_strjoinv (" ", (char **) keys);
  g_autofree char *detail = g_strdup_printf ("%s -> %s", sha256, *joined ? joined : "none");
  return gu_store_dossier_update (store, before->id, *status, NULL, NULL, NULL, error)
         && gu_store_add_event (store, 0, before->id, GU_EVENT_CLASSIFIED_BY_ADMIN, detail, error)
         && (*status == before->status
             || gu_store_add_event (store, 0, before->id, GU_EVENT_STATUS_CHANGED,
                                    gu_dossier_status_to_string (*status), error))
         && gu_store_override_record (store, call->id, before->reference, sha256, keys, error);
}

gboolean
gu_override_apply (const GuCall *call, GuStore *store, const char *reference, const char *sha256,
                   const char *const *keys, GuDossierStatus *status, GError **error)
{
  g_autoptr (GuDossier) d = gu_store_dossier_load (store, 0, reference, FALSE, error);
  guint changed;
  if (d == NULL || !gu_store_dossier_set_pieces (store, d->id, sha256, keys, &changed, error))
    return FALSE;
  if (changed == 0)
    {
      g_set_error (error, GU_ERROR, GU_ERROR_NOT_FOUND, "%s has no document %s", d->reference, sha256);
      return FALSE;
    }
  return record_override (call, store, d, sha256, keys, status, error);
}

gboolean
gu_override_file_message (const GuCall *call, GuStore *store, const char *message_id, const char *raw_sha256,
                          const char *reference, GuDossierStatus *status, GError **error)
{
  g_autoptr (GuDossier) d = gu_store_dossier_load (store, 0, reference, FALSE, error);
  if (d == NULL)
    return FALSE;
  GuStoredMessage m;
  if (!gu_store_message_get (store, 0, message_id, message_id == NULL ? raw_sha256 : NULL, &m, error))
    return FALSE;
  gint64 row = m.row;
  g_autofree char *raw = g_steal_pointer (&m.raw_sha256);
  gu_stored_message_clear (&m);
  if (row == 0)
    {
      g_set_error (error, GU_ERROR, GU_ERROR_NOT_FOUND, "no message %s",
                   message_id != NULL ? message_id : raw_sha256);
      return FALSE;
    }
  g_autoptr (GuDossier) after = NULL;
  if (!gu_filing_move_message (store, call, row, d->id, "filed by the admin", error)
      || (after = gu_store_dossier_load (store, d->id, NULL, FALSE, error)) == NULL)
    return FALSE;
  *status = gu_dossier_status (call, after, NULL);
  return gu_store_dossier_update (store, d->id, *status, NULL, NULL, NULL, error)
         && (*status == d->status
             || gu_store_add_event (store, 0, d->id, GU_EVENT_STATUS_CHANGED, gu_dossier_status_to_string (*status),
                                    error))
         && gu_store_filing_record (store, call->id, raw, d->reference, error);
}
