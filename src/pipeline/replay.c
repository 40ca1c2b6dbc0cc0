#include "config.h"

#include <errno.h>

#include <glib/gstdio.h>

#include "pipeline/intake.h"
#include "pipeline/override.h"
#include "pipeline/replay.h"
#include "util/error.h"

/* What the old database knows that the raw messages do not say. */
typedef struct {
  GPtrArray *raws;       /* GuStoredRaw*, in processing order */
  GPtrArray *overrides;  /* GuOverride*, in the order they were made */
  GPtrArray *filings;    /* GuFiling*: messages an admin filed, in order */
  GPtrArray *outbox;     /* GuOutboxRow* */
} History;

static void
history_clear (History *h)
{
  g_clear_pointer (&h->raws, g_ptr_array_unref);
  g_clear_pointer (&h->overrides, g_ptr_array_unref);
  g_clear_pointer (&h->filings, g_ptr_array_unref);
  g_clear_pointer (&h->outbox, g_ptr_array_unref);
}

static gboolean
read_history (GuStore *store, const GuCall *call, History *h, GError **error)
{
  h->raws = gu_store_list_raw_messages (store, error);
  if (h->raws == NULL)
    return FALSE;
  h->overrides = gu_store_override_list (store, call->id, error);
  if (h->overrides == NULL)
    return FALSE;
  h->filings = gu_store_filing_list (store, call->id, error);
  if (h->filings == NULL)
    return FALSE;
  h->outbox = gu_store_outbox_list (store, error);
  return h->outbox != NULL;
}

static void
remove_db_files (const char *path)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  g_unlink (wal);
  g_unlink (shm);
  g_unlink (path);
}

/* Runs one stored message through intake into fresh, at the receipt it
 * had, so that it lands where it landed the first time. */
static gboolean
replay_message (GuIntake *intake, GuStore *fresh, const GuStoredRaw *r, GError **error)
{
  g_autoptr (GBytes) raw = gu_store_get_blob (fresh, r->raw_sha256, error);
  if (raw == NULL)
    return FALSE;
  g_autoptr (GDateTime) when = g_date_time_new_from_iso8601 (r->received_at, NULL);
  if (when == NULL)
    {
      g_set_error (error, GU_ERROR, GU_ERROR_CORRUPT, "message %s: bad receipt time", r->raw_sha256);
      return FALSE;
    }
  GuReceipt receipt = { .mailbox = r->mailbox, .uidvalidity = r->uidvalidity, .uid = r->uid,
                        .received_at = when };
  GuIntakeResult result;
  gboolean ok = gu_intake_process (intake, raw, &receipt, &result, error);
  gu_intake_result_clear (&result);
  return ok;
}

/* An admin's overrides are decisions, not derived data: apply them again,
 * in the order they were made, once the messages have been replayed. */
static gboolean
reapply_overrides (const GuCall *call, GuStore *fresh, GPtrArray *overrides, GError **error)
{
  for (guint i = 0; i < overrides->len; i++)
    {
      const GuOverride *o = g_ptr_array_index (overrides, i);
      if (!gu_store_begin (fresh, error))
        return FALSE;
      GuDossierStatus status;
      if (!gu_override_apply (call, fresh, o->reference, o->sha256, (const char *const *) o->keys, &status, error)
          || !gu_store_commit (fresh, error))
        {
          gu_store_rollback (fresh);
          return FALSE;
        }
    }
  return TRUE;
}

/* An admin's filings too: a message is named by its raw SHA-256, which
 * replay gives it again. Before the overrides, which may name the
 * documents a filing brought. */
static gboolean
refile_messages (const GuCall *call, GuStore *fresh, GPtrArray *filings, GError **error)
{
  for (guint i = 0; i < filings->len; i++)
    {
      const GuFiling *f = g_ptr_array_index (filings, i);
      GuDossierStatus status;
      if (!gu_store_begin (fresh, error))
        return FALSE;
      if (!gu_override_file_message (call, fresh, NULL, f->raw_sha256, f->reference, &status, error)
          || !gu_store_commit (fresh, error))
        {
          gu_store_rollback (fresh);
          return FALSE;
        }
    }
  return TRUE;
}

/* Replies are recomposed by the replay; what happened to them (sent,
 * bounced, suppressed) is history, carried over so nothing is sent twice.
 * Mail no stored message gives again (reminders, digests, notices of an
 * admin's filing) is carried over whole. */
static gboolean
restore_outbox (GuStore *fresh, GPtrArray *old_rows, GError **error)
{
  if (!gu_store_begin (fresh, error))
    return FALSE;
  for (guint i = 0; i < old_rows->len; i++)
    if (!gu_store_outbox_carry (fresh, g_ptr_array_index (old_rows, i), error)
        || !gu_store_outbox_restore (fresh, g_ptr_array_index (old_rows, i), error))
      {
        gu_store_rollback (fresh);
        return FALSE;
      }
  return gu_store_commit (fresh, error);
}

static gboolean
replay_into (const char *new_path, const GuConfig *cfg, const GuCall *call, GuClassifier *classifier,
             const History *h, GError **error)
{
  g_autoptr (GuStore) fresh = gu_store_open (new_path, cfg->blobs, error);
  if (fresh == NULL || !gu_store_carry_over (fresh, cfg->database, error))
    return FALSE;
  g_autoptr (GuIntake) intake = gu_intake_new (fresh, cfg, call, classifier);
  for (guint i = 0; i < h->raws->len; i++)
    if (!replay_message (intake, fresh, g_ptr_array_index (h->raws, i), error))
      return FALSE;
  return refile_messages (call, fresh, h->filings, error) && reapply_overrides (call, fresh, h->overrides, error)
         && restore_outbox (fresh, h->outbox, error);
}

/* Renames the old database aside and the new one in its place; returns
 * the old one's new name (newly allocated), or NULL with error. */
static char *
swap_in (const char *database, const char *new_path, GError **error)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%dT%H%M%SZ");
  g_autofree char *backup = g_strdup_printf ("%s.before-replay-%s", database, stamp);
  if (g_rename (database, backup) != 0 || g_rename (new_path, database) != 0)
    {
      g_set_error (error, GU_ERROR, GU_ERROR_FAILED, "cannot swap in the rebuilt database: %s",
                   g_strerror (errno));
      return NULL;
    }
  return g_steal_pointer (&backup);
}

/* Builds the new database beside the old one, then swaps it in; a
 * failure before the swap leaves nothing of it behind. */
static gboolean
rebuild_and_swap (const GuConfig *cfg, const GuCall *call, GuClassifier *classifier, const History *h,
                  char **backup, GError **error)
{
  g_autofree char *new_path = g_strconcat (cfg->database, ".replay", NULL);
  /* Not built upon what a replay cut short left. */
  remove_db_files (new_path);
  if (!replay_into (new_path, cfg, call, classifier, h, error))
    {
      remove_db_files (new_path);
      return FALSE;
    }
  *backup = swap_in (cfg->database, new_path, error);
  return *backup != NULL;
}

gboolean
gu_replay_database (GuStore **store, const GuConfig *cfg, const GuCall *call, GuClassifier *classifier,
                    guint *replayed, char **backup, GError **error)
{
  History h = { 0 };
  gboolean ok = read_history (*store, call, &h, error);
  /* Closing folds its WAL into the file, before that file is renamed
   * aside and kept. */
  g_clear_pointer (store, gu_store_close);
  ok = ok && rebuild_and_swap (cfg, call, classifier, &h, backup, error);
  if (ok)
    *replayed = h.raws->len;
  history_clear (&h);
  return ok;
}
