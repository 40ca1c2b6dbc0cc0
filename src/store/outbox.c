/* The outbox (replies are rows first, mail second) and the per-address
 * counts behind the rate limits. */
#include "config.h"

#include <string.h>

#include "store/store-private.h"
#include "util/error.h"

#define ROW_COLUMNS \
  "o.id, o.dedupe_key, o.kind, o.recipient, o.subject, o.smtp_message_id, o.raw_sha256, o.state," \
  " o.attempts, o.next_attempt_at, o.last_error, o.server_reply, o.created_at, o.sent_at, d.reference"

void
gu_outbox_row_free (GuOutboxRow *row)
{
  if (row == NULL)
    return;
  g_free (row->dedupe_key);
  g_free (row->recipient);
  g_free (row->subject);
  g_free (row->smtp_message_id);
  g_free (row->raw_sha256);
  g_free (row->next_attempt_at);
  g_free (row->last_error);
  g_free (row->server_reply);
  g_free (row->created_at);
  g_free (row->sent_at);
  g_free (row->dossier_reference);
  g_free (row);
}

/* Returns the row's reply, or NULL with error set. */
static GuOutboxRow *
read_row (sqlite3_stmt *stmt, GError **error)
{
  const char *kind = (const char *) sqlite3_column_text (stmt, 2);
  const char *state = (const char *) sqlite3_column_text (stmt, 7);
  g_autoptr (GuOutboxRow) row = g_new0 (GuOutboxRow, 1);
  if (!gu_reply_kind_from_string (kind, &row->kind))
    return gu_store_unknown_name ("outbox kind", kind, error), NULL;
  if (!gu_outbox_state_from_string (state, &row->state))
    return gu_store_unknown_name ("outbox state", state, error), NULL;
  row->id = sqlite3_column_int64 (stmt, 0);
  row->dedupe_key = gu_store_column_dup (stmt, 1);
  row->recipient = gu_store_column_dup (stmt, 3);
  row->subject = gu_store_column_dup (stmt, 4);
  row->smtp_message_id = gu_store_column_dup (stmt, 5);
  row->raw_sha256 = gu_store_column_dup (stmt, 6);
  row->attempts = sqlite3_column_int (stmt, 8);
  row->next_attempt_at = gu_store_column_dup (stmt, 9);
  row->last_error = gu_store_column_dup (stmt, 10);
  row->server_reply = gu_store_column_dup (stmt, 11);
  row->created_at = gu_store_column_dup (stmt, 12);
  row->sent_at = gu_store_column_dup (stmt, 13);
  row->dossier_reference = gu_store_column_dup (stmt, 14);
  return g_steal_pointer (&row);
}

static gboolean
add_row (sqlite3_stmt *stmt, gpointer out, GError **error)
{
  GuOutboxRow *row = read_row (stmt, error);
  if (row != NULL)
    g_ptr_array_add (out, row);
  return row != NULL;
}

static GPtrArray *
read_rows (GuStore *store, sqlite3_stmt *stmt, GError **error)
{
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) gu_outbox_row_free);
  return gu_store_each_row (store, stmt, add_row, out, error) ? g_steal_pointer (&out) : NULL;
}

gboolean
gu_store_outbox_add (GuStore *store, const GuOutboxRow *row, gint64 message_row, gint64 dossier_id,
                     gint64 *id, GError **error)
{
  *id = 0;
  sqlite3_stmt *stmt = gu_store_stmt (store,
      "INSERT INTO outbox (dedupe_key, kind, message_row, dossier_id, recipient, subject,"
      " smtp_message_id, raw_sha256, state, last_error, created_at)"
      " VALUES (?,?,?,?,?,?,?,?,?,?," GU_STORE_NOW_SQL ") ON CONFLICT (dedupe_key) DO NOTHING", error);
  if (stmt == NULL)
    return FALSE;
  GuOutboxState state = row->raw_sha256 != NULL ? GU_OUTBOX_PENDING : GU_OUTBOX_SUPPRESSED;
  gu_store_bind_text (stmt, 1, row->dedupe_key);
  gu_store_bind_text (stmt, 2, gu_reply_kind_to_string (row->kind));
  if (message_row > 0)
    sqlite3_bind_int64 (stmt, 3, message_row);
  if (dossier_id > 0)
    sqlite3_bind_int64 (stmt, 4, dossier_id);
  gu_store_bind_text (stmt, 5, row->recipient);
  gu_store_bind_text (stmt, 6, row->subject);
  gu_store_bind_text (stmt, 7, row->smtp_message_id);
  gu_store_bind_text (stmt, 8, row->raw_sha256);
  gu_store_bind_text (stmt, 9, gu_outbox_state_to_string (state));
  gu_store_bind_text (stmt, 10, row->last_error);
  if (!gu_store_step_done (store, stmt, "add reply", error))
    return FALSE;
  *id = sqlite3_changes (store->db) > 0 ? sqlite3_last_insert_rowid (store->db) : 0;
  return TRUE;
}

GPtrArray *
gu_store_outbox_due (GuStore *store, const char *now, guint limit, GError **error)
{
  sqlite3_stmt *stmt = gu_store_stmt (store,
      "SELECT " ROW_COLUMNS " FROM outbox o LEFT JOIN dossiers d ON d.id = o.dossier_id"
      " WHERE o.state = 'pending' AND (o.next_attempt_at IS NULL OR o.next_attempt_at <= ?)"
      " ORDER BY o.id LIMIT ?", error);
  if (stmt == NULL)
    return NULL;
  gu_store_bind_text (stmt, 1, now);
  sqlite3_bind_int (stmt, 2, (int) limit);
  return read_rows (store, stmt, error);
}

GPtrArray *
gu_store_outbox_list (GuStore *store, GError **error)
{
  sqlite3_stmt *stmt = gu_store_stmt (store,
      "SELECT " ROW_COLUMNS " FROM outbox o LEFT JOIN dossiers d ON d.id = o.dossier_id ORDER BY o.id", error);
  return stmt != NULL ? read_rows (store, stmt, error) : NULL;
}

gboolean
gu_store_outbox_update (GuStore *store, gint64 id, GuOutboxState state, int attempts,
                        const char *next_attempt_at, const char *last_error, const char *server_reply,
                        gboolean sent_now, GError **error)
{
  sqlite3_stmt *stmt = gu_store_stmt (store,
      "UPDATE outbox SET state = ?, attempts = ?, next_attempt_at = ?, last_error = ?,"
      " server_reply = coalesce(?, server_reply),"
      " sent_at = CASE WHEN ? THEN " GU_STORE_NOW_SQL " ELSE sent_at END WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  gu_store_bind_text (stmt, 1, gu_outbox_state_to_string (state));
  sqlite3_bind_int (stmt, 2, attempts);
  gu_store_bind_text (stmt, 3, next_attempt_at);
  gu_store_bind_text (stmt, 4, last_error);
  gu_store_bind_text (stmt, 5, server_reply);
  sqlite3_bind_int (stmt, 6, sent_now);
  sqlite3_bind_int64 (stmt, 7, id);
  return gu_store_step_done (store, stmt, "update reply", error);
}

gboolean
gu_store_outbox_bounced (GuStore *store, const char *smtp_message_id, const char *diagnostic,
                         gint64 *id, GError **error)
{
  *id = 0;
  sqlite3_stmt *stmt = gu_store_stmt (store,
      "UPDATE outbox SET state = ?, last_error = ? WHERE smtp_message_id = ? RETURNING id", error);
  if (stmt == NULL)
    return FALSE;
  gu_store_bind_text (stmt, 1, gu_outbox_state_to_string (GU_OUTBOX_BOUNCED));
  gu_store_bind_text (stmt, 2, diagnostic);
  gu_store_bind_text (stmt, 3, smtp_message_id);
  return gu_store_step_integer (store, stmt, "bounce", id, error);
}

gboolean
gu_store_outbox_restore (GuStore *store, const GuOutboxRow *old, GError **error)
{
  sqlite3_stmt *stmt = gu_store_stmt (store,
      "UPDATE outbox SET state = ?, attempts = ?, next_attempt_at = ?, last_error = ?,"
      " server_reply = ?, sent_at = ?, created_at = ? WHERE dedupe_key = ?", error);
  if (stmt == NULL)
    return FALSE;
  gu_store_bind_text (stmt, 1, gu_outbox_state_to_string (old->state));
  sqlite3_bind_int (stmt, 2, old->attempts);
  gu_store_bind_text (stmt, 3, old->next_attempt_at);
  gu_store_bind_text (stmt, 4, old->last_error);
  gu_store_bind_text (stmt, 5, old->server_reply);
  gu_store_bind_text (stmt, 6, old->sent_at);
  gu_store_bind_text (stmt, 7, old->created_at);
  gu_store_bind_text (stmt, 8, old->dedupe_key);
  return gu_store_step_done (store, stmt, "restore reply", error);
}

gboolean
gu_store_outbox_has_key (GuStore *store, const char *dedupe_key, gboolean *exists, GError **error)
{
  *exists = FALSE;
  sqlite3_stmt *stmt = gu_store_stmt (store, "SELECT count(*) FROM outbox WHERE dedupe_key = ?", error);
  if (stmt == NULL)
    return FALSE;
  gu_store_bind_text (stmt, 1, dedupe_key);
  gint64 n;
  if (!gu_store_step_integer (store, stmt, "find a reply", &n, error))
    return FALSE;
  *exists = n > 0;
  return TRUE;
}

gboolean
gu_store_outbox_carry (GuStore *store, const GuOutboxRow *old, GError **error)
{
  sqlite3_stmt *stmt = gu_store_stmt (store,
      "INSERT INTO outbox (dedupe_key, kind, dossier_id, recipient, subject, smtp_message_id, raw_sha256,"
      " state, created_at) VALUES (?1, ?2, (SELECT id FROM dossiers WHERE reference = ?3), ?4, ?5, ?6, ?7, ?8, ?9)"
      " ON CONFLICT (dedupe_key) DO NOTHING", error);
  if (stmt == NULL)
    return FALSE;
  gu_store_bind_text (stmt, 1, old->dedupe_key);
  gu_store_bind_text (stmt, 2, gu_reply_kind_to_string (old->kind));
  gu_store_bind_text (stmt, 3, old->dossier_reference);
  gu_store_bind_text (stmt, 4, old->recipient);
  gu_store_bind_text (stmt, 5, old->subject != NULL ? old->subject : "");
  gu_store_bind_text (stmt, 6, old->smtp_message_id);
  gu_store_bind_text (stmt, 7, old->raw_sha256);
  gu_store_bind_text (stmt, 8, gu_outbox_state_to_string (old->state));
  gu_store_bind_text (stmt, 9, old->created_at);
  return gu_store_step_done (store, stmt, "carry a reply over", error);
}

gboolean
gu_store_outbox_last_to (GuStore *store, gint64 dossier_id, const char *recipient, char **smtp_message_id,
                         GError **error)
{
  *smtp_message_id = NULL;
  sqlite3_stmt *stmt = gu_store_stmt (store,
      "SELECT smtp_message_id FROM outbox WHERE dossier_id = ? AND recipient = ? COLLATE NOCASE"
      " AND raw_sha256 IS NOT NULL ORDER BY id DESC LIMIT 1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, dossier_id);
  gu_store_bind_text (stmt, 2, recipient);
  int rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *smtp_message_id = gu_store_column_dup (stmt, 0);
  sqlite3_reset (stmt);
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? TRUE : gu_store_fail (store, rc, "find the last reply", error);
}

gboolean
gu_store_replies_since (GuStore *store, const char *address, const char *since, gint64 *count,
                        GError **error)
{
  *count = 0;
  sqlite3_stmt *stmt = gu_store_stmt (store,
      "SELECT count(*) FROM rate_limits WHERE address = ? COLLATE NOCASE AND at >= ?", error);
  if (stmt == NULL)
    return FALSE;
  gu_store_bind_text (stmt, 1, address);
  gu_store_bind_text (stmt, 2, since);
  return gu_store_step_integer (store, stmt, "count replies", count, error);
}

gboolean
gu_store_reply_counted (GuStore *store, const char *address, const char *at, GError **error)
{
  sqlite3_stmt *stmt = gu_store_stmt (store, "INSERT INTO rate_limits (address, at) VALUES (lower(?), ?)", error);
  if (stmt == NULL)
    return FALSE;
  gu_store_bind_text (stmt, 1, address);
  gu_store_bind_text (stmt, 2, at);
  return gu_store_step_done (store, stmt, "count reply", error);
}
