/* Shared by the files of src/store only. */
#ifndef GU_STORE_PRIVATE_H
#define GU_STORE_PRIVATE_H

#include <sqlite3.h>

#include "store/blobs.h"
#include "store/store.h"

/* The store's clock in SQL: UTC text, as gu_store_time_text writes it. */
#define GU_STORE_NOW_SQL "strftime('%Y-%m-%dT%H:%M:%SZ','now')"

struct GuStore {
  sqlite3 *db;
  GuBlobs *blobs;
  GHashTable *stmts; /* SQL literal -> prepared statement, finalized on close */
  gboolean in_batch; /* a batch transaction is open: begin/commit/rollback are savepoints */
};

/* The GU_ERROR code for an SQLite result code, primary or extended
 * (connections run with extended result codes, so an I/O error is
 * SQLITE_IOERR_WRITE, SQLITE_IOERR_FSYNC…): busy, locked, a full disk,
 * I/O errors and a file that cannot be opened are GU_ERROR_TEMPFAIL
 * (ingest exits 75 and the MTA retries), anything else GU_ERROR_FAILED.
 * The one mapping of the store, migrations included. */
int gu_store_error_code (int rc);

/* Sets error from an SQLite result code (see gu_store_error_code);
 * returns FALSE for use in return statements. */
gboolean gu_store_fail (GuStore *store, int rc, const char *what, GError **error);

/* Sets GU_ERROR_CORRUPT for a column whose text is none of the names of
 * its state (core/states.h), what naming the state; returns FALSE. */
gboolean gu_store_unknown_name (const char *what, const char *text, GError **error);

/* Returns the cached prepared statement for sql (a string literal), reset
 * and unbound; owned by the store. NULL with error set on failure. */
sqlite3_stmt *gu_store_stmt (GuStore *store, const char *sql, GError **error);

/* Steps a statement that returns no row and resets it; FALSE with error
 * set (what names the operation) unless it completed. */
gboolean gu_store_step_done (GuStore *store, sqlite3_stmt *stmt, const char *what, GError **error);

/* Steps a statement that returns at most one row whose first column is
 * an integer, and resets it: *value is that integer, 0 when no row.
 * FALSE with error set (what names the operation) when the query failed. */
gboolean gu_store_step_integer (GuStore *store, sqlite3_stmt *stmt, const char *what, gint64 *value,
                                GError **error);

/* A row reader of gu_store_each_row: FALSE with error set stops the
 * query (a column that cannot be read). */
typedef gboolean (*GuStoreRowFunc) (sqlite3_stmt *stmt, gpointer data, GError **error);

/* Steps stmt to its end, handing each row to add with data, and resets
 * it; FALSE with error set when the query or a reader failed. */
gboolean gu_store_each_row (GuStore *store, sqlite3_stmt *stmt, GuStoreRowFunc add, gpointer data,
                            GError **error);

/* Binds s, or NULL when s is NULL. */
void gu_store_bind_text (sqlite3_stmt *stmt, int i, const char *s);

/* Returns column i as a newly allocated string, or NULL. */
char *gu_store_column_dup (sqlite3_stmt *stmt, int i);

#endif
