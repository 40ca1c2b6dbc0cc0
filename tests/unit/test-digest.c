/* The digest: the template engine's HTML escaping, and the digest
 * composed with the shipped call and templates from hand-made facts,
 * read back with GMime. The end-to-end test is test-digest.sh. */
#include "config.h"

#include <string.h>

#include <gmime/gmime.h>

#include "core/call.h"
#include "core/digest.h"
#include "reply/digest.h"
#include "reply/template.h"
#include "testutil.h"
#include "util/error.h"

#define EVIL "<script>alert(\"1\") & 'x'</script>"
#define EVIL_ESCAPED "&lt;script&gt;alert(&quot;1&quot;) &amp; &#39;x&#39;&lt;/script&gt;"

static char *
render_as (const char *origin, const char *text)
{
  g_autoptr (GuTplData) d = gu_tpl_data_new ();
  gu_tpl_data_set (d, "name", EVIL);
  gu_tpl_data_set (gu_tpl_data_add_item (d, "items"), "label", "a < b");
  g_autoptr (GError) error = NULL;
  char *out = gu_tpl_render (origin, text, d, NULL, NULL, &error);
  g_assert_no_error (error);
  return out;
}

static void
test_escape_html (void)
{
  const char *text = "<p>{{name}}</p>{{#items}}<li>{{label}}</li>{{/items}}";
  g_autofree char *html = render_as ("templates/fr/digest.html", text);
  g_assert_cmpstr (html, ==, "<p>" EVIL_ESCAPED "</p><li>a &lt; b</li>");
  /* Text templates are left as they are: escaping is HTML's business. */
  g_autofree char *plain = render_as ("templates/fr/digest.txt", text);
  g_assert_cmpstr (plain, ==, "<p>" EVIL "</p><li>a < b</li>");
}

static GuDigestItem *
add_item (GPtrArray *list, const char *at, const char *reference, const char *who, const char *what)
{
  GuDigestItem *item = gu_digest_item_new ();
  item->at = g_strdup (at);
  item->reference = g_strdup (reference);
  item->who = g_strdup (who);
  item->what = g_strdup (what);
  item->state = g_strdup ("incomplete");
  g_ptr_array_add (list, item);
  return item;
}

/* A day with something in every list. */
static GuDigestFacts *
sample_facts (void)
{
  GuDigestFacts *f = gu_digest_facts_new ("2020-02-14");
  f->incomplete = 3, f->complete = 2, f->late = 1, f->early = 1;
  f->quarantined_total = 4;
  add_item (f->created, "2020-02-14T09:12:00Z", "FI-2020-0007", "jeanne@tiers-lieu.example.net", EVIL);
  add_item (f->completed, "2020-02-14T10:00:00Z", "FI-2020-0002", "paul@bocage.example.net", "Bocage");
  GuDigestItem *m = add_item (f->missing, "2020-02-14T09:12:00Z", "FI-2020-0007", "jeanne@tiers-lieu.example.net", EVIL);
  m->keys = g_strsplit ("plan_pluriannuel budget_etude", " ", -1);
  add_item (f->late_arrivals, "2020-02-14T11:00:00Z", "FI-2020-0001", "x@late.example.net", "Dossier");
  add_item (f->unmatched, "2020-02-13T08:00:00Z", NULL, "agent@normandie.fr", "Courrier d'avis");
  add_item (f->quarantined, "2020-02-14T12:00:00Z", NULL, "y@example.net", "Broken")->detail = g_strdup ("bad MIME");
  GuDigestItem *u = add_item (f->undelivered, "2020-02-12T08:00:00Z", "FI-2020-0004", "z@example.net", "Ack");
  u->detail = g_strdup ("550 no such user");
  add_item (f->suppressed, "2020-02-14T13:00:00Z", NULL, "w@example.net", "")->detail = g_strdup ("daily cap");
  return f;
}

static GMimeMessage *
parse (GBytes *bytes)
{
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);
  /* CRLF everywhere, 7-bit, lines <= 78. */
  for (gsize i = 0, start = 0; i < len; i++)
    {
      g_assert_cmpint ((guchar) data[i], <, 0x80);
      if (data[i] != '\n')
        continue;
      g_assert_true (i > 0 && data[i - 1] == '\r');
      g_assert_cmpuint (i - 1 - start, <=, 78);
      start = i + 1;
    }
  GMimeStream *stream = g_mime_stream_mem_new_with_buffer (data, len);
  GMimeParser *parser = g_mime_parser_new_with_stream (stream);
  GMimeMessage *message = g_mime_parser_construct_message (parser, NULL);
  g_object_unref (parser);
  g_object_unref (stream);
  g_assert_nonnull (message);
  return message;
}

static char *
part_text (GMimeObject *part, const char *subtype)
{
  g_assert_true (GMIME_IS_TEXT_PART (part));
  g_assert_true (g_mime_content_type_is_type (g_mime_object_get_content_type (part), "text", subtype));
  g_assert_cmpstr (g_mime_object_get_content_type_parameter (part, "charset"), ==, "utf-8");
  return g_mime_text_part_get_text (GMIME_TEXT_PART (part));
}

static GBytes *
compose (const char *templates, GuCall *call, const GuDigestFacts *facts, char **subject)
{
  const char *to[] = { "admin@normandie.fr", "direction@normandie.fr", NULL };
  GuDigestContext ctx = {
    .call = call, .facts = facts, .csv = "reference,status\r\nFI-2020-0007,incomplete\r\n",
    .from = "Fabrique d'Initiatives <fabrique@example.org>", .to = to,
    .message_id = "guichet.0123456789abcdef@example.org", .templates_dir = templates,
  };
  g_autoptr (GError) error = NULL;
  GBytes *bytes = gu_reply_compose_digest (&ctx, subject, &error);
  g_assert_no_error (error);
  return bytes;
}

static void
assert_alternative (GMimeObject *alt, const GuCall *call)
{
  g_assert_true (GMIME_IS_MULTIPART (alt));
  g_assert_cmpint (g_mime_multipart_get_count (GMIME_MULTIPART (alt)), ==, 2);
  g_autofree char *text = part_text (g_mime_multipart_get_part (GMIME_MULTIPART (alt), 0), "plain");
  g_autofree char *html = part_text (g_mime_multipart_get_part (GMIME_MULTIPART (alt), 1), "html");
  g_assert_nonnull (strstr (text, "FI-2020-0007"));
  /* The matrix row: initiative, stratégie, étude (✗), déploiement,
   * plan (✗), lancement; the last document on 14/02. */
  g_assert_nonnull (strstr (text, "  FI-2020-0007  ✓ ✓ ✗ ✓ ✗ ✓ 14/02  "));
  g_assert_nonnull (strstr (text, gu_call_find_piece (call, "plan_pluriannuel")->short_label));
  g_assert_nonnull (strstr (text, "550 no such user"));
  g_assert_nonnull (strstr (html, "<table"));
  g_assert_nonnull (strstr (html, EVIL_ESCAPED));
  g_assert_null (strstr (html, "<script"));
}

static void
test_compose (void)
{
  g_autofree char *path = gu_test_srcpath ("schemas/fabrique-initiatives.call");
  g_autofree char *templates = gu_test_srcpath ("templates");
  g_autoptr (GError) error = NULL;
  g_autoptr (GuCall) call = gu_call_load (path, NULL, &error);
  g_assert_no_error (error);
  g_autoptr (GuDigestFacts) facts = sample_facts ();
  g_autofree char *subject = NULL;
  g_autoptr (GBytes) bytes = compose (templates, call, facts, &subject);
  g_assert_cmpstr (subject, ==, "[Fabrique d'Initiatives] Synthèse du 14 février 2020");
  GMimeMessage *message = parse (bytes);
  g_assert_cmpstr (g_mime_message_get_subject (message), ==, subject);
  g_assert_cmpstr (g_mime_object_get_header (GMIME_OBJECT (message), "Auto-Submitted"), ==, "auto-generated");
  g_assert_cmpstr (g_mime_message_get_message_id (message), ==, "guichet.0123456789abcdef@example.org");
  g_assert_cmpint (internet_address_list_length (g_mime_message_get_to (message)), ==, 2);
  GMimeObject *mixed = g_mime_message_get_mime_part (message);
  g_assert_true (GMIME_IS_MULTIPART (mixed));
  g_assert_cmpint (g_mime_multipart_get_count (GMIME_MULTIPART (mixed)), ==, 2);
  assert_alternative (g_mime_multipart_get_part (GMIME_MULTIPART (mixed), 0), call);
  GMimeObject *csv = g_mime_multipart_get_part (GMIME_MULTIPART (mixed), 1);
  g_assert_cmpstr (g_mime_part_get_filename (GMIME_PART (csv)), ==, "dossiers-2020-02-14.csv");
  g_assert_cmpint (g_mime_part_get_content_encoding (GMIME_PART (csv)), ==, GMIME_CONTENT_ENCODING_BASE64);
  g_object_unref (message);
}

/* An empty day renders too (every name of the templates is defined). */
static void
test_empty_day (void)
{
  g_autofree char *path = gu_test_srcpath ("schemas/fabrique-initiatives.call");
  g_autofree char *templates = gu_test_srcpath ("templates");
  g_autoptr (GError) error = NULL;
  g_autoptr (GuCall) call = gu_call_load (path, NULL, &error);
  g_assert_no_error (error);
  g_autoptr (GuDigestFacts) facts = gu_digest_facts_new ("2020-03-01");
  g_autofree char *subject = NULL;
  g_autoptr (GBytes) bytes = compose (templates, call, facts, &subject);
  g_assert_cmpstr (subject, ==, "[Fabrique d'Initiatives] Synthèse du 1er mars 2020");
  g_object_unref (parse (bytes));
}

/* The text and HTML parts of facts composed with the shipped templates. */
static void
compose_parts_in (const char *language, const GuDigestFacts *facts, char **text, char **html)
{
  g_autofree char *path = gu_test_srcpath ("schemas/fabrique-initiatives.call");
  g_autofree char *templates = gu_test_srcpath ("templates");
  g_autoptr (GError) error = NULL;
  g_autoptr (GuCall) call = gu_call_load (path, NULL, &error);
  g_assert_no_error (error);
  g_free (call->language);
  call->language = g_strdup (language);
  g_autoptr (GBytes) bytes = compose (templates, call, facts, NULL);
  GMimeMessage *message = parse (bytes);
  GMimeMultipart *alt = GMIME_MULTIPART (g_mime_multipart_get_part (GMIME_MULTIPART (g_mime_message_get_mime_part (message)), 0));
  g_autofree char *crlf = part_text (g_mime_multipart_get_part (alt, 0), "plain");
  g_auto (GStrv) lines = g_strsplit (crlf, "\r\n", -1);
  *text = g_strjoinv ("\n", lines);
  *html = part_text (g_mime_multipart_get_part (alt, 1), "html");
  g_object_unref (message);
}

static void
compose_parts (const GuDigestFacts *facts, char **text, char **html)
{
  compose_parts_in ("fr", facts, text, html);
}

static guint
count_of (const char *haystack, const char *needle)
{
  guint n = 0;
  for (const char *p = strstr (haystack, needle); p != NULL; p = strstr (p + strlen (needle), needle))
    n++;
  return n;
}

/* Every line of the text part fits mutt's 72 columns, in characters. */
static void
assert_text_width (const char *text)
{
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  for (char **l = lines; *l != NULL; l++)
    {
      g_strchomp (*l);
      if (g_utf8_strlen (*l, -1) > 72)
        g_error ("line over 72 columns: %s", *l);
    }
}

/* "À traiter" holds the items that need a person, and only them; an
 * empty day says so in one line. */
static void
test_todo_box (void)
{
  g_autoptr (GuDigestFacts) facts = sample_facts ();
  GuDigestItem *u = add_item (facts->unreadable, "2020-02-14T09:12:00Z", "FI-2020-0007",
                              "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "budget.xlsx");
  u->detail = g_strdup ("not read: the message's documents budget was spent");
  add_item (facts->other_sender, "2020-02-14T09:30:00Z", "FI-2020-0005", "x@other.example.net", "Pièces")
      ->detail = g_strdup ("reference to a dossier of another applicant not followed");
  add_item (facts->set_aside, "2020-02-14T09:40:00Z", NULL, "abc@mailer.example.net", "Sans titre")
      ->detail = g_strdup ("no usable sender");
  g_autofree char *state = g_strdup ("bounced");
  g_free (((GuDigestItem *) g_ptr_array_index (facts->undelivered, 0))->state);
  ((GuDigestItem *) g_ptr_array_index (facts->undelivered, 0))->state = g_steal_pointer (&state);
  g_autofree char *text = NULL, *html = NULL;
  compose_parts (facts, &text, &html);
  assert_text_width (text);
  const char *box = strstr (text, "À TRAITER (6)");
  const char *end = box != NULL ? strstr (box, "OÙ EN EST L'APPEL") : NULL;
  g_assert_nonnull (end);
  g_autofree char *lines = g_strndup (box, (gsize) (end - box));
  g_assert_cmpuint (count_of (lines, "\n  - "), ==, 6);
  const char *expected[] = { "Quarantaine : y@example.net", "Courrier d'avis sans dossier : agent@normandie.fr",
                             "Sans expéditeur, reçu le 14 février 2020 à 10 h 40 :\n    <abc@mailer.example.net>", "Réponse bounced : FI-2020-0004",
                             "Document illisible : FI-2020-0007 « budget.xlsx » (not read:",
                             "Autre expéditeur : FI-2020-0005" };
  for (gsize i = 0; i < G_N_ELEMENTS (expected); i++)
    if (strstr (lines, expected[i]) == NULL)
      g_error ("not in the box: %s\n%s", expected[i], lines);
  /* Suppressed replies are news, not work. */
  g_assert_null (strstr (lines, "w@example.net"));
  g_assert_nonnull (strstr (html, "À traiter : 6"));
  g_assert_nonnull (strstr (html, "guichet classify FI-2020-0007 0123456789abcdef0123456789abcdef"));

  g_autoptr (GuDigestFacts) empty = gu_digest_facts_new ("2020-02-15");
  g_autofree char *text2 = NULL, *html2 = NULL;
  compose_parts (empty, &text2, &html2);
  g_assert_nonnull (strstr (text2, "À TRAITER (0)\n  Rien ne demande d'intervention.\n\n"));
  g_assert_nonnull (strstr (html2, "Rien ne demande d'intervention."));
  g_assert_null (strstr (html2, "À traiter :"));
}

static GuDigestItem *
matrix_row (GPtrArray *list, guint i, const char *missing, const char *late, const char *early)
{
  g_autofree char *ref = g_strdup_printf ("FI-2020-%04u", i);
  g_autofree char *org = g_strdup_printf ("Association pour la préfiguration d'un tiers-lieu numéro %u", i);
  GuDigestItem *it = add_item (list, "2020-02-10T10:00:00Z", ref, "a@example.net", org);
  it->keys = g_strsplit (missing, " ", -1);
  it->late_keys = g_strsplit (late, " ", -1);
  it->early_keys = g_strsplit (early, " ", -1);
  return it;
}

/* The matrix: one row per incomplete dossier up to 50, marks for late
 * and early pieces, fixed columns within 72 characters. */
static void
test_matrix (void)
{
  g_autoptr (GuDigestFacts) facts = gu_digest_facts_new ("2020-02-14");
  matrix_row (facts->missing, 1, "budget_etude", "budget_etude", "");
  matrix_row (facts->missing, 2, "initiative budget_lancement", "", "initiative");
  for (guint i = 3; i <= 60; i++)
    matrix_row (facts->missing, i, "plan_pluriannuel", "", "");
  g_autofree char *text = NULL, *html = NULL;
  compose_parts (facts, &text, &html);
  assert_text_width (text);
  g_assert_nonnull (strstr (text, "DOSSIERS INCOMPLETS (60)"));
  g_assert_nonnull (strstr (text, "\n  FI-2020-0001  ✓ ✓ > ✓ ✓ ✓ 10/02  Association pour la"));
  g_assert_nonnull (strstr (text, "\n  FI-2020-0002  < ✓ ✓ ✓ ✓ ✗ 10/02  "));
  g_assert_nonnull (strstr (text, "\n  FI-2020-0050  "));
  g_assert_null (strstr (text, "FI-2020-0051"));
  g_assert_nonnull (strstr (text, "… et 10 de plus (voir le fichier joint)."));
  g_assert_nonnull (strstr (text, "\n                1 2 3 4 5 6\n"));
  g_assert_cmpuint (count_of (html, "<td style=\"padding:5px 4px;"), ==, 50);
  g_assert_cmpuint (count_of (html, ">retard</span>"), ==, 1);
  g_assert_cmpuint (count_of (html, ">avance</span>"), ==, 1);
  g_assert_cmpuint (count_of (html, "font-weight:bold;\">✗</span>"), ==, 49);
  g_assert_nonnull (strstr (html, ">B. étude</th>"));
  g_assert_nonnull (strstr (html, "… et 10 de plus"));
}

/* Counts with their change since the day before; the chart's bars and
 * the sparkline in proportion to the days' counts. */
static void
test_standing_and_chart (void)
{
  g_autoptr (GuDigestFacts) facts = gu_digest_facts_new ("2020-01-04");
  facts->incomplete = 4, facts->complete = 2;
  facts->prev_incomplete = 5, facts->prev_complete = 0, facts->prev_late = 0;
  facts->chart_first = g_strdup ("2020-01-01");
  gint64 days[] = { 0, 1, 2, 4 };
  g_array_append_vals (facts->per_day, days, G_N_ELEMENTS (days));
  g_autofree char *text = NULL, *html = NULL;
  compose_parts (facts, &text, &html);
  assert_text_width (text);
  g_assert_nonnull (strstr (text, "Clôture le 1er mars 2020 : encore 57 jours."));
  g_assert_nonnull (strstr (text, "Dossiers à la fin de la journée : 6 (+1)"));
  g_assert_nonnull (strstr (text, "incomplets ........ 4 (\u22121)"));
  g_assert_nonnull (strstr (text, "complets .......... 2 (+2)"));
  g_assert_nonnull (strstr (text, "hors délai ........ 0 (=)"));
  g_assert_nonnull (strstr (text, "\n  ▁▃▅█\n"));
  g_assert_nonnull (strstr (html, "data-n=\"1\" style=\"height:15px;"));
  g_assert_nonnull (strstr (html, "data-n=\"2\" style=\"height:30px;"));
  g_assert_nonnull (strstr (html, "data-n=\"4\" style=\"height:60px;"));
  g_assert_nonnull (strstr (html, "title=\"1er janvier 2020 : 0\""));
}

/* The English templates see the same fields. */
static void
test_english (void)
{
  g_autoptr (GuDigestFacts) facts = sample_facts ();
  facts->chart_first = g_strdup ("2020-01-01");
  g_array_set_size (facts->per_day, 45);
  g_array_index (facts->per_day, gint64, 44) = 3;
  g_autofree char *text = NULL, *html = NULL;
  compose_parts_in ("en", facts, &text, &html);
  assert_text_width (text);
  g_assert_nonnull (strstr (text, "TO DO (3)"));
  g_assert_nonnull (strstr (text, "  FI-2020-0007  ✓ ✓ ✗ ✓ ✗ ✓ 14/02  "));
  g_assert_nonnull (strstr (html, "<html lang=\"en\">"));
  g_assert_nonnull (strstr (html, ">B. étude</th>"));
  g_assert_nonnull (strstr (html, EVIL_ESCAPED));
  g_assert_null (strstr (html, "<script"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_mime_init ();
  g_test_add_func ("/digest/escape-html", test_escape_html);
  g_test_add_func ("/digest/compose", test_compose);
  g_test_add_func ("/digest/empty-day", test_empty_day);
  g_test_add_func ("/digest/todo-box", test_todo_box);
  g_test_add_func ("/digest/matrix", test_matrix);
  g_test_add_func ("/digest/standing-and-chart", test_standing_and_chart);
  g_test_add_func ("/digest/english", test_english);
  int status = g_test_run ();
  g_mime_shutdown ();
  return status;
}
