/* src/send against the rig's real SMTP sink (tests/rig/smtp-sink.py).
 * Run through test-send.sh, which starts the rig and exports its
 * settings: SMTP_HOST SMTP_PORT SMTP_USER SMTP_PASSWORD SINK_DIR
 * RIG_SINK_LOG RIG_CA RIG_DIR RIG_SH. */
#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "send/send-private.h"
#include "send/send.h"
#include "testutil.h"
#include "util/error.h"

typedef struct
{
  const char *host, *port, *user, *password, *sink_dir, *sink_log, *ca, *dir, *sh, *srcdir;
} Rig;

static Rig rig;

#define FROM "fabrique@example.org"
#define TO "candidate@example.net"

/* ------------------------------------------------------------------ */
/* Helpers */

static char *
rig_url (const char *host, const char *suffix)
{
  return g_strdup_printf ("smtp://%s:%s%s", host, rig.port, suffix);
}

/* A sender on the rig: STARTTLS verified with the rig's CA, no AUTH. */
static GuSmtp *
rig_sender (void)
{
  g_autofree char *url = rig_url (rig.host, "");
  GuSmtpOptions o = { .url = url, .tls_verify = TRUE, .ca_file = rig.ca, .timeout_seconds = 10 };
  return gu_smtp_new (&o);
}

static GBytes *
message (const char *subject, const char *body)
{
  char *text = g_strdup_printf ("From: Fabrique <" FROM ">\r\nTo: <" TO ">\r\n"
                                "Subject: %s\r\nMIME-Version: 1.0\r\n"
                                "Content-Type: text/plain; charset=utf-8\r\n"
                                "Content-Transfer-Encoding: 8bit\r\n\r\n%s",
                                subject, body);
  return g_bytes_new_take (text, strlen (text));
}

/* The highest NNNNNN of SINK_DIR's NNNNNN.eml (0 if none). */
static guint
sink_last (void)
{
  guint last = 0;
  GDir *dir = g_dir_open (rig.sink_dir, 0, NULL);
  g_assert_nonnull (dir);
  const char *name;
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".eml"))
      last = MAX (last, (guint) g_ascii_strtoull (name, NULL, 10));
  g_dir_close (dir);
  return last;
}

static char *
sink_path (guint seq, const char *ext)
{
  g_autofree char *name = g_strdup_printf ("%06u.%s", seq, ext);
  return g_build_filename (rig.sink_dir, name, NULL);
}

/* Waits for message seq's .eml (the sink writes it last) and returns it. */
static GBytes *
sink_eml (guint seq)
{
  g_autofree char *path = sink_path (seq, "eml");
  for (int i = 0; i < 200 && !g_file_test (path, G_FILE_TEST_EXISTS); i++)
    g_usleep (50000);
  char *data = NULL;
  gsize len = 0;
  g_autoptr (GError) error = NULL;
  g_file_get_contents (path, &data, &len, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (data, len);
}

static JsonObject *
sink_json (guint seq, JsonParser *parser)
{
  g_autofree char *path = sink_path (seq, "json");
  g_autoptr (GError) error = NULL;
  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  return json_node_get_object (json_parser_get_root (parser));
}

static void
force_reply (const char *name, const char *reply)
{
  g_autofree char *path = g_build_filename (rig.sink_dir, name, NULL);
  if (reply == NULL)
    g_unlink (path);
  else
    g_assert_true (g_file_set_contents (path, reply, -1, NULL));
}

static goffset
log_size (void)
{
  GStatBuf st;
  g_assert_cmpint (g_stat (rig.sink_log, &st), ==, 0);
  return st.st_size;
}

/* Counts the EHLO lines and the distinct client ports (= connections)
 * in the sink's log after offset. Line: "TIME PEER-PORT TEXT". */
static void
log_count_since (goffset offset, guint *ehlos, guint *connections)
{
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (rig.sink_log, &text, NULL, NULL));
  g_auto (GStrv) lines = g_strsplit (text + offset, "\n", -1);
  g_autoptr (GHashTable) peers = g_hash_table_new (g_str_hash, g_str_equal);
  *ehlos = 0;
  for (char **l = lines; *l != NULL; l++)
    {
      g_auto (GStrv) f = g_strsplit (*l, " ", 3);
      if (g_strv_length (f) < 3 || strcmp (f[1], "-") == 0)
        continue;
      if (g_str_has_prefix (f[2], "EHLO "))
        (*ehlos)++;
      g_hash_table_add (peers, (gpointer) g_intern_string (f[1]));
    }
  *connections = g_hash_table_size (peers);
}

static void
run_rig (const char *command)
{
  const char *argv[] = { rig.sh, command, rig.dir, NULL };
  int status = 0;
  g_autoptr (GError) error = NULL;
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

/* Sends and checks the result class; returns the reply. */
static char *
send_expect (GuSmtp *smtp, const char *from, GBytes *msg, GuSendResult want)
{
  char *reply = NULL;
  GuSendResult got = gu_smtp_send (smtp, from, TO, msg, &reply);
  g_test_message ("reply: %s", reply);
  g_assert_nonnull (reply);
  g_assert_null (strchr (reply, '\n'));
  g_assert_null (strchr (reply, '\r'));
  g_assert_cmpint (got, ==, want);
  return reply;
}

/* ------------------------------------------------------------------ */
/* Tests */

static void
test_url_policy (void)
{
  static const struct { const char *url; gboolean ok, required; const char *curl; } cases[] = {
    { "smtp://127.0.0.1:25", TRUE, FALSE, "smtp://127.0.0.1:25" },
    { "smtp://127.8.9.10", TRUE, FALSE, "smtp://127.8.9.10" },
    { "smtp://localhost:2525", TRUE, FALSE, "smtp://localhost:2525" },
    { "SMTP://LocalHost", TRUE, FALSE, "SMTP://LocalHost" },
    { "smtp://[::1]:25", TRUE, FALSE, "smtp://[::1]:25" },
    { "smtp://[::ffff:127.0.0.1]:25", TRUE, FALSE, "smtp://[::ffff:127.0.0.1]:25" },
    { "smtp://mail.example.org:587", TRUE, TRUE, "smtp://mail.example.org:587" },
    { "smtp://localhost.example.org", TRUE, TRUE, "smtp://localhost.example.org" },
    { "smtp://128.0.0.1", TRUE, TRUE, "smtp://128.0.0.1" },
    { "smtp://[::2]", TRUE, TRUE, "smtp://[::2]" },
    { "smtps://localhost:465", TRUE, TRUE, "smtps://localhost:465" },
    { "smtp://localhost:2525/;tls=required", TRUE, TRUE, "smtp://localhost:2525/" },
    { "smtp://127.0.0.1:2525;tls=required", TRUE, TRUE, "smtp://127.0.0.1:2525" },
    { "http://localhost/", FALSE, FALSE, NULL },
    { "imap://localhost/", FALSE, FALSE, NULL },
    { "localhost:25", FALSE, FALSE, NULL },
    { "", FALSE, FALSE, NULL },
    { NULL, FALSE, FALSE, NULL },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *curl = NULL;
      g_autoptr (GError) error = NULL;
      gboolean required = FALSE;
      gboolean ok = gu_smtp_url_policy (cases[i].url, &curl, &required, &error);
      g_test_message ("%s", cases[i].url != NULL ? cases[i].url : "(null)");
      g_assert_cmpint (ok, ==, cases[i].ok);
      if (ok)
        {
          g_assert_no_error (error);
          g_assert_cmpint (required, ==, cases[i].required);
          g_assert_cmpstr (curl, ==, cases[i].curl);
        }
      else
        g_assert_error (error, GU_ERROR, GU_ERROR_CONFIG);
    }
}

static void
test_bad_options (void)
{
  GuSmtpOptions o = { .url = "ftp://localhost/", .tls_verify = TRUE };
  GuSmtp *smtp = gu_smtp_new (&o);
  g_autoptr (GBytes) msg = message ("x", "x\r\n");
  g_autofree char *reply = send_expect (smtp, FROM, msg, GU_SEND_TEMPORARY);
  g_assert_nonnull (strstr (reply, "invalid URL"));
  gu_smtp_free (smtp);
  /* Credentials written in a URL stay out of the message. */
  o.url = "imap://fabrique:s3cret@localhost/";
  smtp = gu_smtp_new (&o);
  g_autofree char *hidden = send_expect (smtp, FROM, msg, GU_SEND_TEMPORARY);
  g_assert_null (strstr (hidden, "s3cret"));
  g_assert_nonnull (strstr (hidden, "imap://***@localhost/"));
  gu_smtp_free (smtp);
}

static void
test_bad_address (void)
{
  GuSmtp *smtp = rig_sender ();
  g_autoptr (GBytes) msg = message ("x", "x\r\n");
  static const char *bad[] = { "a@b\r\nRCPT TO:<evil@x>", "<a@b>", "" };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      char *reply = NULL;
      g_assert_cmpint (gu_smtp_send (smtp, FROM, bad[i], msg, &reply), ==, GU_SEND_PERMANENT);
      g_free (reply);
      g_assert_cmpint (gu_smtp_send (smtp, bad[i][0] != '\0' ? bad[i] : "a\nb", TO, msg, &reply),
                       ==, GU_SEND_PERMANENT);
      g_free (reply);
    }
  gu_smtp_free (smtp);
}

/* 8-bit UTF-8, an encoded French subject and lines that need
 * dot-stuffing arrive exactly as given. */
static void
test_byte_exact (void)
{
  GuSmtp *smtp = rig_sender ();
  g_autoptr (GBytes) msg = message ("=?UTF-8?Q?Votre_candidature_a_=C3=A9t=C3=A9_re=C3=A7ue?=",
                                    ".Bonjour H\xc3\xa9l\xc3\xa8ne,\r\n"
                                    "\r\n"
                                    ".\r\n"
                                    "..deux points\r\n"
                                    ". un point et une espace\r\n"
                                    "Fran\xc3\xa7ois, \xc3\xa0 bient\xc3\xb4t.\r\n");
  guint seq = sink_last () + 1;
  g_autofree char *reply = send_expect (smtp, FROM, msg, GU_SEND_OK);
  g_assert_true (g_str_has_prefix (reply, "250 "));
  g_autoptr (GBytes) got = sink_eml (seq);
  g_assert_true (g_bytes_equal (got, msg));
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *meta = sink_json (seq, parser);
  g_assert_cmpstr (json_object_get_string_member (meta, "mail_from"), ==, FROM);
  JsonArray *rcpts = json_object_get_array_member (meta, "rcpt_tos");
  g_assert_cmpuint (json_array_get_length (rcpts), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (rcpts, 0), ==, TO);
  g_assert_true (json_object_get_boolean_member (meta, "tls"));
  g_assert_true (json_object_get_null_member (meta, "auth_user"));
  gu_smtp_free (smtp);
}

static void
test_null_sender (void)
{
  GuSmtp *smtp = rig_sender ();
  g_autoptr (GBytes) msg = message ("Accus\xc3\xa9 de r\xc3\xa9" "ception", "Re\xc3\xa7u.\r\n");
  guint seq = sink_last () + 1;
  g_free (send_expect (smtp, "", msg, GU_SEND_OK));
  g_autoptr (GBytes) got = sink_eml (seq);
  g_assert_true (g_bytes_equal (got, msg));
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *meta = sink_json (seq, parser);
  /* aiosmtpd keeps the null reverse-path as "<>" (a real address would
   * have lost its brackets). */
  g_assert_cmpstr (json_object_get_string_member (meta, "mail_from"), ==, "<>");
  gu_smtp_free (smtp);
}

/* Three messages, one connection (one EHLO before and one after
 * STARTTLS). */
static void
test_batch_one_connection (void)
{
  goffset offset = log_size ();
  guint seq = sink_last () + 1;
  GuSmtp *smtp = rig_sender ();
  for (int i = 0; i < 3; i++)
    {
      g_autofree char *subject = g_strdup_printf ("Lot %d", i);
      g_autoptr (GBytes) msg = message (subject, "Corps.\r\n");
      g_free (send_expect (smtp, FROM, msg, GU_SEND_OK));
      g_autoptr (GBytes) got = sink_eml (seq + (guint) i);
      g_assert_true (g_bytes_equal (got, msg));
    }
  guint ehlos, connections;
  log_count_since (offset, &ehlos, &connections);
  g_assert_cmpuint (connections, ==, 1);
  g_assert_cmpuint (ehlos, ==, 2);
  gu_smtp_free (smtp);
}

/* A forced answer gives the expected class and text; the next message
 * on the same sender goes through. */
static void
check_forced (const char *file, const char *answer, GuSendResult want)
{
  GuSmtp *smtp = rig_sender ();
  g_autoptr (GBytes) msg = message ("Forc\xc3\xa9", "Texte.\r\n");
  g_free (send_expect (smtp, FROM, msg, GU_SEND_OK));
  force_reply (file, answer);
  guint before = sink_last ();
  g_autofree char *reply = send_expect (smtp, FROM, msg, want);
  force_reply (file, NULL);
  g_assert_true (g_str_has_prefix (reply, answer));
  g_assert_cmpuint (sink_last (), ==, before);
  guint seq = before + 1;
  g_free (send_expect (smtp, FROM, msg, GU_SEND_OK));
  g_autoptr (GBytes) got = sink_eml (seq);
  g_assert_true (g_bytes_equal (got, msg));
  gu_smtp_free (smtp);
}

static void
test_rcpt_temporary (void)
{
  check_forced (".reply", "451 4.3.0 try later", GU_SEND_TEMPORARY);
}

static void
test_rcpt_permanent (void)
{
  check_forced (".reply", "550 5.1.1 no such user", GU_SEND_PERMANENT);
}

static void
test_mail_permanent (void)
{
  check_forced (".reply-mail", "553 5.7.1 sender refused", GU_SEND_PERMANENT);
}

static void
test_data_temporary (void)
{
  check_forced (".reply-data", "451 4.3.0 try later", GU_SEND_TEMPORARY);
}

static void
test_data_permanent (void)
{
  check_forced (".reply-data", "550 5.7.1 content refused", GU_SEND_PERMANENT);
}

/* The sink goes away: a quick temporary failure; it comes back: the same
 * sender delivers. */
static void
test_server_down (void)
{
  GuSmtp *smtp = rig_sender ();
  g_autoptr (GBytes) msg = message ("Panne", "Texte.\r\n");
  g_free (send_expect (smtp, FROM, msg, GU_SEND_OK));
  run_rig ("stop-smtp");
  gint64 start = g_get_monotonic_time ();
  g_autofree char *reply = send_expect (smtp, FROM, msg, GU_SEND_TEMPORARY);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
  g_assert_nonnull (strstr (reply, "onnect"));
  run_rig ("start-smtp");
  guint seq = sink_last () + 1;
  g_free (send_expect (smtp, FROM, msg, GU_SEND_OK));
  g_autoptr (GBytes) got = sink_eml (seq);
  g_assert_true (g_bytes_equal (got, msg));
  gu_smtp_free (smtp);
}

static void
test_auth (void)
{
  g_autofree char *url = rig_url (rig.host, "");
  GuSmtpOptions o = { .url = url, .user = rig.user, .password = rig.password,
                      .tls_verify = TRUE, .ca_file = rig.ca };
  GuSmtp *smtp = gu_smtp_new (&o);
  g_autoptr (GBytes) msg = message ("Auth", "Texte.\r\n");
  guint seq = sink_last () + 1;
  g_free (send_expect (smtp, FROM, msg, GU_SEND_OK));
  g_bytes_unref (sink_eml (seq));
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *meta = sink_json (seq, parser);
  g_assert_cmpstr (json_object_get_string_member (meta, "auth_user"), ==, rig.user);
  g_assert_true (json_object_get_boolean_member (meta, "tls"));
  gu_smtp_free (smtp);
}

/* A refused password is our configuration, not the message: temporary,
 * and the password is not in the reply. */
static void
test_auth_refused (void)
{
  g_autofree char *url = rig_url (rig.host, "");
  GuSmtpOptions o = { .url = url, .user = rig.user, .password = "wrong-Pa55word",
                      .tls_verify = TRUE, .ca_file = rig.ca };
  GuSmtp *smtp = gu_smtp_new (&o);
  g_autoptr (GBytes) msg = message ("Auth", "Texte.\r\n");
  g_autofree char *reply = send_expect (smtp, FROM, msg, GU_SEND_TEMPORARY);
  g_assert_true (g_str_has_prefix (reply, "535"));
  g_assert_null (strstr (reply, "wrong-Pa55word"));
  gu_smtp_free (smtp);
}

static void
check_tls (const char *host, const char *suffix, gboolean verify, const char *ca, GuSendResult want)
{
  g_autofree char *url = rig_url (host, suffix);
  GuSmtpOptions o = { .url = url, .tls_verify = verify, .ca_file = ca };
  GuSmtp *smtp = gu_smtp_new (&o);
  g_autoptr (GBytes) msg = message ("TLS", "Texte.\r\n");
  guint seq = sink_last () + 1;
  g_autofree char *reply = send_expect (smtp, FROM, msg, want);
  if (want == GU_SEND_OK)
    {
      g_bytes_unref (sink_eml (seq));
      g_autoptr (JsonParser) parser = json_parser_new ();
      g_assert_true (json_object_get_boolean_member (sink_json (seq, parser), "tls"));
    }
  else
    {
      g_autofree char *lower = g_ascii_strdown (reply, -1);
      g_assert_nonnull (strstr (lower, "certificate"));
      g_assert_cmpuint (sink_last (), ==, seq - 1);
    }
  gu_smtp_free (smtp);
}

static void
test_tls_required (void)
{
  check_tls ("localhost", "/;tls=required", TRUE, rig.ca, GU_SEND_OK);
  check_tls ("127.0.0.1", ";tls=required", TRUE, rig.ca, GU_SEND_OK);
  check_tls ("localhost", "/;tls=required", FALSE, NULL, GU_SEND_OK);
}

/* Without the rig's CA the certificate is refused, also on loopback
 * where STARTTLS is only tried: a failed handshake never falls back to
 * plain text. */
static void
test_tls_untrusted (void)
{
  check_tls ("localhost", "/;tls=required", TRUE, NULL, GU_SEND_TEMPORARY);
  check_tls ("127.0.0.1", "", TRUE, NULL, GU_SEND_TEMPORARY);
}

/* tests/integration/flaky-smtp.py: plain SMTP without STARTTLS, which
 * drops its first connection when the second MAIL arrives. */
typedef struct
{
  GSubprocess *process;
  char *dir, *log, *url;
} Flaky;

static void
flaky_start (Flaky *f, const char *suffix)
{
  f->dir = g_dir_make_tmp ("guichet-flaky-XXXXXX", NULL);
  g_assert_nonnull (f->dir);
  g_autofree char *script = g_build_filename (rig.srcdir, "tests", "integration", "flaky-smtp.py", NULL);
  g_autofree char *port_file = g_build_filename (f->dir, "port", NULL);
  f->log = g_build_filename (f->dir, "log", NULL);
  g_autoptr (GError) error = NULL;
  /* It exits when its stdin (our end of the pipe) closes, even if we
   * crash. */
  f->process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE, &error, "/usr/bin/python3", script,
                                 "--port-file", port_file, "--log", f->log, NULL);
  g_assert_no_error (error);
  for (int i = 0; i < 200 && !g_file_test (port_file, G_FILE_TEST_EXISTS); i++)
    g_usleep (50000);
  g_autofree char *port = NULL;
  g_assert_true (g_file_get_contents (port_file, &port, NULL, NULL));
  f->url = g_strdup_printf ("smtp://127.0.0.1:%s%s", g_strstrip (port), suffix);
}

static void
flaky_stop (Flaky *f)
{
  g_subprocess_force_exit (f->process);
  g_subprocess_wait (f->process, NULL, NULL);
  g_object_unref (f->process);
  gu_test_rmtree (f->dir);
  g_free (f->dir);
  g_free (f->log);
  g_free (f->url);
}

/* The cached connection dies under curl's feet: the send is retried once
 * on a new connection, and the message is delivered once. Also shows that
 * a loopback server without STARTTLS is used in plain text. */
static void
test_dead_cached_connection (void)
{
  Flaky f;
  flaky_start (&f, "");
  GuSmtpOptions o = { .url = f.url, .tls_verify = TRUE, .timeout_seconds = 10 };
  GuSmtp *smtp = gu_smtp_new (&o);
  g_autoptr (GBytes) msg = message ("Un", "Texte.\r\n");
  g_free (send_expect (smtp, FROM, msg, GU_SEND_OK));
  g_free (send_expect (smtp, FROM, msg, GU_SEND_OK));
  gu_smtp_free (smtp);
  g_autofree char *log = NULL;
  g_assert_true (g_file_get_contents (f.log, &log, NULL, NULL));
  g_autofree char *want = g_strdup_printf ("1 %zu\n2 %zu\n", g_bytes_get_size (msg), g_bytes_get_size (msg));
  g_assert_cmpstr (log, ==, want);
  flaky_stop (&f);
}

/* STARTTLS required and not offered: nothing is sent, temporary. */
static void
test_starttls_missing (void)
{
  Flaky f;
  flaky_start (&f, "/;tls=required");
  GuSmtpOptions o = { .url = f.url, .tls_verify = TRUE, .timeout_seconds = 10 };
  GuSmtp *smtp = gu_smtp_new (&o);
  g_autoptr (GBytes) msg = message ("Un", "Texte.\r\n");
  g_autofree char *reply = send_expect (smtp, FROM, msg, GU_SEND_TEMPORARY);
  g_assert_nonnull (strstr (reply, "STARTTLS"));
  gu_smtp_free (smtp);
  g_assert_false (g_file_test (f.log, G_FILE_TEST_EXISTS));
  flaky_stop (&f);
}

/* A server that takes the connection and never greets: the send gives
 * up after timeout_seconds, as temporary. (The kernel completes the
 * handshake for a listening socket that never accepts.) */
static void
test_silent_server (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSocket) sock = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                           G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_autoptr (GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) any = g_inet_socket_address_new (lo, 0);
  g_assert_true (g_socket_bind (sock, any, TRUE, &error));
  g_assert_true (g_socket_listen (sock, &error));
  g_autoptr (GSocketAddress) bound = g_socket_get_local_address (sock, &error);
  g_assert_no_error (error);
  guint16 port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_autofree char *url = g_strdup_printf ("smtp://127.0.0.1:%u", port);
  GuSmtpOptions o = { .url = url, .tls_verify = TRUE, .timeout_seconds = 1 };
  GuSmtp *smtp = gu_smtp_new (&o);
  g_autoptr (GBytes) msg = message ("Silence", "Texte.\r\n");
  gint64 start = g_get_monotonic_time ();
  g_autofree char *reply = send_expect (smtp, FROM, msg, GU_SEND_TEMPORARY);
  gint64 elapsed = g_get_monotonic_time () - start;
  g_assert_cmpint (elapsed, >=, G_USEC_PER_SEC / 2);
  g_assert_cmpint (elapsed, <, 5 * G_USEC_PER_SEC);
  g_autofree char *lower = g_ascii_strdown (reply, -1);
  g_assert_nonnull (strstr (lower, "time"));
  gu_smtp_free (smtp);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/send/url-policy", test_url_policy);
  g_test_add_func ("/send/bad-options", test_bad_options);
  g_test_add_func ("/send/silent-server", test_silent_server);
  rig = (Rig){ g_getenv ("SMTP_HOST"), g_getenv ("SMTP_PORT"), g_getenv ("SMTP_USER"),
               g_getenv ("SMTP_PASSWORD"), g_getenv ("SINK_DIR"), g_getenv ("RIG_SINK_LOG"),
               g_getenv ("RIG_CA"), g_getenv ("RIG_DIR"), g_getenv ("RIG_SH"),
               g_getenv ("GU_TOP_SRCDIR") };
  if (rig.port == NULL || rig.sink_dir == NULL || rig.sh == NULL || rig.srcdir == NULL)
    {
      g_printerr ("no rig in the environment (run test-send.sh): only the offline tests\n");
      return g_test_run ();
    }
  g_test_add_func ("/send/bad-address", test_bad_address);
  g_test_add_func ("/send/byte-exact", test_byte_exact);
  g_test_add_func ("/send/null-sender", test_null_sender);
  g_test_add_func ("/send/batch-one-connection", test_batch_one_connection);
  g_test_add_func ("/send/rcpt-temporary", test_rcpt_temporary);
  g_test_add_func ("/send/rcpt-permanent", test_rcpt_permanent);
  g_test_add_func ("/send/mail-permanent", test_mail_permanent);
  g_test_add_func ("/send/data-temporary", test_data_temporary);
  g_test_add_func ("/send/data-permanent", test_data_permanent);
  g_test_add_func ("/send/server-down", test_server_down);
  g_test_add_func ("/send/auth", test_auth);
  g_test_add_func ("/send/auth-refused", test_auth_refused);
  g_test_add_func ("/send/tls-required", test_tls_required);
  g_test_add_func ("/send/tls-untrusted", test_tls_untrusted);
  g_test_add_func ("/send/dead-cached-connection", test_dead_cached_connection);
  g_test_add_func ("/send/starttls-missing", test_starttls_missing);
  return g_test_run ();
}
