/* The per-message budgets of issue 11 on messages built here: documents
 * and unpacked bytes across every archive of a message (src/unpack), and
 * the filter time of a message (src/classify) with stand-in filters
 * written as shell scripts. Outcomes only: which documents were read,
 * which were flagged, what was recorded; never a duration. */
#include "config.h"

#include <locale.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>

#include "classify/classify.h"
#include "core/call.h"
#include "core/conf.h"
#include "core/types.h"
#include "testutil.h"
#include "unpack/unpack.h"

#define KIB (G_GUINT64_CONSTANT (1024))
#define MIB (KIB * 1024)

/* ---- Building messages ---- */

static la_ssize_t
append_output (struct archive *a, void *client, const void *buf, size_t len)
{
  (void) a;
  g_byte_array_append (client, buf, (guint) len);
  return (la_ssize_t) len;
}

/* A zip of n entries "NAME-1.txt"… each holding len bytes of fill. */
static GBytes *
zip_of (const char *name, guint n, gsize len, char fill)
{
  struct archive *a = archive_write_new ();
  GByteArray *out = g_byte_array_new ();
  g_autofree char *data = g_malloc (len);
  memset (data, fill, len);
  g_assert_cmpint (archive_write_set_format_zip (a), ==, ARCHIVE_OK);
  archive_write_set_bytes_in_last_block (a, 1);
  g_assert_cmpint (archive_write_open (a, out, NULL, append_output, NULL), ==, ARCHIVE_OK);
  for (guint i = 1; i <= n; i++)
    {
      g_autofree char *entry_name = g_strdup_printf ("%s-%u.txt", name, i);
      struct archive_entry *entry = archive_entry_new ();
      archive_entry_set_pathname (entry, entry_name);
      archive_entry_set_filetype (entry, AE_IFREG);
      archive_entry_set_perm (entry, 0644);
      archive_entry_set_size (entry, (la_int64_t) len);
      g_assert_cmpint (archive_write_header (a, entry), ==, ARCHIVE_OK);
      if (len > 0)
        g_assert_cmpint (archive_write_data (a, data, len), ==, (la_ssize_t) len);
      archive_entry_free (entry);
    }
  g_assert_cmpint (archive_write_close (a), ==, ARCHIVE_OK);
  archive_write_free (a);
  return g_byte_array_free_to_bytes (out);
}

static GBytes *
text_of (gsize len, char fill)
{
  char *data = g_malloc (len);
  memset (data, fill, len);
  return g_bytes_new_take (data, len);
}

static int
add_part (GuMessage *msg, const char *filename, GBytes *content)
{
  GuDocument *doc = gu_document_new ();
  doc->filename = g_strdup (filename);
  doc->declared_type = g_strdup ("application/octet-stream");
  gu_document_set_content (doc, content);
  return gu_message_add_document (msg, doc);
}

static GuLimits
budget_limits (guint documents, guint64 bytes)
{
  GuLimits limits = gu_limits_default ();
  limits.message_max_documents = documents;
  limits.message_max_unpacked_bytes = bytes;
  return limits;
}

static GuDocument *
doc_at (GuMessage *msg, guint i)
{
  g_assert_cmpuint (i, <, msg->documents->len);
  return g_ptr_array_index (msg->documents, i);
}

static guint
children_of (GuMessage *msg, int parent)
{
  guint n = 0;
  for (guint i = 0; i < msg->documents->len; i++)
    n += doc_at (msg, i)->parent == parent;
  return n;
}

static guint64
total_content (GuMessage *msg)
{
  guint64 total = 0;
  for (guint i = 0; i < msg->documents->len; i++)
    total += g_bytes_get_size (doc_at (msg, i)->content);
  return total;
}

static void
assert_not_read (GuDocument *doc, const char *reason)
{
  g_assert_true (doc->flags & GU_DOC_UNREADABLE);
  g_assert_cmpstr (doc->unreadable_reason, ==, reason);
}

static void
assert_read (GuDocument *doc)
{
  g_assert_false (doc->flags & GU_DOC_UNREADABLE);
}

/* ---- unpack: documents ---- */

/* Six attachments, a budget of four: the last two keep their names, not
 * their content, and the overrun names them. */
static void
test_documents_parts (void)
{
  g_autoptr (GuMessage) msg = gu_message_new ();
  for (int i = 1; i <= 6; i++)
    {
      g_autofree char *name = g_strdup_printf ("piece-%d.pdf", i);
      g_autoptr (GBytes) content = text_of (100, 'a' + i);
      add_part (msg, name, content);
    }
  GuLimits limits = budget_limits (4, 0);
  gu_unpack_message (msg, &limits);
  g_assert_cmpuint (msg->documents->len, ==, 6);
  for (guint i = 0; i < 4; i++)
    {
      assert_read (doc_at (msg, i));
      g_assert_cmpuint (g_bytes_get_size (doc_at (msg, i)->content), ==, 100);
    }
  for (guint i = 4; i < 6; i++)
    {
      assert_not_read (doc_at (msg, i), "not read: message budget (4 documents)");
      g_assert_cmpuint (g_bytes_get_size (doc_at (msg, i)->content), ==, 0);
    }
  g_assert_cmpuint (msg->overruns->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (msg->overruns, 0), ==,
                   "message budget: more than 4 documents; not read: piece-5.pdf, piece-6.pdf");
}

/* Entries count with the parts: two zips of three entries and a budget
 * of five stop inside the first zip; the second is never opened. */
static void
test_documents_entries (void)
{
  g_autoptr (GuMessage) msg = gu_message_new ();
  g_autoptr (GBytes) a = zip_of ("a", 3, 10, 'a');
  g_autoptr (GBytes) b = zip_of ("b", 3, 10, 'b');
  add_part (msg, "a.zip", a);
  add_part (msg, "b.zip", b);
  GuLimits limits = budget_limits (5, 0);
  gu_unpack_message (msg, &limits);
  /* The two zips, then a-1 … a-3: five documents. */
  g_assert_cmpuint (msg->documents->len, ==, 5);
  g_assert_cmpuint (children_of (msg, 0), ==, 3);
  g_assert_cmpuint (children_of (msg, 1), ==, 0);
  for (guint i = 2; i < 5; i++)
    assert_read (doc_at (msg, i));
  /* a.zip was read to its end: nothing of it was skipped. */
  assert_read (doc_at (msg, 0));
  assert_not_read (doc_at (msg, 1), "not read: message budget (5 documents)");
  g_assert_cmpuint (msg->overruns->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (msg->overruns, 0), ==,
                   "message budget: more than 5 documents; not read: b.zip");
}

/* An archive stopped part way is flagged itself: its remaining entries
 * were skipped. */
static void
test_documents_archive_cut (void)
{
  g_autoptr (GuMessage) msg = gu_message_new ();
  g_autoptr (GBytes) zip = zip_of ("many", 30, 10, 'm');
  add_part (msg, "many.zip", zip);
  GuLimits limits = budget_limits (10, 0);
  gu_unpack_message (msg, &limits);
  g_assert_cmpuint (msg->documents->len, ==, 10);
  g_assert_cmpuint (children_of (msg, 0), ==, 9);
  assert_not_read (doc_at (msg, 0), "not read: message budget (10 documents)");
  g_assert_true (gu_doc_is_shown (doc_at (msg, 0)->flags));
  g_assert_cmpstr (doc_at (msg, 9)->archive_path, ==, "many-9.txt");
  assert_read (doc_at (msg, 9));
  g_assert_cmpuint (msg->overruns->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (msg->overruns, 0), ==,
                   "message budget: more than 10 documents; not read: the rest of many.zip");
}

/* ---- unpack: bytes ---- */

/* The description's case, scaled down: zips each well under every
 * archive limit (one entry of 900 KiB of zeros: under the ratio floor)
 * add up past the message's budget. What is kept stays under it, the
 * entry being read when it ran out is named, later zips are not opened. */
static void
test_bytes_across_archives (void)
{
  g_autoptr (GuMessage) msg = gu_message_new ();
  for (int i = 1; i <= 4; i++)
    {
      g_autofree char *name = g_strdup_printf ("bomb%d", i);
      g_autofree char *filename = g_strdup_printf ("bomb%d.zip", i);
      g_autoptr (GBytes) zip = zip_of (name, 1, 900 * KIB, 0);
      add_part (msg, filename, zip);
    }
  GuLimits limits = budget_limits (0, 2 * MIB);
  gu_unpack_message (msg, &limits);
  g_assert_cmpuint (total_content (msg), <=, 2 * MIB);
  /* bomb1-1 and bomb2-1 whole; bomb3-1 named, empty. */
  g_assert_cmpuint (msg->documents->len, ==, 7);
  g_assert_cmpuint (g_bytes_get_size (doc_at (msg, 4)->content), ==, 900 * KIB);
  g_assert_cmpuint (g_bytes_get_size (doc_at (msg, 5)->content), ==, 900 * KIB);
  assert_read (doc_at (msg, 0));
  assert_read (doc_at (msg, 1));
  const char *reason = "not read: message budget (2 MiB unpacked)";
  GuDocument *cut = doc_at (msg, 6);
  g_assert_cmpstr (cut->archive_path, ==, "bomb3-1.txt");
  g_assert_cmpuint (g_bytes_get_size (cut->content), ==, 0);
  assert_not_read (cut, reason);
  assert_not_read (doc_at (msg, 2), reason);
  assert_not_read (doc_at (msg, 3), reason);
  g_assert_cmpuint (children_of (msg, 3), ==, 0);
  g_assert_cmpuint (msg->overruns->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (msg->overruns, 0), ==,
                   "message budget: more than 2 MiB unpacked; not read: bomb3-1.txt, the rest of bomb3.zip, bomb4.zip");
}

/* Decoded MIME parts count too. */
static void
test_bytes_parts (void)
{
  g_autoptr (GuMessage) msg = gu_message_new ();
  for (int i = 1; i <= 3; i++)
    {
      g_autofree char *name = g_strdup_printf ("scan-%d.pdf", i);
      g_autoptr (GBytes) content = text_of (100 * KIB, 'x');
      add_part (msg, name, content);
    }
  GuLimits limits = budget_limits (0, 250 * KIB);
  gu_unpack_message (msg, &limits);
  assert_read (doc_at (msg, 1));
  assert_not_read (doc_at (msg, 2), "not read: message budget (250 KiB unpacked)");
  g_assert_cmpuint (total_content (msg), ==, 200 * KIB);
  g_assert_cmpuint (msg->overruns->len, ==, 1);
}

/* A budget spent inside a nested archive stops the one around it too. */
static void
test_bytes_nested (void)
{
  g_autoptr (GBytes) inner = zip_of ("inner", 3, 500 * KIB, 'i');
  struct archive *a = archive_write_new ();
  GByteArray *out = g_byte_array_new ();
  g_assert_cmpint (archive_write_set_format_zip (a), ==, ARCHIVE_OK);
  archive_write_set_bytes_in_last_block (a, 1);
  g_assert_cmpint (archive_write_open (a, out, NULL, append_output, NULL), ==, ARCHIVE_OK);
  const char *names[] = { "inner.zip", "after.txt" };
  GBytes *contents[] = { inner, inner };
  for (int i = 0; i < 2; i++)
    {
      struct archive_entry *entry = archive_entry_new ();
      archive_entry_set_pathname (entry, names[i]);
      archive_entry_set_filetype (entry, AE_IFREG);
      archive_entry_set_perm (entry, 0644);
      archive_entry_set_size (entry, (la_int64_t) g_bytes_get_size (contents[i]));
      g_assert_cmpint (archive_write_header (a, entry), ==, ARCHIVE_OK);
      archive_write_data (a, g_bytes_get_data (contents[i], NULL), g_bytes_get_size (contents[i]));
      archive_entry_free (entry);
    }
  g_assert_cmpint (archive_write_close (a), ==, ARCHIVE_OK);
  archive_write_free (a);
  g_autoptr (GBytes) outer = g_byte_array_free_to_bytes (out);
  g_autoptr (GuMessage) msg = gu_message_new ();
  add_part (msg, "outer.zip", outer);
  GuLimits limits = budget_limits (0, 1 * MIB);
  gu_unpack_message (msg, &limits);
  g_assert_cmpuint (total_content (msg), <=, 1 * MIB);
  const char *reason = "not read: message budget (1 MiB unpacked)";
  assert_not_read (doc_at (msg, 0), reason);
  assert_not_read (doc_at (msg, 1), reason);
  g_assert_cmpstr (doc_at (msg, 1)->archive_path, ==, "inner.zip");
  for (guint i = 0; i < msg->documents->len; i++)
    g_assert_cmpstr (doc_at (msg, i)->archive_path, !=, "after.txt");
  g_assert_cmpuint (msg->overruns->len, ==, 1);
}

/* Up to the budget exactly is within it; 0 is no budget. */
static void
test_within_and_none (void)
{
  for (int none = 0; none < 2; none++)
    {
      g_autoptr (GuMessage) msg = gu_message_new ();
      g_autoptr (GBytes) zip = zip_of ("z", 4, 1000, 'z');
      add_part (msg, "z.zip", zip);
      guint64 bytes = g_bytes_get_size (zip) + 4000;
      GuLimits limits = none ? budget_limits (0, 0) : budget_limits (5, bytes);
      gu_unpack_message (msg, &limits);
      g_assert_cmpuint (msg->documents->len, ==, 5);
      for (guint i = 0; i < 5; i++)
        assert_read (doc_at (msg, i));
      g_assert_cmpuint (msg->overruns->len, ==, 0);
    }
}

/* ---- classify: filter time ---- */

typedef struct {
  char *dir;
  GuCall *call;
  GuConfig cfg;
} Fixture;

/* A filter for .txt that sleeps, then prints its input. */
static void
fixture_set_up (Fixture *f, gconstpointer sleep_seconds)
{
  f->dir = gu_test_tmpdir ();
  g_autofree char *script = g_strdup_printf ("#!/bin/sh\nsleep %s\nexec cat\n", (const char *) sleep_seconds);
  g_free (gu_test_write (f->dir, "slow", script, 0755));
  g_free (gu_test_write (f->dir, "filters.map", ".txt slow\n", 0644));
  g_autofree char *call_file = gu_test_srcpath ("schemas/fabrique-initiatives.call");
  g_autoptr (GError) error = NULL;
  f->call = gu_call_load (call_file, NULL, &error);
  g_assert_no_error (error);
  f->cfg.filters_dir = f->dir;
  f->cfg.filters_enabled = TRUE;
  f->cfg.filters_timeout_seconds = 20;
  f->cfg.filters_cpu_seconds = 20;
  f->cfg.filters_memory_mb = 512;
  f->cfg.filters_max_output_kb = 1024;
  f->cfg.limits = gu_limits_default ();
}

static void
fixture_tear_down (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  gu_call_free (f->call);
  gu_test_rmtree (f->dir);
  g_free (f->dir);
}

static GuMessage *
text_message (const char *const *names)
{
  GuMessage *msg = gu_message_new ();
  for (const char *const *n = names; *n; n++)
    {
      g_autoptr (GBytes) content = g_bytes_new_static ("Bonjour.\n", 9);
      int index = add_part (msg, *n, content);
      GuDocument *doc = g_ptr_array_index (msg->documents, index);
      doc->sniffed_type = g_strdup ("text/plain");
    }
  return msg;
}

static gboolean
has_piece (GuDocument *doc, const char *key)
{
  return gu_piece_find (doc->pieces, key) != NULL;
}

/* A filter that takes 2 s and a budget of 3 s: the first document is
 * read; then less than a whole second is left, so the others are
 * classified by name and flagged, and one overrun names them. */
static void
test_time_budget (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  f->cfg.limits.message_filter_seconds = 3;
  g_autoptr (GuClassifier) c = gu_classifier_new (f->call, &f->cfg);
  const char *names[] = { "scan1.txt", "scan2.txt", "scan3.txt", "Budget lancement.txt", NULL };
  g_autoptr (GuMessage) msg = text_message (names);
  gu_classify_message (c, msg);
  g_assert_cmpstr (doc_at (msg, 0)->text, ==, "Bonjour.\n");
  assert_read (doc_at (msg, 0));
  for (guint i = 1; i < 4; i++)
    {
      g_assert_null (doc_at (msg, i)->text);
      assert_not_read (doc_at (msg, i), "not read: time budget");
    }
  /* By name only, but classified. */
  g_assert_true (has_piece (doc_at (msg, 3), "budget_lancement"));
  g_assert_cmpuint (msg->overruns->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (msg->overruns, 0), ==,
                   "time budget: 3 s of filter time spent; classified by name only: scan2.txt, scan3.txt, "
                   "Budget lancement.txt");
}

/* A filter is given no more than the budget left: one that would take
 * 30 s (over its own 20 s timeout) is stopped at the budget's 2 s and its
 * document counts as not read for time. */
static void
test_time_budget_cuts_timeout (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  f->cfg.limits.message_filter_seconds = 2;
  g_autoptr (GuClassifier) c = gu_classifier_new (f->call, &f->cfg);
  const char *names[] = { "scan1.txt", "scan2.txt", NULL };
  g_autoptr (GuMessage) msg = text_message (names);
  gu_classify_message (c, msg);
  for (guint i = 0; i < 2; i++)
    {
      g_assert_null (doc_at (msg, i)->text);
      assert_not_read (doc_at (msg, i), "not read: time budget");
    }
  g_assert_cmpuint (msg->overruns->len, ==, 1);
}

/* 0 is no budget: every document is read. */
static void
test_time_budget_none (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  f->cfg.limits.message_filter_seconds = 0;
  g_autoptr (GuClassifier) c = gu_classifier_new (f->call, &f->cfg);
  const char *names[] = { "scan1.txt", "scan2.txt", "scan3.txt", NULL };
  g_autoptr (GuMessage) msg = text_message (names);
  gu_classify_message (c, msg);
  for (guint i = 0; i < 3; i++)
    {
      g_assert_cmpstr (doc_at (msg, i)->text, ==, "Bonjour.\n");
      assert_read (doc_at (msg, i));
    }
  g_assert_cmpuint (msg->overruns->len, ==, 0);
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/budgets/unpack/documents-parts", test_documents_parts);
  g_test_add_func ("/budgets/unpack/documents-entries", test_documents_entries);
  g_test_add_func ("/budgets/unpack/documents-archive-cut", test_documents_archive_cut);
  g_test_add_func ("/budgets/unpack/bytes-across-archives", test_bytes_across_archives);
  g_test_add_func ("/budgets/unpack/bytes-parts", test_bytes_parts);
  g_test_add_func ("/budgets/unpack/bytes-nested", test_bytes_nested);
  g_test_add_func ("/budgets/unpack/within-and-none", test_within_and_none);
  g_test_add ("/budgets/classify/time", Fixture, "2", fixture_set_up, test_time_budget, fixture_tear_down);
  g_test_add ("/budgets/classify/time-cuts-timeout", Fixture, "30", fixture_set_up,
              test_time_budget_cuts_timeout, fixture_tear_down);
  g_test_add ("/budgets/classify/time-none", Fixture, "0", fixture_set_up, test_time_budget_none,
              fixture_tear_down);
  return g_test_run ();
}
