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
  /* … to someone else's: followed with documents, marked as from
   * another sender and noted; a message naming a dossier never opens
   * another one */
  m = gu_dossier_match (a, &(GuMatchFacts) { .by_reference = 7, .reference_owner = "b@y.fr",
                                             .sender_dossiers = 1, .sender_dossier = 3 }, TRUE);
  g_assert_cmpint (m.dossier_id, ==, 7);
  g_assert_true (m.other_sender);
  g_assert_false (m.colleague);
  g_assert_nonnull (strstr (m.note, "from another sender, a@x.fr"));
  g_free (m.note);
  m = gu_dossier_match (a, &(GuMatchFacts) { .by_reference = 7, .reference_owner = "b@y.fr" }, TRUE);
  g_assert_cmpint (m.kind, ==, GU_MATCH_EXISTING);
  g_assert_cmpint (m.dossier_id, ==, 7);
  g_free (m.note);
  /* … without documents: not followed, noted; the sender's own dossier */
  m = gu_dossier_match (a, &(GuMatchFacts) { .by_reference = 7, .reference_owner = "b@y.fr",
                                             .sender_dossiers = 1, .sender_dossier = 3 }, FALSE);
  g_assert_cmpint (m.dossier_id, ==, 3);
  g_assert_false (m.other_sender);
  g_assert_nonnull (strstr (m.note, "not followed"));
  g_free (m.note);
  m = gu_dossier_match (a, &(GuMatchFacts) { .by_reference = 7, .reference_owner = "b@y.fr" }, FALSE);
  g_assert_cmpint (m.kind, ==, GU_MATCH_NONE);
  g_free (m.note);
  /* … from a colleague (the same organisation's domain): followed, unmarked */
  m = gu_dossier_match (a, &(GuMatchFacts) { .by_reference = 7, .reference_owner = "b@x.fr",
                                             .reference_colleague = TRUE }, FALSE);
  g_assert_cmpint (m.dossier_id, ==, 7);
  g_assert_true (m.colleague);
  g_assert_false (m.other_sender);
  g_assert_null (m.note);
  m = gu_dossier_match (a, &(GuMatchFacts) { .by_thread = 8, .thread_owner = "b@x.fr", .thread_colleague = TRUE },
                        TRUE);
  g_assert_cmpint (m.dossier_id, ==, 8);
  g_assert_cmpstr (m.rule, ==, "thread");
  g_assert_true (m.colleague);
  /* … one's own thread goes before someone else's reference quoted in it */
  m = gu_dossier_match (a, &(GuMatchFacts) { .by_reference = 7, .reference_owner = "b@y.fr", .by_thread = 5,
                                             .thread_owner = "a@x.fr" }, TRUE);
  g_assert_cmpint (m.dossier_id, ==, 5);
  g_assert_false (m.other_sender);
  /* … someone else's thread, with documents: followed, marked */
  m = gu_dossier_match (a, &(GuMatchFacts) { .by_thread = 5, .thread_owner = "b@y.fr" }, TRUE);
  g_assert_cmpint (m.dossier_id, ==, 5);
  g_assert_true (m.other_sender);
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

static GuDossier *
dossier_with_receipts (const char *const *times)
{
  GuDossier *d = dossier_received (times[0]);
  for (const char *const *t = times; *t != NULL; t++)
    g_ptr_array_add (d->receipts, g_strdup (*t));
  return d;
}

/* Sent before the window, then again inside it: the early documents are
 * kept but never count; the dossier is early only while nothing of it
 * came inside the window. */
static void
test_status_early_then_resent (void)
{
  const char *const before[] = { "2019-12-20T09:00:00Z", "2019-12-28T10:00:00Z", NULL };
  g_autoptr (GuDossier) d = dossier_with_receipts (before);
  for (gsize i = 0; i < G_N_ELEMENTS (required); i++)
    add_doc (d, required[i], GU_DOC_EARLY);
  g_autoptr (GPtrArray) missing = g_ptr_array_new ();
  g_assert_cmpstr (gu_dossier_status_to_string (gu_dossier_status (call, d, missing)), ==, "early");
  g_assert_cmpuint (missing->len, ==, 6);
  /* A first message inside the window, with two pieces. */
  g_ptr_array_add (d->receipts, g_strdup ("2020-01-06T08:00:00Z"));
  add_doc (d, "initiative", 0);
  add_doc (d, "budget_etude", 0);
  g_ptr_array_set_size (missing, 0);
  g_assert_cmpstr (gu_dossier_status_to_string (gu_dossier_status (call, d, missing)), ==, "incomplete");
  g_assert_cmpuint (missing->len, ==, 4);
  for (guint i = 0; i < missing->len; i++)
    {
      g_assert_cmpstr (g_ptr_array_index (missing, i), !=, "initiative");
      g_assert_cmpstr (g_ptr_array_index (missing, i), !=, "budget_etude");
    }
  for (gsize i = 0; i < G_N_ELEMENTS (required); i++)
    add_doc (d, required[i], 0);
  g_assert_cmpstr (gu_dossier_status_to_string (gu_dossier_status (call, d, NULL)), ==, "complete");
  /* Early, then nothing until after the deadline: late. */
  const char *const never[] = { "2019-12-20T09:00:00Z", "2020-03-03T09:00:00Z", NULL };
  g_autoptr (GuDossier) gone = dossier_with_receipts (never);
  g_assert_cmpstr (gu_dossier_status_to_string (gu_dossier_status (call, gone, NULL)), ==, "late");
  /* Early, inside, then late: what came inside decides. */
  const char *const all[] = { "2019-12-20T09:00:00Z", "2020-02-01T09:00:00Z", "2020-03-03T09:00:00Z", NULL };
  g_autoptr (GuDossier) three = dossier_with_receipts (all);
  g_assert_cmpstr (gu_dossier_status_to_string (gu_dossier_status (call, three, NULL)), ==, "incomplete");
  g_assert_true (gu_doc_counts (0));
  g_assert_false (gu_doc_counts (GU_DOC_EARLY));
  g_assert_false (gu_doc_counts (GU_DOC_LATE));
  g_autofree char *words = gu_doc_flags_to_string (GU_DOC_EARLY);
  g_assert_cmpstr (words, ==, "early");
}

/* The forward blocks mail clients write, as their users send them. */
static const struct { const char *client, *body, *author; } forwards[] = {
  { "Outlook FR",
    "Bonjour,\n\nPour le dossier, ci-dessous le courrier reçu.\n\nJean\n\n"
    "-----Message d'origine-----\n"
    "De : Claire Martin [mailto:Claire.Martin@TiersLieu-Caux.fr]\n"
    "Envoyé : lundi 10 février 2020 09:30\n"
    "À : Instructeur <instructeur@normandie.fr>\n"
    "Objet : Lettre de la mairie\n\nBonjour, voici la lettre.\n",
    "Claire.Martin@tierslieu-caux.fr" },
  { "Outlook FR, new style, bold",
    "Pour info.\n\n________________________________\n"
    "*De :* Claire Martin <claire.martin@tierslieu-caux.fr>\n"
    "*Envoyé :* lundi 10 février 2020 09:30\n"
    "*À :* instructeur@normandie.fr\n*Cc :* contact@tierslieu-caux.fr\n"
    "*Objet :* Lettre de soutien\n\nBonjour,\n",
    "claire.martin@tierslieu-caux.fr" },
  { "Outlook EN",
    "FYI\n\n-----Original Message-----\n"
    "From: Claire Martin <claire.martin@tierslieu-caux.fr>\n"
    "Sent: Monday, February 10, 2020 9:30 AM\n"
    "To: instructeur@normandie.fr\nSubject: Support letter\n\nHello,\n",
    "claire.martin@tierslieu-caux.fr" },
  { "Gmail",
    "Voir ci-dessous.\n\n---------- Forwarded message ---------\n"
    "From: Claire Martin <claire.martin@tierslieu-caux.fr>\n"
    "Date: Mon, Feb 10, 2020 at 9:30 AM\nSubject: Lettre de soutien\n"
    "To: <instructeur@normandie.fr>\n\n\nBonjour,\n",
    "claire.martin@tierslieu-caux.fr" },
  { "Apple Mail FR",
    "Transmis.\n\nDébut du message réexpédié :\n\n"
    "De: Claire Martin <claire.martin@tierslieu-caux.fr>\n"
    "Objet: Lettre de soutien\nDate: 10 février 2020 à 09:30:00 UTC+1\n"
    "À: instructeur@normandie.fr\n\nBonjour,\n",
    "claire.martin@tierslieu-caux.fr" },
  { "Thunderbird FR",
    "Voici.\n\n-------- Message transféré --------\n"
    "Sujet : \tLettre de soutien au projet de tiers-lieu du Pays de Caux,\n"
    " version signée\n"
    "Date : \tMon, 10 Feb 2020 09:30:00 +0100\n"
    "De : \tClaire Martin <claire.martin@tierslieu-caux.fr>\n"
    "Pour : \tinstructeur@normandie.fr\n\nBonjour,\n",
    "claire.martin@tierslieu-caux.fr" },
  { "quoted forward",
    "> ---------- Forwarded message ---------\n"
    "> From: Claire Martin <claire.martin@tierslieu-caux.fr>\n"
    "> Date: Mon, Feb 10, 2020 at 9:30 AM\n> Subject: Lettre\n> To: <instructeur@normandie.fr>\n",
    "claire.martin@tierslieu-caux.fr" },
  { "no forward, a signature", "Bonjour,\n\nCordialement,\nJean Instructeur\nTél : 02 31 00 00 00\n", NULL },
  { "no forward, an address in the text",
    "Bonjour, la lettre de claire.martin@tierslieu-caux.fr suit.\nJean\n", NULL },
};

static void
test_forwarded_authors (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (forwards); i++)
    {
      g_autoptr (GPtrArray) authors = gu_dossier_forwarded_authors (forwards[i].body);
      g_test_message ("%s", forwards[i].client);
      g_assert_cmpstr (authors->len > 0 ? g_ptr_array_index (authors, 0) : NULL, ==, forwards[i].author);
    }
  g_autoptr (GPtrArray) none = gu_dossier_forwarded_authors (NULL);
  g_assert_cmpuint (none->len, ==, 0);
}

/* The author's name as the forward writes it, for the applicant's notice. */
static void
test_forwarded_author (void)
{
  static const struct { const char *body, *name, *address; } cases[] = {
    { "-----Message d'origine-----\nDe : Mairie de Yvetot [mailto:Secretariat@Mairie-Yvetot.fr]\n"
      "Envoyé : lundi 10 février 2020 09:30\nÀ : instructeur@normandie.fr\nObjet : Avis\n",
      "Mairie de Yvetot", "Secretariat@mairie-yvetot.fr" },
    { "---------- Forwarded message ---------\nFrom: \"Dupont, Marie\" <marie@cc-caux.fr>\n"
      "Date: Mon, Feb 10, 2020 at 9:30 AM\nSubject: Soutien\nTo: <instructeur@normandie.fr>\n",
      "Dupont, Marie", "marie@cc-caux.fr" },
    { "-------- Message transféré --------\nSujet : \tSoutien\nDate : \tMon, 10 Feb 2020\n"
      "De : \tsecretariat@mairie-yvetot.fr\nPour : \tinstructeur@normandie.fr\n",
      NULL, "secretariat@mairie-yvetot.fr" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = NULL, *address = NULL;
      g_assert_true (gu_dossier_forwarded_author (cases[i].body, &name, &address));
      g_assert_cmpstr (name, ==, cases[i].name);
      g_assert_cmpstr (address, ==, cases[i].address);
    }
  g_autofree char *name = NULL;
  g_assert_false (gu_dossier_forwarded_author ("Bonjour,\nJean\nTél : 02 31 00 00 00\n", &name, NULL));
  g_assert_null (name);
  g_assert_false (gu_dossier_forwarded_author (NULL, NULL, NULL));
}

static void
test_organisation_names (void)
{
  g_autofree char *org = gu_dossier_organisation_key (call, "Association « Tiers-Lieu du Pays de Caux »");
  g_assert_cmpstr (org, ==, "tiers lieu du pays de caux");
  g_autofree char *commune = gu_dossier_organisation_key (call, "Commune de Saint-Lô");
  g_assert_cmpstr (commune, ==, "saint lo");
  g_autofree char *text = gu_dossier_organisation_key (call,
      "Objet : soutien à l'ASSOCIATION TIERS LIEU DU PAYS DE CAUX, pour la commune de Saint Lo.");
  g_assert_true (gu_dossier_text_names (text, org));
  g_assert_true (gu_dossier_text_names (text, commune));
  g_autofree char *other = gu_dossier_organisation_key (call, "Tiers-Lieu du Pays de Caux Maritime");
  g_assert_false (gu_dossier_text_names (text, other));
  /* whole words only, and never a name too short to decide on */
  g_autofree char *part = gu_dossier_organisation_key (call, "Pays de Cau");
  g_assert_false (gu_dossier_text_names (text, part));
  g_assert_false (gu_dossier_text_names (text, "caux"));
  g_assert_false (gu_dossier_text_names (text, ""));
}

/* Staff letters: by reference first, then the forwarded author, then
 * the organisation; applicants never by either. */
static void
test_match_staff (void)
{
  g_autoptr (GuMessage) staff = message_from ("instructeur@normandie.fr", GU_ROLE_STAFF);
  g_autoptr (GuMessage) a = message_from ("a@x.fr", GU_ROLE_APPLICANT);
  GuMatch m = gu_dossier_match (staff, &(GuMatchFacts) { .by_reference = 2, .by_author = 3, .by_organisation = 4 }, TRUE);
  g_assert_cmpint (m.dossier_id, ==, 2);
  m = gu_dossier_match (staff, &(GuMatchFacts) { .by_author = 3, .by_organisation = 4 }, TRUE);
  g_assert_cmpint (m.dossier_id, ==, 3);
  g_assert_cmpstr (m.rule, ==, "author");
  m = gu_dossier_match (staff, &(GuMatchFacts) { .by_organisation = 4 }, FALSE);
  g_assert_cmpint (m.dossier_id, ==, 4);
  g_assert_cmpstr (m.rule, ==, "organisation");
  m = gu_dossier_match (a, &(GuMatchFacts) { .by_author = 3, .by_organisation = 4 }, FALSE);
  g_assert_cmpint (m.kind, ==, GU_MATCH_NONE);
}

/* Colleagues share their organisation's own domain, never a webmail's. */
static void
test_same_organisation (void)
{
  g_assert_true (gu_dossier_same_organisation (call, "paul@tierslieu-caux.fr", "claire@TiersLieu-Caux.fr"));
  g_assert_true (gu_dossier_same_organisation (call, "claire@tierslieu-caux.fr", "claire@tierslieu-caux.fr"));
  g_assert_false (gu_dossier_same_organisation (call, "paul@caux.fr", "claire@tierslieu-caux.fr"));
  g_assert_false (gu_dossier_same_organisation (call, "paul@mairie.tierslieu-caux.fr", "claire@tierslieu-caux.fr"));
  g_assert_false (gu_dossier_same_organisation (call, "julie@gmail.com", "marc@gmail.com"));
  g_assert_false (gu_dossier_same_organisation (call, "julie@orange.fr", "marc@orange.fr"));
  g_assert_false (gu_dossier_same_organisation (call, NULL, "marc@caux.fr"));
  g_assert_false (gu_dossier_same_organisation (call, "marc@caux.fr", NULL));
  g_autoptr (GuDossier) d = gu_dossier_new ();
  d->applicant = g_strdup ("claire@tierslieu-caux.fr");
  g_autoptr (GuMessage) own = message_from ("claire@tierslieu-caux.fr", GU_ROLE_APPLICANT);
  g_autoptr (GuMessage) colleague = message_from ("paul@tierslieu-caux.fr", GU_ROLE_APPLICANT);
  g_autoptr (GuMessage) other = message_from ("julie@gmail.com", GU_ROLE_APPLICANT);
  g_autoptr (GuMessage) staff = message_from ("instructeur@normandie.fr", GU_ROLE_STAFF);
  g_assert_false (gu_dossier_from_other_sender (call, own, d));
  g_assert_false (gu_dossier_from_other_sender (call, colleague, d));
  g_assert_true (gu_dossier_from_other_sender (call, other, d));
  g_assert_false (gu_dossier_from_other_sender (call, staff, d));
  g_assert_false (gu_dossier_from_other_sender (call, other, NULL));
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
  g_test_add_func ("/dossier/status-early-then-resent", test_status_early_then_resent);
  g_test_add_func ("/dossier/forwarded-authors", test_forwarded_authors);
  g_test_add_func ("/dossier/forwarded-author", test_forwarded_author);
  g_test_add_func ("/dossier/organisation-names", test_organisation_names);
  g_test_add_func ("/dossier/match-staff", test_match_staff);
  g_test_add_func ("/dossier/same-organisation", test_same_organisation);
  g_test_add_func ("/dossier/applicant", test_applicant);
  g_test_add_func ("/dossier/has-documents", test_has_documents);
  g_test_add_func ("/dossier/csv-cell", test_csv_cell);
  int status = g_test_run ();
  gu_call_free (call);
  return status;
}
