/* Reminders before the deadline (src/pipeline/remind.c): [reminders]
 * days_before read, which days are reminder days, the reminder composed
 * with the shipped templates, and queued against a real store once per
 * dossier and day, as the digest reads them. */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "core/conf.h"
#include "parse/parse.h"
#include "pipeline/intake.h"
#include "pipeline/remind.h"
#include "reply/reply.h"
#include "testutil.h"
#include "util/error.h"

static void
assert_days (const char *text, const char *expected)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) days = gu_config_reminder_days (text, &error);
  g_assert_no_error (error);
  GString *s = g_string_new (NULL);
  for (guint i = 0; i < days->len; i++)
    g_string_append_printf (s, "%s%d", i ? " " : "", g_array_index (days, int, i));
  g_assert_cmpstr (s->str, ==, expected);
  g_string_free (s, TRUE);
}

static void
test_days_before (void)
{
  assert_days ("7, 2", "7 2");
  assert_days ("2;7 7,\t14", "14 7 2");
  assert_days ("0", "0");
  assert_days ("", "");
  assert_days (NULL, "");
  const char *const bad[] = { "7 jours", "-1", "366", "7,x", "+3", "1e2" };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GArray) days = gu_config_reminder_days (bad[i], &error);
      g_assert_null (days);
      g_assert_error (error, GU_ERROR, GU_ERROR_CONFIG);
    }
}

typedef struct {
  char *dir;
  GuConfig *cfg;
  GuCall *call;
} Setup;

static void
setup (Setup *s, const char *days_before, const char *language)
{
  g_autoptr (GError) error = NULL;
  s->dir = gu_test_tmpdir ();
  g_autofree char *call_path = gu_test_srcpath ("schemas/fabrique-initiatives.call");
  g_autofree char *call_text = NULL;
  g_assert_true (g_file_get_contents (call_path, &call_text, NULL, NULL));
  g_autofree char *templates = gu_test_srcpath ("templates");
  g_auto (GStrv) parts = g_strsplit (call_text, "language = fr\n", 2);
  g_auto (GStrv) parts2 = g_strsplit (parts[1], "templates = ../templates\n", 2);
  g_assert_nonnull (parts2[1]);
  g_autofree char *changed = g_strconcat (parts[0], "language = ", language, "\n", parts2[0], "templates = ",
                                          templates, "\n", parts2[1], NULL);
  g_autofree char *call_file = gu_test_write (s->dir, "fabrique-initiatives.call", changed, 0644);
  g_autofree char *text = g_strdup_printf (
    "[storage]\ndatabase = state/guichet.db\nblobs = state/blobs\n[call]\nfile = %s\n"
    "[imap]\nurl = maildir:state/mail\n[smtp]\nurl = smtp://127.0.0.1:1\n"
    "from = Fabrique <fabrique@example.org>\n[filters]\nenabled = false\n"
    "[reminders]\ndays_before = %s\n", call_file, days_before);
  g_autofree char *conf = gu_test_write (s->dir, "guichet.conf", text, 0644);
  s->cfg = gu_config_load (conf, NULL, &error);
  g_assert_no_error (error);
  s->call = gu_call_load (s->cfg->call_file, NULL, &error);
  g_assert_no_error (error);
}

static void
teardown (Setup *s)
{
  gu_call_free (s->call);
  gu_config_free (s->cfg);
  gu_test_rmtree (s->dir);
  g_free (s->dir);
}

static int
days_before (const Setup *s, const char *day)
{
  g_autoptr (GError) error = NULL;
  int n;
  g_assert_true (gu_remind_day (s->cfg, s->call, day, &n, &error));
  g_assert_no_error (error);
  return n;
}

/* The call closes on 1 March 2020 (a leap year) and opens on 1 January. */
static void
test_reminder_days (void)
{
  Setup s;
  setup (&s, "7, 2, 0, 60", "fr");
  g_assert_cmpint (days_before (&s, "2020-02-23"), ==, 7);
  g_assert_cmpint (days_before (&s, "2020-02-28"), ==, 2);
  g_assert_cmpint (days_before (&s, "2020-03-01"), ==, 0);
  g_assert_cmpint (days_before (&s, "2020-02-24"), ==, -1);
  g_assert_cmpint (days_before (&s, "2020-03-02"), ==, -1);
  /* 60 days before is 1 January: the opening day, inside the window. */
  g_assert_cmpint (days_before (&s, "2020-01-01"), ==, 60);
  g_autoptr (GError) error = NULL;
  int n;
  g_assert_false (gu_remind_day (s.cfg, s.call, "2020-02-30", &n, &error));
  g_assert_error (error, GU_ERROR, GU_ERROR_USAGE);
  teardown (&s);
  /* Before the opening, a reminder day is none. */
  setup (&s, "65", "fr");
  g_assert_cmpint (days_before (&s, "2019-12-27"), ==, -1);
  teardown (&s);
}

/* text with every run of blanks as one space. */
static char *
flatten (const char *text)
{
  g_auto (GStrv) words = g_strsplit_set (text, " \n", -1);
  GString *flat = g_string_new (NULL);
  for (char **w = words; *w != NULL; w++)
    if (**w != '\0')
      g_string_append_printf (flat, "%s%s", flat->len ? " " : "", *w);
  return g_string_free (flat, FALSE);
}

static void
assert_contains (const char *text, const char *part)
{
  if (strstr (text, part) == NULL)
    g_error ("\"%s\" not found in:\n%s", part, text);
}

/* The reminder as the applicant reads it: subject, and the body made
 * one line. */
static char *
compose_reminder (const char *language, int days_left, char **subject)
{
  Setup s;
  setup (&s, "7", language);
  g_autoptr (GuDossier) dossier = gu_dossier_new ();
  dossier->reference = g_strdup ("FI-2020-0003");
  dossier->applicant = g_strdup ("bruno@incomplet.fr");
  g_autoptr (GPtrArray) missing = g_ptr_array_new ();
  g_ptr_array_add (missing, (gpointer) "budget_etude");
  g_ptr_array_add (missing, (gpointer) "plan_pluriannuel");
  g_autoptr (GDateTime) at = g_date_time_new_from_iso8601 ("2020-02-23T09:00:00+01:00", NULL);
  GuReplyContext ctx = {
    .kind = GU_REPLY_REMINDER, .call = s.call, .received_at = at, .dossier = dossier, .missing = missing,
    .from = "Fabrique d'Initiatives <fabrique@example.org>", .to = "bruno@incomplet.fr",
    .message_id = "guichet.0789@example.org", .templates_dir = s.call->templates_dir,
    .follows_id = "guichet.0123@example.org", .days_left = days_left,
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = gu_reply_compose (&ctx, subject, &error);
  g_assert_no_error (error);
  gsize len;
  g_autofree char *raw = g_strndup (g_bytes_get_data (bytes, &len), g_bytes_get_size (bytes));
  assert_contains (raw, "Auto-Submitted: auto-generated");
  assert_contains (raw, "In-Reply-To: <guichet.0123@example.org>");
  GuParseOptions opts = { .own_address = "fabrique@example.org" };
  g_autoptr (GuMessage) back = gu_parse_message (bytes, &opts);
  g_assert_cmpint (back->role, ==, GU_ROLE_AUTOMATIC);
  g_assert_null (strstr (back->body_text, "{{"));
  g_test_message ("%s\n%s", *subject, back->body_text);
  teardown (&s);
  return flatten (back->body_text);
}

static void
test_compose (void)
{
  g_autofree char *subject = NULL;
  g_autofree char *body = compose_reminder ("fr", 7, &subject);
  g_assert_cmpstr (subject, ==, "[FI-2020-0003] Rappel avant la clôture – Fabrique d'Initiatives");
  assert_contains (body, "Votre dossier FI-2020-0003, déposé dans le cadre de l'appel à projets");
  assert_contains (body, "est à ce jour incomplet : il y manque les pièces obligatoires suivantes. "
                         "- Un budget pour la phase d'étude - Un plan de déploiement pluriannuel");
  assert_contains (body, "au plus tard le 1er mars 2020 à 23 h 59 (heure de Paris), dans 7 jours : "
                         "l'appel à projets sera alors clos");
  assert_contains (body, "[FI-2020-0003]");
  g_clear_pointer (&subject, g_free);
  g_autofree char *one = compose_reminder ("fr", 1, &subject);
  assert_contains (one, "dans 1 jour :");
  g_clear_pointer (&subject, g_free);
  g_autofree char *today = compose_reminder ("fr", 0, &subject);
  assert_contains (today, "au plus tard aujourd'hui même, le 1er mars 2020, à 23 h 59");
  g_clear_pointer (&subject, g_free);
  g_autofree char *en = compose_reminder ("en", 2, &subject);
  g_assert_cmpstr (subject, ==, "[FI-2020-0003] Reminder: items missing – Fabrique d'Initiatives");
  assert_contains (en, "Please send them to us by 1 March 2020 at 23:59 (Paris time), in 2 days:");
  assert_contains (en, "Your application FI-2020-0003");
}

/* Against a real store: an incomplete dossier is reminded once on its
 * day; the digest's reader finds it under that day. */
static void
test_queue (void)
{
  Setup s;
  setup (&s, "7, 2", "fr");
  g_autoptr (GError) error = NULL;
  g_autoptr (GuStore) store = gu_store_open (s.cfg->database, s.cfg->blobs, &error);
  g_assert_no_error (error);
  g_autoptr (GuIntake) intake = gu_intake_new (store, s.cfg, s.call, NULL);
  const char *raw =
    "From: Bruno <bruno@incomplet.fr>\nTo: fabrique@example.org\nSubject: Candidature\n"
    "Message-ID: <b1@incomplet.fr>\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n"
    "--b\nContent-Type: text/plain\n\nBonjour.\n--b\nContent-Type: application/pdf\n"
    "Content-Disposition: attachment; filename=\"budget.pdf\"\n\n%PDF-1.4 budget\n--b--\n";
  g_autoptr (GBytes) bytes = g_bytes_new (raw, strlen (raw));
  g_autoptr (GDateTime) when = g_date_time_new_from_iso8601 ("2020-02-14T10:12:00+01:00", NULL);
  GuReceipt receipt = { .received_at = when };
  GuIntakeResult result = { 0 };
  g_assert_true (gu_intake_process (intake, bytes, &receipt, &result, &error));
  g_assert_no_error (error);
  g_assert_nonnull (result.dossier);
  g_autofree char *reference = g_strdup (result.dossier->reference);
  gu_intake_result_clear (&result);

  g_autoptr (GDateTime) now = g_date_time_new_from_iso8601 ("2026-12-03T10:00:00Z", NULL);
  g_autoptr (GPtrArray) first = NULL;
  g_assert_true (gu_remind_queue (store, s.cfg, s.call, "2020-02-23", now, &first, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (first->len, ==, 1);
  const GuOutboxRow *row = g_ptr_array_index (first, 0);
  g_assert_cmpstr (row->dossier_reference, ==, reference);
  g_assert_cmpint (row->state, ==, GU_OUTBOX_PENDING);
  g_autofree char *key = g_strdup_printf ("reminder:2020-02-23:%s", reference);
  g_assert_cmpstr (row->dedupe_key, ==, key);
  g_autoptr (GPtrArray) again = NULL;
  g_assert_true (gu_remind_queue (store, s.cfg, s.call, "2020-02-23", now, &again, &error));
  g_assert_cmpuint (again->len, ==, 0);
  g_autoptr (GPtrArray) none = NULL;
  g_assert_true (gu_remind_queue (store, s.cfg, s.call, "2020-02-22", now, &none, &error));
  g_assert_cmpuint (none->len, ==, 0);
  gboolean done;
  g_assert_true (gu_store_reminder_day_done (store, s.call->id, "2020-02-23", &done, &error));
  g_assert_true (done);
  g_assert_true (gu_store_reminder_day_done (store, s.call->id, "2020-02-28", &done, &error));
  g_assert_false (done);

  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) gu_digest_item_free);
  g_assert_true (gu_store_reminders_of_day (store, s.call->id, "2020-02-23", items, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, 1);
  const GuDigestItem *item = g_ptr_array_index (items, 0);
  g_assert_cmpstr (item->reference, ==, reference);
  g_assert_cmpstr (item->who, ==, "bruno@incomplet.fr");
  g_assert_cmpstr (item->state, ==, "pending");
  g_ptr_array_set_size (items, 0);
  g_assert_true (gu_store_reminders_of_day (store, s.call->id, "2020-02-28", items, &error));
  g_assert_cmpuint (items->len, ==, 0);

  /* The daemon's job: nothing on a day that is no reminder day. */
  guint count;
  g_assert_true (gu_remind_daily (store, s.cfg, s.call, now, &count, &error));
  g_assert_cmpuint (count, ==, 0);
  g_clear_pointer (&intake, gu_intake_free);
  g_clear_pointer (&store, gu_store_close);
  teardown (&s);
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  gu_parse_init ();
  g_test_add_func ("/remind/days-before", test_days_before);
  g_test_add_func ("/remind/reminder-days", test_reminder_days);
  g_test_add_func ("/remind/compose", test_compose);
  g_test_add_func ("/remind/queue", test_queue);
  int rc = g_test_run ();
  gu_parse_shutdown ();
  return rc;
}
