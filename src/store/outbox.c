/* The outbox (replies are rows first, mail second) and the per-address
 * counts behind the rate limits. */
#include "config.h"

#include <string.h>

#include "store/store-private.h"
#include "util/error.h"

#define NOW_SQL "strftime('%Y-%m-%dT%H:%M:%SZ','now')"
#define ROW_COLUMNS \
  "o.id, o.dedupe_key, o.kind, o.recipient, o.subject, o.smtp_message_id, o.raw_sha256, o.state," \
  " o.attempts, o.next_attempt_at, o.last_error, o.server_reply, o.created_at, o.sent_at, d.reference"

void
gu_outbox_row_free (GuOutboxRow *row)
{
  if (row == NULL)
    return;
  g_free (row->dedupe_key);
  g_free (row->kind);
  g_free (row->recipient);
  g_free (row->subject);
  g_free (row->smtp_message_id);
  g_free (row->raw_sha256);
  g_free (row->state);
  g_free (row->next_attempt_at);
  g_free (row->last_error);
  g_free (row->server_reply);
  g_free (row->created_at);
  g_free (row->sent_at);
  g_free (row->dossier_reference);
  g_free (row);
}

static GuOutboxRow *
read_row (sqlite3_stmt *stmt)
{
  GuOutboxRow *row = g_new0 (GuOutboxRow, 1);
  row->id = sqlite3_column_int64 (stmt, 0);
  row->dedupe_key = gu_store_column_dup (stmt, 1);
  row->kind = gu_store_column_dup (stmt, 2);
  row->recipient = gu_store_column_dup (stmt, 3);
  row->subject = gu_store_column_dup (stmt, 4);
  row->smtp_message_id = gu_store_column_dup (stmt, 5);
  row->raw_sha256 = gu_store_column_dup (stmt, 6);
  row->state = gu_store_column_dup (stmt, 7);
  row->attempts = sqlite3_column_int (stmt, 8);
  row->next_attempt_at = gu_store_column_dup (stmt, 9);
  row->last_error = gu_store_column_dup (stmt, 10);
  row->server_reply = gu_store_column_dup (stmt, 11);
  row->created_at = gu_store_column_dup (stmt, 12);
  row->sent_at = gu_store_column_dup (stmt, 13);
  row->dossier_reference = gu_store_column_dup (stmt, 14);
  return row;
}

static void
add_row (sqlite3_stmt *stmt, gpointer out)
{
  g_ptr_array_add (out, read_row (stmt));
}

static GPtrArray *
read_rows (GuStore *store, sqlite3_stmt *stmt, GError **error)
{
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) gu_outbox_row_free);
  return gu_store_each_row (store, stmt, add_row, out, error) ? g_steal_pointer (&out) : NULL;
}

gint64
gu_store_outbox_add (GuStore *store, const GuOutboxRow *row, gint64 message_row, gint64 dossier_id,
                     GError **error)
{
  sqlite3_stmt *stmt = gu_store_stmt (store,
      "INSERT INTO outbox (dedupe_key, kind, message_row, dossier_id, recipient, subject,"
      " smtp_message_id, raw_sha256, state, last_error, created_at)"
      " VALUES (?,?,?,?,?,?,?,?,?,?," NOW_SQL ") ON CONFLICT (dedupe_key) DO NOTHING", error);
  if (stmt == NULL)
    return -1;
  gu_store_bind_text (stmt, 1, row->dedupe_key);
  gu_store_bind_text (stmt, 2, row->kind);
  if (message_row > 0)
    sqlite3_bind_int64 (stmt, 3, message_row);
  if (dossier_id > 0)
    sqlite3_bind_int64 (stmt, 4, dossier_id);
  gu_store_bind_text (stmt, 5, row->recipient);
  gu_store_bind_text (stmt, 6, row->subject);
  gu_store_bind_text (stmt, 7, row->smtp_message_id);
  gu_store_bind_text (stmt, 8, row->raw_sha256);
  gu_store_bind_text (stmt, 9, row->raw_sha256 != NULL ? "pending" : "suppressed");
  gu_store_bind_text (stmt, 10, row->last_error);
  int rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return gu_store_fail (store, rc, "add reply", error) ? 0 : -1;
  return sqlite3_changes (store->db) > 0 ? sqlite3_last_insert_rowid (store->db) : 0;
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
gu_store_outbox_update (GuStore *store, gint64 id, const char *state, int attempts,
                        const char *next_attempt_at, const char *last_error, const char *server_reply,
                        gboolean sent_now, GError **error)
{
  sqlite3_stmt *stmt = gu_store_stmt (store,
      "UPDATE outbox SET state = ?, attempts = ?, next_attempt_at = ?, last_error = ?,"
      " server_reply = coalesce(?, server_reply),"
      " sent_at = CASE WHEN ? THEN " NOW_SQL " ELSE sent_at END WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  gu_store_bind_text (stmt, 1, state);
  sqlite3_bind_int (stmt, 2, attempts);
  gu_store_bind_text (stmt, 3, next_attempt_at);
  gu_store_bind_text (stmt, 4, last_error);
  gu_store_bind_text (stmt, 5, server_reply);
  sqlite3_bind_int (stmt, 6, sent_now);
  sqlite3_bind_int64 (stmt, 7, id);
  return gu_store_step_done (store, stmt, "update reply", error);
}

gint64
gu_store_outbox_bounced (GuStore *store, const char *smtp_message_id, const char *diagnostic,
                         GError **error)
{
  sqlite3_stmt *stmt = gu_store_stmt (store,
      "UPDATE outbox SET state = 'bounced', last_error = ? WHERE smtp_message_id = ? RETURNING id", error);
  if (stmt == NULL)
    return -1;
  gu_store_bind_text (stmt, 1, diagnostic);
  gu_store_bind_text (stmt, 2, smtp_message_id);
  int rc = sqlite3_step (stmt);
  gint64 id = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
  while (rc == SQLITE_ROW)
    rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  return rc == SQLITE_DONE ? id : (gu_store_fail (store, rc, "bounce", error) ? 0 : -1);
}

gboolean
gu_store_outbox_restore (GuStore *store, const GuOutboxRow *old, GError **error)
{
  sqlite3_stmt *stmt = gu_store_stmt (store,
      "UPDATE outbox SET state = ?, attempts = ?, next_attempt_at = ?, last_error = ?,"
      " server_reply = ?, sent_at = ?, created_at = ? WHERE dedupe_key = ?", error);
  if (stmt == NULL)
    return FALSE;
  gu_store_bind_text (stmt, 1, old->state);
  sqlite3_bind_int (stmt, 2, old->attempts);
  gu_store_bind_text (stmt, 3, old->next_attempt_at);
  gu_store_bind_text (stmt, 4, old->last_error);
  gu_store_bind_text (stmt, 5, old->server_reply);
  gu_store_bind_text (stmt, 6, old->sent_at);
  gu_store_bind_text (stmt, 7, old->created_at);
  gu_store_bind_text (stmt, 8, old->dedupe_key);
  return gu_store_step_done (store, stmt, "restore reply", error);
}

gint64
gu_store_replies_since (GuStore *store, const char *address, const char *since, GError **error)
{
  sqlite3_stmt *stmt = gu_store_stmt (store,
      "SELECT count(*) FROM rate_limits WHERE address = ? COLLATE NOCASE AND at >= ?", error);
  if (stmt == NULL)
    return -1;
  gu_store_bind_text (stmt, 1, address);
  gu_store_bind_text (stmt, 2, since);
  int rc = sqlite3_step (stmt);
  gint64 n = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : -1;
  sqlite3_reset (stmt);
  if (n < 0)
    gu_store_fail (store, rc, "count replies", error);
  return n;
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
