/* Shared by the files of src/store only. */
#ifndef GU_STORE_PRIVATE_H
#define GU_STORE_PRIVATE_H

#include <sqlite3.h>

#include "store/blobs.h"
#include "store/store.h"

struct GuStore {
  sqlite3 *db;
  GuBlobs *blobs;
  GHashTable *stmts; /* SQL literal -> prepared statement, finalized on close */
};

/* Sets error from an SQLite result code (TEMPFAIL for busy, full, I/O);
 * returns FALSE for use in return statements. */
gboolean gu_store_fail (GuStore *store, int rc, const char *what, GError **error);

/* Returns the cached prepared statement for sql (a string literal), reset
 * and unbound; owned by the store. NULL with error set on failure. */
sqlite3_stmt *gu_store_stmt (GuStore *store, const char *sql, GError **error);

/* Steps a statement that returns no row and resets it; FALSE with error
 * set (what names the operation) unless it completed. */
gboolean gu_store_step_done (GuStore *store, sqlite3_stmt *stmt, const char *what, GError **error);

/* Steps stmt to its end, handing each row to add with data, and resets
 * it; FALSE with error set when the query failed. */
gboolean gu_store_each_row (GuStore *store, sqlite3_stmt *stmt,
                            void (*add) (sqlite3_stmt *stmt, gpointer data), gpointer data,
                            GError **error);

/* Binds s, or NULL when s is NULL. */
void gu_store_bind_text (sqlite3_stmt *stmt, int i, const char *s);

/* Returns column i as a newly allocated string, or NULL. */
char *gu_store_column_dup (sqlite3_stmt *stmt, int i);

#endif
