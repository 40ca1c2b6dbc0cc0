/* Staff messages: the Authentication-Results reader on the shapes real
 * servers write, who counts as staff (and who, claiming to, does not),
 * and the two replies staff get, composed with the shipped templates. */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "core/call.h"
#include "parse/parse.h"
#include "reply/reply.h"
#include "testutil.h"

/* ---- Authentication-Results ---- */

static const GuAuthResult *
result_at (const GuAuthResults *ar, guint i)
{
  g_assert_cmpuint (i, <, ar->results->len);
  return g_ptr_array_index (ar->results, i);
}

static void
assert_result (const GuAuthResults *ar, guint i, const char *method, const char *result)
{
  g_assert_cmpstr (result_at (ar, i)->method, ==, method);
  g_assert_cmpstr (result_at (ar, i)->result, ==, result);
}

#define PROP(ar, i, name) gu_auth_result_property (result_at ((ar), (i)), (name))

static void
test_ar_gmail (void)
{
  g_autoptr (GuAuthResults) ar = gu_auth_results_parse (
    "mx.google.com;\r\n"
    "       dkim=pass header.i=@normandie.fr header.s=20161025 header.b=Xk3+Ab/9=;\r\n"
    "       spf=pass (google.com: domain of instructeur@normandie.fr designates\r\n"
    "        2a01:c9c0:b1:200::12 as permitted sender) smtp.mailfrom=instructeur@normandie.fr;\r\n"
    "       dmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from=normandie.fr");
  g_assert_cmpstr (ar->authserv_id, ==, "mx.google.com");
  g_assert_cmpuint (ar->results->len, ==, 3);
  assert_result (ar, 0, "dkim", "pass");
  g_assert_cmpstr (PROP (ar, 0, "header.i"), ==, "@normandie.fr");
  g_assert_cmpstr (PROP (ar, 0, "header.s"), ==, "20161025");
  g_assert_cmpstr (PROP (ar, 0, "header.b"), ==, "Xk3+Ab/9=");
  g_assert_null (PROP (ar, 0, "header.d"));
  assert_result (ar, 1, "spf", "pass");
  g_assert_cmpstr (PROP (ar, 1, "smtp.mailfrom"), ==, "instructeur@normandie.fr");
  assert_result (ar, 2, "dmarc", "pass");
  g_assert_cmpstr (PROP (ar, 2, "header.from"), ==, "normandie.fr");
  g_assert_true (gu_auth_results_vouch_for (ar, "normandie.fr"));
}

/* Exchange Online writes no authserv-id at all: it can never be ours. */
static void
test_ar_microsoft (void)
{
  g_autoptr (GuAuthResults) ar = gu_auth_results_parse (
    "spf=pass (sender IP is 40.107.22.61)\n smtp.mailfrom=normandie.fr; dkim=pass (signature was verified)\n"
    " header.d=normandie.fr;dmarc=pass action=none\n header.from=normandie.fr;compauth=pass reason=100");
  g_assert_null (ar->authserv_id);
  g_assert_cmpuint (ar->results->len, ==, 4);
  assert_result (ar, 0, "spf", "pass");
  assert_result (ar, 1, "dkim", "pass");
  g_assert_cmpstr (PROP (ar, 1, "header.d"), ==, "normandie.fr");
  assert_result (ar, 2, "dmarc", "pass");
  g_assert_cmpstr (PROP (ar, 2, "action"), ==, "none");
  g_assert_cmpstr (PROP (ar, 2, "header.from"), ==, "normandie.fr");
  assert_result (ar, 3, "compauth", "pass");
  g_assert_cmpstr (PROP (ar, 3, "reason"), ==, "100");
}

/* RFC 8601's own examples, a version, no-result, and odd but legal
 * spellings: quoted id, nested comments, method version, case, a ';'
 * inside a quoted reason. */
static void
test_ar_grammar (void)
{
  g_autoptr (GuAuthResults) none = gu_auth_results_parse ("example.org 1; none");
  g_assert_cmpstr (none->authserv_id, ==, "example.org");
  g_assert_cmpuint (none->results->len, ==, 0);

  g_autoptr (GuAuthResults) two = gu_auth_results_parse (
    "example.com 1;\n\tdkim=pass (good signature) header.d=mail-router.example.net;\n"
    "\tdkim=fail (bad signature) header.d=newyork.example.com");
  g_assert_cmpuint (two->results->len, ==, 2);
  assert_result (two, 1, "dkim", "fail");
  g_assert_cmpstr (PROP (two, 1, "header.d"), ==, "newyork.example.com");

  g_autoptr (GuAuthResults) odd = gu_auth_results_parse (
    "\"mx.normandie.fr\" (our (inner \\) paren) server) ; DKIM/1 = Pass"
    " reason=\"signature ok; key \\\"2020\\\"\" (c) header.d = Normandie.FR ; SPF=SoftFail");
  g_assert_cmpstr (odd->authserv_id, ==, "mx.normandie.fr");
  g_assert_cmpuint (odd->results->len, ==, 2);
  assert_result (odd, 0, "dkim", "pass");
  g_assert_cmpstr (PROP (odd, 0, "reason"), ==, "signature ok; key \"2020\"");
  g_assert_cmpstr (PROP (odd, 0, "header.d"), ==, "Normandie.FR");
  assert_result (odd, 1, "spf", "softfail");
  g_assert_true (gu_auth_results_vouch_for (odd, "normandie.fr"));
}

/* What cannot be read is skipped to the next ';', and nothing breaks. */
static void
test_ar_junk (void)
{
  g_autoptr (GuAuthResults) ar = gu_auth_results_parse (
    "mx.normandie.fr; ==junk \"unclosed; x; dkim=pass header.d=evil.example");
  g_assert_cmpstr (ar->authserv_id, ==, "mx.normandie.fr");
  g_assert_cmpuint (ar->results->len, ==, 0);

  g_autoptr (GuAuthResults) later = gu_auth_results_parse (
    "mx.normandie.fr; = ; what ever; dkim=pass orphan header.d=normandie.fr");
  g_assert_cmpuint (later->results->len, ==, 1);
  g_assert_cmpstr (PROP (later, 0, "header.d"), ==, "normandie.fr");

  static const char *const odd[] = { "", ";;;", "(", "(((", "\"", "x;(", "a; b=", "a; b=c d", "a;=;=c", "\\" };
  for (gsize i = 0; i < G_N_ELEMENTS (odd); i++)
    gu_auth_results_free (gu_auth_results_parse (odd[i]));
  gu_auth_results_free (gu_auth_results_parse (NULL));
}

static gboolean
vouches (const char *header, const char *domain)
{
  g_autoptr (GuAuthResults) ar = gu_auth_results_parse (header);
  return gu_auth_results_vouch_for (ar, domain);
}

static void
test_ar_vouch (void)
{
  g_assert_true (vouches ("mx; dkim=pass header.d=normandie.fr", "normandie.fr"));
  g_assert_true (vouches ("mx; dkim=pass header.i=jean@normandie.fr", "normandie.fr"));
  g_assert_true (vouches ("mx; dmarc=pass header.from=normandie.fr", "normandie.fr"));
  g_assert_true (vouches ("mx; dkim=fail header.d=normandie.fr; dkim=pass header.d=normandie.fr", "normandie.fr"));
  /* The signing domain decides; i is only read when d is not given. */
  g_assert_false (vouches ("mx; dkim=pass header.d=evil.example header.i=@normandie.fr", "normandie.fr"));
  g_assert_false (vouches ("mx; dkim=pass header.d=gmail.com", "normandie.fr"));
  g_assert_false (vouches ("mx; dkim=fail header.d=normandie.fr", "normandie.fr"));
  g_assert_false (vouches ("mx; dkim=neutral header.d=normandie.fr", "normandie.fr"));
  g_assert_false (vouches ("mx; spf=pass smtp.mailfrom=normandie.fr", "normandie.fr"));
  g_assert_false (vouches ("mx; dmarc=pass header.from=gmail.com", "normandie.fr"));
  g_assert_false (vouches ("mx; dmarc=fail header.from=normandie.fr", "normandie.fr"));
  g_assert_false (vouches ("mx; dkim=pass", "normandie.fr"));
  /* Exact domains: a parent's signature does not vouch for a subdomain. */
  g_assert_false (vouches ("mx; dkim=pass header.d=normandie.fr", "mairie.normandie.fr"));
  g_assert_false (vouches ("mx; dkim=pass header.d=mairie.normandie.fr", "normandie.fr"));
}

/* ---- who is staff ---- */

static const char *const staff_addresses[] = { "instructeur@normandie.fr", NULL };
static const char *const staff_domains[] = { "normandie.fr", "@region-normandie.example", NULL };

static const GuParseOptions staff_opts = {
  .own_address = "fabrique@example.org",
  .staff_addresses = staff_addresses,
  .staff_domains = staff_domains,
  .trusted_authserv_id = "mx.normandie.fr",
};

/* The role of a mail from `from` carrying the given extra header lines. */
static GuRole
role_of (const GuParseOptions *opts, const char *from, const char *headers)
{
  g_autofree char *raw = g_strdup_printf (
    "%sFrom: Jean Instructeur <%s>\r\nTo: fabrique@example.org\r\n"
    "Subject: [FI-2020-0001] Lettre de soutien\r\nMessage-ID: <s1@normandie.fr>\r\n\r\nBonjour,\r\n",
    headers, from);
  g_autoptr (GBytes) bytes = g_bytes_new (raw, strlen (raw));
  g_autoptr (GuMessage) msg = gu_parse_message (bytes, opts);
  g_assert_null (msg->parse_error);
  return msg->role;
}

#define TRUSTED_PASS "Authentication-Results: mx.normandie.fr;\r\n\tdkim=pass header.d=normandie.fr header.s=s1\r\n"

static void
test_role_staff (void)
{
  g_assert_cmpint (role_of (&staff_opts, "instructeur@normandie.fr", TRUSTED_PASS), ==, GU_ROLE_STAFF);
  /* By domain, vouched for by DMARC; addresses compare without case. */
  g_assert_cmpint (role_of (&staff_opts, "Marie.Dupont@Normandie.FR",
                            "Authentication-Results: MX.Normandie.fr; dmarc=pass (p=reject) header.from=normandie.fr\r\n"),
                   ==, GU_ROLE_STAFF);
  g_assert_cmpint (role_of (&staff_opts, "a@region-normandie.example",
                            "Authentication-Results: mx.normandie.fr; dkim=pass header.i=@region-normandie.example\r\n"),
                   ==, GU_ROLE_STAFF);
  /* Ours is the topmost; a header of another server below changes nothing. */
  g_assert_cmpint (role_of (&staff_opts, "instructeur@normandie.fr",
                            TRUSTED_PASS "Authentication-Results: mx.google.com; dkim=fail header.d=normandie.fr\r\n"),
                   ==, GU_ROLE_STAFF);
}

static void
test_role_forged (void)
{
  const char *staff = "instructeur@normandie.fr";
  g_assert_cmpint (role_of (&staff_opts, staff, ""), ==, GU_ROLE_APPLICANT);
  g_assert_cmpint (role_of (&staff_opts, staff, "Authentication-Results: mx.evil.example; dkim=pass header.d=normandie.fr\r\n"),
                   ==, GU_ROLE_APPLICANT);
  g_assert_cmpint (role_of (&staff_opts, staff, "Authentication-Results: mx.normandie.fr; dkim=pass header.d=evil.example\r\n"),
                   ==, GU_ROLE_APPLICANT);
  g_assert_cmpint (role_of (&staff_opts, staff, "Authentication-Results: mx.normandie.fr; dkim=fail header.d=normandie.fr\r\n"),
                   ==, GU_ROLE_APPLICANT);
  g_assert_cmpint (role_of (&staff_opts, staff, "Authentication-Results: mx.normandie.fr; spf=pass smtp.mailfrom=normandie.fr\r\n"),
                   ==, GU_ROLE_APPLICANT);
  /* A pass forged below the header our server added does not count. */
  g_assert_cmpint (role_of (&staff_opts, staff,
                            "Authentication-Results: mx.normandie.fr; dkim=none\r\n" TRUSTED_PASS),
                   ==, GU_ROLE_APPLICANT);
  /* A subdomain is another domain; Microsoft's id-less header is nobody's. */
  g_assert_cmpint (role_of (&staff_opts, "maire@mairie.normandie.fr",
                            "Authentication-Results: mx.normandie.fr; dkim=pass header.d=mairie.normandie.fr\r\n"),
                   ==, GU_ROLE_APPLICANT);
  g_assert_cmpint (role_of (&staff_opts, staff, "Authentication-Results: dkim=pass header.d=normandie.fr\r\n"),
                   ==, GU_ROLE_APPLICANT);
  /* Passing authentication makes nobody staff who is not listed. */
  g_assert_cmpint (role_of (&staff_opts, "claire@tierslieu-caux.fr",
                            "Authentication-Results: mx.normandie.fr; dkim=pass header.d=tierslieu-caux.fr\r\n"),
                   ==, GU_ROLE_APPLICANT);
}

static void
test_role_options (void)
{
  GuParseOptions loose = staff_opts;
  loose.staff_unauthenticated = TRUE;
  g_assert_cmpint (role_of (&loose, "instructeur@normandie.fr", ""), ==, GU_ROLE_STAFF);
  g_assert_cmpint (role_of (&loose, "x@gmail.com", ""), ==, GU_ROLE_APPLICANT);
  /* No trusted server configured: no header can be believed. */
  GuParseOptions untrusted = staff_opts;
  untrusted.trusted_authserv_id = NULL;
  g_assert_cmpint (role_of (&untrusted, "instructeur@normandie.fr", TRUSTED_PASS), ==, GU_ROLE_APPLICANT);
  /* A zeroed struct names no staff. */
  static const GuParseOptions zero = { 0 };
  g_assert_cmpint (role_of (&zero, "instructeur@normandie.fr", TRUSTED_PASS), ==, GU_ROLE_APPLICANT);
  g_assert_cmpint (role_of (NULL, "instructeur@normandie.fr", TRUSTED_PASS), ==, GU_ROLE_APPLICANT);
}

/* A staff member's out-of-office is automatic, like anyone's. */
static void
test_role_automatic (void)
{
  g_assert_cmpint (role_of (&staff_opts, "instructeur@normandie.fr", "Auto-Submitted: auto-replied\r\n" TRUSTED_PASS),
                   ==, GU_ROLE_AUTOMATIC);
  GuParseOptions loose = staff_opts;
  loose.staff_unauthenticated = TRUE;
  g_assert_cmpint (role_of (&loose, "instructeur@normandie.fr", "Precedence: bulk\r\n"), ==, GU_ROLE_AUTOMATIC);
}

/* ---- the replies staff get ---- */

typedef struct {
  char *subject;
  char *body;   /* decoded, blanks and line breaks made single spaces */
} Reply;

static GuCall *
load_call (const char *language)
{
  g_autofree char *path = gu_test_srcpath ("schemas/fabrique-initiatives.call");
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_auto (GStrv) parts = g_strsplit (text, "language = fr\n", 2);
  g_assert_nonnull (parts[1]);
  g_autofree char *changed = g_strconcat (parts[0], "language = ", language, "\n", parts[1], NULL);
  g_autofree char *dir = gu_test_tmpdir ();
  g_autofree char *copy = gu_test_write (dir, "fabrique-initiatives.call", changed, 0644);
  g_autoptr (GError) error = NULL;
  GuCall *call = gu_call_load (copy, NULL, &error);
  g_assert_no_error (error);
  gu_test_rmtree (dir);
  return call;
}

static GuMessage *
staff_letter (void)
{
  GuMessage *msg = gu_message_new ();
  msg->message_id = g_strdup ("s1@normandie.fr");
  msg->from_addr = g_strdup ("instructeur@normandie.fr");
  msg->role = GU_ROLE_STAFF;
  GuDocument *doc = gu_document_new ();
  doc->filename = g_strdup ("Lettre de soutien.pdf");
  doc->declared_type = g_strdup ("application/pdf");
  g_autoptr (GBytes) bytes = g_bytes_new_static ("%PDF-1.4 soutien", 16);
  gu_document_set_content (doc, bytes);
  gu_document_add_piece (doc, "courrier_soutien", "filename:\"soutien\"");
  gu_message_add_document (msg, doc);
  return msg;
}

/* text with every run of blanks and line breaks as one space: checks do
 * not depend on where a line was wrapped. Newly allocated. */
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

/* Composes kind and reads it back with our own parser, which must see it
 * as automatic (we never answer our answers). */
static void
compose (const char *language, GuReplyKind kind, Reply *r)
{
  g_autoptr (GuCall) call = load_call (language);
  g_autoptr (GuMessage) msg = staff_letter ();
  g_autoptr (GuDossier) dossier = gu_dossier_new ();
  dossier->reference = g_strdup ("FI-2020-0001");
  dossier->applicant = g_strdup ("claire.martin@tierslieu-caux.fr");
  dossier->organisation = g_strdup ("Tiers-Lieu du Pays de Caux");
  g_autoptr (GPtrArray) missing = g_ptr_array_new ();
  g_autoptr (GDateTime) received = g_date_time_new_from_iso8601 ("2020-02-14T09:12:00Z", NULL);
  g_autofree char *templates = gu_test_srcpath ("templates");
  GuReplyContext ctx = {
    .kind = kind, .call = call, .message = msg, .received_at = received,
    .dossier = kind == GU_REPLY_STAFF_RECEIPT ? dossier : NULL, .missing = missing,
    .from = "Fabrique d'Initiatives <fabrique@example.org>", .to = "instructeur@normandie.fr",
    .message_id = "guichet.0123@example.org", .templates_dir = templates,
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = gu_reply_compose (&ctx, &r->subject, &error);
  g_assert_no_error (error);
  g_autoptr (GuMessage) back = gu_parse_message (bytes, &staff_opts);
  g_assert_cmpint (back->role, ==, GU_ROLE_AUTOMATIC);
  g_test_message ("%s\n%s", r->subject, back->body_text);
  g_assert_null (strstr (back->body_text, "{{"));
  r->body = flatten (back->body_text);
}

static void
reply_clear (Reply *r)
{
  g_free (r->subject);
  g_free (r->body);
}

static void
assert_contains (const char *text, const char *part)
{
  if (strstr (text, part) == NULL)
    g_error ("\"%s\" not found in:\n%s", part, text);
}

static void
test_reply_receipt (void)
{
  Reply r = { 0 };
  compose ("fr", GU_REPLY_STAFF_RECEIPT, &r);
  g_assert_cmpstr (r.subject, ==, "[FI-2020-0001] Courrier rattaché – Fabrique d'Initiatives");
  assert_contains (r.body, "rattaché au dossier FI-2020-0001");
  assert_contains (r.body, "Tiers-Lieu du Pays de Caux, déposé par claire.martin@tierslieu-caux.fr");
  assert_contains (r.body, "Lettre de soutien.pdf");
  assert_contains (r.body, "Reconnu comme : Courriers d'avis");
  g_assert_null (strstr (r.body, "votre candidature"));
  reply_clear (&r);
  compose ("en", GU_REPLY_STAFF_RECEIPT, &r);
  g_assert_cmpstr (r.subject, ==, "[FI-2020-0001] Letter filed – Fabrique d'Initiatives");
  assert_contains (r.body, "added to application FI-2020-0001");
  reply_clear (&r);
}

static void
test_reply_unmatched (void)
{
  char sha[65];
  g_autoptr (GuMessage) msg = staff_letter ();
  memcpy (sha, ((GuDocument *) g_ptr_array_index (msg->documents, 0))->sha256, sizeof sha);
  Reply r = { 0 };
  compose ("fr", GU_REPLY_STAFF_UNMATCHED, &r);
  g_assert_cmpstr (r.subject, ==, "Référence de dossier à préciser – Fabrique d'Initiatives");
  assert_contains (r.body, "pas pu déterminer à quel dossier");
  assert_contains (r.body, "FI-2020-NNNN");
  assert_contains (r.body, sha);
  reply_clear (&r);
  compose ("en", GU_REPLY_STAFF_UNMATCHED, &r);
  g_assert_cmpstr (r.subject, ==, "Application reference needed – Fabrique d'Initiatives");
  assert_contains (r.body, sha);
  reply_clear (&r);
}

/* The applicant's notice of a staff letter filed in their dossier: a
 * mail that answers none of theirs, so auto-generated, threaded after
 * our last one to them; and the staff receipt that says they are told. */
static void
compose_notice (const char *language, const char *added_by, Reply *r)
{
  g_autoptr (GuCall) call = load_call (language);
  g_autoptr (GuDossier) dossier = gu_dossier_new ();
  dossier->reference = g_strdup ("FI-2020-0001");
  dossier->applicant = g_strdup ("claire.martin@tierslieu-caux.fr");
  GuDossierDocument *doc = gu_dossier_document_new ();
  doc->filename = g_strdup ("Avis de la mairie.pdf");
  doc->sha256 = g_strdup ("5f2c0000000000000000000000000000000000000000000000000000000000aa");
  doc->size = 20480;
  doc->sniffed_type = g_strdup ("application/pdf");
  doc->source = GU_ROLE_STAFF;
  GuPieceMatch *match = g_new0 (GuPieceMatch, 1);
  match->key = g_strdup ("courrier_soutien");
  match->evidence = g_strdup ("filename:\"avis\"");
  g_ptr_array_add (doc->pieces, match);
  g_autoptr (GPtrArray) added = g_ptr_array_new_with_free_func (NULL);
  g_ptr_array_add (dossier->documents, doc);
  g_ptr_array_add (added, doc);
  g_autoptr (GPtrArray) missing = g_ptr_array_new ();
  g_ptr_array_add (missing, (gpointer) "budget_etude");
  g_autoptr (GDateTime) received = g_date_time_new_from_iso8601 ("2020-02-14T09:12:00Z", NULL);
  g_autofree char *templates = gu_test_srcpath ("templates");
  GuReplyContext ctx = {
    .kind = GU_REPLY_APPLICANT_NOTICE, .call = call, .received_at = received, .dossier = dossier,
    .missing = missing, .from = "Fabrique d'Initiatives <fabrique@example.org>", .to = dossier->applicant,
    .message_id = "guichet.0456@example.org", .templates_dir = templates,
    .added_documents = added, .added_by = added_by, .added_by_staff = TRUE,
    .follows_id = "guichet.0123@example.org",
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = gu_reply_compose (&ctx, &r->subject, &error);
  g_assert_no_error (error);
  gsize len;
  const char *raw = g_bytes_get_data (bytes, &len);
  g_autofree char *text = g_strndup (raw, len);
  assert_contains (text, "Auto-Submitted: auto-generated");
  assert_contains (text, "In-Reply-To: <guichet.0123@example.org>");
  assert_contains (text, "To: claire.martin@tierslieu-caux.fr");
  g_autoptr (GuMessage) back = gu_parse_message (bytes, &staff_opts);
  g_assert_cmpint (back->role, ==, GU_ROLE_AUTOMATIC);
  g_test_message ("%s\n%s", r->subject, back->body_text);
  g_assert_null (strstr (back->body_text, "{{"));
  r->body = flatten (back->body_text);
}

static void
test_reply_notice (void)
{
  Reply r = { 0 };
  compose_notice ("fr", "Mairie de Yvetot", &r);
  g_assert_cmpstr (r.subject, ==, "[FI-2020-0001] Ajout à votre dossier – Fabrique d'Initiatives");
  assert_contains (r.body, "Un courrier de Mairie de Yvetot, que les services de la Région nous ont transmis "
                           "le 14 février 2020 à 10 h 12 (heure de Paris), a été ajouté à votre dossier FI-2020-0001");
  assert_contains (r.body, "Documents ajoutés (1) : - Avis de la mairie.pdf");
  assert_contains (r.body, "Reconnu comme : Courriers d'avis");
  assert_contains (r.body, "5f2c0000000000000000000000000000000000000000000000000000000000aa");
  assert_contains (r.body, "Vous n'avez aucune démarche à accomplir");
  assert_contains (r.body, "il manque encore les pièces obligatoires suivantes : - Un budget pour la phase d'étude");
  reply_clear (&r);
  compose_notice ("fr", NULL, &r);
  assert_contains (r.body, "Un courrier que les services de la Région nous ont transmis le 14 février 2020");
  reply_clear (&r);
  compose_notice ("en", "Mairie de Yvetot", &r);
  g_assert_cmpstr (r.subject, ==, "[FI-2020-0001] Added to your application – Fabrique d'Initiatives");
  assert_contains (r.body, "A letter from Mairie de Yvetot, which the Region's departments sent us on "
                           "14 February 2020 at 10:12 (Paris time), has been added to your application FI-2020-0001");
  reply_clear (&r);
}

/* Someone other than the applicant sent documents with the dossier's
 * reference: their receipt says where the documents went and nothing
 * of the dossier (neither its applicant nor its other documents). */
static void
test_reply_other_sender (void)
{
  for (int lang = 0; lang < 2; lang++)
    {
      g_autoptr (GuCall) call = load_call (lang == 0 ? "fr" : "en");
      g_autoptr (GuMessage) msg = staff_letter ();
      msg->role = GU_ROLE_APPLICANT;
      g_free (msg->from_addr);
      msg->from_addr = g_strdup ("julie.b@gmail.com");
      g_autoptr (GuDossier) dossier = gu_dossier_new ();
      dossier->reference = g_strdup ("FI-2020-0004");
      dossier->applicant = g_strdup ("marc.dupuis@gmail.com");
      dossier->organisation = g_strdup ("Le Tiers-Lieu de Marc");
      g_autoptr (GPtrArray) missing = g_ptr_array_new ();
      g_ptr_array_add (missing, (gpointer) "budget_etude");
      g_autoptr (GDateTime) received = g_date_time_new_from_iso8601 ("2020-02-16T12:00:00Z", NULL);
      g_autofree char *templates = gu_test_srcpath ("templates");
      GuReplyContext ctx = {
        .kind = GU_REPLY_OTHER_SENDER_RECEIPT, .call = call, .message = msg, .received_at = received,
        .dossier = dossier, .missing = missing, .from = "Fabrique d'Initiatives <fabrique@example.org>",
        .to = msg->from_addr, .message_id = "guichet.0a0b@example.org", .templates_dir = templates,
        .applicant_told = TRUE,
      };
      Reply r = { 0 };
      g_autoptr (GError) error = NULL;
      g_autoptr (GBytes) bytes = gu_reply_compose (&ctx, &r.subject, &error);
      g_assert_no_error (error);
      g_autoptr (GuMessage) back = gu_parse_message (bytes, &staff_opts);
      g_assert_cmpint (back->role, ==, GU_ROLE_AUTOMATIC);
      g_test_message ("%s\n%s", r.subject, back->body_text);
      r.body = flatten (back->body_text);
      if (lang == 0)
        {
          g_assert_cmpstr (r.subject, ==, "[FI-2020-0004] Documents transmis – Fabrique d'Initiatives");
          assert_contains (r.body, "indiquait la référence du dossier FI-2020-0004");
          assert_contains (r.body, "« transmis par un autre expéditeur »");
          assert_contains (r.body, "La personne qui a déposé ce dossier en est informée");
        }
      else
        {
          g_assert_cmpstr (r.subject, ==, "[FI-2020-0004] Documents received – Fabrique d'Initiatives");
          assert_contains (r.body, "marked as sent by another sender");
        }
      assert_contains (r.body, "Lettre de soutien.pdf");
      g_assert_null (strstr (r.body, "marc.dupuis"));
      g_assert_null (strstr (r.body, "Tiers-Lieu de Marc"));
      g_assert_null (strstr (r.body, "budget"));
      reply_clear (&r);
    }
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  gu_parse_init ();
  g_test_add_func ("/staff/auth-results/gmail", test_ar_gmail);
  g_test_add_func ("/staff/auth-results/microsoft", test_ar_microsoft);
  g_test_add_func ("/staff/auth-results/grammar", test_ar_grammar);
  g_test_add_func ("/staff/auth-results/junk", test_ar_junk);
  g_test_add_func ("/staff/auth-results/vouch", test_ar_vouch);
  g_test_add_func ("/staff/role/staff", test_role_staff);
  g_test_add_func ("/staff/role/forged", test_role_forged);
  g_test_add_func ("/staff/role/options", test_role_options);
  g_test_add_func ("/staff/role/automatic", test_role_automatic);
  g_test_add_func ("/staff/reply/receipt", test_reply_receipt);
  g_test_add_func ("/staff/reply/unmatched", test_reply_unmatched);
  g_test_add_func ("/staff/reply/notice", test_reply_notice);
  g_test_add_func ("/staff/reply/other-sender", test_reply_other_sender);
  int rc = g_test_run ();
  gu_parse_shutdown ();
  return rc;
}
