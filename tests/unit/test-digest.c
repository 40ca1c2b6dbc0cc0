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
  GuDigestItem *m = add_item (f->missing, NULL, "FI-2020-0007", "jeanne@tiers-lieu.example.net", EVIL);
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
  g_assert_nonnull (strstr (text, gu_call_find_piece (call, "plan_pluriannuel")->label));
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

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_mime_init ();
  g_test_add_func ("/digest/escape-html", test_escape_html);
  g_test_add_func ("/digest/compose", test_compose);
  g_test_add_func ("/digest/empty-day", test_empty_day);
  int status = g_test_run ();
  g_mime_shutdown ();
  return status;
}
