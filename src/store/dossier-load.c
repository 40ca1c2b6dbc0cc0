/* Reading dossiers back for status, views and exports: one query per
 * kind of row for a whole list, never one per dossier. */
#include "config.h"

#include <string.h>

#include "store/store-private.h"
#include "util/error.h"

#define DOSSIER_COLUMNS \
  "d.id, d.reference, d.status, d.applicant, d.applicant_name, d.organisation," \
  " d.legal_category, d.flags, d.first_received_at, d.updated_at"
#define DOCUMENT_COLUMNS \
  "m.dossier_id, doc.id, doc.filename, doc.archive_path, doc.sha256, doc.size, doc.sniffed_type," \
  " doc.flags, doc.unreadable_reason, m.role, m.received_at"

/* Returns the dossier of the row, or NULL with error set. */
static GuDossier *
read_dossier (sqlite3_stmt *stmt, GError **error)
{
  const char *status = (const char *) sqlite3_column_text (stmt, 2);
  g_autoptr (GuDossier) d = gu_dossier_new ();
  if (!gu_dossier_status_from_string (status, &d->status))
    return gu_store_unknown_name ("dossier status", status, error), NULL;
  d->id = sqlite3_column_int64 (stmt, 0);
  d->reference = gu_store_column_dup (stmt, 1);
  d->applicant = gu_store_column_dup (stmt, 3);
  d->applicant_name = gu_store_column_dup (stmt, 4);
  d->organisation = gu_store_column_dup (stmt, 5);
  d->legal_category = gu_store_column_dup (stmt, 6);
  d->flags = gu_store_column_dup (stmt, 7);
  d->first_received_at = gu_store_column_dup (stmt, 8);
  d->updated_at = gu_store_column_dup (stmt, 9);
  return g_steal_pointer (&d);
}

/* Returns the document of the row, or NULL with error set. */
static GuDossierDocument *
read_document (sqlite3_stmt *stmt, GError **error)
{
  const char *role = (const char *) sqlite3_column_text (stmt, 9);
  GuRole source;
  if (!gu_role_from_string (role, &source))
    return gu_store_unknown_name ("role", role, error), NULL;
  GuDossierDocument *doc = gu_dossier_document_new ();
  doc->source = source;
  doc->id = sqlite3_column_int64 (stmt, 1);
  doc->filename = gu_store_column_dup (stmt, 2);
  doc->archive_path = gu_store_column_dup (stmt, 3);
  doc->sha256 = gu_store_column_dup (stmt, 4);
  doc->size = sqlite3_column_int64 (stmt, 5);
  doc->sniffed_type = gu_store_column_dup (stmt, 6);
  doc->flags = (guint) sqlite3_column_int (stmt, 7);
  doc->unreadable_reason = gu_store_column_dup (stmt, 8);
  doc->received_at = gu_store_column_dup (stmt, 10);
  return doc;
}

typedef struct {
  GHashTable *dossiers;  /* id -> GuDossier* (borrowed) */
  GHashTable *documents; /* id -> GuDossierDocument* (borrowed) */
} Loading;

static gboolean
add_document (sqlite3_stmt *stmt, gpointer data, GError **error)
{
  Loading *l = data;
  gint64 dossier_id = sqlite3_column_int64 (stmt, 0);
  GuDossier *d = g_hash_table_lookup (l->dossiers, &dossier_id);
  if (d == NULL)
    return TRUE;
  GuDossierDocument *doc = read_document (stmt, error);
  if (doc == NULL)
    return FALSE;
  g_ptr_array_add (d->documents, doc);
  g_hash_table_insert (l->documents, &doc->id, doc);
  return TRUE;
}

static gboolean
add_piece (sqlite3_stmt *stmt, gpointer data, GError **error)
{
  Loading *l = data;
  gint64 doc_id = sqlite3_column_int64 (stmt, 0);
  GuDossierDocument *doc = g_hash_table_lookup (l->documents, &doc_id);
  if (doc == NULL)
    return TRUE;
  GuPieceMatch *m = g_new0 (GuPieceMatch, 1);
  m->key = gu_store_column_dup (stmt, 1);
  m->evidence = gu_store_column_dup (stmt, 2);
  g_ptr_array_add (doc->pieces, m);
  return TRUE;
}

static gboolean
add_message (sqlite3_stmt *stmt, gpointer data, GError **error)
{
  GuDossier *d = data;
  const char *role = (const char *) sqlite3_column_text (stmt, 2);
  const char *outcome = (const char *) sqlite3_column_text (stmt, 3);
  GuDossierMessage m = { 0 };
  if (!gu_role_from_string (role, &m.role))
    return gu_store_unknown_name ("role", role, error);
  if (!gu_outcome_from_string (outcome, &m.outcome))
    return gu_store_unknown_name ("outcome", outcome, error);
  m.message_id = gu_store_column_dup (stmt, 0);
  m.received_at = gu_store_column_dup (stmt, 1);
  m.subject = gu_store_column_dup (stmt, 4);
  g_ptr_array_add (d->messages, g_memdup2 (&m, sizeof m));
  return TRUE;
}

static gboolean
add_event (sqlite3_stmt *stmt, gpointer data, GError **error)
{
  GuDossier *d = data;
  const char *kind = (const char *) sqlite3_column_text (stmt, 1);
  GuDossierEvent e = { 0 };
  if (!gu_event_kind_from_string (kind, &e.kind))
    return gu_store_unknown_name ("event kind", kind, error);
  e.at = gu_store_column_dup (stmt, 0);
  e.detail = gu_store_column_dup (stmt, 2);
  g_ptr_array_add (d->events, g_memdup2 (&e, sizeof e));
  return TRUE;
}

static gboolean
add_receipt (sqlite3_stmt *stmt, gpointer data, GError **error)
{
  Loading *l = data;
  gint64 dossier_id = sqlite3_column_int64 (stmt, 0);
  GuDossier *d = g_hash_table_lookup (l->dossiers, &dossier_id);
  if (d != NULL)
    g_ptr_array_add (d->receipts, gu_store_column_dup (stmt, 1));
  return TRUE;
}

/* The receipt times of the dossiers in l's messages (status needs them:
 * a dossier stays early until one of them is inside the window).
 * call_id NULL: the one dossier id. */
static gboolean
load_receipts (GuStore *store, Loading *l, const char *call_id, gint64 id, GError **error)
{
  sqlite3_stmt *stmt = call_id != NULL
      ? gu_store_stmt (store, "SELECT m.dossier_id, m.received_at FROM messages m JOIN dossiers d"
                              " ON d.id = m.dossier_id WHERE d.call_id = ? ORDER BY m.received_at, m.id", error)
      : gu_store_stmt (store, "SELECT dossier_id, received_at FROM messages WHERE dossier_id = ?"
                              " ORDER BY received_at, id", error);
  if (stmt == NULL)
    return FALSE;
  if (call_id != NULL)
    sqlite3_bind_text (stmt, 1, call_id, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_int64 (stmt, 1, id);
  return gu_store_each_row (store, stmt, add_receipt, l, error);
}

/* Fills the documents and pieces of the dossiers in l. The two statements
 * select the same dossiers as the caller's: one dossier, or a call's. */
static gboolean
load_documents (GuStore *store, Loading *l, sqlite3_stmt *docs, sqlite3_stmt *pieces, GError **error)
{
  return gu_store_each_row (store, docs, add_document, l, error)
         && gu_store_each_row (store, pieces, add_piece, l, error);
}

static gboolean
load_history (GuStore *store, GuDossier *d, GError **error)
{
  sqlite3_stmt *msgs = gu_store_stmt (store,
      "SELECT message_id, received_at, role, outcome, subject FROM messages"
      " WHERE dossier_id = ? ORDER BY received_at, id", error);
  if (msgs == NULL)
    return FALSE;
  sqlite3_bind_int64 (msgs, 1, d->id);
  if (!gu_store_each_row (store, msgs, add_message, d, error))
    return FALSE;
  sqlite3_stmt *events = gu_store_stmt (store,
      "SELECT at, kind, detail FROM events WHERE dossier_id = ? ORDER BY id", error);
  if (events == NULL)
    return FALSE;
  sqlite3_bind_int64 (events, 1, d->id);
  return gu_store_each_row (store, events, add_event, d, error);
}

static GuDossier *
find_one (GuStore *store, gint64 id, const char *reference, GError **error)
{
  sqlite3_stmt *stmt = reference != NULL
      ? gu_store_stmt (store, "SELECT " DOSSIER_COLUMNS " FROM dossiers d WHERE d.reference = ? COLLATE NOCASE", error)
      : gu_store_stmt (store, "SELECT " DOSSIER_COLUMNS " FROM dossiers d WHERE d.id = ?", error);
  if (stmt == NULL)
    return NULL;
  if (reference != NULL)
    sqlite3_bind_text (stmt, 1, reference, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_int64 (stmt, 1, id);
  int rc = sqlite3_step (stmt);
  GuDossier *d = rc == SQLITE_ROW ? read_dossier (stmt, error) : NULL;
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    gu_store_fail (store, rc, "load dossier", error);
  else if (rc == SQLITE_DONE)
    g_set_error (error, GU_ERROR, GU_ERROR_NOT_FOUND, "no dossier %s", reference != NULL ? reference : "");
  return d;
}

GuDossier *
gu_store_dossier_load (GuStore *store, gint64 id, const char *reference, gboolean full, GError **error)
{
  g_autoptr (GuDossier) d = find_one (store, id, reference, error);
  if (d == NULL)
    return NULL;
  sqlite3_stmt *docs = gu_store_stmt (store,
      "SELECT " DOCUMENT_COLUMNS " FROM documents doc JOIN messages m ON m.id = doc.message_row"
      " WHERE m.dossier_id = ? ORDER BY m.received_at, m.id, doc.position", error);
  sqlite3_stmt *pieces = docs == NULL ? NULL : gu_store_stmt (store,
      "SELECT p.document_id, p.piece_key, p.evidence FROM pieces p"
      " JOIN documents doc ON doc.id = p.document_id JOIN messages m ON m.id = doc.message_row"
      " WHERE m.dossier_id = ? ORDER BY p.document_id, p.rowid", error);
  if (pieces == NULL)
    return NULL;
  sqlite3_bind_int64 (docs, 1, d->id);
  sqlite3_bind_int64 (pieces, 1, d->id);
  g_autoptr (GHashTable) by_id = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr (GHashTable) doc_by_id = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_hash_table_insert (by_id, &d->id, d);
  Loading l = { by_id, doc_by_id };
  if (!load_documents (store, &l, docs, pieces, error) || !load_receipts (store, &l, NULL, d->id, error)
      || (full && (!load_history (store, d, error) || !gu_store_dossier_load_links (store, d, error))))
    return NULL;
  return g_steal_pointer (&d);
}

GPtrArray *
gu_store_message_documents (GuStore *store, gint64 message_row, GError **error)
{
  sqlite3_stmt *docs = gu_store_stmt (store,
      "SELECT 0, doc.id, doc.filename, doc.archive_path, doc.sha256, doc.size, doc.sniffed_type,"
      " doc.flags, doc.unreadable_reason, m.role, m.received_at"
      " FROM documents doc JOIN messages m ON m.id = doc.message_row WHERE m.id = ? ORDER BY doc.position", error);
  sqlite3_stmt *pieces = docs == NULL ? NULL : gu_store_stmt (store,
      "SELECT p.document_id, p.piece_key, p.evidence FROM pieces p JOIN documents doc ON doc.id = p.document_id"
      " WHERE doc.message_row = ? ORDER BY p.document_id, p.rowid", error);
  if (pieces == NULL)
    return NULL;
  sqlite3_bind_int64 (docs, 1, message_row);
  sqlite3_bind_int64 (pieces, 1, message_row);
  /* A dossier of id 0 holds them while they load. */
  g_autoptr (GuDossier) holder = gu_dossier_new ();
  g_autoptr (GHashTable) by_id = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr (GHashTable) doc_by_id = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_hash_table_insert (by_id, &holder->id, holder);
  Loading l = { by_id, doc_by_id };
  if (!load_documents (store, &l, docs, pieces, error))
    return NULL;
  return g_ptr_array_ref (holder->documents);
}

static gboolean
add_dossier (sqlite3_stmt *stmt, gpointer data, GError **error)
{
  GuDossier *d = read_dossier (stmt, error);
  if (d != NULL)
    g_ptr_array_add (data, d);
  return d != NULL;
}

GPtrArray *
gu_store_dossier_list (GuStore *store, const char *call_id, const GuDossierStatus *status, GError **error)
{
  sqlite3_stmt *list = gu_store_stmt (store,
      "SELECT " DOSSIER_COLUMNS " FROM dossiers d WHERE d.call_id = ? AND (?2 IS NULL OR d.status = ?2)"
      " ORDER BY d.seq", error);
  if (list == NULL)
    return NULL;
  sqlite3_bind_text (list, 1, call_id, -1, SQLITE_TRANSIENT);
  if (status != NULL)
    gu_store_bind_text (list, 2, gu_dossier_status_to_string (*status));
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) gu_dossier_free);
  if (!gu_store_each_row (store, list, add_dossier, out, error))
    return NULL;
  sqlite3_stmt *docs = gu_store_stmt (store,
      "SELECT " DOCUMENT_COLUMNS " FROM documents doc JOIN messages m ON m.id = doc.message_row"
      " JOIN dossiers d ON d.id = m.dossier_id WHERE d.call_id = ?"
      " ORDER BY m.received_at, m.id, doc.position", error);
  sqlite3_stmt *pieces = docs == NULL ? NULL : gu_store_stmt (store,
      "SELECT p.document_id, p.piece_key, p.evidence FROM pieces p"
      " JOIN documents doc ON doc.id = p.document_id JOIN messages m ON m.id = doc.message_row"
      " JOIN dossiers d ON d.id = m.dossier_id WHERE d.call_id = ? ORDER BY p.document_id, p.rowid", error);
  if (pieces == NULL)
    return NULL;
  sqlite3_bind_text (docs, 1, call_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (pieces, 1, call_id, -1, SQLITE_TRANSIENT);
  g_autoptr (GHashTable) by_id = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr (GHashTable) doc_by_id = g_hash_table_new (g_int64_hash, g_int64_equal);
  for (guint i = 0; i < out->len; i++)
    {
      GuDossier *d = g_ptr_array_index (out, i);
      g_hash_table_insert (by_id, &d->id, d);
    }
  Loading l = { by_id, doc_by_id };
  if (!load_documents (store, &l, docs, pieces, error) || !load_receipts (store, &l, call_id, 0, error))
    return NULL;
  return g_steal_pointer (&out);
}

/* Replaces the pieces of one document (evidence "admin"). */
static gboolean
replace_pieces (GuStore *store, gint64 document_id, const char *const *keys, GError **error)
{
  sqlite3_stmt *del = gu_store_stmt (store, "DELETE FROM pieces WHERE document_id = ?", error);
  if (del == NULL)
    return FALSE;
  sqlite3_bind_int64 (del, 1, document_id);
  if (!gu_store_step_done (store, del, "set pieces", error))
    return FALSE;
  for (const char *const *k = keys; k != NULL && *k; k++)
    {
      sqlite3_stmt *ins = gu_store_stmt (store,
          "INSERT OR REPLACE INTO pieces (document_id, piece_key, evidence) VALUES (?,?,'admin')", error);
      if (ins == NULL)
        return FALSE;
      sqlite3_bind_int64 (ins, 1, document_id);
      gu_store_bind_text (ins, 2, *k);
      if (!gu_store_step_done (store, ins, "set pieces", error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
add_id (sqlite3_stmt *stmt, gpointer ids, GError **error)
{
  gint64 id = sqlite3_column_int64 (stmt, 0);
  g_array_append_val ((GArray *) ids, id);
  return TRUE;
}

gboolean
gu_store_dossier_set_pieces (GuStore *store, gint64 dossier_id, const char *sha256,
                             const char *const *keys, guint *changed, GError **error)
{
  *changed = 0;
  sqlite3_stmt *find = gu_store_stmt (store,
      "SELECT doc.id FROM documents doc JOIN messages m ON m.id = doc.message_row"
      " WHERE m.dossier_id = ? AND doc.sha256 = ?", error);
  if (find == NULL)
    return FALSE;
  sqlite3_bind_int64 (find, 1, dossier_id);
  gu_store_bind_text (find, 2, sha256);
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  if (!gu_store_each_row (store, find, add_id, ids, error))
    return FALSE;
  for (guint i = 0; i < ids->len; i++)
    if (!replace_pieces (store, g_array_index (ids, gint64, i), keys, error))
      return FALSE;
  *changed = ids->len;
  return TRUE;
}
