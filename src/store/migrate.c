#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <gio/gio.h>

#include "store/migrate.h"
#include "store/store-private.h"
#include "util/error.h"

GResource *gu_schemas_get_resource (void);

#define SCHEMA_PATH "/org/guichet/schemas"

static GuMigration *builtin;
static gsize builtin_len;

static int
compare_names (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* Reads the compiled-in schema files once; their names start with the
 * version number ("001-initial.sql"). */
static void
load_builtin (void)
{
  g_auto (GStrv) names = g_resource_enumerate_children (gu_schemas_get_resource (), SCHEMA_PATH,
                                                        G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  gsize n = names != NULL ? g_strv_length (names) : 0;
  qsort (names, n, sizeof (char *), compare_names);
  builtin = g_new0 (GuMigration, n + 1);
  for (gsize i = 0; i < n; i++)
    {
      g_autofree char *path = g_strconcat (SCHEMA_PATH "/", names[i], NULL);
      GBytes *bytes = g_resource_lookup_data (gu_schemas_get_resource (), path,
                                              G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
      builtin[i].version = atoi (names[i]);
      builtin[i].name = g_strdup (names[i]);
      /* Resource data is NUL-terminated and lives as long as the process. */
      builtin[i].sql = g_bytes_get_data (bytes, NULL);
      g_bytes_unref (bytes);
    }
  builtin_len = n;
}

const GuMigration *
gu_migrations_builtin (gsize *n)
{
  if (builtin == NULL)
    load_builtin ();
  *n = builtin_len;
  return builtin;
}

gboolean
gu_migrate_version (sqlite3 *db, int *version, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  *version = rc == SQLITE_ROW ? sqlite3_column_int (stmt, 0) : 0;
  sqlite3_finalize (stmt);
  if (rc == SQLITE_ROW)
    return TRUE;
  g_set_error (error, GU_ERROR, gu_store_error_code (rc), "cannot read the schema version: %s",
               sqlite3_errmsg (db));
  return FALSE;
}

static gboolean
exec_or_fail (sqlite3 *db, const char *sql, const char *what, GError **error)
{
  char *msg = NULL;
  int rc = sqlite3_exec (db, sql, NULL, NULL, &msg);
  if (rc == SQLITE_OK)
    return TRUE;
  g_set_error (error, GU_ERROR, gu_store_error_code (rc), "%s: %s", what,
               msg != NULL ? msg : sqlite3_errstr (rc));
  sqlite3_free (msg);
  return FALSE;
}

static gboolean
apply_step (sqlite3 *db, const GuMigration *m, GError **error)
{
  if (!exec_or_fail (db, "BEGIN IMMEDIATE", m->name, error))
    return FALSE;
  /* Read the version again inside the write lock: another process may
   * have migrated while we waited for it. */
  int current;
  if (!gu_migrate_version (db, &current, error))
    {
      sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
      return FALSE;
    }
  if (current >= m->version)
    return exec_or_fail (db, "COMMIT", m->name, error);
  g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %d", m->version);
  if (!exec_or_fail (db, m->sql, m->name, error) || !exec_or_fail (db, bump, m->name, error)
      || !exec_or_fail (db, "COMMIT", m->name, error))
    {
      sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
      return FALSE;
    }
  return TRUE;
}

gboolean
gu_migrate (sqlite3 *db, const GuMigration *migrations, gsize n, GError **error)
{
  int current;
  int latest = n > 0 ? migrations[n - 1].version : 0;
  if (!gu_migrate_version (db, &current, error))
    return FALSE;
  if (current > latest)
    {
      g_set_error (error, GU_ERROR, GU_ERROR_FAILED,
                   "the database is at schema version %d, newer than this guichet knows (%d): "
                   "upgrade guichet", current, latest);
      return FALSE;
    }
  for (gsize i = 0; i < n; i++)
    if (migrations[i].version > current && !apply_step (db, &migrations[i], error))
      return FALSE;
  return TRUE;
}
