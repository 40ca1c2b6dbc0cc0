/* Unit tests of src/classify/extract: the filter map, the sandboxed
 * runner against misbehaving filters written here as shell scripts, and
 * the real filters of filters/ on real documents built at test time by
 * tests/data/filters/make-docs.sh. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "classify/extract.h"
#include "testutil.h"
#include "util/error.h"
#include "util/sniff.h"

typedef struct {
  char *dir;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->dir = gu_test_tmpdir ();
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  gu_test_rmtree (f->dir);
  g_free (f->dir);
}

static char *
filter (Fixture *f, const char *name, const char *body)
{
  g_autofree char *script = g_strconcat ("#!/bin/sh\n", body, "\n", NULL);
  return gu_test_write (f->dir, name, script, 0755);
}

static double
seconds_since (gint64 start)
{
  return (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC;
}

/* ---- the map ---- */

static void
test_map_lookup (Fixture *f, gconstpointer data)
{
  g_autofree char *path = gu_test_write (f->dir, "filters.map",
                                         "# comment\n\n"
                                         "application/PDF  pdf\n"
                                         "  .PDF\tpdf   \n"
                                         ".docx office-text\n"
                                         "text/html html\n"
                                         ".html html\n"
                                         "text/* text\n"
                                         ".csv /usr/local/bin/csv-filter\r\n", 0644);
  GError *error = NULL;
  g_autoptr (GuFilterMap) map = gu_filter_map_load (path, &error);
  g_assert_no_error (error);
  g_autofree char *pdf = g_build_filename (f->dir, "pdf", NULL);
  g_autofree char *office = g_build_filename (f->dir, "office-text", NULL);
  g_autofree char *html = g_build_filename (f->dir, "html", NULL);
  g_autofree char *text = g_build_filename (f->dir, "text", NULL);
  /* the content wins over the name */
  g_assert_cmpstr (gu_filter_map_lookup (map, "application/pdf", "budget.docx"), ==, pdf);
  /* generic types fall back to the extension, case-insensitively */
  g_assert_cmpstr (gu_filter_map_lookup (map, "application/zip", "Dossier.DOCX"), ==, office);
  g_assert_cmpstr (gu_filter_map_lookup (map, "application/octet-stream", "a/b/x.Pdf"), ==, pdf);
  g_assert_cmpstr (gu_filter_map_lookup (map, NULL, "x.pdf"), ==, pdf);
  g_assert_cmpstr (gu_filter_map_lookup (map, "application/pdf; charset=binary", NULL), ==, pdf);
  /* extension before the family wildcard */
  g_assert_cmpstr (gu_filter_map_lookup (map, "text/plain", "page.html"), ==, html);
  g_assert_cmpstr (gu_filter_map_lookup (map, "text/plain", "notes"), ==, text);
  g_assert_cmpstr (gu_filter_map_lookup (map, "TEXT/X-Foo", NULL), ==, text);
  g_assert_cmpstr (gu_filter_map_lookup (map, "text/plain", "budget.csv"), ==, "/usr/local/bin/csv-filter");
  g_assert_null (gu_filter_map_lookup (map, "application/zip", "archive.zip"));
  g_assert_null (gu_filter_map_lookup (map, "application/zip", ".docx"));
  g_assert_null (gu_filter_map_lookup (map, "image/png", "photo."));
  g_assert_null (gu_filter_map_lookup (map, NULL, NULL));
}

static void
expect_map_error (Fixture *f, const char *content, int code, const char *fragment)
{
  g_autofree char *path = gu_test_write (f->dir, "bad.map", content, 0644);
  GError *error = NULL;
  GuFilterMap *map = gu_filter_map_load (path, &error);
  g_assert_null (map);
  g_assert_error (error, GU_ERROR, code);
  g_assert_nonnull (strstr (error->message, fragment));
  g_error_free (error);
}

static void
test_map_errors (Fixture *f, gconstpointer data)
{
  expect_map_error (f, "# ok\n.pdf pdf extra\n", GU_ERROR_CONFIG, "bad.map:2:");
  expect_map_error (f, ".pdf\n", GU_ERROR_CONFIG, "bad.map:1:");
  expect_map_error (f, "pdf pdf\n", GU_ERROR_CONFIG, "neither");
  expect_map_error (f, "application/ pdf\n", GU_ERROR_CONFIG, "neither");
  expect_map_error (f, ".pdf ../bin/sh\n", GU_ERROR_CONFIG, "plain name");
  expect_map_error (f, ".pdf pdf\n.PDF other\n", GU_ERROR_CONFIG, "bad.map:2: \".pdf\" is mapped twice");
  g_autofree char *missing = g_build_filename (f->dir, "none.map", NULL);
  GError *error = NULL;
  g_assert_null (gu_filter_map_load (missing, &error));
  g_assert_error (error, GU_ERROR, GU_ERROR_NOT_FOUND);
  g_error_free (error);
}

/* ---- the runner ---- */

static char *
run (const char *path, const char *input, gsize len, const GuFilterLimits *limits, gboolean *truncated,
     GError **error)
{
  g_autoptr (GBytes) data = g_bytes_new (input, len);
  return gu_filter_run (path, data, limits, truncated, error);
}

static void
test_run_cat (Fixture *f, gconstpointer data)
{
  g_autofree char *cat = filter (f, "cat", "exec cat");
  GError *error = NULL;
  gboolean truncated = TRUE;
  /* invalid UTF-8 and a NUL come back as U+FFFD */
  g_autofree char *text = run (cat, "caf\xe9 \x00ok", 8, NULL, &truncated, &error);
  g_assert_no_error (error);
  g_assert_false (truncated);
  g_assert_cmpstr (text, ==, "caf\xef\xbf\xbd \xef\xbf\xbdok");
  /* empty input and output */
  g_autofree char *empty = run (cat, "", 0, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (empty, ==, "");
  /* more than a pipe's worth each way: no stdin/stdout deadlock */
  gsize big_len = 3 << 20;
  g_autofree char *big = g_malloc (big_len);
  memset (big, 'x', big_len);
  g_autofree char *copy = run (cat, big, big_len, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (copy), ==, big_len);
}

/* stdin is seekable: filters can read it twice (doc, text filters) */
static void
test_run_stdin_seekable (Fixture *f, gconstpointer data)
{
  g_autofree char *twice = filter (f, "twice", "[ -f /dev/stdin ] || exit 9\ncat /dev/stdin\ncat /dev/stdin");
  GError *error = NULL;
  g_autofree char *text = run (twice, "ab", 2, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (text, ==, "abab");
}

static void
test_run_timeout (Fixture *f, gconstpointer data)
{
  g_autofree char *hang = filter (f, "hang", "while :; do sleep 100; done");
  GuFilterLimits limits = { .timeout_seconds = 1 };
  GError *error = NULL;
  gint64 start = g_get_monotonic_time ();
  g_autofree char *text = run (hang, "x", 1, &limits, NULL, &error);
  g_assert_cmpfloat (seconds_since (start), <, 2.0);
  g_assert_cmpfloat (seconds_since (start), >=, 0.9);
  g_assert_null (text);
  g_assert_error (error, GU_ERROR, GU_ERROR_LIMIT);
  g_assert_nonnull (strstr (error->message, "timed out"));
  g_error_free (error);
}

static void
test_run_crash (Fixture *f, gconstpointer data)
{
  g_autofree char *crash = filter (f, "crash", "echo partial\nkill -SEGV $$");
  GError *error = NULL;
  g_autofree char *text = run (crash, "x", 1, NULL, NULL, &error);
  g_assert_null (text);
  g_assert_error (error, GU_ERROR, GU_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "signal 11"));
  g_error_free (error);
}

static void
test_run_exit_status (Fixture *f, gconstpointer data)
{
  g_autofree char *fail = filter (f, "fail", "echo 'out of luck' >&2\necho more >&2\nexit 3");
  GError *error = NULL;
  g_autofree char *text = run (fail, "x", 1, NULL, NULL, &error);
  g_assert_null (text);
  g_assert_error (error, GU_ERROR, GU_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "status 3: out of luck"));
  g_assert_null (strstr (error->message, "more"));
  g_clear_error (&error);
  /* 65: the document, not the filter, is at fault. */
  g_autofree char *bad = filter (f, "bad", "echo 'Incorrect password' >&2\nexit 65");
  g_autofree char *text2 = run (bad, "x", 1, NULL, NULL, &error);
  g_assert_null (text2);
  g_assert_error (error, GU_ERROR, GU_ERROR_UNREADABLE);
  g_assert_cmpstr (error->message, ==, "Incorrect password");
  g_error_free (error);
}

static void
test_run_output_cap (Fixture *f, gconstpointer data)
{
  g_autofree char *flood = filter (f, "flood", "head -c 10000000 /dev/zero | tr '\\0' a");
  GuFilterLimits limits = { .timeout_seconds = 10, .max_output_bytes = 1 << 20 };
  GError *error = NULL;
  gboolean truncated = FALSE;
  gint64 start = g_get_monotonic_time ();
  g_autofree char *text = run (flood, "x", 1, &limits, &truncated, &error);
  g_assert_no_error (error);
  g_assert_true (truncated);
  g_assert_cmpuint (strlen (text), ==, 1 << 20);
  g_assert_cmpfloat (seconds_since (start), <, 5.0);
  /* an endless writer is cut as well */
  g_autofree char *yes = filter (f, "yes", "exec yes 'Stratégie'");
  g_autofree char *text2 = run (yes, "x", 1, &limits, &truncated, &error);
  g_assert_no_error (error);
  g_assert_true (truncated);
  g_assert_true (g_utf8_validate (text2, -1, NULL));
}

static void
test_run_memory (Fixture *f, gconstpointer data)
{
  /* a string doubling until malloc fails under RLIMIT_AS */
  g_autofree char *hog = filter (f, "hog", "exec awk 'BEGIN { s = \"x\"; while (1) s = s s }'");
  GuFilterLimits limits = { .timeout_seconds = 10, .memory_mb = 64 };
  GError *error = NULL;
  gint64 start = g_get_monotonic_time ();
  g_autofree char *text = run (hog, "x", 1, &limits, NULL, &error);
  g_assert_cmpfloat (seconds_since (start), <, 5.0);
  g_assert_null (text);
  g_assert_error (error, GU_ERROR, GU_ERROR_FAILED);
  g_error_free (error);
}

static void
test_run_cpu (Fixture *f, gconstpointer data)
{
  g_autofree char *spin = filter (f, "spin", "while :; do :; done");
  GuFilterLimits limits = { .timeout_seconds = 10, .cpu_seconds = 1 };
  GError *error = NULL;
  gint64 start = g_get_monotonic_time ();
  g_autofree char *text = run (spin, "x", 1, &limits, NULL, &error);
  g_assert_cmpfloat (seconds_since (start), <, 4.0);
  g_assert_null (text);
  g_assert_error (error, GU_ERROR, GU_ERROR_LIMIT);
  g_assert_nonnull (strstr (error->message, "CPU"));
  g_error_free (error);
}

static void
test_run_missing (Fixture *f, gconstpointer data)
{
  g_autofree char *absent = g_build_filename (f->dir, "absent", NULL);
  g_autofree char *plain = gu_test_write (f->dir, "plain", "#!/bin/sh\n", 0644);
  const char *paths[] = { absent, plain, f->dir, NULL };
  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      GError *error = NULL;
      g_assert_null (run (paths[i], "x", 1, NULL, NULL, &error));
      g_assert_error (error, GU_ERROR, GU_ERROR_NOT_FOUND);
      g_error_free (error);
    }
}

static void
test_run_environment (Fixture *f, gconstpointer data)
{
  /* env itself as the filter: a shell would add PWD */
  g_autofree char *env = g_build_filename (f->dir, "env", NULL);
  g_assert_cmpint (symlink ("/usr/bin/env", env), ==, 0);
  g_setenv ("GU_SECRET_TEST", "leak", TRUE);
  GError *error = NULL;
  g_autofree char *text = run (env, "", 0, NULL, NULL, &error);
  g_assert_no_error (error);
  g_auto (GStrv) lines = g_strsplit (g_strstrip (text), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 3);
  g_assert_true (g_strv_contains ((const char *const *) lines, "LC_ALL=C.UTF-8"));
  g_assert_true (g_strv_contains ((const char *const *) lines, "PATH=/usr/bin:/bin"));
  /* its private temporary folder, gone once it has run */
  guint tmp = 0;
  while (lines[tmp] != NULL && !g_str_has_prefix (lines[tmp], "TMPDIR="))
    tmp++;
  g_assert_nonnull (lines[tmp]);
  g_assert_true (g_path_is_absolute (lines[tmp] + strlen ("TMPDIR=")));
  g_assert_false (g_file_test (lines[tmp] + strlen ("TMPDIR="), G_FILE_TEST_EXISTS));
}

/* The page cap of filters that read page by page (OCR) is in the
 * environment when set, absent otherwise. */
static void
test_run_max_pages (Fixture *f, gconstpointer data)
{
  g_autofree char *env = g_build_filename (f->dir, "env", NULL);
  g_assert_cmpint (symlink ("/usr/bin/env", env), ==, 0);
  GuFilterLimits limits = { .timeout_seconds = 10, .max_pages = 7 };
  GError *error = NULL;
  g_autofree char *capped = run (env, "", 0, &limits, NULL, &error);
  g_assert_no_error (error);
  g_auto (GStrv) lines = g_strsplit (g_strstrip (capped), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 4);
  g_assert_true (g_strv_contains ((const char *const *) lines, "GU_FILTER_MAX_PAGES=7"));
  limits.max_pages = 0;
  g_autofree char *plain = run (env, "", 0, &limits, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (strstr (plain, "GU_FILTER_MAX_PAGES"));
}

static void
test_run_descriptors (Fixture *f, gconstpointer data)
{
  /* an fd the daemon forgot to mark close-on-exec */
  int leak = dup2 (STDERR_FILENO, 57);
  g_assert_cmpint (leak, ==, 57);
  g_assert_cmpint (fcntl (leak, F_SETFD, 0), ==, 0);
  /* /proc is walled off: a descriptor is open if bash can dup it */
  g_autofree char *lsfd = filter (f, "lsfd", "exec bash -c 'exec 2>/dev/null; for n in $(seq 0 99); do "
                                  "if (exec >&$n); then echo $n; fi; done'");
  GError *error = NULL;
  g_autofree char *text = run (lsfd, "", 0, NULL, NULL, &error);
  close (leak);
  g_assert_no_error (error);
  g_assert_cmpstr (g_strstrip (text), ==, "0\n1\n2");
}

static gboolean
process_gone (int pid)
{
  g_autofree char *stat_path = g_strdup_printf ("/proc/%d/stat", pid);
  for (int i = 0; i < 100; i++)
    {
      g_autofree char *stat = NULL;
      if (!g_file_get_contents (stat_path, &stat, NULL, NULL))
        return TRUE;
      const char *state = strrchr (stat, ')');
      if (state != NULL && (state[2] == 'Z' || state[2] == 'X'))
        return TRUE;
      g_usleep (10000);
    }
  return FALSE;
}

/* The filter exits but leaves a grandchild holding stdout: the runner
 * kills the group at once and returns the text. */
static void
test_run_grandchild (Fixture *f, gconstpointer data)
{
  g_autofree char *bg = filter (f, "bg", "sleep 100 &\necho $!");
  GuFilterLimits limits = { .timeout_seconds = 5 };
  GError *error = NULL;
  gint64 start = g_get_monotonic_time ();
  g_autofree char *text = run (bg, "", 0, &limits, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (seconds_since (start), <, 1.0);
  g_assert_true (process_gone (atoi (text)));
}

/* A filter that closes its output, then lingers before it exits: the
 * runner waits for the exit (its pidfd), not for the deadline, and the
 * run succeeds. (A runner that, once the exit was seen, polled no
 * descriptor at all slept to the deadline.) */
static void
test_run_closes_output_first (Fixture *f, gconstpointer data)
{
  g_autofree char *path = filter (f, "linger", "printf 'text'\nexec >&- 2>&-\nsleep 0.3\nexit 0");
  GuFilterLimits limits = { .timeout_seconds = 10 };
  GError *error = NULL;
  gint64 start = g_get_monotonic_time ();
  g_autofree char *text = run (path, "", 0, &limits, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (text, ==, "text");
  /* Well before the deadline: waited for the exit, not for the clock. */
  g_assert_cmpfloat (seconds_since (start), <, 5.0);
}

/* A filter waiting for a grandchild, and one whose grandchild escaped to
 * its own session with our stdout: both end at the timeout. */
static void
test_run_grandchild_timeout (Fixture *f, gconstpointer data)
{
  /* (the pause lets setsid(1) leave the group before the filter exits) */
  const char *bodies[] = { "sleep 100 &\nwait", "setsid sleep 3 &\nsleep 0.3\necho escaped" };
  GuFilterLimits limits = { .timeout_seconds = 1 };
  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autofree char *path = filter (f, "wait", bodies[i]);
      GError *error = NULL;
      gint64 start = g_get_monotonic_time ();
      g_autofree char *text = run (path, "", 0, &limits, NULL, &error);
      g_assert_cmpfloat (seconds_since (start), <, 2.0);
      g_assert_null (text);
      g_assert_error (error, GU_ERROR, GU_ERROR_LIMIT);
      g_error_free (error);
    }
}

/* ---- the real filters on real documents ---- */

typedef struct {
  char *docs;     /* documents made by make-docs.sh */
  char *filters;  /* filters.map with links to the source and built filters */
} Real;

static void
link_into (const char *from_dir, const char *name, const char *to_dir)
{
  g_autofree char *from = g_build_filename (from_dir, name, NULL);
  g_autofree char *to = g_build_filename (to_dir, name, NULL);
  g_assert_true (g_file_test (from, G_FILE_TEST_EXISTS));
  g_assert_cmpint (symlink (from, to), ==, 0);
}

static gboolean
real_setup (Fixture *f, Real *r)
{
  const char *top_build = g_getenv ("GU_TOP_BUILDDIR");
  if (top_build == NULL)
    {
      g_test_skip ("GU_TOP_BUILDDIR not set");
      return FALSE;
    }
  g_autofree char *make_docs = gu_test_srcpath ("tests/data/filters/make-docs.sh");
  r->docs = g_build_filename (f->dir, "docs", NULL);
  r->filters = g_build_filename (f->dir, "filters", NULL);
  const char *argv[] = { make_docs, r->docs, NULL };
  int status = -1;
  GError *error = NULL;
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_cmpint (g_mkdir (r->filters, 0755), ==, 0);
  g_autofree char *src = gu_test_srcpath ("filters");
  const char *sources[] = { "filters.map", "input.sh", "utf8.sh", "pdf", "text", "html", "doc", "xls", "ppt", "rtf" };
  for (guint i = 0; i < G_N_ELEMENTS (sources); i++)
    link_into (src, sources[i], r->filters);
  g_autofree char *built = g_build_filename (top_build, "filters", NULL);
  link_into (built, "office-text", r->filters);
  return TRUE;
}

static char *
extract (const GuFilterMap *map, const char *docs, const char *name)
{
  g_autofree char *path = g_build_filename (docs, name, NULL);
  char *data = NULL;
  gsize len = 0;
  GError *error = NULL;
  g_file_get_contents (path, &data, &len, &error);
  g_assert_no_error (error);
  g_autoptr (GBytes) bytes = g_bytes_new_take (data, len);
  g_autofree char *type = gu_sniff_type (data, len);
  const char *filter_path = gu_filter_map_lookup (map, type, name);
  g_test_message ("%s: %s -> %s", name, type, filter_path);
  g_assert_nonnull (filter_path);
  GuFilterLimits limits = { .timeout_seconds = 10 };
  char *text = gu_filter_run (filter_path, bytes, &limits, NULL, &error);
  g_assert_no_error (error);
  return text;
}

static void
assert_contains (const char *text, const char *phrase)
{
  if (strstr (text, phrase) == NULL)
    g_error ("\"%s\" not found in:\n%s", phrase, text);
}

static void
test_real_documents (Fixture *f, gconstpointer data)
{
  Real r = { NULL, NULL };
  if (!real_setup (f, &r))
    return;
  g_autofree char *map_path = g_build_filename (r.filters, "filters.map", NULL);
  GError *error = NULL;
  g_autoptr (GuFilterMap) map = gu_filter_map_load (map_path, &error);
  g_assert_no_error (error);
  const char *docs[] = { "dossier.docx", "dossier.odt", "slides.pptx", "dossier.pdf", "page.html",
                         "budget.csv", "notes.txt" };
  for (guint i = 0; i < G_N_ELEMENTS (docs); i++)
    {
      g_autofree char *text = extract (map, r.docs, docs[i]);
      assert_contains (text, "Stratégie de déploiement");
      assert_contains (text, "tude");
    }
  const char *books[] = { "budget.xlsx", "budget.ods" };
  for (guint i = 0; i < G_N_ELEMENTS (books); i++)
    {
      g_autofree char *text = extract (map, r.docs, books[i]);
      assert_contains (text, "[sheet] Budget phase d'étude\n");
      assert_contains (text, "\f[sheet] Budget de déploiement\n");
      assert_contains (text, "\f[sheet] Budget de lancement\n");
      assert_contains (text, "Stratégie de déploiement");
    }
  g_autofree char *pdf = extract (map, r.docs, "dossier.pdf");
  assert_contains (pdf, "\fBudget de lancement et de mise en œuvre");
  g_free (r.docs);
  g_free (r.filters);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/extract/map/lookup", test_map_lookup);
  ADD ("/extract/map/errors", test_map_errors);
  ADD ("/extract/run/cat", test_run_cat);
  ADD ("/extract/run/stdin-seekable", test_run_stdin_seekable);
  ADD ("/extract/run/timeout", test_run_timeout);
  ADD ("/extract/run/crash", test_run_crash);
  ADD ("/extract/run/exit-status", test_run_exit_status);
  ADD ("/extract/run/output-cap", test_run_output_cap);
  ADD ("/extract/run/memory", test_run_memory);
  ADD ("/extract/run/cpu", test_run_cpu);
  ADD ("/extract/run/missing", test_run_missing);
  ADD ("/extract/run/environment", test_run_environment);
  ADD ("/extract/run/max-pages", test_run_max_pages);
  ADD ("/extract/run/descriptors", test_run_descriptors);
  ADD ("/extract/run/grandchild", test_run_grandchild);
  ADD ("/extract/run/grandchild-timeout", test_run_grandchild_timeout);
  ADD ("/extract/run/closes-output-first", test_run_closes_output_first);
  ADD ("/extract/real/documents", test_real_documents);
#undef ADD
  return g_test_run ();
}
