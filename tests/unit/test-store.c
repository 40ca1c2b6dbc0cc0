/* The store: migrations under user_version, WAL, the blob store, and the
 * message rows intake relies on for duplicates. */
#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "store/blobs.h"
#include "store/migrate.h"
#include "store/store.h"
#include "testutil.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/hash.h"

static sqlite3 *
open_raw (const char *path)
{
  sqlite3 *db = NULL;
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  return db;
}

static int
version_of (sqlite3 *db)
{
  g_autoptr (GError) error = NULL;
  int version = -1;
  g_assert_true (gu_migrate_version (db, &version, &error));
  g_assert_no_error (error);
  return version;
}

static int
store_version (GuStore *store)
{
  g_autoptr (GError) error = NULL;
  int version = -1;
  g_assert_true (gu_store_schema_version (store, &version, &error));
  g_assert_no_error (error);
  return version;
}

static gboolean
table_exists (sqlite3 *db, const char *name)
{
  sqlite3_stmt *stmt = NULL;
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  gboolean found = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_finalize (stmt);
  return found;
}

static void
test_fresh_and_twice (void)
{
  g_autofree char *dir = gu_test_tmpdir ();
  g_autofree char *db = g_build_filename (dir, "sub", "g.db", NULL);
  g_autofree char *blobs = g_build_filename (dir, "blobs", NULL);
  gsize n;
  const GuMigration *builtin = gu_migrations_builtin (&n);
  g_assert_cmpuint (n, >=, 1);
  g_autoptr (GError) error = NULL;
  GuStore *a = gu_store_open (db, blobs, &error);
  g_assert_no_error (error);
  GuStore *b = gu_store_open (db, blobs, &error);
  g_assert_no_error (error);
  g_assert_cmpint (store_version (a), ==, builtin[n - 1].version);
  g_assert_cmpint (store_version (b), ==, builtin[n - 1].version);
  gu_store_close (b);
  gu_store_close (a);
  sqlite3 *raw = open_raw (db);
  g_assert_true (table_exists (raw, "messages"));
  g_assert_true (table_exists (raw, "outbox"));
  g_assert_true (table_exists (raw, "rate_limits"));
  sqlite3_stmt *stmt = NULL;
  sqlite3_prepare_v2 (raw, "PRAGMA journal_mode", -1, &stmt, NULL);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "wal");
  sqlite3_finalize (stmt);
  sqlite3_close (raw);
  gu_test_rmtree (dir);
}

static const GuMigration steps[] = {
  { 1, "001-a.sql", "CREATE TABLE a (x INTEGER);" },
  { 2, "002-b.sql", "CREATE TABLE b (y INTEGER); INSERT INTO a VALUES (42);" },
  { 3, "003-broken.sql", "CREATE TABLE c (z INTEGER); THIS IS NOT SQL;" },
};

/* A database at an older version is brought up step by step; a broken
 * step leaves it at the last good version, with nothing half-applied. */
static void
test_migrate_from_older (void)
{
  g_autofree char *dir = gu_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "m.db", NULL);
  sqlite3 *db = open_raw (path);
  g_autoptr (GError) error = NULL;
  g_assert_true (gu_migrate (db, steps, 1, &error));
  g_assert_cmpint (version_of (db), ==, 1);
  g_assert_true (gu_migrate (db, steps, 2, &error));
  g_assert_no_error (error);
  g_assert_cmpint (version_of (db), ==, 2);
  g_assert_true (table_exists (db, "b"));
  /* Running again changes nothing (the INSERT of step 2 is not repeated). */
  g_assert_true (gu_migrate (db, steps, 2, &error));
  sqlite3_stmt *stmt = NULL;
  sqlite3_prepare_v2 (db, "SELECT count(*) FROM a", -1, &stmt, NULL);
  sqlite3_step (stmt);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 1);
  sqlite3_finalize (stmt);
  g_assert_false (gu_migrate (db, steps, 3, &error));
  g_assert_nonnull (error);
  g_assert_cmpint (version_of (db), ==, 2);
  g_assert_false (table_exists (db, "c"));
  sqlite3_close (db);
  gu_test_rmtree (dir);
}

/* A VFS over the default one whose writes fail with SQLITE_IOERR_WRITE
 * while fail_writes is set: a disk that fails (or fills, when the OS says
 * so with EIO) in the middle of a migration. */
#define FAULTY_VFS "guichet-faulty"
static sqlite3_vfs faulty_vfs;
/* The default VFS has a table of methods per kind of file (database,
 * journal…): each gets a copy whose xWrite fails on demand. */
static struct {
  const sqlite3_io_methods *real;
  sqlite3_io_methods faulty;
} method_tables[8];
static gboolean fail_writes;

static int
faulty_write (sqlite3_file *file, const void *data, int amount, sqlite3_int64 offset)
{
  if (fail_writes)
    return SQLITE_IOERR_WRITE;
  for (gsize i = 0; i < G_N_ELEMENTS (method_tables); i++)
    if (file->pMethods == &method_tables[i].faulty)
      return method_tables[i].real->xWrite (file, data, amount, offset);
  g_assert_not_reached ();
}

static const sqlite3_io_methods *
faulty_methods_for (const sqlite3_io_methods *real)
{
  for (gsize i = 0; i < G_N_ELEMENTS (method_tables); i++)
    {
      if (method_tables[i].real == NULL)
        {
          method_tables[i].real = real;
          method_tables[i].faulty = *real;
          method_tables[i].faulty.xWrite = faulty_write;
        }
      if (method_tables[i].real == real)
        return &method_tables[i].faulty;
    }
  g_assert_not_reached ();
}

static int
faulty_open (sqlite3_vfs *vfs, const char *name, sqlite3_file *file, int flags, int *out_flags)
{
  sqlite3_vfs *real = vfs->pAppData;
  int rc = real->xOpen (real, name, file, flags, out_flags);
  if (rc == SQLITE_OK && file->pMethods != NULL)
    file->pMethods = faulty_methods_for (file->pMethods);
  return rc;
}

static void
register_faulty_vfs (void)
{
  if (sqlite3_vfs_find (FAULTY_VFS) != NULL)
    return;
  sqlite3_vfs *real = sqlite3_vfs_find (NULL);
  faulty_vfs = *real;
  faulty_vfs.zName = FAULTY_VFS;
  faulty_vfs.pAppData = real;
  faulty_vfs.xOpen = faulty_open;
  g_assert_cmpint (sqlite3_vfs_register (&faulty_vfs, 0), ==, SQLITE_OK);
}

/* An I/O error in a migration step is a temporary failure, as it is
 * everywhere else in the store: `ingest` exits 75 and the MTA retries,
 * instead of 1 and a bounce. The store's connections run with extended
 * result codes (so does this one): the error is SQLITE_IOERR_WRITE, not
 * SQLITE_IOERR. The database stays at the last good version, and the
 * next run completes the migration. */
static void
test_migrate_io_error_is_tempfail (void)
{
  g_autofree char *dir = gu_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "io.db", NULL);
  register_faulty_vfs ();
  sqlite3 *db = NULL;
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, FAULTY_VFS), ==,
                   SQLITE_OK);
  sqlite3_extended_result_codes (db, 1);
  g_autoptr (GError) error = NULL;
  g_assert_true (gu_migrate (db, steps, 1, &error));
  fail_writes = TRUE;
  gboolean migrated = gu_migrate (db, steps, 2, &error);
  fail_writes = FALSE;
  g_assert_false (migrated);
  g_assert_error (error, GU_ERROR, GU_ERROR_TEMPFAIL);
  g_assert_cmpint (gu_error_exit_status (error), ==, GU_EXIT_TEMPFAIL);
  g_clear_error (&error);
  g_assert_cmpint (version_of (db), ==, 1);
  g_assert_true (gu_migrate (db, steps, 2, &error));
  g_assert_no_error (error);
  g_assert_cmpint (version_of (db), ==, 2);
  sqlite3_close (db);
  gu_test_rmtree (dir);
}

static void
test_newer_refused (void)
{
  g_autofree char *dir = gu_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "n.db", NULL);
  sqlite3 *db = open_raw (path);
  sqlite3_exec (db, "PRAGMA user_version = 999", NULL, NULL, NULL);
  sqlite3_close (db);
  g_autoptr (GError) error = NULL;
  g_autofree char *blobs = g_build_filename (dir, "blobs", NULL);
  GuStore *store = gu_store_open (path, blobs, &error);
  g_assert_null (store);
  g_assert_nonnull (strstr (error->message, "newer than this guichet"));
  gu_test_rmtree (dir);
}

static void
test_blobs (void)
{
  g_autofree char *dir = gu_test_tmpdir ();
  g_autoptr (GError) error = NULL;
  GuBlobs *blobs = gu_blobs_open (dir, &error);
  g_assert_no_error (error);
  g_autoptr (GBytes) data = g_bytes_new_static ("hello\n", 6);
  char sha[65];
  g_assert_true (gu_blobs_put (blobs, data, NULL, sha, &error));
  g_assert_cmpstr (sha, ==, "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03");
  g_autofree char *path = gu_blobs_path (blobs, sha);
  g_autofree char *want = g_build_filename (dir, "sha256", "58", "91", sha, NULL);
  g_assert_cmpstr (path, ==, want);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  /* Idempotent, and no temporary file left behind. */
  g_assert_true (gu_blobs_put (blobs, data, NULL, sha, &error));
  g_autofree char *folder = g_path_get_dirname (path);
  GDir *d = g_dir_open (folder, 0, NULL);
  int files = 0;
  while (g_dir_read_name (d) != NULL)
    files++;
  g_dir_close (d);
  g_assert_cmpint (files, ==, 1);
  g_autoptr (GBytes) back = gu_blobs_get (blobs, sha, &error);
  g_assert_true (g_bytes_equal (back, data));
  g_assert_true (gu_blobs_verify (blobs, sha, &error));
  /* Bit rot is found. */
  g_chmod (path, 0644);
  g_assert_true (g_file_set_contents (path, "hellO\n", -1, NULL));
  g_assert_false (gu_blobs_verify (blobs, sha, &error));
  g_assert_error (error, GU_ERROR, GU_ERROR_CORRUPT);
  g_clear_error (&error);
  g_assert_null (gu_blobs_get (blobs, "../../etc/passwd", &error));
  g_assert_error (error, GU_ERROR, GU_ERROR_NOT_FOUND);
  gu_blobs_free (blobs);
  gu_test_rmtree (dir);
}

static GuMessage *
sample_message (const char *raw)
{
  GuMessage *msg = gu_message_new ();
  char sha[65];
  gu_sha256_hex (raw, strlen (raw), sha);
  msg->raw_sha256 = g_strdup (sha);
  msg->raw_size = strlen (raw);
  msg->message_id = g_strdup ("abc@example.org");
  msg->from_addr = g_strdup ("porteur@example.org");
  GuDocument *archive = gu_document_new ();
  g_autoptr (GBytes) zip = g_bytes_new_static ("PK...", 5);
  gu_document_set_content (archive, zip);
  archive->filename = g_strdup ("dossier.zip");
  archive->flags = GU_DOC_ARCHIVE;
  int parent = gu_message_add_document (msg, archive);
  GuDocument *entry = gu_document_new ();
  g_autoptr (GBytes) pdf = g_bytes_new_static ("%PDF-1.4", 8);
  gu_document_set_content (entry, pdf);
  entry->filename = g_strdup ("budget.pdf");
  entry->archive_path = g_strdup ("dossier/budget.pdf");
  entry->parent = parent;
  entry->depth = 1;
  gu_document_add_piece (entry, "budget_etude", "filename:\"budget\"");
  gu_message_add_document (msg, entry);
  return msg;
}

static void
test_messages (void)
{
  g_autofree char *dir = gu_test_tmpdir ();
  g_autofree char *db = g_build_filename (dir, "g.db", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GuStore) store = gu_store_open (db, dir, &error);
  g_assert_no_error (error);
  g_autoptr (GuMessage) msg = sample_message ("From: a\n\nhello");
  g_autoptr (GDateTime) when = g_date_time_new_from_iso8601 ("2020-02-14T10:12:00+01:00", NULL);
  GuReceipt receipt = { .received_at = when };
  g_assert_true (gu_store_begin (store, &error));
  gint64 row = 0;
  g_assert_true (gu_store_insert_message (store, msg, &receipt, GU_OUTCOME_STORED, NULL, "key1", &row, &error));
  g_assert_no_error (error);
  g_assert_cmpint (row, >, 0);
  g_assert_true (gu_store_insert_documents (store, row, msg, &error));
  g_assert_true (gu_store_add_event (store, row, 0, GU_EVENT_RECEIVED, NULL, &error));
  g_assert_true (gu_store_commit (store, &error));
  gint64 found = -1;
  g_assert_true (gu_store_find_message_by_raw (store, msg->raw_sha256, &found, &error));
  g_assert_cmpint (found, ==, row);
  g_autoptr (GPtrArray) same = gu_store_messages_by_id (store, "abc@example.org", "porteur@example.org", &error);
  g_assert_cmpuint (same->len, ==, 1);
  GuStoredKey *k = g_ptr_array_index (same, 0);
  g_assert_cmpint (k->row, ==, row);
  g_assert_cmpstr (k->raw_sha256, ==, msg->raw_sha256);
  g_assert_cmpstr (k->content_key, ==, "key1");
  g_autoptr (GPtrArray) other = gu_store_messages_by_id (store, "abc@example.org", "other@example.org", &error);
  g_assert_cmpuint (other->len, ==, 0);
  /* A key computed late is recorded. */
  g_assert_true (gu_store_set_content_key (store, row, "key2", &error));
  g_autoptr (GPtrArray) again = gu_store_messages_by_id (store, "abc@example.org", "porteur@example.org", &error);
  g_assert_cmpstr (((GuStoredKey *) g_ptr_array_index (again, 0))->content_key, ==, "key2");
  gboolean known = FALSE;
  g_assert_true (gu_store_message_id_known (store, "abc@example.org", &known, &error));
  g_assert_true (known);
  /* Only MIME-level documents are "parts"; the entry is inside the zip. */
  g_autoptr (GPtrArray) names = gu_store_message_part_names (store, row, &error);
  g_assert_cmpuint (names->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (names, 0), ==, "dossier.zip");
  g_autoptr (GPtrArray) raws = gu_store_list_raw_messages (store, &error);
  g_assert_cmpuint (raws->len, ==, 1);
  g_assert_cmpstr (((GuStoredRaw *) g_ptr_array_index (raws, 0))->received_at, ==, "2020-02-14T09:12:00Z");
  /* The same raw bytes twice violate the unique key: never two rows. */
  g_assert_true (gu_store_begin (store, &error));
  g_assert_false (gu_store_insert_message (store, msg, &receipt, GU_OUTCOME_STORED, NULL, "key1", &row, &error));
  g_assert_nonnull (error);
  gu_store_rollback (store);
  gu_test_rmtree (dir);
}

/* Group commit: a deferred blob is neither durable nor visible under its
 * name until settled; a discarded one leaves nothing; the same bytes
 * twice in one deferral are written once. */
static void
test_blobs_deferred (void)
{
  g_autofree char *dir = gu_test_tmpdir ();
  g_autoptr (GError) error = NULL;
  GuBlobs *blobs = gu_blobs_open (dir, &error);
  g_autoptr (GBytes) a = g_bytes_new_static ("first\n", 6);
  g_autoptr (GBytes) b = g_bytes_new_static ("second\n", 7);
  char sha_a[65], sha_b[65];
  gu_blobs_defer (blobs);
  g_assert_true (gu_blobs_put (blobs, a, NULL, sha_a, &error));
  g_assert_true (gu_blobs_put (blobs, a, NULL, sha_a, &error));
  g_assert_true (gu_blobs_put (blobs, b, NULL, sha_b, &error));
  g_autofree char *path_a = gu_blobs_path (blobs, sha_a);
  g_autofree char *path_b = gu_blobs_path (blobs, sha_b);
  g_assert_false (g_file_test (path_a, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (path_b, G_FILE_TEST_EXISTS));
  g_assert_true (gu_blobs_settle (blobs, &error));
  g_assert_no_error (error);
  g_assert_true (gu_blobs_verify (blobs, sha_a, &error));
  g_assert_true (gu_blobs_verify (blobs, sha_b, &error));
  /* Settled: the deferral is over, puts are durable at once again. */
  g_autoptr (GBytes) c = g_bytes_new_static ("third\n", 6);
  char sha_c[65];
  g_assert_true (gu_blobs_put (blobs, c, NULL, sha_c, &error));
  g_autofree char *path_c = gu_blobs_path (blobs, sha_c);
  g_assert_true (g_file_test (path_c, G_FILE_TEST_IS_REGULAR));
  /* Discarded: neither the blob nor its temporary file stays. */
  g_autoptr (GBytes) d = g_bytes_new_static ("fourth\n", 7);
  char sha_d[65];
  gu_blobs_defer (blobs);
  g_assert_true (gu_blobs_put (blobs, d, NULL, sha_d, &error));
  gu_blobs_discard (blobs);
  g_autofree char *path_d = gu_blobs_path (blobs, sha_d);
  g_autofree char *folder_d = g_path_get_dirname (path_d);
  g_assert_false (g_file_test (path_d, G_FILE_TEST_EXISTS));
  GDir *gd = g_dir_open (folder_d, 0, NULL);
  g_assert_null (gd != NULL ? g_dir_read_name (gd) : NULL);
  if (gd != NULL)
    g_dir_close (gd);
  gu_blobs_free (blobs);
  gu_test_rmtree (dir);
}

/* Blob files of 256 KiB and more go through O_DIRECT in whole blocks,
 * their tail through the page cache: every size around a block edge
 * comes back byte for byte, deferred (on the writer threads) or not. */
static void
test_blobs_large (void)
{
  g_autofree char *dir = gu_test_tmpdir ();
  g_autoptr (GError) error = NULL;
  GuBlobs *blobs = gu_blobs_open (dir, &error);
  const gsize sizes[] = { 256 * 1024 - 1, 256 * 1024, 1024 * 1024 + 1, 3 * 1024 * 1024 + 4095,
                          4 * 1024 * 1024 };
  for (int deferred = 0; deferred < 2; deferred++)
    for (gsize i = 0; i < G_N_ELEMENTS (sizes); i++)
      {
        guint8 *bytes = g_malloc (sizes[i]);
        for (gsize k = 0; k < sizes[i]; k++)
          bytes[k] = (guint8) g_test_rand_int ();
        g_autoptr (GBytes) data = g_bytes_new_take (bytes, sizes[i]);
        char sha[65];
        if (deferred)
          gu_blobs_defer (blobs);
        g_assert_true (gu_blobs_put (blobs, data, NULL, sha, &error));
        if (deferred)
          g_assert_true (gu_blobs_settle (blobs, &error));
        g_assert_no_error (error);
        g_autoptr (GBytes) back = gu_blobs_get (blobs, sha, &error);
        g_assert_no_error (error);
        g_assert_true (g_bytes_equal (back, data));
      }
  gu_blobs_free (blobs);
  gu_test_rmtree (dir);
}

/* gu_mkdir_p makes the missing levels only, takes an existing folder
 * as done, and refuses a file in the way. */
static void
test_mkdir_p (void)
{
  g_autofree char *dir = gu_test_tmpdir ();
  g_autoptr (GError) error = NULL;
  g_autofree char *deep = g_build_filename (dir, "a", "b", "c", NULL);
  g_assert_true (gu_mkdir_p (deep, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (deep, G_FILE_TEST_IS_DIR));
  g_assert_true (gu_mkdir_p (deep, &error)); /* again: nothing to do */
  g_autofree char *file = gu_test_write (dir, "a/b/file", "x", 0644);
  g_autofree char *under_file = g_build_filename (file, "d", NULL);
  g_assert_false (gu_mkdir_p (file, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_false (gu_mkdir_p (under_file, &error));
  g_assert_nonnull (error);
  gu_test_rmtree (dir);
}

/* TRUE when a file named *.tmp.* lies anywhere under dir. */
static gboolean
has_temporary_file (const char *dir)
{
  GDir *gd = g_dir_open (dir, 0, NULL);
  gboolean found = FALSE;
  for (const char *name; !found && gd != NULL && (name = g_dir_read_name (gd)) != NULL;)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      found = strstr (name, ".tmp.") != NULL
              || (g_file_test (path, G_FILE_TEST_IS_DIR) && has_temporary_file (path));
    }
  if (gd != NULL)
    g_dir_close (gd);
  return found;
}

/* A write that fails on a writer thread fails the settle with a
 * temporary error (the batch is fetched again), and leaves no file. */
static void
test_blobs_deferred_write_fails (void)
{
  g_autofree char *dir = gu_test_tmpdir ();
  g_autoptr (GError) error = NULL;
  GuBlobs *blobs = gu_blobs_open (dir, &error);
  g_autoptr (GBytes) good = g_bytes_new_static ("good\n", 5);
  g_autoptr (GBytes) bad = g_bytes_new_static ("bad\n", 4);
  char sha_bad[65], sha_good[65];
  gu_sha256_hex ("bad\n", 4, sha_bad);
  /* Its fan-out folder is a file: the write cannot create it. */
  char fan[3] = { sha_bad[0], sha_bad[1], 0 };
  g_autofree char *sha_dir = g_build_filename (dir, "sha256", NULL);
  g_free (gu_test_write (sha_dir, fan, "in the way", 0644));
  gu_blobs_defer (blobs);
  g_assert_true (gu_blobs_put (blobs, good, NULL, sha_good, &error));
  /* Deferred: the failure shows here only if the writer was quick. */
  if (!gu_blobs_put (blobs, bad, NULL, sha_bad, &error))
    g_assert_error (error, GU_ERROR, GU_ERROR_TEMPFAIL);
  g_clear_error (&error);
  g_assert_false (gu_blobs_settle (blobs, &error));
  g_assert_error (error, GU_ERROR, GU_ERROR_TEMPFAIL);
  g_autofree char *path_good = gu_blobs_path (blobs, sha_good);
  g_assert_false (g_file_test (path_good, G_FILE_TEST_EXISTS));
  g_assert_false (has_temporary_file (dir));
  gu_blobs_free (blobs);
  gu_test_rmtree (dir);
}

/* In a batch, each message's transaction is a savepoint: one rolled
 * back is undone alone, the others commit together. */
static void
test_batch_savepoints (void)
{
  g_autofree char *dir = gu_test_tmpdir ();
  g_autofree char *db = g_build_filename (dir, "g.db", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GuStore) store = gu_store_open (db, dir, &error);
  g_autoptr (GDateTime) when = g_date_time_new_from_iso8601 ("2020-02-14T10:12:00+01:00", NULL);
  GuReceipt receipt = { .received_at = when };
  const char *raws[] = { "From: a\n\none", "From: a\n\ntwo", "From: a\n\nthree" };
  gu_store_batch_start (store);
  g_assert_true (gu_store_batch_open (store, &error));
  for (gsize i = 0; i < G_N_ELEMENTS (raws); i++)
    {
      g_autoptr (GuMessage) msg = sample_message (raws[i]);
      g_free (msg->message_id);
      msg->message_id = g_strdup_printf ("m%zu@example.org", i);
      gint64 row;
      g_assert_true (gu_store_begin (store, &error));
      g_assert_true (gu_store_insert_message (store, msg, &receipt, GU_OUTCOME_STORED, NULL, "k", &row, &error));
      if (i == 1)
        gu_store_rollback (store);
      else
        g_assert_true (gu_store_commit (store, &error));
    }
  /* Another connection sees nothing before the batch commits. */
  g_autoptr (GuStore) other = gu_store_open (db, dir, &error);
  g_autoptr (GPtrArray) before = gu_store_list_raw_messages (other, &error);
  g_assert_cmpuint (before->len, ==, 0);
  g_assert_true (gu_store_batch_commit (store, &error));
  g_assert_no_error (error);
  g_autoptr (GPtrArray) after = gu_store_list_raw_messages (other, &error);
  g_assert_cmpuint (after->len, ==, 2);
  gboolean known = TRUE;
  g_assert_true (gu_store_message_id_known (other, "m1@example.org", &known, &error));
  g_assert_false (known);
  /* After the batch, begin/commit are transactions again. */
  g_autoptr (GuMessage) msg = sample_message ("From: a\n\nfour");
  gint64 row;
  g_assert_true (gu_store_begin (store, &error));
  g_assert_true (gu_store_insert_message (store, msg, &receipt, GU_OUTCOME_STORED, NULL, "k4", &row, &error));
  g_assert_true (gu_store_commit (store, &error));
  g_autoptr (GPtrArray) last = gu_store_list_raw_messages (other, &error);
  g_assert_cmpuint (last->len, ==, 3);
  gu_store_batch_abort (store);
  gu_test_rmtree (dir);
}

/* A writer that cannot get the lock within the busy timeout reports a
 * temporary failure (ingest then exits 75 and the MTA retries). */
static void
test_locked_is_tempfail (void)
{
  g_autofree char *dir = gu_test_tmpdir ();
  g_autofree char *db = g_build_filename (dir, "g.db", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GuStore) store = gu_store_open (db, dir, &error);
  gu_store_set_busy_timeout (store, 50);
  sqlite3 *other = open_raw (db);
  g_assert_cmpint (sqlite3_exec (other, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_false (gu_store_begin (store, &error));
  g_assert_error (error, GU_ERROR, GU_ERROR_TEMPFAIL);
  g_clear_error (&error);
  sqlite3_exec (other, "ROLLBACK", NULL, NULL, NULL);
  sqlite3_close (other);
  g_assert_true (gu_store_begin (store, &error));
  gu_store_rollback (store);
  gu_test_rmtree (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/store/fresh-and-twice", test_fresh_and_twice);
  g_test_add_func ("/store/migrate-from-older", test_migrate_from_older);
  g_test_add_func ("/store/migrate-io-error-is-tempfail", test_migrate_io_error_is_tempfail);
  g_test_add_func ("/store/newer-refused", test_newer_refused);
  g_test_add_func ("/store/blobs", test_blobs);
  g_test_add_func ("/store/messages", test_messages);
  g_test_add_func ("/store/blobs-deferred", test_blobs_deferred);
  g_test_add_func ("/store/blobs-large", test_blobs_large);
  g_test_add_func ("/store/mkdir-p", test_mkdir_p);
  g_test_add_func ("/store/blobs-deferred-write-fails", test_blobs_deferred_write_fails);
  g_test_add_func ("/store/batch-savepoints", test_batch_savepoints);
  g_test_add_func ("/store/locked", test_locked_is_tempfail);
  return g_test_run ();
}
