/* Dossier decisions: references, which dossier a message goes to, who
 * the applicant is, and the derived status; and the export's CSV cells. */
#include "config.h"

#include <string.h>

#include "dossier/dossier.h"
#include "testutil.h"

static GuCall *call;

static void
test_references (void)
{
  static const struct { const char *text, *want; } cases[] = {
    { "Re: [FI-2020-0007] pièces complémentaires", "FI-2020-0007" },
    { "dossier fi-2020-0012 suite", "FI-2020-0012" },
    { "Notre référence : FI 2020 0003.", "FI-2020-0003" },
    { "FI-2020-7", "FI-2020-0007" },
    { "XFI-2020-0007", NULL },
    { "FI-2019-0007", NULL },
    { "FI-2020-", NULL },
    { NULL, NULL },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = gu_dossier_find_reference (call, cases[i].text);
      g_assert_cmpstr (got, ==, cases[i].want);
    }
  g_autofree char *ref = gu_dossier_format_reference (call, 42);
  g_assert_cmpstr (ref, ==, "FI-2020-0042");
}

static GuMessage *
message_from (const char *addr, GuRole role)
{
  GuMessage *msg = gu_message_new ();
  msg->from_addr = g_strdup (addr);
  msg->role = role;
  return msg;
}

static void
test_match (void)
{
  g_autoptr (GuMessage) a = message_from ("a@x.fr", GU_ROLE_APPLICANT);
  g_autoptr (GuMessage) staff = message_from ("instructeur@normandie.fr", GU_ROLE_STAFF);
  GuMatch m;
  /* 1. a reference to one's own dossier */
  m = gu_dossier_match (a, &(GuMatchFacts) { .by_reference = 7, .reference_owner = "A@x.fr" }, TRUE);
  g_assert_cmpint (m.kind, ==, GU_MATCH_EXISTING);
  g_assert_cmpint (m.dossier_id, ==, 7);
  g_assert_cmpstr (m.rule, ==, "reference");
  /* … to someone else's: not followed, noted; the sender's own dossier is used */
  m = gu_dossier_match (a, &(GuMatchFacts) { .by_reference = 7, .reference_owner = "b@y.fr",
                                             .sender_dossiers = 1, .sender_dossier = 3 }, TRUE);
  g_assert_cmpint (m.dossier_id, ==, 3);
  g_assert_nonnull (strstr (m.note, "another applicant"));
  g_free (m.note);
  /* 2. a thread of ours */
  m = gu_dossier_match (a, &(GuMatchFacts) { .by_thread = 5, .thread_owner = "a@x.fr" }, FALSE);
  g_assert_cmpint (m.kind, ==, GU_MATCH_EXISTING);
  g_assert_cmpstr (m.rule, ==, "thread");
  /* 3. the sender's only dossier; with two, a new one */
  m = gu_dossier_match (a, &(GuMatchFacts) { .sender_dossiers = 1, .sender_dossier = 9 }, FALSE);
  g_assert_cmpint (m.dossier_id, ==, 9);
  m = gu_dossier_match (a, &(GuMatchFacts) { .sender_dossiers = 2 }, TRUE);
  g_assert_cmpint (m.kind, ==, GU_MATCH_NEW);
  /* 4. nothing to file, no dossier */
  m = gu_dossier_match (a, &(GuMatchFacts) { 0 }, FALSE);
  g_assert_cmpint (m.kind, ==, GU_MATCH_NONE);
  /* Staff may name any dossier, and never create one. */
  m = gu_dossier_match (staff, &(GuMatchFacts) { .by_reference = 7, .reference_owner = "a@x.fr" }, TRUE);
  g_assert_cmpint (m.dossier_id, ==, 7);
  m = gu_dossier_match (staff, &(GuMatchFacts) { 0 }, TRUE);
  g_assert_cmpint (m.kind, ==, GU_MATCH_NONE);
}

static void
add_doc (GuDossier *d, const char *key, guint flags)
{
  GuDossierDocument *doc = gu_dossier_document_new ();
  doc->flags = flags;
  GuPieceMatch *m = g_new0 (GuPieceMatch, 1);
  m->key = g_strdup (key);
  m->evidence = g_strdup ("test");
  g_ptr_array_add (doc->pieces, m);
  g_ptr_array_add (d->documents, doc);
}

static GuDossier *
dossier_received (const char *first)
{
  GuDossier *d = gu_dossier_new ();
  d->first_received_at = g_strdup (first);
  return d;
}

static const char *const required[] = { "initiative", "strategie_deploiement", "budget_etude",
                                        "budget_deploiement", "plan_pluriannuel", "budget_lancement" };

static void
test_status (void)
{
  g_autoptr (GuDossier) d = dossier_received ("2020-02-14T09:12:00Z");
  g_autoptr (GPtrArray) missing = g_ptr_array_new ();
  g_assert_cmpstr (gu_dossier_status_to_string (gu_dossier_status (call, d, missing)), ==, "incomplete");
  g_assert_cmpuint (missing->len, ==, 6);
  for (gsize i = 0; i < 5; i++)
    add_doc (d, required[i], 0);
  /* The last piece arrives late: kept, shown, but it does not complete. */
  add_doc (d, "budget_lancement", GU_DOC_LATE);
  g_ptr_array_set_size (missing, 0);
  g_assert_cmpstr (gu_dossier_status_to_string (gu_dossier_status (call, d, missing)), ==, "incomplete");
  g_assert_cmpuint (missing->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (missing, 0), ==, "budget_lancement");
  add_doc (d, "budget_lancement", 0);
  g_ptr_array_set_size (missing, 0);
  g_assert_cmpstr (gu_dossier_status_to_string (gu_dossier_status (call, d, missing)), ==, "complete");
  g_assert_cmpuint (missing->len, ==, 0);
  /* The optional piece is never missing. */
  g_autoptr (GuDossier) early = dossier_received ("2019-12-31T22:59:59Z");
  g_assert_cmpstr (gu_dossier_status_to_string (gu_dossier_status (call, early, NULL)), ==, "early");
  g_autoptr (GuDossier) on_time = dossier_received ("2020-03-01T22:55:00Z");
  g_assert_cmpstr (gu_dossier_status_to_string (gu_dossier_status (call, on_time, NULL)), ==, "incomplete");
  g_autoptr (GuDossier) late = dossier_received ("2020-03-01T23:30:00Z");
  g_assert_cmpstr (gu_dossier_status_to_string (gu_dossier_status (call, late, NULL)), ==, "late");
}

static void
test_applicant (void)
{
  g_autoptr (GuMessage) msg = message_from ("claire@gmail.com", GU_ROLE_APPLICANT);
  msg->body_text = g_strdup ("Bonjour,\n\nStructure : Tiers-Lieu du Pays de Caux\n"
                             "Statut juridique : Association loi 1901\nMerci.\n");
  GuApplicantInfo info;
  gu_dossier_read_applicant (call, msg, &info);
  g_assert_cmpstr (info.organisation, ==, "Tiers-Lieu du Pays de Caux");
  g_assert_true (info.organisation_stated);
  g_assert_cmpstr (info.legal_category, ==, "association");
  g_assert_false (info.consortium);
  gu_applicant_info_clear (&info);

  g_free (msg->body_text);
  msg->body_text = g_strdup ("Nous candidatons en consortium avec la mairie et deux associations.\n");
  gu_dossier_read_applicant (call, msg, &info);
  g_assert_true (info.consortium);
  g_assert_false (info.lead_named);
  g_assert_null (info.organisation);  /* gmail.com says nothing */
  gu_applicant_info_clear (&info);

  g_free (msg->body_text);
  msg->body_text = g_strdup ("Consortium du Bessin\nPorteur principal : Communauté de communes\n");
  g_free (msg->from_addr);
  msg->from_addr = g_strdup ("contact@cc-bessin.fr");
  gu_dossier_read_applicant (call, msg, &info);
  g_assert_true (info.consortium);
  g_assert_true (info.lead_named);
  g_assert_cmpstr (info.organisation, ==, "Communauté de communes");
  gu_applicant_info_clear (&info);

  g_free (msg->body_text);
  msg->body_text = NULL;
  gu_dossier_read_applicant (call, msg, &info);
  g_assert_cmpstr (info.organisation, ==, "cc-bessin.fr");
  g_assert_false (info.organisation_stated);
  gu_applicant_info_clear (&info);
}

static void
test_has_documents (void)
{
  g_autoptr (GuMessage) msg = gu_message_new ();
  g_assert_false (gu_dossier_message_has_documents (msg));
  GuDocument *logo = gu_document_new ();
  logo->flags = GU_DOC_INLINE_IMAGE;
  gu_message_add_document (msg, logo);
  g_assert_false (gu_dossier_message_has_documents (msg));
  gu_message_add_document (msg, gu_document_new ());
  g_assert_true (gu_dossier_message_has_documents (msg));
}

/* A CSV cell is read by a spreadsheet: formulas get a ', numbers not. */
static void
test_csv_cell (void)
{
  static const struct { const char *value, *want; } cases[] = {
    { "=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0" },
    { "+1+1", "'+1+1" },
    { "-2+3", "'-2+3" },
    { "@SUM(A1)", "'@SUM(A1)" },
    { "\t=1+1", "' =1+1" },
    { "\rx", "' x" },
    { "  =1+1", "'  =1+1" },
    { "\x01=1", "' =1" },
    { "\xc2\x9b=1", "' =1" },
    { "-3", "-3" },
    { "+12.5", "+12.5" },
    { "-", "'-" },
    { "-1.", "'-1." },
    { "1-2", "1-2" },
    { "Evil\x1b[31mName\x7f\xc2\x9b", "Evil [31mName  " },
    { "a, \"b\"", "\"a, \"\"b\"\"\"" },
    { "=a,b", "\"'=a,b\"" },
    { "ligne\r\nsuite", "ligne  suite" },
    { "Présentation du projet.pdf", "Présentation du projet.pdf" },
    { "", "" },
    { NULL, "" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = gu_dossier_csv_cell (cases[i].value);
      g_assert_cmpstr (got, ==, cases[i].want);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_autofree char *path = gu_test_srcpath ("schemas/fabrique-initiatives.call");
  call = gu_call_load (path, NULL, NULL);
  g_assert_nonnull (call);
  g_test_add_func ("/dossier/references", test_references);
  g_test_add_func ("/dossier/match", test_match);
  g_test_add_func ("/dossier/status", test_status);
  g_test_add_func ("/dossier/applicant", test_applicant);
  g_test_add_func ("/dossier/has-documents", test_has_documents);
  g_test_add_func ("/dossier/csv-cell", test_csv_cell);
  int status = g_test_run ();
  gu_call_free (call);
  return status;
}
