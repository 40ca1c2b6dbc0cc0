/* Messages filed by a person rather than by the matching rules: found
 * by Message-ID (`guichet file`) or by our request for a reference (a
 * staff member's answer), and the record replay files them again from. */
#include "config.h"

#include <string.h>

#include "store/store-private.h"
#include "util/error.h"

void
gu_stored_message_clear (GuStoredMessage *m)
{
  g_free (m->message_id);
  g_free (m->raw_sha256);
  g_free (m->subject);
  g_free (m->sender);
  g_free (m->received_at);
  g_free (m->body_text);
  memset (m, 0, sizeof *m);
}

#define STORED_COLUMNS "id, ifnull(dossier_id, 0), message_id, raw_sha256, subject, sender, received_at, role, body_text"

/* Reads the first row of stmt, if any, into *m (m->row 0 when none). */
static gboolean
read_stored (GuStore *store, sqlite3_stmt *stmt, GuStoredMessage *m, GError **error)
{
  memset (m, 0, sizeof *m);
  int rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      m->row = sqlite3_column_int64 (stmt, 0);
      m->dossier_id = sqlite3_column_int64 (stmt, 1);
      m->message_id = gu_store_column_dup (stmt, 2);
      m->raw_sha256 = gu_store_column_dup (stmt, 3);
      m->subject = gu_store_column_dup (stmt, 4);
      m->sender = gu_store_column_dup (stmt, 5);
      m->received_at = gu_store_column_dup (stmt, 6);
      if (!gu_role_from_string ((const char *) sqlite3_column_text (stmt, 7), &m->role))
        m->role = GU_ROLE_APPLICANT;
      m->body_text = gu_store_column_dup (stmt, 8);
    }
  sqlite3_reset (stmt);
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? TRUE : gu_store_fail (store, rc, "find message", error);
}

gboolean
gu_store_message_get (GuStore *store, gint64 row, const char *message_id, const char *raw_sha256,
                      GuStoredMessage *m, GError **error)
{
  /* The first stored, when a Message-ID was reused (crash-safety rule 7). */
  sqlite3_stmt *stmt = gu_store_stmt (store,
      "SELECT " STORED_COLUMNS " FROM messages WHERE id = ?1 OR message_id = ?2 OR raw_sha256 = ?3"
      " ORDER BY id LIMIT 1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, row);
  gu_store_bind_text (stmt, 2, message_id);
  gu_store_bind_text (stmt, 3, raw_sha256);
  return read_stored (store, stmt, m, error);
}

gboolean
gu_store_parked_by_reply (GuStore *store, const char *const *message_ids, gint64 *row, GError **error)
{
  *row = 0;
  for (const char *const *mid = message_ids; mid != NULL && *mid != NULL && *row == 0; mid++)
    {
      sqlite3_stmt *stmt = gu_store_stmt (store,
          "SELECT m.id FROM outbox o JOIN messages m ON m.id = o.message_row"
          " WHERE o.smtp_message_id = ? AND o.kind = ? AND m.outcome = ? LIMIT 1", error);
      if (stmt == NULL)
        return FALSE;
      gu_store_bind_text (stmt, 1, *mid);
      gu_store_bind_text (stmt, 2, gu_reply_kind_to_string (GU_REPLY_STAFF_UNMATCHED));
      gu_store_bind_text (stmt, 3, gu_outcome_to_string (GU_OUTCOME_UNMATCHED));
      int rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        *row = sqlite3_column_int64 (stmt, 0);
      sqlite3_reset (stmt);
      if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return gu_store_fail (store, rc, "find parked message", error);
    }
  return TRUE;
}

gboolean
gu_store_filing_record (GuStore *store, const char *call_id, const char *raw_sha256, const char *reference,
                        GError **error)
{
  sqlite3_stmt *stmt = gu_store_stmt (store,
      "INSERT INTO filings (call_id, raw_sha256, reference, by_whom, at) VALUES (?,?,?,'admin'," GU_STORE_NOW_SQL ")",
      error);
  if (stmt == NULL)
    return FALSE;
  gu_store_bind_text (stmt, 1, call_id);
  gu_store_bind_text (stmt, 2, raw_sha256);
  gu_store_bind_text (stmt, 3, reference);
  return gu_store_step_done (store, stmt, "record filing", error);
}

void
gu_filing_free (GuFiling *f)
{
  if (f == NULL)
    return;
  g_free (f->raw_sha256);
  g_free (f->reference);
  g_free (f);
}

static gboolean
add_filing (sqlite3_stmt *stmt, gpointer out, GError **error)
{
  GuFiling *f = g_new0 (GuFiling, 1);
  f->raw_sha256 = gu_store_column_dup (stmt, 0);
  f->reference = gu_store_column_dup (stmt, 1);
  g_ptr_array_add (out, f);
  return TRUE;
}

GPtrArray *
gu_store_filing_list (GuStore *store, const char *call_id, GError **error)
{
  sqlite3_stmt *stmt = gu_store_stmt (store,
      "SELECT raw_sha256, reference FROM filings WHERE call_id = ? ORDER BY id", error);
  if (stmt == NULL)
    return NULL;
  gu_store_bind_text (stmt, 1, call_id);
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) gu_filing_free);
  return gu_store_each_row (store, stmt, add_filing, out, error) ? g_steal_pointer (&out) : NULL;
}

static gboolean
add_organisation (sqlite3_stmt *stmt, gpointer out, GError **error)
{
  GuDossierName *n = g_new0 (GuDossierName, 1);
  n->id = sqlite3_column_int64 (stmt, 0);
  n->reference = gu_store_column_dup (stmt, 1);
  n->organisation = gu_store_column_dup (stmt, 2);
  g_ptr_array_add (out, n);
  return TRUE;
}

static void
dossier_name_free (GuDossierName *n)
{
  g_free (n->reference);
  g_free (n->organisation);
  g_free (n);
}

GPtrArray *
gu_store_dossier_organisations (GuStore *store, const char *call_id, GError **error)
{
  sqlite3_stmt *stmt = gu_store_stmt (store,
      "SELECT id, reference, organisation FROM dossiers WHERE call_id = ? AND organisation IS NOT NULL"
      " ORDER BY seq", error);
  if (stmt == NULL)
    return NULL;
  gu_store_bind_text (stmt, 1, call_id);
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) dossier_name_free);
  return gu_store_each_row (store, stmt, add_organisation, out, error) ? g_steal_pointer (&out) : NULL;
}
