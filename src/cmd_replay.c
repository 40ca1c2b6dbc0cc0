/* replay: rebuild the database from the stored raw messages, in the order
 * they were first processed (the receipt order, for the daemon), through
 * the same pipeline as ingest, so that references come out the same. The old database is kept
 * beside the new one until the new one is complete. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "commands.h"
#include "pipeline/intake.h"
#include "pipeline/override.h"
#include "util/error.h"

static void
remove_db_files (const char *path)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  g_unlink (wal);
  g_unlink (shm);
  g_unlink (path);
}

/* An admin's overrides are decisions, not derived data: apply them again,
 * in the order they were made, once the messages have been replayed. */
static gboolean
reapply_overrides (GuApp *app, GuStore *fresh, GPtrArray *overrides, GError **error)
{
  for (guint i = 0; i < overrides->len; i++)
    {
      const GuOverride *o = g_ptr_array_index (overrides, i);
      if (!gu_store_begin (fresh, error))
        return FALSE;
      GuDossierStatus status;
      if (!gu_override_apply (app->call, fresh, o->reference, o->sha256, (const char *const *) o->keys, &status,
                              error)
          || !gu_store_commit (fresh, error))
        {
          gu_store_rollback (fresh);
          return FALSE;
        }
    }
  return TRUE;
}

/* Replies are recomposed by the replay; what happened to them (sent,
 * bounced, suppressed) is history, carried over so nothing is sent twice. */
static gboolean
restore_outbox (GuStore *fresh, GPtrArray *old_rows, GError **error)
{
  if (!gu_store_begin (fresh, error))
    return FALSE;
  for (guint i = 0; i < old_rows->len; i++)
    if (!gu_store_outbox_restore (fresh, g_ptr_array_index (old_rows, i), error))
      {
        gu_store_rollback (fresh);
        return FALSE;
      }
  return gu_store_commit (fresh, error);
}

static gboolean
replay_into (GuApp *app, GPtrArray *raws, GPtrArray *overrides, GPtrArray *outbox, const char *new_path,
             GError **error)
{
  g_autoptr (GuStore) fresh = gu_store_open (new_path, app->cfg->blobs, error);
  if (fresh == NULL)
    return FALSE;
  g_autoptr (GuIntake) intake = gu_intake_new (fresh, app->cfg, app->call, app->classifier);
  for (guint i = 0; i < raws->len; i++)
    {
      const GuStoredRaw *r = g_ptr_array_index (raws, i);
      g_autoptr (GBytes) raw = gu_store_get_blob (fresh, r->raw_sha256, error);
      g_autoptr (GDateTime) when = g_date_time_new_from_iso8601 (r->received_at, NULL);
      if (raw == NULL || when == NULL)
        {
          if (when == NULL)
            g_set_error (error, GU_ERROR, GU_ERROR_CORRUPT, "message %s: bad receipt time", r->raw_sha256);
          return FALSE;
        }
      GuReceipt receipt = { .mailbox = r->mailbox, .uidvalidity = r->uidvalidity, .uid = r->uid,
                            .received_at = when };
      GuIntakeResult result;
      gboolean ok = gu_intake_process (intake, raw, &receipt, &result, error);
      gu_intake_result_clear (&result);
      if (!ok)
        return FALSE;
    }
  return reapply_overrides (app, fresh, overrides, error) && restore_outbox (fresh, outbox, error);
}

int
gu_cmd_replay (GuApp *app, int argc, char **argv)
{
  g_autoptr (GOptionContext) ctx = g_option_context_new ("- rebuild the database from stored raw messages");
  if (!gu_app_parse_options (ctx, &argc, &argv))
    return GU_EXIT_USAGE;
  GError *error = NULL;
  if (!gu_app_load (app, TRUE, &error))
    return gu_app_fail (error);
  g_autoptr (GPtrArray) raws = gu_store_list_raw_messages (app->store, &error);
  if (raws == NULL)
    return gu_app_fail (error);
  g_autoptr (GPtrArray) overrides = gu_store_override_list (app->store, app->call->id, &error);
  if (overrides == NULL)
    return gu_app_fail (error);
  g_autoptr (GPtrArray) outbox = gu_store_outbox_list (app->store, &error);
  if (outbox == NULL)
    return gu_app_fail (error);
  g_clear_pointer (&app->store, gu_store_close);
  g_autofree char *new_path = g_strconcat (app->cfg->database, ".replay", NULL);
  remove_db_files (new_path);
  if (!replay_into (app, raws, overrides, outbox, new_path, &error))
    {
      remove_db_files (new_path);
      return gu_app_fail (error);
    }
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%dT%H%M%SZ");
  g_autofree char *backup = g_strdup_printf ("%s.before-replay-%s", app->cfg->database, stamp);
  if (g_rename (app->cfg->database, backup) != 0 || g_rename (new_path, app->cfg->database) != 0)
    {
      g_set_error (&error, GU_ERROR, GU_ERROR_FAILED, "cannot swap in the rebuilt database: %s",
                   g_strerror (errno));
      return gu_app_fail (error);
    }
  printf ("replayed %u messages; previous database kept as %s\n", raws->len, backup);
  return GU_EXIT_OK;
}
