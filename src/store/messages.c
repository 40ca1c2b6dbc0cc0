/* Messages, documents, pieces and events. */
#include "config.h"

#include <string.h>

#include "store/store-private.h"
#include "util/error.h"

gboolean
gu_store_find_message_by_raw (GuStore *store, const char *raw_sha256, gint64 *row, GError **error)
{
  *row = 0;
  sqlite3_stmt *stmt = gu_store_stmt (store, "SELECT id FROM messages WHERE raw_sha256 = ?", error);
  if (stmt == NULL)
    return FALSE;
  gu_store_bind_text (stmt, 1, raw_sha256);
  return gu_store_step_integer (store, stmt, "find message", row, error);
}

void
gu_stored_key_free (GuStoredKey *key)
{
  if (key == NULL)
    return;
  g_free (key->raw_sha256);
  g_free (key->content_key);
  g_free (key);
}

static gboolean
add_stored_key (sqlite3_stmt *stmt, gpointer data, GError **error)
{
  GuStoredKey *k = g_new0 (GuStoredKey, 1);
  k->row = sqlite3_column_int64 (stmt, 0);
  k->raw_sha256 = gu_store_column_dup (stmt, 1);
  k->content_key = gu_store_column_dup (stmt, 2);
  if (k->content_key == NULL)
    k->content_key = g_strdup ("");
  g_ptr_array_add (data, k);
  return TRUE;
}

GPtrArray *
gu_store_messages_by_id (GuStore *store, const char *message_id, const char *sender, GError **error)
{
  sqlite3_stmt *stmt = gu_store_stmt (store,
      "SELECT id, raw_sha256, content_key FROM messages WHERE message_id = ? AND sender IS ? ORDER BY id", error);
  if (stmt == NULL)
    return NULL;
  gu_store_bind_text (stmt, 1, message_id);
  gu_store_bind_text (stmt, 2, sender);
  g_autoptr (GPtrArray) keys = g_ptr_array_new_with_free_func ((GDestroyNotify) gu_stored_key_free);
  return gu_store_each_row (store, stmt, add_stored_key, keys, error) ? g_steal_pointer (&keys) : NULL;
}

gboolean
gu_store_set_content_key (GuStore *store, gint64 row, const char *content_key, GError **error)
{
  sqlite3_stmt *stmt = gu_store_stmt (store, "UPDATE messages SET content_key = ? WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  gu_store_bind_text (stmt, 1, content_key);
  sqlite3_bind_int64 (stmt, 2, row);
  return gu_store_step_done (store, stmt, "set content key", error);
}

gboolean
gu_store_message_id_known (GuStore *store, const char *message_id, gboolean *known, GError **error)
{
  *known = FALSE;
  sqlite3_stmt *stmt = gu_store_stmt (store, "SELECT id FROM messages WHERE message_id = ? LIMIT 1", error);
  if (stmt == NULL)
    return FALSE;
  gu_store_bind_text (stmt, 1, message_id);
  gint64 row;
  if (!gu_store_step_integer (store, stmt, "find Message-ID", &row, error))
    return FALSE;
  *known = row > 0;
  return TRUE;
}

static char *
join_references (const GuMessage *msg)
{
  if (msg->references->len == 0)
    return NULL;
  GString *s = g_string_new (NULL);
  for (guint i = 0; i < msg->references->len; i++)
    {
      if (i > 0)
        g_string_append_c (s, ' ');
      g_string_append (s, g_ptr_array_index (msg->references, i));
    }
  return g_string_free (s, FALSE);
}

static void
bind_receipt (sqlite3_stmt *stmt, const GuReceipt *receipt)
{
  g_autofree char *received = gu_store_time_text (receipt->received_at);
  gu_store_bind_text (stmt, 13, receipt->mailbox);
  if (receipt->mailbox != NULL)
    {
      sqlite3_bind_int64 (stmt, 14, receipt->uidvalidity);
      sqlite3_bind_int64 (stmt, 15, receipt->uid);
    }
  gu_store_bind_text (stmt, 16, received);
}

gboolean
gu_store_insert_message (GuStore *store, const GuMessage *msg, const GuReceipt *receipt,
                         GuOutcome outcome, const char *error_text, const char *content_key,
                         gint64 *row, GError **error)
{
  sqlite3_stmt *stmt = gu_store_stmt (store,
      "INSERT INTO messages (raw_sha256, raw_size, message_id, message_id_derived, sender,"
      " sender_name, reply_to, subject, in_reply_to, refs, date_header, body_text,"
      " mailbox, uidvalidity, uid, received_at, role, automatic_reason, is_bounce,"
      " bounced_message_id, outcome, error, content_key, stored_at)"
      " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?," GU_STORE_NOW_SQL ")",
      error);
  *row = 0;
  if (stmt == NULL)
    return FALSE;
  g_autofree char *refs = join_references (msg);
  g_autofree char *date = msg->date != NULL ? g_date_time_format_iso8601 (msg->date) : NULL;
  gu_store_bind_text (stmt, 1, msg->raw_sha256);
  sqlite3_bind_int64 (stmt, 2, (gint64) msg->raw_size);
  gu_store_bind_text (stmt, 3, msg->message_id);
  sqlite3_bind_int (stmt, 4, msg->message_id_derived);
  gu_store_bind_text (stmt, 5, msg->from_addr);
  gu_store_bind_text (stmt, 6, msg->from_name);
  gu_store_bind_text (stmt, 7, msg->reply_to);
  gu_store_bind_text (stmt, 8, msg->subject);
  gu_store_bind_text (stmt, 9, msg->in_reply_to);
  gu_store_bind_text (stmt, 10, refs);
  gu_store_bind_text (stmt, 11, date);
  gu_store_bind_text (stmt, 12, msg->body_text);
  bind_receipt (stmt, receipt);
  gu_store_bind_text (stmt, 17, gu_role_to_string (msg->role));
  gu_store_bind_text (stmt, 18, msg->automatic_reason);
  sqlite3_bind_int (stmt, 19, msg->is_bounce);
  gu_store_bind_text (stmt, 20, msg->bounced_message_id);
  gu_store_bind_text (stmt, 21, gu_outcome_to_string (outcome));
  gu_store_bind_text (stmt, 22, error_text);
  gu_store_bind_text (stmt, 23, content_key);
  if (!gu_store_step_done (store, stmt, "insert message", error))
    return FALSE;
  *row = sqlite3_last_insert_rowid (store->db);
  return TRUE;
}

static gboolean
insert_document (GuStore *store, gint64 message_row, const GuDocument *doc, int position,
                 gint64 parent_id, gint64 *id, GError **error)
{
  sqlite3_stmt *stmt = gu_store_stmt (store,
      "INSERT INTO documents (message_row, parent_id, position, depth, filename, archive_path,"
      " declared_type, sniffed_type, size, sha256, flags, unreadable_reason)"
      " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, message_row);
  if (parent_id > 0)
    sqlite3_bind_int64 (stmt, 2, parent_id);
  sqlite3_bind_int (stmt, 3, position);
  sqlite3_bind_int (stmt, 4, doc->depth);
  gu_store_bind_text (stmt, 5, doc->filename);
  gu_store_bind_text (stmt, 6, doc->archive_path);
  gu_store_bind_text (stmt, 7, doc->declared_type);
  gu_store_bind_text (stmt, 8, doc->sniffed_type);
  sqlite3_bind_int64 (stmt, 9, doc->content != NULL ? (gint64) g_bytes_get_size (doc->content) : 0);
  gu_store_bind_text (stmt, 10, doc->sha256);
  sqlite3_bind_int (stmt, 11, (int) doc->flags);
  gu_store_bind_text (stmt, 12, doc->unreadable_reason);
  if (!gu_store_step_done (store, stmt, "insert document", error))
    return FALSE;
  *id = sqlite3_last_insert_rowid (store->db);
  return TRUE;
}

static gboolean
insert_pieces (GuStore *store, gint64 document_id, const GuDocument *doc, GError **error)
{
  for (guint i = 0; i < doc->pieces->len; i++)
    {
      const GuPieceMatch *m = g_ptr_array_index (doc->pieces, i);
      sqlite3_stmt *stmt = gu_store_stmt (store,
          "INSERT OR REPLACE INTO pieces (document_id, piece_key, evidence) VALUES (?,?,?)", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, document_id);
      gu_store_bind_text (stmt, 2, m->key);
      gu_store_bind_text (stmt, 3, m->evidence);
      if (!gu_store_step_done (store, stmt, "insert piece", error))
        return FALSE;
    }
  return TRUE;
}

gboolean
gu_store_insert_documents (GuStore *store, gint64 message_row, const GuMessage *msg, GError **error)
{
  /* Parents always precede their entries, so their row ids are known. */
  g_autofree gint64 *ids = g_new0 (gint64, msg->documents->len + 1);
  for (guint i = 0; i < msg->documents->len; i++)
    {
      const GuDocument *doc = g_ptr_array_index (msg->documents, i);
      gint64 parent = (doc->parent >= 0 && (guint) doc->parent < i) ? ids[doc->parent] : 0;
      if (!insert_document (store, message_row, doc, (int) i, parent, &ids[i], error)
          || !insert_pieces (store, ids[i], doc, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
gu_store_add_event (GuStore *store, gint64 message_row, gint64 dossier_id, GuEventKind kind,
                    const char *detail, GError **error)
{
  sqlite3_stmt *stmt = gu_store_stmt (store,
      "INSERT INTO events (at, message_row, dossier_id, kind, detail)"
      " VALUES (" GU_STORE_NOW_SQL ",?,?,?,?)", error);
  if (stmt == NULL)
    return FALSE;
  if (message_row > 0)
    sqlite3_bind_int64 (stmt, 1, message_row);
  if (dossier_id > 0)
    sqlite3_bind_int64 (stmt, 2, dossier_id);
  gu_store_bind_text (stmt, 3, gu_event_kind_to_string (kind));
  gu_store_bind_text (stmt, 4, detail);
  return gu_store_step_done (store, stmt, "insert event", error);
}

void
gu_stored_raw_free (GuStoredRaw *raw)
{
  if (raw == NULL)
    return;
  g_free (raw->raw_sha256);
  g_free (raw->received_at);
  g_free (raw->mailbox);
  g_free (raw);
}

static gboolean
add_stored_raw (sqlite3_stmt *stmt, gpointer out, GError **error)
{
  GuStoredRaw *raw = g_new0 (GuStoredRaw, 1);
  raw->raw_sha256 = gu_store_column_dup (stmt, 0);
  raw->received_at = gu_store_column_dup (stmt, 1);
  raw->mailbox = gu_store_column_dup (stmt, 2);
  raw->uidvalidity = (guint32) sqlite3_column_int64 (stmt, 3);
  raw->uid = (guint32) sqlite3_column_int64 (stmt, 4);
  g_ptr_array_add (out, raw);
  return TRUE;
}

GPtrArray *
gu_store_list_raw_messages (GuStore *store, GError **error)
{
  sqlite3_stmt *stmt = gu_store_stmt (store,
      "SELECT raw_sha256, received_at, mailbox, uidvalidity, uid FROM messages ORDER BY id", error);
  if (stmt == NULL)
    return NULL;
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) gu_stored_raw_free);
  return gu_store_each_row (store, stmt, add_stored_raw, out, error) ? g_steal_pointer (&out) : NULL;
}

static gboolean
add_first_column (sqlite3_stmt *stmt, gpointer out, GError **error)
{
  g_ptr_array_add (out, gu_store_column_dup (stmt, 0));
  return TRUE;
}

GPtrArray *
gu_store_message_part_names (GuStore *store, gint64 message_row, GError **error)
{
  sqlite3_stmt *stmt = gu_store_stmt (store,
      "SELECT coalesce(filename, '<no-name:' || coalesce(declared_type, '?') || '>') FROM documents"
      " WHERE message_row = ? AND archive_path IS NULL ORDER BY position", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, message_row);
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func (g_free);
  return gu_store_each_row (store, stmt, add_first_column, out, error) ? g_steal_pointer (&out) : NULL;
}

static gboolean
count_rows (GuStore *store, const char *sql, guint64 *out, GError **error)
{
  sqlite3_stmt *stmt = gu_store_stmt (store, sql, error);
  gint64 n = 0;
  if (stmt == NULL || !gu_store_step_integer (store, stmt, "count", &n, error))
    return FALSE;
  *out = n > 0 ? (guint64) n : 0;
  return TRUE;
}

gboolean
gu_store_verify (GuStore *store, GPtrArray *problems, GuStoreCounts *counts, GError **error)
{
  memset (counts, 0, sizeof *counts);
  if (!count_rows (store, "SELECT count(*) FROM messages", &counts->messages, error)
      || !count_rows (store, "SELECT count(*) FROM documents", &counts->documents, error))
    return FALSE;
  sqlite3_stmt *stmt = gu_store_stmt (store,
      "SELECT raw_sha256 FROM messages UNION SELECT sha256 FROM documents"
      " UNION SELECT text_sha256 FROM documents WHERE text_sha256 IS NOT NULL"
      " UNION SELECT raw_sha256 FROM outbox WHERE raw_sha256 IS NOT NULL", error);
  if (stmt == NULL)
    return FALSE;
  int rc;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr (GError) bad = NULL;
      counts->blobs_checked++;
      if (!gu_blobs_verify (store->blobs, (const char *) sqlite3_column_text (stmt, 0), &bad))
        {
          counts->blobs_bad++;
          g_ptr_array_add (problems, g_strdup (bad->message));
        }
    }
  sqlite3_reset (stmt);
  return rc == SQLITE_DONE ? TRUE : gu_store_fail (store, rc, "verify", error);
}
