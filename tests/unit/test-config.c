/* guichet.conf loading and check-config's checks. */
#include "config.h"

#include <string.h>

#include "core/conf.h"
#include "testutil.h"

static gboolean
problems_mention (GPtrArray *problems, const char *needle)
{
  for (guint i = 0; i < problems->len; i++)
    if (strstr (g_ptr_array_index (problems, i), needle) != NULL)
      return TRUE;
  return FALSE;
}

static char *
write_call (const char *dir)
{
  g_autofree char *src = gu_test_srcpath ("schemas/fabrique-initiatives.call");
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (src, &text, NULL, NULL));
  return gu_test_write (dir, "call/fi.call", text, 0644);
}

static void
test_defaults_and_relative_paths (void)
{
  g_autofree char *dir = gu_test_tmpdir ();
  g_autofree char *path = gu_test_write (dir, "etc/guichet.conf",
      "[storage]\ndatabase = state/g.db\nblobs = /srv/blobs\n"
      "[limits]\nmax_message_bytes = 10M\narchive_max_depth = 2\n", 0644);
  g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;
  g_autoptr (GuConfig) cfg = gu_config_load (path, problems, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (problems->len, ==, 0);
  g_autofree char *want_db = g_build_filename (dir, "etc", "state", "g.db", NULL);
  g_assert_cmpstr (cfg->database, ==, want_db);
  g_assert_cmpstr (cfg->blobs, ==, "/srv/blobs");
  g_assert_cmpuint (cfg->limits.max_message_bytes, ==, 10 * 1024 * 1024);
  g_assert_cmpuint (cfg->limits.archive_max_depth, ==, 2);
  g_assert_cmpuint (cfg->limits.archive_max_entries, ==, 1000);
  g_assert_cmpstr (cfg->imap_processed_folder, ==, "Traités");
  g_assert_true (cfg->imap_tls_verify);
  g_assert_cmpint (cfg->imap_poll_seconds, ==, 60);
  g_assert_cmpint (cfg->filters_timeout_seconds, ==, 20);
  gu_test_rmtree (dir);
}

static void
test_lists_and_semicolons (void)
{
  g_autofree char *dir = gu_test_tmpdir ();
  g_autofree char *path = gu_test_write (dir, "g.conf",
      "# a comment\n[staff]\naddresses = a@normandie.fr; b@normandie.fr ;\n"
      "[smtp]\nfrom = Fabrique d'Initiatives <fabrique@example.org>\n", 0644);
  g_autoptr (GError) error = NULL;
  g_autoptr (GuConfig) cfg = gu_config_load (path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (cfg->staff_addresses), ==, 2);
  g_assert_cmpstr (cfg->staff_addresses[1], ==, "b@normandie.fr");
  g_assert_cmpstr (cfg->smtp_from, ==, "Fabrique d'Initiatives <fabrique@example.org>");
  gu_test_rmtree (dir);
}

static void
test_bad_values_reported (void)
{
  g_autofree char *dir = gu_test_tmpdir ();
  g_autofree char *path = gu_test_write (dir, "g.conf",
      "[imap]\nidle = perhaps\npoll_seconds = -3\ncolour = blue\n[nonsense]\nx = 1\n", 0644);
  g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;
  g_autoptr (GuConfig) cfg = gu_config_load (path, problems, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (problems->len, ==, 4);
  g_assert_true (problems_mention (problems, "[imap] idle: invalid value"));
  g_assert_true (problems_mention (problems, "[imap] poll_seconds"));
  g_assert_true (problems_mention (problems, "unknown key [imap] colour"));
  g_assert_true (problems_mention (problems, "unknown section [nonsense]"));
  /* A bad value keeps the default rather than a half-parsed one. */
  g_assert_true (cfg->imap_idle);
  g_assert_cmpint (cfg->imap_poll_seconds, ==, 60);
  gu_test_rmtree (dir);
}

static void
test_unreadable_file (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GuConfig) cfg = gu_config_load ("/nonexistent/guichet.conf", NULL, &error);
  g_assert_null (cfg);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "/nonexistent/guichet.conf"));
}

static void
test_locate (void)
{
  g_setenv ("GUICHET_CONFIG", "/from/env.conf", TRUE);
  g_autofree char *a = gu_config_locate ("/explicit.conf");
  g_autofree char *b = gu_config_locate (NULL);
  g_unsetenv ("GUICHET_CONFIG");
  g_autofree char *c = gu_config_locate (NULL);
  g_assert_cmpstr (a, ==, "/explicit.conf");
  g_assert_cmpstr (b, ==, "/from/env.conf");
  g_assert_true (g_str_has_suffix (c, "/guichet/guichet.conf"));
}

static const char good_tail[] =
  "[imap]\nurl = imaps://imap.example.org/INBOX\nuser = fabrique@example.org\n"
  "password_file = imap.secret\n"
  "[smtp]\nurl = smtp://smtp.example.org:587\nfrom = Fabrique <fabrique@example.org>\n"
  "[filters]\nenabled = false\n";

static void
test_check_clean (void)
{
  g_autofree char *dir = gu_test_tmpdir ();
  g_free (write_call (dir));
  g_free (gu_test_write (dir, "imap.secret", "s3cret\n", 0600));
  g_autofree char *text = g_strdup_printf ("[storage]\ndatabase = state/g.db\nblobs = state/blobs\n"
                                           "[call]\nfile = call/fi.call\n%s", good_tail);
  g_autofree char *path = gu_test_write (dir, "g.conf", text, 0644);
  g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GuConfig) cfg = gu_config_load (path, problems, NULL);
  g_assert_nonnull (cfg);
  gu_config_check (cfg, problems);
  for (guint i = 0; i < problems->len; i++)
    g_test_message ("unexpected: %s", (char *) g_ptr_array_index (problems, i));
  g_assert_cmpuint (problems->len, ==, 0);
  g_autoptr (GError) error = NULL;
  g_autofree char *pw = gu_config_read_secret (cfg->imap_password_file, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (pw, ==, "s3cret");
  gu_test_rmtree (dir);
}

/* The issue's own example: an unknown key, a missing call file and a
 * world-readable password file give three lines. */
static void
test_check_three_problems (void)
{
  g_autofree char *dir = gu_test_tmpdir ();
  g_free (gu_test_write (dir, "imap.secret", "s3cret\n", 0644));
  g_autofree char *text = g_strdup_printf ("[storage]\ndatabase = g.db\nblobs = blobs\nfavourite = 3\n"
                                           "[call]\nfile = missing.call\n%s", good_tail);
  g_autofree char *path = gu_test_write (dir, "g.conf", text, 0644);
  g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GuConfig) cfg = gu_config_load (path, problems, NULL);
  gu_config_check (cfg, problems);
  g_assert_cmpuint (problems->len, ==, 3);
  g_assert_true (problems_mention (problems, "unknown key [storage] favourite"));
  g_assert_true (problems_mention (problems, "missing.call does not exist"));
  g_assert_true (problems_mention (problems, "chmod 600"));
  gu_test_rmtree (dir);
}

static void
test_check_bad_urls_and_addresses (void)
{
  g_autofree char *dir = gu_test_tmpdir ();
  g_free (write_call (dir));
  g_autofree char *path = gu_test_write (dir, "g.conf",
      "[storage]\ndatabase = g.db\nblobs = b\n[call]\nfile = call/fi.call\n"
      "[imap]\nurl = http://imap.example.org/\nuser = u\n"
      "[smtp]\nurl = smtp:///nohost\nfrom = nobody\n"
      "[staff]\naddresses = not-an-address\n[digest]\ntime = 25:00\n"
      "[filters]\nenabled = false\n", 0644);
  g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GuConfig) cfg = gu_config_load (path, problems, NULL);
  gu_config_check (cfg, problems);
  g_assert_true (problems_mention (problems, "[imap] url: bad URL"));
  g_assert_true (problems_mention (problems, "[smtp] url: bad URL"));
  g_assert_true (problems_mention (problems, "[smtp] from"));
  g_assert_true (problems_mention (problems, "not-an-address"));
  g_assert_true (problems_mention (problems, "[digest] time"));
  /* Staff named and no server to believe: none of them can be staff. */
  g_assert_true (problems_mention (problems, "[staff] trusted_authserv_id"));
  g_assert_cmpuint (problems->len, ==, 6);
  gu_test_rmtree (dir);
}

static void
test_maildir_url (void)
{
  g_autofree char *dir = gu_test_tmpdir ();
  g_free (write_call (dir));
  g_autofree char *path = gu_test_write (dir, "g.conf",
      "[storage]\ndatabase = g.db\nblobs = b\n[call]\nfile = call/fi.call\n"
      "[imap]\nurl = maildir:mail\n[smtp]\nurl = smtp://127.0.0.1:2525\nfrom = f@example.org\n"
      "[filters]\nenabled = false\n", 0644);
  g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GuConfig) cfg = gu_config_load (path, problems, NULL);
  gu_config_check (cfg, problems);
  g_assert_cmpuint (problems->len, ==, 0);
  gu_test_rmtree (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/config/defaults-and-relative-paths", test_defaults_and_relative_paths);
  g_test_add_func ("/config/lists", test_lists_and_semicolons);
  g_test_add_func ("/config/bad-values", test_bad_values_reported);
  g_test_add_func ("/config/unreadable", test_unreadable_file);
  g_test_add_func ("/config/locate", test_locate);
  g_test_add_func ("/config/check-clean", test_check_clean);
  g_test_add_func ("/config/check-three-problems", test_check_three_problems);
  g_test_add_func ("/config/check-urls-addresses", test_check_bad_urls_and_addresses);
  g_test_add_func ("/config/maildir", test_maildir_url);
  return g_test_run ();
}
