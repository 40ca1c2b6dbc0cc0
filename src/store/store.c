/* Connection, transactions and blobs. Row-level statements live in
 * messages.c; both share the private header store-private.h. */
#include "config.h"

#include <string.h>

#include "store/blobs.h"
#include "store/migrate.h"
#include "store/store-private.h"
#include "util/error.h"
#include "util/fs.h"

#define BUSY_TIMEOUT_MS 30000

int
gu_store_error_code (int rc)
{
  /* An extended code keeps its primary code in the low byte. */
  switch (rc & 0xff)
    {
    case SQLITE_BUSY: case SQLITE_LOCKED: case SQLITE_FULL: case SQLITE_IOERR: case SQLITE_CANTOPEN:
      return GU_ERROR_TEMPFAIL;
    default:
      return GU_ERROR_FAILED;
    }
}

gboolean
gu_store_fail (GuStore *store, int rc, const char *what, GError **error)
{
  g_set_error (error, GU_ERROR, gu_store_error_code (rc), "database: %s: %s", what,
               store != NULL && store->db != NULL ? sqlite3_errmsg (store->db) : sqlite3_errstr (rc));
  return FALSE;
}

gboolean
gu_store_unknown_name (const char *what, const char *text, GError **error)
{
  g_set_error (error, GU_ERROR, GU_ERROR_CORRUPT, "database: unknown %s \"%s\"", what,
               text != NULL ? text : "(null)");
  return FALSE;
}

sqlite3_stmt *
gu_store_stmt (GuStore *store, const char *sql, GError **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (store->stmts, sql);
  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }
  int rc = sqlite3_prepare_v3 (store->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      gu_store_fail (store, rc, "prepare", error);
      return NULL;
    }
  /* Keys are the callers' string literals: they live as long as we do. */
  g_hash_table_insert (store->stmts, (gpointer) sql, stmt);
  return stmt;
}

static gboolean
exec_sql (GuStore *store, const char *sql, GError **error)
{
  int rc = sqlite3_exec (store->db, sql, NULL, NULL, NULL);
  return rc == SQLITE_OK ? TRUE : gu_store_fail (store, rc, sql, error);
}

/* journal_mode answers with the mode it got: WAL can be refused (e.g. on
 * some network file systems) and we want to know. */
static gboolean
enable_wal (GuStore *store, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (store->db, "PRAGMA journal_mode=WAL", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return gu_store_fail (store, rc, "journal_mode", error);
  rc = sqlite3_step (stmt);
  gboolean ok = rc == SQLITE_ROW && g_ascii_strcasecmp ((const char *) sqlite3_column_text (stmt, 0), "wal") == 0;
  sqlite3_finalize (stmt);
  if (!ok)
    g_set_error (error, GU_ERROR, GU_ERROR_FAILED, "database: cannot switch to WAL mode");
  return ok;
}

static gboolean
configure_connection (GuStore *store, GError **error)
{
  sqlite3_busy_timeout (store->db, BUSY_TIMEOUT_MS);
  sqlite3_extended_result_codes (store->db, 1);
  return exec_sql (store, "PRAGMA foreign_keys=ON", error)
         && exec_sql (store, "PRAGMA synchronous=FULL", error)
         && enable_wal (store, error);
}

static void
finalize_stmt (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

GuStore *
gu_store_open (const char *db_path, const char *blob_dir, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (db_path);
  if (!gu_mkdir_p (dir, error))
    return NULL;
  g_autoptr (GuStore) store = g_new0 (GuStore, 1);
  store->stmts = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, finalize_stmt);
  int rc = sqlite3_open_v2 (db_path, &store->db,
                            SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      gu_store_fail (store, rc, db_path, error);
      return NULL;
    }
  gsize n;
  const GuMigration *migrations = gu_migrations_builtin (&n);
  if (!configure_connection (store, error) || !gu_migrate (store->db, migrations, n, error))
    return NULL;
  store->blobs = gu_blobs_open (blob_dir, error);
  if (store->blobs == NULL)
    return NULL;
  return g_steal_pointer (&store);
}

void
gu_store_close (GuStore *store)
{
  if (store == NULL)
    return;
  /* Statements must be finalized before close, or close fails BUSY. */
  g_clear_pointer (&store->stmts, g_hash_table_unref);
  if (store->db != NULL)
    {
      sqlite3_exec (store->db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
      sqlite3_close (store->db);
    }
  gu_blobs_free (store->blobs);
  g_free (store);
}

void
gu_store_set_busy_timeout (GuStore *store, int milliseconds)
{
  sqlite3_busy_timeout (store->db, milliseconds);
}

gboolean
gu_store_schema_version (GuStore *store, int *version, GError **error)
{
  return gu_migrate_version (store->db, version, error);
}

gboolean
gu_store_begin (GuStore *store, GError **error)
{
  return exec_sql (store, store->in_batch ? "SAVEPOINT message" : "BEGIN IMMEDIATE", error);
}

gboolean
gu_store_commit (GuStore *store, GError **error)
{
  return exec_sql (store, store->in_batch ? "RELEASE message" : "COMMIT", error);
}

void
gu_store_rollback (GuStore *store)
{
  if (sqlite3_get_autocommit (store->db))
    return;
  sqlite3_exec (store->db, store->in_batch ? "ROLLBACK TO message; RELEASE message" : "ROLLBACK", NULL, NULL,
                NULL);
}

void
gu_store_batch_start (GuStore *store)
{
  gu_blobs_defer (store->blobs);
}

gboolean
gu_store_batch_open (GuStore *store, GError **error)
{
  if (!gu_blobs_settle (store->blobs, error) || !exec_sql (store, "BEGIN IMMEDIATE", error))
    return FALSE;
  store->in_batch = TRUE;
  /* What the transaction writes (the replies) is deferred too, and made
   * durable once, just before the commit. */
  gu_blobs_defer (store->blobs);
  return TRUE;
}

gboolean
gu_store_batch_commit (GuStore *store, GError **error)
{
  if (!store->in_batch)
    return TRUE;
  store->in_batch = FALSE;
  if (gu_blobs_settle (store->blobs, error) && exec_sql (store, "COMMIT", error))
    return TRUE;
  sqlite3_exec (store->db, "ROLLBACK", NULL, NULL, NULL);
  return FALSE;
}

void
gu_store_batch_abort (GuStore *store)
{
  gu_blobs_discard (store->blobs);
  if (store->in_batch && !sqlite3_get_autocommit (store->db))
    sqlite3_exec (store->db, "ROLLBACK", NULL, NULL, NULL);
  store->in_batch = FALSE;
}

gboolean
gu_store_put_blob (GuStore *store, GBytes *data, const char *known_sha256, char sha_out[65],
                   GError **error)
{
  return gu_blobs_put (store->blobs, data, known_sha256, sha_out, error);
}

GBytes *
gu_store_get_blob (GuStore *store, const char *sha256, GError **error)
{
  return gu_blobs_get (store->blobs, sha256, error);
}

char *
gu_store_time_text (GDateTime *t)
{
  g_autoptr (GDateTime) utc = g_date_time_to_utc (t);
  return g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
}

void
gu_store_bind_text (sqlite3_stmt *stmt, int i, const char *s)
{
  if (s != NULL)
    sqlite3_bind_text (stmt, i, s, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, i);
}

char *
gu_store_column_dup (sqlite3_stmt *stmt, int i)
{
  const unsigned char *t = sqlite3_column_text (stmt, i);
  return t != NULL ? g_strdup ((const char *) t) : NULL;
}

gboolean
gu_store_step_done (GuStore *store, sqlite3_stmt *stmt, const char *what, GError **error)
{
  int rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  return rc == SQLITE_DONE ? TRUE : gu_store_fail (store, rc, what, error);
}

gboolean
gu_store_step_integer (GuStore *store, sqlite3_stmt *stmt, const char *what, gint64 *value, GError **error)
{
  int rc = sqlite3_step (stmt);
  *value = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
  /* RETURNING: the row must be stepped to the end before reset. */
  while (rc == SQLITE_ROW)
    rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  return rc == SQLITE_DONE ? TRUE : gu_store_fail (store, rc, what, error);
}

gboolean
gu_store_each_row (GuStore *store, sqlite3_stmt *stmt, GuStoreRowFunc add, gpointer data, GError **error)
{
  int rc;
  gboolean ok = TRUE;
  while (ok && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    ok = add (stmt, data, error);
  sqlite3_reset (stmt);
  if (!ok)
    return FALSE;
  return rc == SQLITE_DONE ? TRUE : gu_store_fail (store, rc, "read", error);
}
