/* src/source/imap.c against the real Dovecot of the test rig (started by
 * test-imap.sh, which exports rig.env): URLs, logins, certificate checks
 * before any credential, SELECT/SEARCH/FETCH (one command), folders with
 * non-ASCII names, MOVE, IDLE, and a server restart. No mocks. */
#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "source/imap.h"
#include "testutil.h"
#include "util/error.h"

static const char *
env (const char *name)
{
  const char *value = g_getenv (name);
  if (value == NULL)
    g_error ("%s is not set: run this test through test-imap.sh", name);
  return value;
}

/* Runs rig.sh CMD RIG_DIR ARGS... (NULL-terminated), asserts success and
 * returns its standard output. */
static char *
rig (const char *cmd, ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_ptr_array_add (argv, (gpointer) env ("GU_RIG_SH"));
  g_ptr_array_add (argv, (gpointer) cmd);
  g_ptr_array_add (argv, (gpointer) env ("RIG_DIR"));
  va_list ap;
  va_start (ap, cmd);
  for (const char *arg; (arg = va_arg (ap, const char *)) != NULL;)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  char *out = NULL;
  int status = 0;
  g_autoptr (GError) error = NULL;
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return out;
}

static int
rig_count (const char *folder)
{
  g_autofree char *out = rig ("imap", "count", folder, NULL);
  return atoi (out);
}

/* Options for the rig's user, verifying with the rig's CA. */
static GuImapOptions
options (const char *url)
{
  GuImapOptions o = { 0 };
  o.url = url;
  o.user = env ("IMAP_USER");
  o.password = env ("IMAP_PASSWORD");
  o.tls_verify = TRUE;
  o.ca_file = env ("RIG_CA");
  o.timeout_seconds = 10;
  return o;
}

static char *
plain_url (const char *mailbox)
{
  return g_strdup_printf ("imap://127.0.0.1:%s/%s", env ("IMAP_PORT"), mailbox);
}

static GuImap *
connect_plain (void)
{
  g_autofree char *url = plain_url ("INBOX");
  GuImapOptions o = options (url);
  g_autoptr (GError) error = NULL;
  GuImap *imap = gu_imap_connect (&o, &error);
  g_assert_no_error (error);
  g_assert_nonnull (imap);
  return imap;
}

/* --- URLs --------------------------------------------------------------- */

static void
check_url (const char *url, const char *host, int port, GuImapTls tls, const char *mailbox)
{
  g_autofree char *h = NULL, *mb = NULL;
  int p = 0;
  GuImapTls t;
  g_autoptr (GError) error = NULL;
  g_assert_true (gu_imap_parse_url (url, &h, &p, &t, &mb, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (h, ==, host);
  g_assert_cmpint (p, ==, port);
  g_assert_cmpint (t, ==, tls);
  g_assert_cmpstr (mb, ==, mailbox);
}

static void
check_bad_url (const char *url)
{
  g_autofree char *h = NULL, *mb = NULL;
  int p = 0;
  GuImapTls t;
  g_autoptr (GError) error = NULL;
  g_assert_false (gu_imap_parse_url (url, &h, &p, &t, &mb, &error));
  g_assert_error (error, GU_ERROR, GU_ERROR_CONFIG);
}

static void
test_parse_url (void)
{
  check_url ("imaps://mail.example.org/INBOX", "mail.example.org", 993, GU_IMAP_TLS_IMPLICIT, "INBOX");
  check_url ("imaps://mail.example.org", "mail.example.org", 993, GU_IMAP_TLS_IMPLICIT, "INBOX");
  check_url ("imaps://mail.example.org:1993/", "mail.example.org", 1993, GU_IMAP_TLS_IMPLICIT, "INBOX");
  check_url ("imap://mail.example.org/Appel%202024", "mail.example.org", 143, GU_IMAP_TLS_STARTTLS,
             "Appel 2024");
  check_url ("imap://mail.example.org/Trait%C3%A9s", "mail.example.org", 143, GU_IMAP_TLS_STARTTLS,
             "Traités");
  check_url ("imap://mail.example.org/INBOX;tls=none", "mail.example.org", 143, GU_IMAP_TLS_NONE, "INBOX");
  check_url ("imap://mail.example.org/INBOX?tls=none", "mail.example.org", 143, GU_IMAP_TLS_NONE, "INBOX");
  check_url ("imap://mail.example.org:10143;tls=none", "mail.example.org", 10143, GU_IMAP_TLS_NONE, "INBOX");
  check_url ("imap://127.0.0.1:1143/INBOX", "127.0.0.1", 1143, GU_IMAP_TLS_NONE, "INBOX");
  check_url ("imap://127.8.9.10/INBOX", "127.8.9.10", 143, GU_IMAP_TLS_NONE, "INBOX");
  check_url ("imap://localhost/INBOX", "localhost", 143, GU_IMAP_TLS_NONE, "INBOX");
  check_url ("imap://[::1]:1143/INBOX", "::1", 1143, GU_IMAP_TLS_NONE, "INBOX");
  check_url ("imap://localhost/INBOX;tls=starttls", "localhost", 143, GU_IMAP_TLS_STARTTLS, "INBOX");
  check_url ("imap://[2001:db8::1]/INBOX", "2001:db8::1", 143, GU_IMAP_TLS_STARTTLS, "INBOX");
  check_url ("IMAPS://Mail.Example.org/a/b", "Mail.Example.org", 993, GU_IMAP_TLS_IMPLICIT, "a/b");
  check_bad_url ("pop3://mail.example.org/");
  check_bad_url ("imaps:///INBOX");
  check_bad_url ("imaps://mail.example.org:0/INBOX");
  check_bad_url ("imaps://mail.example.org:99999/INBOX");
  check_bad_url ("imaps://mail.example.org:x/INBOX");
  check_bad_url ("imaps://mail.example.org/INBOX;tls=none");
  check_bad_url ("imap://mail.example.org/INBOX;tls=maybe");
  check_bad_url ("imap://user@mail.example.org/INBOX");
  check_bad_url ("imap://mail.example.org/%FF");
  check_bad_url ("imap://[::1/INBOX");
}

/* --- logins and TLS --------------------------------------------------------- */

static void
test_login_plain (void)
{
  GuImap *imap = connect_plain ();
  g_assert_cmpstr (gu_imap_mailbox (imap), ==, "INBOX");
  /* Dovecot announces these only after login. */
  g_assert_true (gu_imap_has_idle (imap));
  g_assert_true (gu_imap_has_move (imap));
  gu_imap_close (imap);
}

static void
test_login_wrong_password (void)
{
  g_autofree char *url = plain_url ("INBOX");
  GuImapOptions o = options (url);
  o.password = "not the password";
  g_autoptr (GError) error = NULL;
  g_assert_null (gu_imap_connect (&o, &error));
  g_assert_error (error, GU_ERROR, GU_ERROR_CONFIG);
}

static void
test_connection_refused (void)
{
  /* The IMAPS port speaks TLS; port 1 on loopback has nobody. */
  GuImapOptions o = options ("imap://127.0.0.1:1/INBOX");
  g_autoptr (GError) error = NULL;
  g_assert_null (gu_imap_connect (&o, &error));
  g_assert_error (error, GU_ERROR, GU_ERROR_TEMPFAIL);
}

static void
test_imaps_with_ca (void)
{
  const char *hosts[] = { "127.0.0.1", "localhost" };
  for (guint i = 0; i < G_N_ELEMENTS (hosts); i++)
    {
      g_autofree char *url = g_strdup_printf ("imaps://%s:%s/INBOX", hosts[i], env ("IMAPS_PORT"));
      GuImapOptions o = options (url);
      g_autoptr (GError) error = NULL;
      GuImap *imap = gu_imap_connect (&o, &error);
      g_assert_no_error (error);
      g_assert_true (gu_imap_has_move (imap));
      gu_imap_close (imap);
    }
}

static guint
count_in_file (const char *path, const char *needle)
{
  g_autofree char *text = NULL;
  if (!g_file_get_contents (path, &text, NULL, NULL))
    return 0;
  guint n = 0;
  for (const char *p = text; (p = strstr (p, needle)) != NULL; p += strlen (needle))
    n++;
  return n;
}

static guint
count_files (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;
  while (d != NULL && g_dir_read_name (d) != NULL)
    n++;
  return n;
}

/* Waits until Dovecot has logged the end of a session without login. */
static void
wait_no_auth_logged (guint before)
{
  const char *log = env ("RIG_DOVECOT_LOG");
  for (int i = 0; i < 100 && count_in_file (log, "no auth attempts") == before; i++)
    g_usleep (50000);
  g_assert_cmpuint (count_in_file (log, "no auth attempts"), >, before);
}

static void
check_refused_before_login (const char *url, const char *host)
{
  const char *log = env ("RIG_DOVECOT_LOG");
  guint logins = count_in_file (log, "Login: user=<");
  guint no_auth = count_in_file (log, "no auth attempts");
  guint sessions = count_files (env ("RIG_RAWLOG_DIR"));
  GuImapOptions o = options (url);
  o.ca_file = NULL; /* the system store does not know the rig's CA */
  g_autoptr (GError) error = NULL;
  g_assert_null (gu_imap_connect (&o, &error));
  g_assert_error (error, GU_ERROR, GU_ERROR_CONFIG);
  /* Refused either way: by the system's CAs, or for want of any (a
   * machine without ca-certificates). */
  g_autofree char *prefix = g_strdup_printf ("certificate of %s not trusted: ", host);
  g_assert_true (g_str_has_prefix (error->message, prefix)
                 || g_str_has_prefix (error->message, "no trusted certificate in the system store"));
  g_test_message ("%s", error->message);
  wait_no_auth_logged (no_auth);
  g_assert_cmpuint (count_in_file (log, "Login: user=<"), ==, logins);
  g_assert_cmpuint (count_files (env ("RIG_RAWLOG_DIR")), ==, sessions);
}

static void
test_imaps_untrusted (void)
{
  g_autofree char *url = g_strdup_printf ("imaps://127.0.0.1:%s/INBOX", env ("IMAPS_PORT"));
  check_refused_before_login (url, "127.0.0.1");
}

static void
test_imaps_bad_ca_file (void)
{
  g_autofree char *url = g_strdup_printf ("imaps://127.0.0.1:%s/INBOX", env ("IMAPS_PORT"));
  GuImapOptions o = options (url);
  o.ca_file = "/nonexistent/ca.pem";
  g_autoptr (GError) error = NULL;
  g_assert_null (gu_imap_connect (&o, &error));
  g_assert_error (error, GU_ERROR, GU_ERROR_CONFIG);
  g_assert_true (g_str_has_prefix (error->message, "no trusted certificate in /nonexistent/ca.pem"));
}

/* "127.1" reaches 127.0.0.1 but is no name the certificate holds. */
static void
test_imaps_wrong_name (void)
{
  g_autofree char *url = g_strdup_printf ("imaps://127.1:%s/INBOX", env ("IMAPS_PORT"));
  GuImapOptions o = options (url);
  g_autoptr (GError) error = NULL;
  g_assert_null (gu_imap_connect (&o, &error));
  g_assert_error (error, GU_ERROR, GU_ERROR_CONFIG);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "does not match"));
}

static void
test_oauth2_refused (void)
{
  g_autofree char *url = plain_url ("INBOX");
  GuImapOptions o = options (url);
  o.password = NULL;
  o.oauth2_token = "ya29.not-a-token";
  g_autoptr (GError) error = NULL;
  g_assert_null (gu_imap_connect (&o, &error));
  g_assert_error (error, GU_ERROR, GU_ERROR_CONFIG);
}

/* A server that accepts the connection and never greets. */
static void
test_silent_server_times_out (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSocket) sock = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, 0, &error);
  g_autoptr (GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) any = g_inet_socket_address_new (lo, 0);
  g_assert_true (g_socket_bind (sock, any, TRUE, &error));
  g_assert_true (g_socket_listen (sock, &error));
  g_autoptr (GSocketAddress) bound = g_socket_get_local_address (sock, &error);
  guint16 port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_autofree char *url = g_strdup_printf ("imap://127.0.0.1:%u/INBOX", port);
  GuImapOptions o = options (url);
  o.timeout_seconds = 1;
  gint64 start = g_get_monotonic_time ();
  g_assert_null (gu_imap_connect (&o, &error));
  g_assert_error (error, GU_ERROR, GU_ERROR_TEMPFAIL);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
}

static void
test_imaps_no_verify (void)
{
  g_autofree char *url = g_strdup_printf ("imaps://127.0.0.1:%s/INBOX", env ("IMAPS_PORT"));
  GuImapOptions o = options (url);
  o.ca_file = NULL;
  o.tls_verify = FALSE;
  g_autoptr (GError) error = NULL;
  g_test_expect_message (NULL, G_LOG_LEVEL_WARNING, "*tls_verify is off*");
  GuImap *imap = gu_imap_connect (&o, &error);
  g_test_assert_expected_messages ();
  g_assert_no_error (error);
  gu_imap_close (imap);
}

/* Name of the newest file ending in suffix in dir (freed), or NULL. */
static char *
newest_file (const char *dir, const char *suffix)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  char *best = NULL;
  for (const char *name; d != NULL && (name = g_dir_read_name (d)) != NULL;)
    if (g_str_has_suffix (name, suffix) && (best == NULL || strcmp (name, best) > 0))
      {
        g_free (best);
        best = g_strdup (name);
      }
  return best;
}

static void
test_starttls (void)
{
  g_autofree char *url = g_strdup_printf ("imap://localhost:%s/INBOX;tls=starttls", env ("IMAP_PORT"));
  GuImapOptions o = options (url);
  g_autoptr (GError) error = NULL;
  GuImap *imap = gu_imap_connect (&o, &error);
  g_assert_no_error (error);
  g_assert_true (gu_imap_has_idle (imap));
  gu_imap_close (imap);
  /* Before login, in clear: STARTTLS, and no LOGIN in clear text. */
  const char *dir = env ("RIG_LOGIN_RAWLOG_DIR");
  g_autofree char *name = newest_file (dir, ".in");
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_assert_cmpuint (count_in_file (path, "STARTTLS"), ==, 1);
  g_assert_cmpuint (count_in_file (path, "LOGIN"), ==, 0);

  g_autofree char *untrusted = g_strdup_printf ("imap://localhost:%s/INBOX;tls=starttls", env ("IMAP_PORT"));
  check_refused_before_login (untrusted, "localhost");
}

/* --- mailbox ---------------------------------------------------------------- */

#define N_MESSAGES 5

static const char *dates[N_MESSAGES] = {
  "2020-02-14T10:12:00+01:00", "2021-06-30T23:59:59-03:30", "2022-01-01T00:00:00Z",
  "2023-07-14T12:00:00+02:00", "2024-12-31T18:30:15+05:45",
};

/* Writes message i with CRLF line ends (as Dovecot serves them). */
static char *
write_message (const char *dir, int i)
{
  g_autofree char *name = g_strdup_printf ("m%d.eml", i);
  g_autofree char *content = g_strdup_printf ("From: Candidate %d <c%d@example.org>\r\n"
                                              "To: appel@example.org\r\n"
                                              "Subject: Dossier %d\r\n"
                                              "Message-ID: <m%d@example.org>\r\n\r\n"
                                              "Body of message %d.\r\n%s",
                                              i, i, i, i, i, i == 3 ? "Accentu\xc3\xa9.\r\n" : "");
  return gu_test_write (dir, name, content, 0644);
}

static guint
count_uid_fetch (void)
{
  const char *dir = env ("RIG_RAWLOG_DIR");
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;
  for (const char *name; d != NULL && (name = g_dir_read_name (d)) != NULL;)
    if (g_str_has_suffix (name, ".in"))
      {
        g_autofree char *path = g_build_filename (dir, name, NULL);
        n += count_in_file (path, "UID FETCH");
      }
  return n;
}

static void
check_fetched (GPtrArray *got, GArray *uids, char **files)
{
  g_assert_cmpuint (got->len, ==, N_MESSAGES);
  for (guint i = 0; i < got->len; i++)
    {
      GuImapMessage *m = got->pdata[i];
      g_assert_cmpuint (m->uid, ==, g_array_index (uids, guint32, i));
      g_autofree char *want = NULL;
      gsize want_len = 0;
      g_assert_true (g_file_get_contents (files[i], &want, &want_len, NULL));
      gsize len = 0;
      const char *raw = g_bytes_get_data (m->raw, &len);
      g_assert_cmpmem (raw, len, want, want_len);
      g_assert_cmpuint (m->size, ==, want_len);
      g_autoptr (GDateTime) date = g_date_time_new_from_iso8601 (dates[i], NULL);
      g_assert_cmpint (g_date_time_to_unix (m->internaldate), ==, g_date_time_to_unix (date));
    }
}

static void
test_select_search_fetch_move (void)
{
  g_autofree char *dir = gu_test_tmpdir ();
  g_auto (GStrv) files = g_new0 (char *, N_MESSAGES + 1);
  GuImap *imap = connect_plain ();
  g_autoptr (GError) error = NULL;
  guint32 validity = 0, next = 0;
  g_assert_true (gu_imap_select (imap, "INBOX", &validity, &next, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (validity, >, 0);
  guint32 first = next;
  int inbox_before = rig_count ("INBOX");
  for (int i = 0; i < N_MESSAGES; i++)
    {
      files[i] = write_message (dir, i);
      g_free (rig ("append", files[i], dates[i], NULL));
    }
  g_assert_true (gu_imap_select (imap, "INBOX", &validity, &next, &error));
  g_assert_cmpuint (next, ==, first + N_MESSAGES);

  g_autoptr (GArray) uids = gu_imap_search_from (imap, first, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (uids->len, ==, N_MESSAGES);
  for (guint i = 0; i < uids->len; i++)
    g_assert_cmpuint (g_array_index (uids, guint32, i), ==, first + i);
  /* "UID next:*" answers the highest UID: it must not come back. */
  g_autoptr (GArray) none = gu_imap_search_from (imap, next, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (none->len, ==, 0);

  guint fetches = count_uid_fetch ();
  g_autoptr (GPtrArray) got = gu_imap_fetch (imap, (guint32 *) uids->data, uids->len, &error);
  g_assert_no_error (error);
  check_fetched (got, uids, files);

  g_assert_true (gu_imap_ensure_folder (imap, "Traités", &error));
  g_assert_no_error (error);
  g_assert_true (gu_imap_ensure_folder (imap, "Traités", &error));
  g_assert_no_error (error);
  g_autofree char *folders = rig ("imap", "folders", NULL);
  g_auto (GStrv) lines = g_strsplit (folders, "\n", -1);
  g_assert_true (g_strv_contains ((const char *const *) lines, "Traités"));
  int done_before = rig_count ("Traités");
  guint32 moved[] = { g_array_index (uids, guint32, 3), g_array_index (uids, guint32, 1) };
  g_assert_true (gu_imap_move (imap, moved, G_N_ELEMENTS (moved), "Traités", &error));
  g_assert_no_error (error);
  g_autoptr (GArray) left = gu_imap_search_from (imap, first, &error);
  g_assert_cmpuint (left->len, ==, N_MESSAGES - 2);
  gu_imap_close (imap);

  g_assert_cmpint (rig_count ("INBOX"), ==, inbox_before + N_MESSAGES - 2);
  g_assert_cmpint (rig_count ("Traités"), ==, done_before + 2);
  /* Dovecot writes its rawlog as it goes; the session is closed anyway. */
  g_assert_cmpuint (count_uid_fetch (), ==, fetches + 1);
  gu_test_rmtree (dir);
}

static void
test_fetch_edge_cases (void)
{
  g_autofree char *dir = gu_test_tmpdir ();
  /* Dovecot serves a NUL of the body as 0x80 in BODY[]: what matters here
   * is that nothing is cut at that byte. */
  static const char with_nul[] = "From: a@example.org\r\nSubject: nul\r\n\r\nbefore\0after\r\n";
  g_autofree char *path = g_build_filename (dir, "nul.eml", NULL);
  g_assert_true (g_file_set_contents (path, with_nul, sizeof with_nul - 1, NULL));
  GuImap *imap = connect_plain ();
  g_autoptr (GError) error = NULL;
  g_assert_true (gu_imap_ensure_folder (imap, "Edge", &error));
  g_free (rig ("append", path, "2020-02-14T10:12:00+01:00", "Edge", NULL));
  guint32 validity, next;
  g_assert_true (gu_imap_select (imap, "Edge", &validity, &next, &error));
  g_autoptr (GArray) uids = gu_imap_search_from (imap, 1, &error);
  g_assert_cmpuint (uids->len, ==, 1);
  /* Absent UIDs and duplicates are simply not returned twice. */
  guint32 ask[] = { g_array_index (uids, guint32, 0), 999, g_array_index (uids, guint32, 0) };
  g_autoptr (GPtrArray) got = gu_imap_fetch (imap, ask, G_N_ELEMENTS (ask), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (got->len, ==, 1);
  GuImapMessage *m = got->pdata[0];
  g_autofree char *served = rig ("imap", "fetch", "Edge", "1", NULL);
  gsize len = 0;
  const char *raw = g_bytes_get_data (m->raw, &len);
  g_assert_cmpuint (len, ==, sizeof with_nul - 1);
  g_assert_true (g_str_has_suffix (served, "after\r\n"));
  g_assert_cmpmem (raw + len - 7, 7, "after\r\n", 7);
  g_assert_cmpint (g_date_time_to_unix (m->internaldate), ==, 1581671520);
  g_autoptr (GPtrArray) empty = gu_imap_fetch (imap, NULL, 0, &error);
  g_assert_cmpuint (empty->len, ==, 0);
  gu_imap_close (imap);
  gu_test_rmtree (dir);
}

static void
test_select_missing (void)
{
  GuImap *imap = connect_plain ();
  g_autoptr (GError) error = NULL;
  guint32 validity, next;
  g_assert_false (gu_imap_select (imap, "No such folder", &validity, &next, &error));
  g_assert_error (error, GU_ERROR, GU_ERROR_CONFIG);
  g_clear_error (&error);
  /* A NO leaves the session usable. */
  g_assert_true (gu_imap_select (imap, "INBOX", &validity, &next, &error));
  g_assert_no_error (error);
  gu_imap_close (imap);
}

static void
test_ensure_folder (void)
{
  GuImap *imap = connect_plain ();
  g_autoptr (GError) error = NULL;
  g_assert_true (gu_imap_ensure_folder (imap, "Déjà vu & co", &error));
  g_assert_no_error (error);
  g_assert_true (gu_imap_ensure_folder (imap, "Déjà vu & co", &error));
  g_assert_no_error (error);
  gu_imap_close (imap);
  g_autofree char *folders = rig ("imap", "folders", NULL);
  g_auto (GStrv) lines = g_strsplit (folders, "\n", -1);
  g_assert_true (g_strv_contains ((const char *const *) lines, "Déjà vu & co"));
  /* On disk (Maildir++): modified UTF-7, proof of the encoding on the wire. */
  g_autofree char *maildir = g_build_filename (env ("RIG_MAILDIR"), ".D&AOk-j&AOA- vu &- co", NULL);
  g_assert_true (g_file_test (maildir, G_FILE_TEST_IS_DIR));
}

/* --- IDLE and failures -------------------------------------------------------- */

static GPid
spawn_later (double delay, const char *cmd, const char *arg1, const char *arg2, const char *arg3)
{
  g_autofree char *sleep = g_strdup_printf ("%.1f", delay);
  const char *argv[] = { "/bin/sh", "-c", "sleep \"$0\"; exec \"$@\" >/dev/null", sleep, env ("GU_RIG_SH"),
                         cmd, env ("RIG_DIR"), arg1, arg2, arg3, NULL };
  GPid pid = 0;
  g_autoptr (GError) error = NULL;
  g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid, &error);
  g_assert_no_error (error);
  return pid;
}

static void
reap (GPid pid)
{
  int status = 0;
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

static void
test_idle_change (void)
{
  g_autofree char *dir = gu_test_tmpdir ();
  g_autofree char *path = write_message (dir, 9);
  GuImap *imap = connect_plain ();
  g_autoptr (GError) error = NULL;
  g_assert_true (gu_imap_ensure_folder (imap, "Idle", &error));
  guint32 validity, next;
  g_assert_true (gu_imap_select (imap, "Idle", &validity, &next, &error));
  GPid pid = spawn_later (1, "append", path, "2020-02-14T10:12:00+01:00", "Idle");
  gint64 start = g_get_monotonic_time ();
  gboolean changed = FALSE;
  volatile int stop = 0;
  g_assert_true (gu_imap_idle (imap, 20, &stop, &changed, &error));
  g_assert_no_error (error);
  gint64 took = g_get_monotonic_time () - start;
  g_assert_true (changed);
  g_assert_cmpint (took, <, 3 * G_USEC_PER_SEC);
  reap (pid);
  g_autoptr (GArray) uids = gu_imap_search_from (imap, next, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (uids->len, ==, 1);
  gu_imap_close (imap);
  gu_test_rmtree (dir);
}

static gpointer
set_stop_later (gpointer data)
{
  g_usleep (G_USEC_PER_SEC / 2);
  *(volatile int *) data = 1;
  return NULL;
}

static void
test_idle_stop_and_timeout (void)
{
  GuImap *imap = connect_plain ();
  g_autoptr (GError) error = NULL;
  guint32 validity, next;
  g_assert_true (gu_imap_select (imap, "INBOX", &validity, &next, &error));
  volatile int stop = 0;
  gboolean changed = TRUE;
  GThread *thread = g_thread_new ("stop", set_stop_later, (gpointer) &stop);
  gint64 start = g_get_monotonic_time ();
  g_assert_true (gu_imap_idle (imap, 60, &stop, &changed, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);
  g_thread_join (thread);

  /* Nothing is appended now, but a server may speak in IDLE whenever it
   * likes (Dovecot's "Still here"): "changed" is then TRUE and the call
   * returns early, as it should. Only a silent server must keep us the
   * whole timeout. */
  start = g_get_monotonic_time ();
  stop = 0;
  g_assert_true (gu_imap_idle (imap, 2, &stop, &changed, &error));
  gint64 took = g_get_monotonic_time () - start;
  if (!changed)
    g_assert_cmpint (took, >=, 2 * G_USEC_PER_SEC - G_USEC_PER_SEC / 10);
  g_assert_cmpint (took, <, 4 * G_USEC_PER_SEC);
  /* The session is still good after IDLE ... DONE. */
  g_autoptr (GArray) uids = gu_imap_search_from (imap, 1, &error);
  g_assert_no_error (error);
  g_assert_nonnull (uids);
  gu_imap_close (imap);
}

static void
test_server_restart (void)
{
  GuImap *imap = connect_plain ();
  g_autoptr (GError) error = NULL;
  guint32 validity, next;
  g_assert_true (gu_imap_select (imap, "INBOX", &validity, &next, &error));
  g_free (rig ("restart-imap", NULL));
  g_autoptr (GArray) uids = gu_imap_search_from (imap, 1, &error);
  g_assert_null (uids);
  g_assert_error (error, GU_ERROR, GU_ERROR_TEMPFAIL);
  g_clear_error (&error);
  gu_imap_close (imap);

  imap = connect_plain ();
  g_assert_true (gu_imap_select (imap, "INBOX", &validity, &next, &error));
  g_assert_no_error (error);
  /* Killed while idling: IDLE itself, or the next call, says TEMPFAIL. */
  GPid pid = spawn_later (1, "restart-imap", NULL, NULL, NULL);
  gboolean changed = FALSE;
  volatile int stop = 0;
  gboolean ok = gu_imap_idle (imap, 30, &stop, &changed, &error);
  reap (pid);
  if (ok)
    uids = gu_imap_search_from (imap, 1, &error);
  g_assert_error (error, GU_ERROR, GU_ERROR_TEMPFAIL);
  g_clear_error (&error);
  gu_imap_close (imap);

  imap = connect_plain ();
  g_assert_true (gu_imap_select (imap, "INBOX", &validity, &next, &error));
  g_assert_no_error (error);
  gu_imap_close (imap);
}

int
main (int argc, char **argv)
{
  /* As guichet's main does: a write to a closed connection must fail,
   * not kill the process. */
  signal (SIGPIPE, SIG_IGN);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/imap/parse-url", test_parse_url);
  g_test_add_func ("/imap/login-plain", test_login_plain);
  g_test_add_func ("/imap/login-wrong-password", test_login_wrong_password);
  g_test_add_func ("/imap/connection-refused", test_connection_refused);
  g_test_add_func ("/imap/imaps-with-ca", test_imaps_with_ca);
  g_test_add_func ("/imap/imaps-untrusted", test_imaps_untrusted);
  g_test_add_func ("/imap/imaps-wrong-name", test_imaps_wrong_name);
  g_test_add_func ("/imap/imaps-bad-ca-file", test_imaps_bad_ca_file);
  g_test_add_func ("/imap/imaps-no-verify", test_imaps_no_verify);
  g_test_add_func ("/imap/oauth2-refused", test_oauth2_refused);
  g_test_add_func ("/imap/silent-server-times-out", test_silent_server_times_out);
  g_test_add_func ("/imap/starttls", test_starttls);
  g_test_add_func ("/imap/select-search-fetch-move", test_select_search_fetch_move);
  g_test_add_func ("/imap/fetch-edge-cases", test_fetch_edge_cases);
  g_test_add_func ("/imap/select-missing", test_select_missing);
  g_test_add_func ("/imap/ensure-folder", test_ensure_folder);
  g_test_add_func ("/imap/idle-change", test_idle_change);
  g_test_add_func ("/imap/idle-stop-and-timeout", test_idle_stop_and_timeout);
  g_test_add_func ("/imap/server-restart", test_server_restart);
  return g_test_run ();
}
