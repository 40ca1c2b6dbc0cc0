/* The reminders before the deadline ([reminders] days_before): the days
 * whose reminders were queued, and what the digest says of them. A
 * reminder itself is an outbox row of kind reminder keyed
 * reminder:DAY:REFERENCE (src/pipeline/remind.c). */
#include "config.h"

#include "store/store-private.h"
#include "util/error.h"

gboolean
gu_store_reminder_day_done (GuStore *store, const char *call_id, const char *day, gboolean *done,
                            GError **error)
{
  *done = FALSE;
  sqlite3_stmt *stmt = gu_store_stmt (store, "SELECT count(*) FROM reminder_days WHERE call_id = ? AND day = ?",
                                      error);
  if (stmt == NULL)
    return FALSE;
  gu_store_bind_text (stmt, 1, call_id);
  gu_store_bind_text (stmt, 2, day);
  gint64 n;
  if (!gu_store_step_integer (store, stmt, "find the reminder day", &n, error))
    return FALSE;
  *done = n > 0;
  return TRUE;
}

gboolean
gu_store_reminder_day_record (GuStore *store, const char *call_id, const char *day, int days_before,
                              guint queued, GError **error)
{
  sqlite3_stmt *stmt = gu_store_stmt (store,
      "INSERT INTO reminder_days (call_id, day, days_before, queued, at) VALUES (?1, ?2, ?3, ?4, " GU_STORE_NOW_SQL ")"
      " ON CONFLICT (call_id, day) DO UPDATE SET queued = queued + excluded.queued, at = excluded.at", error);
  if (stmt == NULL)
    return FALSE;
  gu_store_bind_text (stmt, 1, call_id);
  gu_store_bind_text (stmt, 2, day);
  sqlite3_bind_int (stmt, 3, days_before);
  sqlite3_bind_int64 (stmt, 4, queued);
  return gu_store_step_done (store, stmt, "record the reminder day", error);
}

static gboolean
add_reminder (sqlite3_stmt *stmt, gpointer out, GError **error)
{
  GuDigestItem *item = gu_digest_item_new ();
  item->at = gu_store_column_dup (stmt, 0);
  item->reference = gu_store_column_dup (stmt, 1);
  item->who = gu_store_column_dup (stmt, 2);
  item->what = gu_store_column_dup (stmt, 3);
  item->state = gu_store_column_dup (stmt, 4);
  item->detail = gu_store_column_dup (stmt, 5);
  g_ptr_array_add (out, item);
  return TRUE;
}

gboolean
gu_store_reminders_of_day (GuStore *store, const char *call_id, const char *day, GPtrArray *out, GError **error)
{
  /* The day is in the key: a reminder queued later for that day (cron,
   * `guichet remind --date`) still belongs to it. */
  sqlite3_stmt *stmt = gu_store_stmt (store,
      "SELECT o.created_at, d.reference, o.recipient, o.subject, o.state, o.last_error"
      " FROM outbox o JOIN dossiers d ON d.id = o.dossier_id"
      " WHERE o.kind = 'reminder' AND d.call_id = ?1 AND o.dedupe_key = 'reminder:' || ?2 || ':' || d.reference"
      " ORDER BY d.seq", error);
  if (stmt == NULL)
    return FALSE;
  gu_store_bind_text (stmt, 1, call_id);
  gu_store_bind_text (stmt, 2, day);
  return gu_store_each_row (store, stmt, add_reminder, out, error);
}
