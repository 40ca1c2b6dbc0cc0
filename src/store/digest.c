/* The facts of a day for the digest, and the claim that makes a day's
 * digest go out once. Every list query selects the same six columns (at,
 * reference, who, what, state, detail; NULL where a list has none) so
 * that one reader serves them all. Parameters: ?1 the call, ?2 and ?3
 * the day's bounds [start, end), ?4 the deadline (all UTC text).
 * Messages set aside for want of a sender have a list of their own, with
 * the state "set-aside" and their Message-ID as who, until an admin
 * files them: like the quarantined ones, they wait for a person. */
#include "config.h"

#include <string.h>

#include "store/store-private.h"
#include "util/error.h"

typedef struct {
  const char *call_id;
  const char *start;
  const char *end;
  const char *deadline;
} DayParams;

/* Binds the parameters stmt has (a query uses a prefix of ?1…?4). */
static void
bind_day (sqlite3_stmt *stmt, const DayParams *p)
{
  const char *values[] = { p->call_id, p->start, p->end, p->deadline };
  int n = sqlite3_bind_parameter_count (stmt);
  for (int i = 0; i < n && i < (int) G_N_ELEMENTS (values); i++)
    gu_store_bind_text (stmt, i + 1, values[i]);
}

static GuDigestItem *
read_item (sqlite3_stmt *stmt)
{
  GuDigestItem *item = gu_digest_item_new ();
  item->at = gu_store_column_dup (stmt, 0);
  item->reference = gu_store_column_dup (stmt, 1);
  item->who = gu_store_column_dup (stmt, 2);
  item->what = gu_store_column_dup (stmt, 3);
  item->state = gu_store_column_dup (stmt, 4);
  item->detail = gu_store_column_dup (stmt, 5);
  return item;
}

static gboolean
add_item (sqlite3_stmt *stmt, gpointer out, GError **error)
{
  g_ptr_array_add (out, read_item (stmt));
  return TRUE;
}

/* Runs one list query (sql a string literal) and appends its rows. */
static gboolean
read_list (GuStore *store, const char *sql, const DayParams *p, GPtrArray *out, GError **error)
{
  sqlite3_stmt *stmt = gu_store_stmt (store, sql, error);
  if (stmt == NULL)
    return FALSE;
  bind_day (stmt, p);
  return gu_store_each_row (store, stmt, add_item, out, error);
}

static gboolean
read_quarantined_total (GuStore *store, GuDigestFacts *facts, GError **error)
{
  sqlite3_stmt *stmt = gu_store_stmt (store,
      "SELECT count(*) FROM messages WHERE outcome = 'quarantined'", error);
  return stmt != NULL
         && gu_store_step_integer (store, stmt, "count quarantined messages", &facts->quarantined_total, error);
}

/* The dossier lists: created (by first receipt) and completed (by the
 * status-changed event, at processing time) during the day. */
static gboolean
read_dossier_lists (GuStore *store, const DayParams *p, GuDigestFacts *facts, GError **error)
{
  return read_list (store,
             "SELECT first_received_at, reference, applicant, organisation, status, NULL FROM dossiers"
             " WHERE call_id = ?1 AND first_received_at >= ?2 AND first_received_at < ?3 ORDER BY seq",
             p, facts->created, error)
         && read_list (store,
             "SELECT e.at, d.reference, d.applicant, d.organisation, d.status, NULL"
             " FROM events e JOIN dossiers d ON d.id = e.dossier_id"
             " WHERE d.call_id = ?1 AND e.kind = 'status-changed' AND e.detail = 'complete'"
             " AND e.at >= ?2 AND e.at < ?3 ORDER BY e.id",
             p, facts->completed, error);
}

static gboolean
read_message_lists (GuStore *store, const DayParams *p, GuDigestFacts *facts, GError **error)
{
  return read_list (store,
             "SELECT m.received_at, d.reference, m.sender, m.subject, NULL, NULL"
             " FROM messages m JOIN dossiers d ON d.id = m.dossier_id"
             " WHERE d.call_id = ?1 AND m.received_at >= max(?2, ?4) AND m.received_at < ?3"
             " ORDER BY m.received_at, m.id",
             p, facts->late_arrivals, error)
         && read_list (store,
             "SELECT received_at, NULL, sender, subject, NULL, error FROM messages"
             " WHERE outcome = 'unmatched' ORDER BY received_at, id",
             p, facts->unmatched, error)
         && read_list (store,
             "SELECT received_at, NULL, sender, subject, NULL, error FROM messages"
             " WHERE outcome = 'quarantined' AND received_at >= ?2 AND received_at < ?3"
             " ORDER BY received_at, id",
             p, facts->quarantined, error)
         && read_list (store,
             "SELECT m.received_at, NULL, m.message_id, m.subject, 'set-aside', e.detail"
             " FROM events e JOIN messages m ON m.id = e.message_row"
             " WHERE e.kind = 'set-aside' AND m.dossier_id IS NULL"
             " AND m.received_at >= ?2 AND m.received_at < ?3 ORDER BY m.received_at, m.id",
             p, facts->set_aside, error);
}

/* A suppressed reply belongs to the day its message was received (the
 * same day for ingest --received and replay as for the daemon). */
static gboolean
read_reply_lists (GuStore *store, const DayParams *p, GuDigestFacts *facts, GError **error)
{
  return read_list (store,
             "SELECT o.created_at, d.reference, o.recipient, o.subject, o.state, o.last_error"
             " FROM outbox o LEFT JOIN dossiers d ON d.id = o.dossier_id"
             " WHERE o.state IN ('bounced', 'failed') ORDER BY o.id",
             p, facts->undelivered, error)
         && read_list (store,
             "SELECT coalesce(m.received_at, o.created_at), d.reference, o.recipient, o.subject, o.state,"
             " o.last_error FROM outbox o LEFT JOIN messages m ON m.id = o.message_row"
             " LEFT JOIN dossiers d ON d.id = o.dossier_id"
             " WHERE o.state = 'suppressed' AND coalesce(m.received_at, o.created_at) >= ?2"
             " AND coalesce(m.received_at, o.created_at) < ?3 ORDER BY o.id",
             p, facts->suppressed, error);
}

/* Documents that could not be read, received during the day, counted by
 * their flag whatever the reason (encrypted, corrupt, left unread by a
 * per-message budget: "not read: …"); logos are no one's business. */
static gboolean
read_unreadable (GuStore *store, const DayParams *p, GuDigestFacts *facts, GError **error)
{
  sqlite3_stmt *stmt = gu_store_stmt (store,
      "SELECT m.received_at, d.reference, doc.sha256, coalesce(doc.archive_path, doc.filename), NULL,"
      " doc.unreadable_reason FROM documents doc JOIN messages m ON m.id = doc.message_row"
      " LEFT JOIN dossiers d ON d.id = m.dossier_id"
      " WHERE (d.id IS NULL OR d.call_id = ?1) AND m.received_at >= ?2 AND m.received_at < ?3"
      " AND (doc.flags & ?5) != 0 AND (doc.flags & ?6) = 0 ORDER BY m.received_at, m.id, doc.position",
      error);
  if (stmt == NULL)
    return FALSE;
  bind_day (stmt, p);
  sqlite3_bind_int (stmt, 5, GU_DOC_UNREADABLE);
  sqlite3_bind_int (stmt, 6, GU_DOC_INLINE_IMAGE);
  return gu_store_each_row (store, stmt, add_item, facts->unreadable, error);
}

/* A message that quoted another applicant's reference or thread is filed
 * elsewhere with a note: a person checks who it belongs to. By the day
 * it was received, like the other message lists (an event's time is its
 * processing, later for `ingest --received` and replay). */
static gboolean
read_other_sender (GuStore *store, const DayParams *p, GuDigestFacts *facts, GError **error)
{
  return read_list (store,
      "SELECT coalesce(m.received_at, e.at) AS t, d.reference, m.sender, m.subject, NULL, e.detail"
      " FROM events e JOIN dossiers d ON d.id = e.dossier_id LEFT JOIN messages m ON m.id = e.message_row"
      " WHERE d.call_id = ?1 AND e.kind = 'note' AND t >= ?2 AND t < ?3 ORDER BY e.id",
      p, facts->other_sender, error);
}

gboolean
gu_store_digest_facts (GuStore *store, const char *call_id, const char *start, const char *end,
                       const char *deadline, GuDigestFacts *facts, GError **error)
{
  DayParams p = { call_id, start, end, deadline };
  return read_quarantined_total (store, facts, error)
         && read_dossier_lists (store, &p, facts, error)
         && read_message_lists (store, &p, facts, error)
         && read_reply_lists (store, &p, facts, error)
         && read_unreadable (store, &p, facts, error)
         && read_other_sender (store, &p, facts, error);
}

gboolean
gu_store_digest_claim (GuStore *store, const char *day, gboolean *claimed, GError **error)
{
  *claimed = FALSE;
  sqlite3_stmt *stmt = gu_store_stmt (store,
      "INSERT INTO digests (day, created_at) VALUES (?, " GU_STORE_NOW_SQL ") ON CONFLICT (day) DO NOTHING",
      error);
  if (stmt == NULL)
    return FALSE;
  gu_store_bind_text (stmt, 1, day);
  if (!gu_store_step_done (store, stmt, "claim the digest", error))
    return FALSE;
  *claimed = sqlite3_changes (store->db) > 0;
  return TRUE;
}

gboolean
gu_store_digest_set_outbox (GuStore *store, const char *day, gint64 outbox_id, GError **error)
{
  sqlite3_stmt *stmt = gu_store_stmt (store, "UPDATE digests SET outbox_id = ? WHERE day = ?", error);
  if (stmt == NULL)
    return FALSE;
  if (outbox_id > 0)
    sqlite3_bind_int64 (stmt, 1, outbox_id);
  gu_store_bind_text (stmt, 2, day);
  return gu_store_step_done (store, stmt, "record the digest", error);
}
