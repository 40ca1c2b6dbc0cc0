/* Dossiers: matching lookups, creation with never-reused references,
 * derived status, and loading for the views. */
#include "config.h"

#include <string.h>

#include "store/store-private.h"
#include "util/error.h"

/* Runs a query whose first row, if any, is (id, applicant). */
static gboolean
first_dossier (GuStore *store, sqlite3_stmt *stmt, gint64 *id, char **owner, GError **error)
{
  int rc = sqlite3_step (stmt);
  *id = 0;
  if (rc == SQLITE_ROW)
    {
      *id = sqlite3_column_int64 (stmt, 0);
      if (owner != NULL)
        *owner = gu_store_column_dup (stmt, 1);
    }
  sqlite3_reset (stmt);
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? TRUE : gu_store_fail (store, rc, "find dossier", error);
}

gboolean
gu_store_dossier_by_reference (GuStore *store, const char *call_id, const char *reference,
                               gint64 *id, char **owner, GError **error)
{
  *id = 0;
  sqlite3_stmt *stmt = gu_store_stmt (store,
      "SELECT id, applicant FROM dossiers WHERE call_id = ? AND reference = ?", error);
  if (stmt == NULL)
    return FALSE;
  gu_store_bind_text (stmt, 1, call_id);
  gu_store_bind_text (stmt, 2, reference);
  return first_dossier (store, stmt, id, owner, error);
}

gboolean
gu_store_dossier_by_reply (GuStore *store, const char *call_id, const char *const *message_ids,
                           gint64 *id, char **owner, GError **error)
{
  *id = 0;
  for (const char *const *mid = message_ids; mid != NULL && *mid && *id == 0; mid++)
    {
      sqlite3_stmt *stmt = gu_store_stmt (store,
          "SELECT d.id, d.applicant FROM outbox o JOIN dossiers d ON d.id = o.dossier_id"
          " WHERE o.smtp_message_id = ? AND d.call_id = ? LIMIT 1", error);
      if (stmt == NULL)
        return FALSE;
      gu_store_bind_text (stmt, 1, *mid);
      gu_store_bind_text (stmt, 2, call_id);
      if (!first_dossier (store, stmt, id, owner, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
gu_store_dossiers_of_applicant (GuStore *store, const char *call_id, const char *applicant,
                                guint *count, gint64 *one, GError **error)
{
  *count = 0;
  *one = 0;
  sqlite3_stmt *stmt = gu_store_stmt (store,
      "SELECT count(*), min(id) FROM dossiers WHERE call_id = ? AND applicant = ? COLLATE NOCASE", error);
  if (stmt == NULL)
    return FALSE;
  gu_store_bind_text (stmt, 1, call_id);
  gu_store_bind_text (stmt, 2, applicant);
  int rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *count = (guint) sqlite3_column_int64 (stmt, 0);
      *one = *count == 1 ? sqlite3_column_int64 (stmt, 1) : 0;
    }
  sqlite3_reset (stmt);
  return rc == SQLITE_ROW ? TRUE : gu_store_fail (store, rc, "count dossiers", error);
}

static gboolean
draw_sequence (GuStore *store, const char *call_id, gint64 *seq, GError **error)
{
  sqlite3_stmt *stmt = gu_store_stmt (store,
      "INSERT INTO reference_counters (call_id, last_seq) VALUES (?, 1)"
      " ON CONFLICT (call_id) DO UPDATE SET last_seq = last_seq + 1 RETURNING last_seq", error);
  if (stmt == NULL)
    return FALSE;
  gu_store_bind_text (stmt, 1, call_id);
  return gu_store_step_integer (store, stmt, "next reference", seq, error);
}

/* The next number of the call's references. A purged dossier's number is
 * never given again: `replay` after a purge rebuilds the counter from
 * the surviving messages, and they must keep the references their
 * applicants were told. */
static gboolean
next_sequence (GuStore *store, const char *call_id, gint64 *seq, GError **error)
{
  for (;;)
    {
      gint64 purged = 0;
      if (!draw_sequence (store, call_id, seq, error))
        return FALSE;
      sqlite3_stmt *stmt = gu_store_stmt (store,
          "SELECT count(*) FROM purged_dossiers WHERE call_id = ? AND seq = ?", error);
      if (stmt == NULL)
        return FALSE;
      gu_store_bind_text (stmt, 1, call_id);
      sqlite3_bind_int64 (stmt, 2, *seq);
      if (!gu_store_step_integer (store, stmt, "purged reference", &purged, error))
        return FALSE;
      if (purged == 0)
        return TRUE;
    }
}

gboolean
gu_store_dossier_create (GuStore *store, const char *call_id,
                         char *(*reference_of) (gint64 seq, gpointer data), gpointer data,
                         const char *applicant, const char *applicant_name,
                         const char *first_received_at, gint64 *id, char **reference, GError **error)
{
  gint64 seq;
  *id = 0;
  if (!next_sequence (store, call_id, &seq, error))
    return FALSE;
  g_autofree char *ref = reference_of (seq, data);
  sqlite3_stmt *stmt = gu_store_stmt (store,
      "INSERT INTO dossiers (call_id, seq, reference, applicant, applicant_name, status,"
      " first_received_at, updated_at) VALUES (?,?,?,?,?,?,?," GU_STORE_NOW_SQL ")", error);
  if (stmt == NULL)
    return FALSE;
  gu_store_bind_text (stmt, 1, call_id);
  sqlite3_bind_int64 (stmt, 2, seq);
  gu_store_bind_text (stmt, 3, ref);
  gu_store_bind_text (stmt, 4, applicant);
  gu_store_bind_text (stmt, 5, applicant_name);
  gu_store_bind_text (stmt, 6, gu_dossier_status_to_string (GU_STATUS_INCOMPLETE));
  gu_store_bind_text (stmt, 7, first_received_at);
  if (!gu_store_step_done (store, stmt, "create dossier", error))
    return FALSE;
  *id = sqlite3_last_insert_rowid (store->db);
  *reference = g_steal_pointer (&ref);
  return TRUE;
}

gboolean
gu_store_dossier_update (GuStore *store, gint64 id, GuDossierStatus status, const char *organisation,
                         const char *legal_category, const char *flags, GError **error)
{
  sqlite3_stmt *stmt = gu_store_stmt (store,
      "UPDATE dossiers SET status = ?, organisation = coalesce(?, organisation),"
      " legal_category = coalesce(?, legal_category), flags = coalesce(?, flags),"
      " updated_at = " GU_STORE_NOW_SQL " WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  gu_store_bind_text (stmt, 1, gu_dossier_status_to_string (status));
  gu_store_bind_text (stmt, 2, organisation);
  gu_store_bind_text (stmt, 3, legal_category);
  gu_store_bind_text (stmt, 4, flags);
  sqlite3_bind_int64 (stmt, 5, id);
  return gu_store_step_done (store, stmt, "update dossier", error);
}

gboolean
gu_store_message_set_dossier (GuStore *store, gint64 message_row, gint64 dossier_id,
                              GuOutcome outcome, GError **error)
{
  sqlite3_stmt *stmt = gu_store_stmt (store,
      "UPDATE messages SET dossier_id = ?, outcome = ? WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  if (dossier_id > 0)
    sqlite3_bind_int64 (stmt, 1, dossier_id);
  gu_store_bind_text (stmt, 2, gu_outcome_to_string (outcome));
  sqlite3_bind_int64 (stmt, 3, message_row);
  return gu_store_step_done (store, stmt, "link message", error);
}

gboolean
gu_store_message_mark_other_sender (GuStore *store, gint64 message_row, gboolean other, GError **error)
{
  sqlite3_stmt *stmt = gu_store_stmt (store,
      "UPDATE documents SET flags = CASE WHEN ?1 THEN flags | ?2 ELSE flags & ~?2 END WHERE message_row = ?3",
      error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int (stmt, 1, other);
  sqlite3_bind_int (stmt, 2, GU_DOC_OTHER_SENDER);
  sqlite3_bind_int64 (stmt, 3, message_row);
  return gu_store_step_done (store, stmt, "mark documents", error);
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
      "INSERT INTO admin_overrides (call_id, reference, sha256, keys, at) VALUES (?,?,?,?," GU_STORE_NOW_SQL ")",
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

static gboolean
add_override (sqlite3_stmt *stmt, gpointer out, GError **error)
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
  return TRUE;
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
