/* Data protection (`guichet purge`, `export --anonymised`): what a
 * closed call's dossiers leave behind once their personal data goes. */
#include "config.h"

#include <errno.h>

#include <glib/gstdio.h>

#include "store/store-private.h"
#include "util/error.h"

void
gu_purge_result_clear (GuPurgeResult *r)
{
  g_clear_pointer (&r->dossiers, g_ptr_array_unref);
  *r = (GuPurgeResult) { 0 };
}

void
gu_purged_dossier_free (GuPurgedDossier *d)
{
  g_free (d->reference);
  g_free (d->status);
  g_free (d->first_received_at);
  g_free (d);
}

static gboolean
exec (GuStore *store, const char *sql, GError **error)
{
  char *msg = NULL;
  int rc = sqlite3_exec (store->db, sql, NULL, NULL, &msg);
  if (rc == SQLITE_OK)
    return TRUE;
  g_set_error (error, GU_ERROR, gu_store_error_code (rc), "purge: %s", msg != NULL ? msg : sqlite3_errstr (rc));
  sqlite3_free (msg);
  return FALSE;
}

/* The dossiers of call_id none of whose messages came at or after
 * before, and the messages that go with them: theirs, and those filed in
 * no dossier received before then (quarantined, automatic, parked). */
static gboolean
select_victims (GuStore *store, const char *call_id, const char *before, GError **error)
{
  if (!exec (store,
             "CREATE TEMP TABLE purge_d (id INTEGER PRIMARY KEY);"
             "CREATE TEMP TABLE purge_m (id INTEGER PRIMARY KEY);"
             "CREATE TEMP TABLE purge_blobs (sha256 TEXT PRIMARY KEY);",
             error))
    return FALSE;
  sqlite3_stmt *d = gu_store_stmt (
      store,
      "INSERT INTO purge_d SELECT id FROM dossiers x WHERE call_id = ?1 AND first_received_at < ?2"
      " AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.dossier_id = x.id AND m.received_at >= ?2)",
      error);
  if (d == NULL)
    return FALSE;
  gu_store_bind_text (d, 1, call_id);
  gu_store_bind_text (d, 2, before);
  if (!gu_store_step_done (store, d, "choosing the dossiers", error))
    return FALSE;
  sqlite3_stmt *m = gu_store_stmt (
      store,
      "INSERT INTO purge_m SELECT id FROM messages WHERE dossier_id IN (SELECT id FROM purge_d)"
      " OR (dossier_id IS NULL AND received_at < ?1)",
      error);
  if (m == NULL)
    return FALSE;
  gu_store_bind_text (m, 1, before);
  return gu_store_step_done (store, m, "choosing the messages", error);
}

static gboolean
read_dossier (sqlite3_stmt *stmt, gpointer data, GError **error G_GNUC_UNUSED)
{
  GuPurgedDossier *d = g_new0 (GuPurgedDossier, 1);
  d->reference = gu_store_column_dup (stmt, 0);
  d->status = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  d->first_received_at = gu_store_column_dup (stmt, 2);
  d->documents = sqlite3_column_int64 (stmt, 3);
  d->count = 1;
  g_ptr_array_add (data, d);
  return TRUE;
}

static gboolean
count_victims (GuStore *store, GuPurgeResult *r, GError **error)
{
  r->dossiers = g_ptr_array_new_with_free_func ((GDestroyNotify) gu_purged_dossier_free);
  sqlite3_stmt *s = gu_store_stmt (
      store,
      "SELECT reference, status, first_received_at,"
      " (SELECT count(*) FROM documents d JOIN messages m ON m.id = d.message_row WHERE m.dossier_id = x.id)"
      " FROM dossiers x WHERE id IN (SELECT id FROM purge_d) ORDER BY seq",
      error);
  if (s == NULL || !gu_store_each_row (store, s, read_dossier, r->dossiers, error))
    return FALSE;
  sqlite3_stmt *m = gu_store_stmt (store,
      "SELECT count(*) FILTER (WHERE dossier_id IS NULL), count(*) FROM messages"
      " WHERE id IN (SELECT id FROM purge_m)", error);
  gint64 unfiled = 0;
  if (m == NULL)
    return FALSE;
  int rc = sqlite3_step (m);
  if (rc == SQLITE_ROW)
    {
      unfiled = sqlite3_column_int64 (m, 0);
      r->messages = sqlite3_column_int64 (m, 1);
    }
  sqlite3_reset (m);
  r->unfiled_messages = unfiled;
  if (rc != SQLITE_ROW)
    return gu_store_fail (store, rc, "counting the messages", error);
  sqlite3_stmt *dc = gu_store_stmt (store,
      "SELECT count(*) FROM documents WHERE message_row IN (SELECT id FROM purge_m)", error);
  return dc != NULL && gu_store_step_integer (store, dc, "counting the documents", &r->documents, error);
}

/* The anonymised counts, per day (day_of: the call's day of a UTC time)
 * and status. */
static gboolean
keep_counts (GuStore *store, const char *call_id, const GuPurgeResult *r,
             char *(*day_of) (const char *utc, gpointer data), gpointer data, GError **error)
{
  for (guint i = 0; i < r->dossiers->len; i++)
    {
      const GuPurgedDossier *d = g_ptr_array_index (r->dossiers, i);
      g_autofree char *day = day_of (d->first_received_at, data);
      sqlite3_stmt *s = gu_store_stmt (
          store,
          "INSERT INTO purged_counts (call_id, day, status, dossiers, documents) VALUES (?,?,?,1,?)"
          " ON CONFLICT (call_id, day, status) DO UPDATE SET dossiers = dossiers + 1,"
          " documents = documents + excluded.documents",
          error);
      if (s == NULL)
        return FALSE;
      gu_store_bind_text (s, 1, call_id);
      gu_store_bind_text (s, 2, day);
      gu_store_bind_text (s, 3, d->status);
      sqlite3_bind_int64 (s, 4, d->documents);
      if (!gu_store_step_done (store, s, "keeping the counts", error))
        return FALSE;
    }
  return TRUE;
}

/* Deletes the rows, child tables first; remembers their blobs. Replies
 * go too (their text names the applicant), and digests made before the
 * cut lose their text (it lists every dossier), keeping their row. */
static gboolean
delete_victims (GuStore *store, const char *before, GError **error)
{
  if (!exec (store,
             "INSERT OR IGNORE INTO purge_blobs SELECT raw_sha256 FROM messages WHERE id IN (SELECT id FROM purge_m);"
             "INSERT OR IGNORE INTO purge_blobs SELECT sha256 FROM documents WHERE message_row IN (SELECT id FROM purge_m);"
             "INSERT OR IGNORE INTO purge_blobs SELECT text_sha256 FROM documents"
             "  WHERE text_sha256 IS NOT NULL AND message_row IN (SELECT id FROM purge_m);"
             "INSERT OR IGNORE INTO purge_blobs SELECT raw_sha256 FROM outbox WHERE raw_sha256 IS NOT NULL"
             "  AND (message_row IN (SELECT id FROM purge_m) OR dossier_id IN (SELECT id FROM purge_d));"
             "INSERT OR IGNORE INTO purged_dossiers SELECT call_id, seq FROM dossiers WHERE id IN (SELECT id FROM purge_d);"
             "DELETE FROM rate_limits WHERE address IN (SELECT applicant FROM dossiers WHERE id IN (SELECT id FROM purge_d));"
             "DELETE FROM filings WHERE reference IN (SELECT reference FROM dossiers WHERE id IN (SELECT id FROM purge_d));"
             "DELETE FROM admin_overrides WHERE reference IN (SELECT reference FROM dossiers WHERE id IN (SELECT id FROM purge_d));"
             "DELETE FROM events WHERE message_row IN (SELECT id FROM purge_m) OR dossier_id IN (SELECT id FROM purge_d);"
             "DELETE FROM outbox WHERE message_row IN (SELECT id FROM purge_m) OR dossier_id IN (SELECT id FROM purge_d);"
             "DELETE FROM pieces WHERE document_id IN (SELECT id FROM documents WHERE message_row IN (SELECT id FROM purge_m));"
             "DELETE FROM documents WHERE message_row IN (SELECT id FROM purge_m);"
             "DELETE FROM messages WHERE id IN (SELECT id FROM purge_m);"
             "DELETE FROM dossiers WHERE id IN (SELECT id FROM purge_d);",
             error))
    return FALSE;
  sqlite3_stmt *blobs = gu_store_stmt (store,
      "INSERT OR IGNORE INTO purge_blobs SELECT raw_sha256 FROM outbox WHERE kind = 'digest'"
      " AND state <> 'pending' AND created_at < ?1 AND raw_sha256 IS NOT NULL", error);
  if (blobs == NULL)
    return FALSE;
  gu_store_bind_text (blobs, 1, before);
  if (!gu_store_step_done (store, blobs, "the digests' texts", error))
    return FALSE;
  sqlite3_stmt *digests = gu_store_stmt (store,
      "UPDATE outbox SET raw_sha256 = NULL WHERE kind = 'digest' AND state <> 'pending' AND created_at < ?1",
      error);
  if (digests == NULL)
    return FALSE;
  gu_store_bind_text (digests, 1, before);
  return gu_store_step_done (store, digests, "the digests' texts", error);
}

/* The blobs no row names any more: a blob is shared by every message or
 * document with the same bytes, and goes only with the last of them. */
static gboolean
read_orphan (sqlite3_stmt *stmt, gpointer data, GError **error G_GNUC_UNUSED)
{
  g_ptr_array_add (data, gu_store_column_dup (stmt, 0));
  return TRUE;
}

static GPtrArray *
orphan_blobs (GuStore *store, GError **error)
{
  g_autoptr (GPtrArray) shas = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *s = gu_store_stmt (store,
      "SELECT sha256 FROM purge_blobs b WHERE NOT EXISTS (SELECT 1 FROM messages WHERE raw_sha256 = b.sha256)"
      " AND NOT EXISTS (SELECT 1 FROM documents WHERE sha256 = b.sha256 OR text_sha256 = b.sha256)"
      " AND NOT EXISTS (SELECT 1 FROM outbox WHERE raw_sha256 = b.sha256)",
      error);
  if (s == NULL || !gu_store_each_row (store, s, read_orphan, shas, error))
    return NULL;
  return g_steal_pointer (&shas);
}

static gboolean
record_event (GuStore *store, const char *call_id, const char *before, const GuPurgeResult *r, GError **error)
{
  g_autofree char *detail = g_strdup_printf (
      "call %s, before %s: %u dossiers, %" G_GINT64_FORMAT " messages (%" G_GINT64_FORMAT
      " in no dossier), %" G_GINT64_FORMAT " documents, %" G_GINT64_FORMAT " blobs",
      call_id, before, r->dossiers->len, r->messages, r->unfiled_messages, r->documents, r->blobs);
  return gu_store_add_event (store, 0, 0, GU_EVENT_PURGED, detail, error);
}

static void
drop_temp (GuStore *store)
{
  sqlite3_exec (store->db, "DROP TABLE IF EXISTS temp.purge_d; DROP TABLE IF EXISTS temp.purge_m;"
                "DROP TABLE IF EXISTS temp.purge_blobs;", NULL, NULL, NULL);
}

static gboolean
purge_in_transaction (GuStore *store, const char *call_id, const char *before, gboolean dry_run,
                      char *(*day_of) (const char *utc, gpointer data), gpointer data,
                      GuPurgeResult *r, GPtrArray **orphans, GError **error)
{
  if (!select_victims (store, call_id, before, error) || !count_victims (store, r, error))
    return FALSE;
  if (dry_run)
    return TRUE;
  if (!keep_counts (store, call_id, r, day_of, data, error) || !delete_victims (store, before, error))
    return FALSE;
  *orphans = orphan_blobs (store, error);
  if (*orphans == NULL)
    return FALSE;
  r->blobs = (*orphans)->len;
  return record_event (store, call_id, before, r, error);
}

gboolean
gu_store_purge (GuStore *store, const char *call_id, const char *before, gboolean dry_run,
                char *(*day_of) (const char *utc, gpointer data), gpointer data, GuPurgeResult *result,
                GError **error)
{
  *result = (GuPurgeResult) { 0 };
  g_autoptr (GPtrArray) orphans = NULL;
  if (!gu_store_begin (store, error))
    return FALSE;
  gboolean ok = purge_in_transaction (store, call_id, before, dry_run, day_of, data, result, &orphans, error);
  if (!ok || dry_run)
    {
      gu_store_rollback (store);
      drop_temp (store);
      return ok;
    }
  if (!gu_store_commit (store, error))
    {
      drop_temp (store);
      return FALSE;
    }
  drop_temp (store);
  /* Only once no row names them: a crash before this leaves blobs
   * nobody refers to, never a row without its blob. */
  for (guint i = 0; i < orphans->len; i++)
    {
      g_autofree char *path = gu_blobs_path (store->blobs, g_ptr_array_index (orphans, i));
      if (g_unlink (path) != 0 && errno != ENOENT)
        g_warning ("purge: cannot remove %s: %s", path, g_strerror (errno));
    }
  return TRUE;
}

static gboolean
read_count (sqlite3_stmt *stmt, gpointer data, GError **error G_GNUC_UNUSED)
{
  GuPurgedDossier *d = g_new0 (GuPurgedDossier, 1);
  d->first_received_at = gu_store_column_dup (stmt, 0);
  d->status = gu_store_column_dup (stmt, 1);
  d->count = sqlite3_column_int64 (stmt, 2);
  d->documents = sqlite3_column_int64 (stmt, 3);
  g_ptr_array_add (data, d);
  return TRUE;
}

GPtrArray *
gu_store_anonymous_counts (GuStore *store, const char *call_id, gboolean purged, GError **error)
{
  g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) gu_purged_dossier_free);
  sqlite3_stmt *s = purged
      ? gu_store_stmt (store,
                       "SELECT day, status, dossiers, documents FROM purged_counts WHERE call_id = ?"
                       " ORDER BY day, status", error)
      : gu_store_stmt (store,
                       "SELECT first_received_at, status, 1,"
                       " (SELECT count(*) FROM documents d JOIN messages m ON m.id = d.message_row"
                       "  WHERE m.dossier_id = x.id)"
                       " FROM dossiers x WHERE call_id = ? ORDER BY first_received_at", error);
  if (s == NULL)
    return NULL;
  gu_store_bind_text (s, 1, call_id);
  if (!gu_store_each_row (store, s, read_count, rows, error))
    return NULL;
  return g_steal_pointer (&rows);
}

gboolean
gu_store_carry_over (GuStore *fresh, const char *old_path, GError **error)
{
  sqlite3_stmt *attach = gu_store_stmt (fresh, "ATTACH DATABASE ? AS old", error);
  if (attach == NULL)
    return FALSE;
  gu_store_bind_text (attach, 1, old_path);
  if (!gu_store_step_done (fresh, attach, "opening the old database", error))
    return FALSE;
  gboolean ok = exec (fresh,
                      "BEGIN IMMEDIATE;"
                      "INSERT OR REPLACE INTO main.purged_counts SELECT * FROM old.purged_counts;"
                      "INSERT OR REPLACE INTO main.polls SELECT * FROM old.polls;"
                      "INSERT OR REPLACE INTO main.purged_dossiers SELECT * FROM old.purged_dossiers;"
                      "COMMIT;",
                      error);
  if (!ok)
    sqlite3_exec (fresh->db, "ROLLBACK", NULL, NULL, NULL);
  sqlite3_exec (fresh->db, "DETACH DATABASE old", NULL, NULL, NULL);
  return ok;
}
