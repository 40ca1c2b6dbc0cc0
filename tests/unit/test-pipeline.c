/* src/pipeline on its own, against a real store in a temporary folder:
 * one message through intake (outcome, dossier, outbox row, blob), a
 * duplicate, a quarantine, an auto-reply, a follow-up filed by its
 * reference, and an admin's override. The CLI tests drive the same code
 * through the binary; these pin the library's own contract. */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "core/conf.h"
#include "parse/parse.h"
#include "pipeline/intake.h"
#include "pipeline/delivery.h"
#include "pipeline/override.h"
#include "testutil.h"
#include "util/error.h"

typedef struct {
  char *dir;
  GuConfig *cfg;
  GuCall *call;
  GuStore *store;
  GuClassifier *classifier;
  GuIntake *intake;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  g_autoptr (GError) error = NULL;
  f->dir = gu_test_tmpdir ();
  g_autofree char *call_file = gu_test_srcpath ("schemas/fabrique-initiatives.call");
  g_autofree char *text = g_strdup_printf (
    "[storage]\ndatabase = state/guichet.db\nblobs = state/blobs\n[call]\nfile = %s\n"
    "[imap]\nurl = maildir:state/mail\n[smtp]\nurl = smtp://127.0.0.1:1\n"
    "from = Fabrique <fabrique@example.org>\n[filters]\nenabled = false\n", call_file);
  g_autofree char *conf = gu_test_write (f->dir, "guichet.conf", text, 0644);
  f->cfg = gu_config_load (conf, NULL, &error);
  g_assert_no_error (error);
  f->call = gu_call_load (f->cfg->call_file, NULL, &error);
  g_assert_no_error (error);
  f->store = gu_store_open (f->cfg->database, f->cfg->blobs, &error);
  g_assert_no_error (error);
  /* Filters off: documents are classified by name. */
  f->classifier = gu_classifier_new (f->call, f->cfg);
  f->intake = gu_intake_new (f->store, f->cfg, f->call, f->classifier);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  gu_intake_free (f->intake);
  gu_classifier_free (f->classifier);
  gu_store_close (f->store);
  gu_call_free (f->call);
  gu_config_free (f->cfg);
  gu_test_rmtree (f->dir);
  g_free (f->dir);
}

/* Processes raw as received on 14 February 2020 (inside the window). */
static void
process (Fixture *f, const char *raw, GuIntakeResult *result)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = g_bytes_new (raw, strlen (raw));
  g_autoptr (GDateTime) when = g_date_time_new_from_iso8601 ("2020-02-14T10:12:00+01:00", NULL);
  GuReceipt receipt = { .received_at = when };
  memset (result, 0, sizeof *result);
  g_assert_true (gu_intake_process (f->intake, bytes, &receipt, result, &error));
  g_assert_no_error (error);
}

static char *
dossier_mail (const char *from, const char *subject, const char *filename)
{
  return g_strdup_printf (
    "From: %s\nTo: fabrique@example.org\nSubject: %s\nMessage-ID: <%s.%s>\nMIME-Version: 1.0\n"
    "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nBonjour.\n"
    "--b\nContent-Type: application/pdf; name=\"%s\"\nContent-Transfer-Encoding: base64\n\n"
    "JVBERi0xLjQKJSBidWRnZXQKJSVFT0YK\n--b--\n",
    from, subject, filename, "x@example.org", filename);
}

/* The outbox rows, as "kind state reference" lines. */
static char *
outbox_summary (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) rows = gu_store_outbox_list (f->store, &error);
  g_assert_no_error (error);
  GString *s = g_string_new (NULL);
  for (guint i = 0; i < rows->len; i++)
    {
      const GuOutboxRow *r = rows->pdata[i];
      g_string_append_printf (s, "%s %s %s\n", gu_reply_kind_to_string (r->kind),
                              gu_outbox_state_to_string (r->state),
                              r->dossier_reference != NULL ? r->dossier_reference : "-");
    }
  return g_string_free (s, FALSE);
}

static void
test_new_dossier_then_duplicate (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  g_autofree char *raw = dossier_mail ("Claire <claire@tiers-lieu.example>", "Candidature", "budget-etude.pdf");
  GuIntakeResult r;
  process (f, raw, &r);
  g_assert_cmpint (r.outcome, ==, GU_OUTCOME_DOSSIER);
  g_assert_nonnull (r.dossier);
  g_assert_true (r.dossier_created);
  g_assert_cmpstr (r.dossier->reference, ==, "FI-2020-0001");
  g_assert_cmpint (r.dossier->status, ==, GU_STATUS_INCOMPLETE);
  g_assert_cmpuint (r.dossier->documents->len, ==, 1);
  const GuDossierDocument *doc = r.dossier->documents->pdata[0];
  g_assert_cmpstr (((GuPieceMatch *) doc->pieces->pdata[0])->key, ==, "budget_etude");
  g_autofree char *line = gu_intake_result_line (&r);
  g_assert_cmpstr (line, ==, "FI-2020-0001 incomplete");
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) blob = gu_store_get_blob (f->store, doc->sha256, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (blob), ==, 24);
  gu_intake_result_clear (&r);
  g_autofree char *outbox = outbox_summary (f);
  g_assert_cmpstr (outbox, ==, "ack-new pending FI-2020-0001\n");

  process (f, raw, &r);
  g_assert_cmpint (r.outcome, ==, GU_OUTCOME_DUPLICATE);
  g_assert_cmpint (r.message_row, ==, 0);
  g_autofree char *dup = gu_intake_result_line (&r);
  g_assert_cmpstr (dup, ==, "- duplicate");
  gu_intake_result_clear (&r);
  g_autofree char *outbox2 = outbox_summary (f);
  g_assert_cmpstr (outbox2, ==, outbox); /* a duplicate is never answered twice */
}

static void
test_quarantine_and_automatic (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  GuIntakeResult r;
  process (f, "\x01\x02 not a mail message at all", &r);
  g_assert_cmpint (r.outcome, ==, GU_OUTCOME_QUARANTINED);
  g_assert_cmpint (r.message_row, >, 0);
  g_assert_null (r.dossier);
  gu_intake_result_clear (&r);

  process (f, "From: Claire <claire@tiers-lieu.example>\nTo: fabrique@example.org\n"
              "Subject: Absence\nAuto-Submitted: auto-replied\n\nJe suis absente.\n", &r);
  g_assert_cmpint (r.outcome, ==, GU_OUTCOME_AUTOMATIC);
  g_assert_null (r.dossier);
  gu_intake_result_clear (&r);
  g_autofree char *outbox = outbox_summary (f);
  g_assert_cmpstr (outbox, ==, ""); /* neither is answered */
}

static void
test_follow_up_by_reference (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  g_autofree char *first = dossier_mail ("Marc <marc@falaises.example>", "Candidature", "budget-etude.pdf");
  GuIntakeResult r;
  process (f, first, &r);
  g_autofree char *ref = g_strdup (r.dossier->reference);
  gu_intake_result_clear (&r);
  /* From another address of the same organisation, naming the reference. */
  g_autofree char *subject = g_strdup_printf ("Re: [%s] la stratégie", ref);
  g_autofree char *second = dossier_mail ("Marc <marc@falaises.example>", subject, "strategie.pdf");
  process (f, second, &r);
  g_assert_cmpint (r.outcome, ==, GU_OUTCOME_DOSSIER);
  g_assert_false (r.dossier_created);
  g_assert_cmpstr (r.dossier->reference, ==, ref);
  g_assert_cmpint (r.previous_status, ==, GU_STATUS_INCOMPLETE);
  g_assert_cmpuint (r.dossier->documents->len, ==, 2);
  gu_intake_result_clear (&r);
  g_autofree char *outbox = outbox_summary (f);
  g_autofree char *want = g_strdup_printf ("ack-new pending %s\nack-update pending %s\n", ref, ref);
  g_assert_cmpstr (outbox, ==, want);
}

static void
test_override (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  g_autofree char *raw = dossier_mail ("Jo <jo@bocage.example>", "Candidature", "document.pdf");
  GuIntakeResult r;
  process (f, raw, &r);
  g_autofree char *ref = g_strdup (r.dossier->reference);
  g_autofree char *sha = g_strdup (((GuDossierDocument *) r.dossier->documents->pdata[0])->sha256);
  gu_intake_result_clear (&r);

  g_autoptr (GError) error = NULL;
  const char *const all[] = { "initiative", "strategie_deploiement", "budget_etude", "budget_deploiement",
                              "plan_pluriannuel", "budget_lancement", NULL };
  GuDossierStatus status = GU_STATUS_INCOMPLETE;
  g_assert_true (gu_store_begin (f->store, &error));
  g_assert_true (gu_override_apply (f->call, f->store, ref, sha, all, &status, &error));
  g_assert_true (gu_store_commit (f->store, &error));
  g_assert_no_error (error);
  g_assert_cmpint (status, ==, GU_STATUS_COMPLETE);

  g_assert_true (gu_store_begin (f->store, &error));
  g_assert_false (gu_override_apply (f->call, f->store, ref, "00", all, &status, &error));
  g_assert_error (error, GU_ERROR, GU_ERROR_NOT_FOUND);
  gu_store_rollback (f->store);
}

/* A daemon asked to stop leaves the rest of the outbox pending rather
 * than waiting for every SMTP transaction of the batch. */
static void
test_delivery_stops_between_replies (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  g_autofree char *raw = dossier_mail ("Lu <lu@vire.example>", "Candidature", "budget-etude.pdf");
  GuIntakeResult r;
  process (f, raw, &r);
  gu_intake_result_clear (&r);
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  GuDeliveryCounts counts;
  gint stop = 1;
  g_assert_true (gu_delivery_run_until (f->store, f->cfg, now, &stop, &counts, &error));
  g_assert_cmpuint (counts.sent + counts.retry + counts.failed, ==, 0);
  g_autoptr (GPtrArray) rows = gu_store_outbox_list (f->store, &error);
  g_assert_cmpint (((GuOutboxRow *) rows->pdata[0])->attempts, ==, 0);
  /* Not stopped: the reply is tried (nobody listens on the test's SMTP
   * port: a temporary failure, left pending for later). */
  stop = 0;
  g_assert_true (gu_delivery_run_until (f->store, f->cfg, now, &stop, &counts, &error));
  g_assert_cmpuint (counts.retry, ==, 1);
}

/* More replies than one batch: all are tried in one delivery, none
 * left for the next pass (a burst of applications before a deadline). */
static void
test_delivery_drains_every_batch (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  for (int i = 0; i < 150; i++)
    {
      g_autofree char *from = g_strdup_printf ("Candidat <c%d@structure%d.example>", i, i);
      g_autofree char *raw = dossier_mail (from, "Candidature", "budget-etude.pdf");
      GuIntakeResult r;
      process (f, raw, &r);
      gu_intake_result_clear (&r);
    }
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  GuDeliveryCounts counts;
  g_assert_true (gu_delivery_run (f->store, f->cfg, now, &counts, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (counts.retry, ==, 150); /* nobody listens: each left for later */
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);
  gu_parse_init ();
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/pipeline/new-dossier-then-duplicate", test_new_dossier_then_duplicate);
  ADD ("/pipeline/quarantine-and-automatic", test_quarantine_and_automatic);
  ADD ("/pipeline/follow-up-by-reference", test_follow_up_by_reference);
  ADD ("/pipeline/override", test_override);
  ADD ("/pipeline/delivery-stops-between-replies", test_delivery_stops_between_replies);
  ADD ("/pipeline/delivery-drains-every-batch", test_delivery_drains_every_batch);
  int status = g_test_run ();
  gu_parse_shutdown ();
  return status;
}
