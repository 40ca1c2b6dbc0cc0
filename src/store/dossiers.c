/* Dossiers: matching lookups, creation with never-reused references,
 * derived status, and loading for the views. */
#include "config.h"

#include <string.h>

#include "store/store-private.h"
#include "util/error.h"

#define NOW_SQL "strftime('%Y-%m-%dT%H:%M:%SZ','now')"

/* Runs a query whose first row is (id, applicant). */
static gint64
first_dossier (GuStore *store, sqlite3_stmt *stmt, char **owner, GError **error)
{
  int rc = sqlite3_step (stmt);
  gint64 id = 0;
  if (rc == SQLITE_ROW)
    {
      id = sqlite3_column_int64 (stmt, 0);
      if (owner != NULL)
        *owner = gu_store_column_dup (stmt, 1);
    }
  else if (rc != SQLITE_DONE)
    id = gu_store_fail (store, rc, "find dossier", error) ? 0 : -1;
  sqlite3_reset (stmt);
  return id;
}

gint64
gu_store_dossier_by_reference (GuStore *store, const char *call_id, const char *reference,
                               char **owner, GError **error)
{
  sqlite3_stmt *stmt = gu_store_stmt (store,
      "SELECT id, applicant FROM dossiers WHERE call_id = ? AND reference = ?", error);
  if (stmt == NULL)
    return -1;
  gu_store_bind_text (stmt, 1, call_id);
  gu_store_bind_text (stmt, 2, reference);
  return first_dossier (store, stmt, owner, error);
}

gint64
gu_store_dossier_by_reply (GuStore *store, const char *call_id, const char *const *message_ids,
                           char **owner, GError **error)
{
  for (const char *const *mid = message_ids; mid != NULL && *mid; mid++)
    {
      sqlite3_stmt *stmt = gu_store_stmt (store,
          "SELECT d.id, d.applicant FROM outbox o JOIN dossiers d ON d.id = o.dossier_id"
          " WHERE o.smtp_message_id = ? AND d.call_id = ? LIMIT 1", error);
      if (stmt == NULL)
        return -1;
      gu_store_bind_text (stmt, 1, *mid);
      gu_store_bind_text (stmt, 2, call_id);
      gint64 id = first_dossier (store, stmt, owner, error);
      if (id != 0)
        return id;
    }
  return 0;
}

gint64
gu_store_dossiers_of_applicant (GuStore *store, const char *call_id, const char *applicant,
                                gint64 *one, GError **error)
{
  sqlite3_stmt *stmt = gu_store_stmt (store,
      "SELECT count(*), min(id) FROM dossiers WHERE call_id = ? AND applicant = ? COLLATE NOCASE", error);
  if (stmt == NULL)
    return -1;
  gu_store_bind_text (stmt, 1, call_id);
  gu_store_bind_text (stmt, 2, applicant);
  int rc = sqlite3_step (stmt);
  gint64 n = -1;
  if (rc == SQLITE_ROW)
    {
      n = sqlite3_column_int64 (stmt, 0);
      *one = n == 1 ? sqlite3_column_int64 (stmt, 1) : 0;
    }
  else
    gu_store_fail (store, rc, "count dossiers", error);
  sqlite3_reset (stmt);
  return n;
}

static gint64
next_sequence (GuStore *store, const char *call_id, GError **error)
{
  sqlite3_stmt *stmt = gu_store_stmt (store,
      "INSERT INTO reference_counters (call_id, last_seq) VALUES (?, 1)"
      " ON CONFLICT (call_id) DO UPDATE SET last_seq = last_seq + 1 RETURNING last_seq", error);
  if (stmt == NULL)
    return -1;
  gu_store_bind_text (stmt, 1, call_id);
  int rc = sqlite3_step (stmt);
  gint64 seq = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : -1;
  /* RETURNING: the row must be stepped to the end before reset. */
  while (rc == SQLITE_ROW)
    rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (seq < 0 || rc != SQLITE_DONE)
    {
      gu_store_fail (store, rc, "next reference", error);
      return -1;
    }
  return seq;
}

gint64
gu_store_dossier_create (GuStore *store, const char *call_id,
                         char *(*reference_of) (gint64 seq, gpointer data), gpointer data,
                         const char *applicant, const char *applicant_name,
                         const char *first_received_at, char **reference, GError **error)
{
  gint64 seq = next_sequence (store, call_id, error);
  if (seq < 0)
    return -1;
  g_autofree char *ref = reference_of (seq, data);
  sqlite3_stmt *stmt = gu_store_stmt (store,
      "INSERT INTO dossiers (call_id, seq, reference, applicant, applicant_name, status,"
      " first_received_at, updated_at) VALUES (?,?,?,?,?,'incomplete',?," NOW_SQL ")", error);
  if (stmt == NULL)
    return -1;
  gu_store_bind_text (stmt, 1, call_id);
  sqlite3_bind_int64 (stmt, 2, seq);
  gu_store_bind_text (stmt, 3, ref);
  gu_store_bind_text (stmt, 4, applicant);
  gu_store_bind_text (stmt, 5, applicant_name);
  gu_store_bind_text (stmt, 6, first_received_at);
  int rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      gu_store_fail (store, rc, "create dossier", error);
      return -1;
    }
  *reference = g_steal_pointer (&ref);
  return sqlite3_last_insert_rowid (store->db);
}

gboolean
gu_store_dossier_update (GuStore *store, gint64 id, const char *status, const char *organisation,
                         const char *legal_category, const char *flags, GError **error)
{
  sqlite3_stmt *stmt = gu_store_stmt (store,
      "UPDATE dossiers SET status = ?, organisation = coalesce(?, organisation),"
      " legal_category = coalesce(?, legal_category), flags = coalesce(?, flags),"
      " updated_at = " NOW_SQL " WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  gu_store_bind_text (stmt, 1, status);
  gu_store_bind_text (stmt, 2, organisation);
  gu_store_bind_text (stmt, 3, legal_category);
  gu_store_bind_text (stmt, 4, flags);
  sqlite3_bind_int64 (stmt, 5, id);
  return gu_store_step_done (store, stmt, "update dossier", error);
}

gboolean
gu_store_message_set_dossier (GuStore *store, gint64 message_row, gint64 dossier_id,
                              const char *outcome, GError **error)
{
  sqlite3_stmt *stmt = gu_store_stmt (store,
      "UPDATE messages SET dossier_id = ?, outcome = ? WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  if (dossier_id > 0)
    sqlite3_bind_int64 (stmt, 1, dossier_id);
  gu_store_bind_text (stmt, 2, outcome);
  sqlite3_bind_int64 (stmt, 3, message_row);
  return gu_store_step_done (store, stmt, "link message", error);
}

void
gu_override_free (GuOverride *o)
{
  if (o == NULL)
    return;
  g_free (o->reference);
  g_free (o->sha256);
  g_strfreev (o->keys);
  g_free (o);
}

gboolean
gu_store_override_record (GuStore *store, const char *call_id, const char *reference,
                          const char *sha256, const char *const *keys, GError **error)
{
  sqlite3_stmt *stmt = gu_store_stmt (store,
      "INSERT INTO admin_overrides (call_id, reference, sha256, keys, at) VALUES (?,?,?,?," NOW_SQL ")",
      error);
  if (stmt == NULL)
    return FALSE;
  g_autofree char *joined = g_strjoinv (" ", (char **) keys);
  gu_store_bind_text (stmt, 1, call_id);
  gu_store_bind_text (stmt, 2, reference);
  gu_store_bind_text (stmt, 3, sha256);
  gu_store_bind_text (stmt, 4, joined);
  return gu_store_step_done (store, stmt, "record override", error);
}

static void
add_override (sqlite3_stmt *stmt, gpointer out)
{
  GuOverride *o = g_new0 (GuOverride, 1);
  o->reference = gu_store_column_dup (stmt, 0);
  o->sha256 = gu_store_column_dup (stmt, 1);
  o->keys = g_strsplit_set ((const char *) sqlite3_column_text (stmt, 2), " ", -1);
  /* "" splits into one empty item: "none". */
  if (o->keys[0] != NULL && *o->keys[0] == '\0')
    {
      g_strfreev (o->keys);
      o->keys = g_new0 (char *, 1);
    }
  g_ptr_array_add (out, o);
}

GPtrArray *
gu_store_override_list (GuStore *store, const char *call_id, GError **error)
{
  sqlite3_stmt *stmt = gu_store_stmt (store,
      "SELECT reference, sha256, keys FROM admin_overrides WHERE call_id = ? ORDER BY id", error);
  if (stmt == NULL)
    return NULL;
  gu_store_bind_text (stmt, 1, call_id);
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) gu_override_free);
  return gu_store_each_row (store, stmt, add_override, out, error) ? g_steal_pointer (&out) : NULL;
}
