/* What `guichet status` reports, read in one place (doc/guichet.1,
 * "status"), and the daemon's record of its last listing. */
#include "config.h"

#include "store/store-private.h"
#include "util/error.h"

gboolean
gu_store_record_poll (GuStore *store, guint backlog, GError **error)
{
  sqlite3_stmt *stmt = gu_store_stmt (
      store,
      "INSERT INTO polls (id, at, backlog) VALUES (1," GU_STORE_NOW_SQL ",?)"
      " ON CONFLICT (id) DO UPDATE SET at = excluded.at, backlog = excluded.backlog",
      error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, backlog);
  return gu_store_step_done (store, stmt, "recording the poll", error);
}

void
gu_store_status_clear (GuStoreStatus *s)
{
  g_clear_pointer (&s->last_poll_at, g_free);
  g_clear_pointer (&s->oldest_pending_at, g_free);
  g_clear_pointer (&s->last_digest_day, g_free);
  *s = (GuStoreStatus) { 0 };
}

static gboolean
read_poll (sqlite3_stmt *stmt, gpointer data, GError **error G_GNUC_UNUSED)
{
  GuStoreStatus *s = data;
  s->last_poll_at = gu_store_column_dup (stmt, 0);
  s->backlog = sqlite3_column_int64 (stmt, 1);
  return TRUE;
}

static gboolean
read_outbox (sqlite3_stmt *stmt, gpointer data, GError **error G_GNUC_UNUSED)
{
  GuStoreStatus *s = data;
  s->outbox_pending = sqlite3_column_int64 (stmt, 0);
  s->outbox_failed = sqlite3_column_int64 (stmt, 1);
  s->oldest_pending_at = gu_store_column_dup (stmt, 2);
  return TRUE;
}

static gboolean
read_digest (sqlite3_stmt *stmt, gpointer data, GError **error G_GNUC_UNUSED)
{
  GuStoreStatus *s = data;
  s->last_digest_day = gu_store_column_dup (stmt, 0);
  s->quarantined = sqlite3_column_int64 (stmt, 1);
  return TRUE;
}

/* Runs sql (one row at most) into status with read. */
static gboolean
read_one (GuStore *store, const char *sql, GuStoreRowFunc read, GuStoreStatus *status, GError **error)
{
  sqlite3_stmt *stmt = gu_store_stmt (store, sql, error);
  return stmt != NULL && gu_store_each_row (store, stmt, read, status, error);
}

gboolean
gu_store_status (GuStore *store, GuStoreStatus *status, GError **error)
{
  *status = (GuStoreStatus) { 0 };
  /* Quarantined since the last digest: what no digest has listed yet. */
  return read_one (store, "SELECT at, backlog FROM polls WHERE id = 1", read_poll, status, error)
         && read_one (store,
                      "SELECT count(*) FILTER (WHERE state = 'pending'),"
                      " count(*) FILTER (WHERE state = 'failed'),"
                      " min(created_at) FILTER (WHERE state = 'pending') FROM outbox",
                      read_outbox, status, error)
         && read_one (store,
                      "SELECT (SELECT max(day) FROM digests),"
                      " (SELECT count(*) FROM messages WHERE outcome = 'quarantined'"
                      "  AND stored_at >= coalesce((SELECT max(created_at) FROM digests), ''))",
                      read_digest, status, error);
}
