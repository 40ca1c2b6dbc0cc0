/* The call definition: the shipped Fabrique call, the window in
 * Europe/Paris, and the validation of broken call files. */
#include "config.h"

#include <string.h>

#include "core/call.h"
#include "dossier/dossier.h"
#include "testutil.h"
#include "util/text.h"

static GuCall *
load_shipped (void)
{
  g_autofree char *path = gu_test_srcpath ("schemas/fabrique-initiatives.call");
  g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;
  GuCall *call = gu_call_load (path, problems, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < problems->len; i++)
    g_test_message ("problem: %s", (char *) g_ptr_array_index (problems, i));
  g_assert_cmpuint (problems->len, ==, 0);
  return call;
}

static void
test_shipped_call (void)
{
  g_autoptr (GuCall) call = load_shipped ();
  g_assert_cmpstr (call->reference_prefix, ==, "FI");
  g_assert_cmpint (call->reference_year, ==, 2020);
  g_assert_cmpstr (call->language, ==, "fr");
  g_assert_cmpstr (call->id, ==, "fabrique-initiatives");
  static const char *const keys[] = { "initiative", "strategie_deploiement", "budget_etude",
                                      "budget_deploiement", "plan_pluriannuel", "budget_lancement",
                                      "courrier_soutien" };
  g_assert_cmpuint (call->pieces->len, ==, G_N_ELEMENTS (keys));
  for (gsize i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      const GuPiece *piece = g_ptr_array_index (call->pieces, i);
      g_assert_cmpstr (piece->key, ==, keys[i]);
      g_assert_cmpint (piece->required, ==, strcmp (keys[i], "courrier_soutien") != 0);
      g_assert_nonnull (piece->filename_patterns[0]);
    }
  const GuPiece *etude = gu_call_find_piece (call, "budget_etude");
  g_assert_cmpstr (etude->label, ==, "Un budget pour la phase d'étude");
  g_assert_null (gu_call_find_piece (call, "budget"));
  g_assert_nonnull (call->eligible_categories);
}

static GuWindowPosition
position_of (const GuCall *call, const char *iso)
{
  g_autoptr (GDateTime) t = g_date_time_new_from_iso8601 (iso, NULL);
  g_assert_nonnull (t);
  return gu_call_window_position (call, t);
}

/* The deciding instant is the receipt time in Paris: 1 March counts. */
static void
test_window_edges (void)
{
  g_autoptr (GuCall) call = load_shipped ();
  g_assert_cmpint (position_of (call, "2019-12-31T23:59:59+01:00"), ==, GU_WINDOW_EARLY);
  g_assert_cmpint (position_of (call, "2019-12-31T23:30:00Z"), ==, GU_WINDOW_ON_TIME); /* 00:30 Paris */
  g_assert_cmpint (position_of (call, "2020-01-01T00:00:00+01:00"), ==, GU_WINDOW_ON_TIME);
  g_assert_cmpint (position_of (call, "2020-03-01T23:55:00+01:00"), ==, GU_WINDOW_ON_TIME);
  g_assert_cmpint (position_of (call, "2020-03-01T22:59:59Z"), ==, GU_WINDOW_ON_TIME);
  g_assert_cmpint (position_of (call, "2020-03-01T23:30:00Z"), ==, GU_WINDOW_LATE); /* 00:30 on 2 March */
  g_assert_cmpint (position_of (call, "2020-03-02T00:00:00+01:00"), ==, GU_WINDOW_LATE);
}

/* A window that closes on the day clocks go forward: the day has 23 hours. */
static void
test_window_dst (void)
{
  g_autofree char *dir = gu_test_tmpdir ();
  g_autofree char *path = gu_test_write (dir, "dst.call",
      "[call]\nname = DST\nreference_prefix = D\nopens = 2020-03-01\ncloses = 2020-03-29\n"
      "timezone = Europe/Paris\n[piece a]\nlabel = A\nrequired = true\nfilename_patterns = a\n", 0644);
  g_autoptr (GuCall) call = gu_call_load (path, NULL, NULL);
  g_assert_nonnull (call);
  /* 29 March 2020: 23:59 CEST is 21:59Z; midnight CEST is 22:00Z. */
  g_assert_cmpint (position_of (call, "2020-03-29T21:59:00Z"), ==, GU_WINDOW_ON_TIME);
  g_assert_cmpint (position_of (call, "2020-03-29T22:00:00Z"), ==, GU_WINDOW_LATE);
  g_assert_cmpint (position_of (call, "2020-03-29T23:30:00+02:00"), ==, GU_WINDOW_ON_TIME);
  gu_test_rmtree (dir);
}

static void
test_broken_calls (void)
{
  g_autofree char *dir = gu_test_tmpdir ();
  g_autofree char *dup = gu_test_write (dir, "dup.call",
      "[call]\nname = X\nreference_prefix = X\nopens = 2020-01-01\ncloses = 2020-02-01\n"
      "[piece a]\nlabel = A\nrequired = true\nfilename_patterns = a\n"
      "[piece b]\nlabel = B\nrequired = true\nfilename_patterns = ;  ;b\n"
      "[piece a]\nlabel = A again\nrequired = false\nfilename_patterns = aa\n"
      "[extra]\nx = 1\n", 0644);
  g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GuCall) call = gu_call_load (dup, problems, NULL);
  g_assert_nonnull (call);
  g_ptr_array_add (problems, NULL);
  g_autofree char *all = g_strjoinv ("\n", (char **) problems->pdata);
  g_assert_nonnull (strstr (all, "duplicate piece key \"a\""));
  g_assert_nonnull (strstr (all, "empty pattern"));
  g_assert_nonnull (strstr (all, "unknown section [extra]"));

  g_autofree char *bad_date = gu_test_write (dir, "date.call",
      "[call]\nname = X\nreference_prefix = X\nopens = 2020-02-30\ncloses = 2020-03-01\n"
      "[piece a]\nlabel = A\nrequired = true\nfilename_patterns = a\n", 0644);
  g_autoptr (GError) error = NULL;
  g_autoptr (GuCall) none = gu_call_load (bad_date, NULL, &error);
  g_assert_null (none);
  g_assert_nonnull (strstr (error->message, "YYYY-MM-DD"));

  g_autofree char *reversed = gu_test_write (dir, "rev.call",
      "[call]\nname = X\nreference_prefix = X\nopens = 2020-04-01\ncloses = 2020-03-01\n"
      "[piece a]\nlabel = A\nrequired = true\nfilename_patterns = a\n", 0644);
  g_clear_error (&error);
  g_autoptr (GuCall) none2 = gu_call_load (reversed, NULL, &error);
  g_assert_null (none2);
  g_assert_nonnull (strstr (error->message, "opens is after closes"));
  gu_test_rmtree (dir);
}

/* The words of the call's language come from its file, not from C:
 * another call in English reads "Organisation name:" lines. */
static void
test_vocabulary (void)
{
  g_autofree char *shipped = gu_test_srcpath ("schemas/fabrique-initiatives.call");
  g_autoptr (GuCall) fi = gu_call_load (shipped, NULL, NULL);
  g_assert_true (gu_vocabulary_has (fi->vocabulary.heading_words, "notre"));
  g_assert_true (gu_vocabulary_has (fi->vocabulary.organisation_labels, "collectivite"));
  g_assert_true (gu_vocabulary_has (fi->vocabulary.webmail_domains, "gmail com"));

  g_autofree char *dir = gu_test_tmpdir ();
  const char *head = "[call]\nname = X\nreference_prefix = X\nopens = 2020-01-01\ncloses = 2020-02-01\n"
                     "language = en\n[piece a]\nlabel = A\nrequired = true\nfilename_patterns = a\n";
  g_autofree char *bare = gu_test_write (dir, "bare.call", head, 0644);
  g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GuCall) none = gu_call_load (bare, problems, NULL);
  g_assert_nonnull (none);
  g_ptr_array_add (problems, NULL);
  g_autofree char *all = g_strjoinv ("\n", (char **) problems->pdata);
  g_assert_nonnull (strstr (all, "no [vocabulary] section"));
  /* Nor does it say who handles the dossiers, or what silence means. */
  for (const char *const *k = (const char *const[]) { "[service] name", "[service] postal_address",
                                                       "[service] email", "[service] phone",
                                                       "[decision] implicit", NULL };
       *k; k++)
    g_assert_nonnull (strstr (all, *k));
  g_assert_nonnull (strstr (all, "L112-11"));

  g_autofree char *text = g_strconcat (head, "[vocabulary]\norganisation_labels = Organisation name\n"
                                       "webmail_domains = example.com\n", NULL);
  g_autofree char *en = gu_test_write (dir, "en.call", text, 0644);
  g_autoptr (GuCall) call = gu_call_load (en, NULL, NULL);
  g_autoptr (GuMessage) msg = gu_message_new ();
  msg->body_text = g_strdup ("Hello,\nStructure : Ignored\nOrganisation name: Acme Hub\n");
  msg->from_addr = g_strdup ("jo@example.com");
  GuApplicantInfo info;
  gu_dossier_read_applicant (call, msg, &info);
  g_assert_cmpstr (info.organisation, ==, "Acme Hub");
  gu_applicant_info_clear (&info);
  g_free (msg->body_text);
  msg->body_text = g_strdup ("Structure : Ignored\n");
  gu_dossier_read_applicant (call, msg, &info);
  g_assert_null (info.organisation); /* a French label, and a webmail domain */
  gu_applicant_info_clear (&info);
  gu_test_rmtree (dir);
}

static void
test_fold (void)
{
  g_autofree char *a = gu_text_fold ("Stratégie");
  g_autofree char *b = gu_text_fold ("STRATEGIE");
  g_autofree char *c = gu_text_fold ("strategie_deploiement");
  g_autofree char *d = gu_text_fold ("  Budget — phase d’étude (v2).XLSX ");
  g_autofree char *e = gu_text_fold ("mise en œuvre");
  g_assert_cmpstr (a, ==, "strategie");
  g_assert_cmpstr (b, ==, "strategie");
  g_assert_cmpstr (c, ==, "strategie deploiement");
  g_assert_cmpstr (d, ==, "budget phase d etude v2 xlsx");
  g_assert_cmpstr (e, ==, "mise en oeuvre");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/call/shipped", test_shipped_call);
  g_test_add_func ("/call/window-edges", test_window_edges);
  g_test_add_func ("/call/window-dst", test_window_dst);
  g_test_add_func ("/call/broken", test_broken_calls);
  g_test_add_func ("/call/vocabulary", test_vocabulary);
  g_test_add_func ("/text/fold", test_fold);
  return g_test_run ();
}
