/* Schema migrations (internal to src/store; tests use it directly). */
#ifndef GU_STORE_MIGRATE_H
#define GU_STORE_MIGRATE_H

#include <glib.h>
#include <sqlite3.h>

typedef struct {
  int version;      /* the user_version this step leads to */
  const char *name; /* e.g. "001-initial.sql", for messages */
  const char *sql;
} GuMigration;

/* Returns the migrations compiled into guichet (schemas/NNN-*.sql), in
 * order. The array and its strings are owned by the module. */
const GuMigration *gu_migrations_builtin (gsize *n);

/* Brings db from its user_version up to the last of migrations (sorted by
 * version), each step in its own BEGIN IMMEDIATE transaction so that a
 * crash leaves a consistent, resumable database. A database newer than the
 * last step is refused (an older guichet must not touch it). A step that
 * fails for a reason that passes (busy, a full disk, an I/O error) is
 * GU_ERROR_TEMPFAIL, like any other store error. */
gboolean gu_migrate (sqlite3 *db, const GuMigration *migrations, gsize n, GError **error);

/* Reads PRAGMA user_version into *version. */
gboolean gu_migrate_version (sqlite3 *db, int *version, GError **error);

#endif
