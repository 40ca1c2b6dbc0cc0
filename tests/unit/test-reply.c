/* Replies: the template engine, the formatting of times and sizes, and
 * every kind of reply composed on a realistic dossier with the shipped
 * call and templates, read back with GMime (and Python's email parser). */
#include "config.h"

#include <locale.h>
#include <string.h>

#include <gmime/gmime.h>

#include "core/call.h"
#include "core/types.h"
#include "reply/reply-private.h"
#include "reply/reply.h"
#include "reply/template.h"
#include "testutil.h"
#include "util/error.h"

/* ---- the template engine ---- */

static char *
render (const char *text, const GuTplData *data, GError **error)
{
  return gu_tpl_render ("t.txt", text, data, NULL, NULL, error);
}

static GuTplData *
sample_data (void)
{
  GuTplData *d = gu_tpl_data_new ();
  gu_tpl_data_set (d, "ref", "FI-2020-0007");
  gu_tpl_data_set (d, "empty", "");
  gu_tpl_data_list (d, "none");
  const char *names[] = { "a.pdf", "b.xlsx" };
  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    {
      GuTplData *item = gu_tpl_data_add_item (d, "docs");
      gu_tpl_data_set (item, "name", names[i]);
      gu_tpl_data_list (item, "pieces");
      if (i == 1)
        gu_tpl_data_set (gu_tpl_data_add_item (item, "pieces"), "label", "Budget");
    }
  return d;
}

static void
assert_renders (const GuTplData *d, const char *text, const char *expected)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *out = render (text, d, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (out, ==, expected);
}

static void
test_template_values (void)
{
  g_autoptr (GuTplData) d = sample_data ();
  assert_renders (d, "Ref {{ref}}, [{{empty}}] {{! a comment }}end", "Ref FI-2020-0007, [] end");
  assert_renders (d, "no tags at all\n", "no tags at all\n");
  /* Items see their own fields, then the enclosing ones. */
  assert_renders (d, "{{#docs}}{{name}} ({{ref}});{{/docs}}", "a.pdf (FI-2020-0007);b.xlsx (FI-2020-0007);");
  assert_renders (d, "{{#none}}x{{/none}}.", ".");
}

static void
test_template_sections (void)
{
  g_autoptr (GuTplData) d = sample_data ();
  assert_renders (d, "{{?ref}}yes{{/ref}}{{^ref}}no{{/ref}}", "yes");
  assert_renders (d, "{{?empty}}yes{{/empty}}{{^empty}}no{{/empty}}", "no");
  assert_renders (d, "{{?none}}some{{/none}}{{^none}}none{{/none}}", "none");
  assert_renders (d, "{{?docs}}{{#docs}}<{{name}}>{{/docs}}{{/docs}}", "<a.pdf><b.xlsx>");
  assert_renders (d, "{{#docs}}{{name}}:{{#pieces}}{{label}}{{/pieces}}{{^pieces}}?{{/pieces}} {{/docs}}",
                  "a.pdf:? b.xlsx:Budget ");
  /* A section tag alone on its line takes the line with it. */
  assert_renders (d, "List:\n{{#docs}}\n  - {{name}}\n{{/docs}}\n  {{?empty}}  \nhidden\n{{/empty}}\nend\n",
                  "List:\n  - a.pdf\n  - b.xlsx\nend\n");
}

static void
assert_fails (const char *text, const char *expected_part)
{
  g_autoptr (GuTplData) d = sample_data ();
  g_autoptr (GError) error = NULL;
  g_autofree char *out = render (text, d, &error);
  g_assert_null (out);
  g_assert_error (error, GU_ERROR, GU_ERROR_CONFIG);
  if (strstr (error->message, expected_part) == NULL)
    g_error ("\"%s\" not in \"%s\"", expected_part, error->message);
}

static void
test_template_errors (void)
{
  assert_fails ("Subject: x\n\nDear {{refrence}}\n", "t.txt:3: unknown name \"refrence\"");
  assert_fails ("a\n{{#docs}}{{nmae}}{{/docs}}", "t.txt:2: unknown name \"nmae\"");
  assert_fails ("{{?missing}}x{{/missing}}", "t.txt:1: unknown name \"missing\"");
  assert_fails ("\n\n{{#docs}}never closed", "t.txt:3: {{#docs}} is never closed");
  assert_fails ("x {{/docs}}", "closes nothing");
  assert_fails ("{{docs}}", "is a list");
  assert_fails ("{{#ref}}x{{/ref}}", "is not a list");
  assert_fails ("{{ref", "without");
  assert_fails ("{{bad name}}", "malformed tag");
  assert_fails ("{{>part}}", "partial \"part\"");
}

static char *
load_test_partial (gpointer user_data, const char *partial, char **origin, GError **error)
{
  if (strcmp (partial, "item") == 0)
    {
      *origin = g_strdup ("_item.txt");
      return g_strdup ("- {{name}}\n");
    }
  if (strcmp (partial, "broken") == 0)
    {
      *origin = g_strdup ("_broken.txt");
      return g_strdup ("ok\n{{oops}}\n");
    }
  g_set_error (error, GU_ERROR, GU_ERROR_CONFIG, "no partial %s", partial);
  return NULL;
}

static void
test_template_partials (void)
{
  g_autoptr (GuTplData) d = sample_data ();
  g_autoptr (GError) error = NULL;
  g_autofree char *out = gu_tpl_render ("t.txt", "{{#docs}}\n{{>item}}\n{{/docs}}", d, load_test_partial, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (out, ==, "- a.pdf\n- b.xlsx\n");
  g_autofree char *bad = gu_tpl_render ("t.txt", "x\n{{>broken}}", d, load_test_partial, NULL, &error);
  g_assert_null (bad);
  g_assert_nonnull (strstr (error->message, "_broken.txt:2: unknown name \"oops\""));
  g_clear_error (&error);
  g_autofree char *absent = gu_tpl_render ("t.txt", "x\n{{>nope}}", d, load_test_partial, NULL, &error);
  g_assert_null (absent);
  g_assert_nonnull (strstr (error->message, "t.txt:2: no partial nope"));
}

/* ---- formatting ---- */

static GuCall *
load_call (const char *language)
{
  g_autofree char *path = gu_test_srcpath ("schemas/fabrique-initiatives.call");
  g_autoptr (GError) error = NULL;
  if (strcmp (language, "fr") == 0)
    {
      GuCall *call = gu_call_load (path, NULL, &error);
      g_assert_no_error (error);
      return call;
    }
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_autofree char *line = g_strdup_printf ("language = %s\n", language);
  g_auto (GStrv) parts = g_strsplit (text, "language = fr\n", 2);
  g_assert_nonnull (parts[1]);
  g_autofree char *changed = g_strconcat (parts[0], line, parts[1], NULL);
  g_autofree char *dir = gu_test_tmpdir ();
  g_autofree char *copy = gu_test_write (dir, "fabrique-initiatives.call", changed, 0644);
  GuCall *call = gu_call_load (copy, NULL, &error);
  g_assert_no_error (error);
  gu_test_rmtree (dir);
  return call;
}

static char *
format_iso (const GuCall *call, const char *iso, gboolean day_only)
{
  g_autoptr (GDateTime) t = g_date_time_new_from_iso8601 (iso, NULL);
  g_assert_nonnull (t);
  return day_only ? gu_reply_format_day (call, t) : gu_reply_format_time (call, t);
}

static void
assert_format (const GuCall *call, const char *iso, gboolean day_only, const char *expected)
{
  g_autofree char *text = format_iso (call, iso, day_only);
  g_assert_cmpstr (text, ==, expected);
}

static void
test_format_time (void)
{
  g_autoptr (GuCall) fr = load_call ("fr");
  g_autoptr (GuCall) en = load_call ("en");
  assert_format (fr, "2020-02-14T09:12:00Z", FALSE, "14 février 2020 à 10 h 12");
  assert_format (en, "2020-02-14T09:12:00Z", FALSE, "14 February 2020 at 10:12");
  /* Paris time decides the day: 23:30 UTC on 29 February is 1 March. */
  assert_format (fr, "2020-02-29T23:30:00Z", FALSE, "1er mars 2020 à 0 h 30");
  assert_format (en, "2020-02-29T23:30:00Z", FALSE, "1 March 2020 at 00:30");
  assert_format (fr, "2020-06-01T07:05:00Z", FALSE, "1er juin 2020 à 9 h 05"); /* summer time */
  assert_format (fr, "2020-08-21T12:00:00Z", TRUE, "21 août 2020");
  g_autofree char *closes = gu_reply_format_day (fr, fr->closes);
  g_assert_cmpstr (closes, ==, "1er mars 2020");
  g_assert_cmpstr (gu_reply_kind_to_string (GU_REPLY_HOW_TO_APPLY), ==, "how-to-apply");
  g_assert_cmpstr (gu_reply_kind_to_string (GU_REPLY_UNREADABLE), ==, "unreadable");
}

static void
assert_size (const GuCall *call, guint64 size, const char *expected)
{
  g_autofree char *text = gu_reply_format_size (call, size);
  g_assert_cmpstr (text, ==, expected);
}

static void
test_format_size (void)
{
  g_autoptr (GuCall) fr = load_call ("fr");
  g_autoptr (GuCall) en = load_call ("en");
  assert_size (fr, 0, "0 octet");
  assert_size (fr, 512, "512 octets");
  assert_size (en, 1, "1 byte");
  assert_size (fr, 12345, "12,3 Ko");
  assert_size (en, 12345, "12.3 kB");
  assert_size (fr, 999960, "1,0 Mo");
  assert_size (en, 2500000000u, "2.5 GB");
}

static void
test_clean_text (void)
{
  g_autofree char *a = gu_reply_clean_text ("budget\r\nBcc: x@y\t.pdf", 100);
  g_assert_cmpstr (a, ==, "budget  Bcc: x@y .pdf");
  g_autofree char *b = gu_reply_clean_text ("facture\xe2\x80\xaegpj.exe", 100); /* U+202E */
  g_assert_cmpstr (b, ==, "facture gpj.exe");
  g_autofree char *c = gu_reply_clean_text ("Stratégie de déploiement.pdf", 9);
  g_assert_cmpstr (c, ==, "Stratégie…");
  g_autofree char *d = gu_reply_clean_text ("caf\xe9", 10);
  g_assert_true (g_utf8_validate (d, -1, NULL));
}

static void
test_fill (void)
{
  /* Short lines are kept as written; trailing blanks and CRs go. */
  g_autofree char *a = gu_reply_fill ("Madame, Monsieur,  \r\n\nLe service\nRégion Normandie\n\n\n");
  g_assert_cmpstr (a, ==, "Madame, Monsieur,\n\nLe service\nRégion Normandie\n");
  /* A long line wraps, and the sentence's next line joins its end. */
  g_autofree char *b = gu_reply_fill (
      "Les candidatures sont reçues du 1er janvier 2020 au 1er mars 2020 à 23 h 59\n"
      "(heure de Paris), par courrier.\nFin.\n");
  g_assert_cmpstr (b, ==,
      "Les candidatures sont reçues du 1er janvier 2020 au 1er mars 2020 à\n"
      "23 h 59 (heure de Paris), par courrier.\nFin.\n");
  /* An item hangs under its text; the next field stays on its own line. */
  g_autofree char *c = gu_reply_fill (
      "  - Courriers d'avis des collectivités publiques, lettres d'intention des acteurs\n"
      "    Taille : 3 Ko\n");
  g_assert_cmpstr (c, ==,
      "  - Courriers d'avis des collectivités publiques, lettres d'intention\n"
      "    des acteurs\n    Taille : 3 Ko\n");
  /* No line starts with French closing punctuation; long words stay whole. */
  g_autofree char *d = gu_reply_fill (
      "Empreinte SHA-256 de la pièce que vous nous avez envoyée ce matin à midi :\n"
      "    82f3be7558ec5bae9a6ffdbce0257edac8832b534df288f281c9707076aca1c7aaaaaaaaaaaaaaa\n");
  g_assert_cmpstr (d, ==,
      "Empreinte SHA-256 de la pièce que vous nous avez envoyée ce matin à\nmidi :\n"
      "    82f3be7558ec5bae9a6ffdbce0257edac8832b534df288f281c9707076aca1c7aaaaaaaaaaaaaaa\n");
}

/* ---- composing on a realistic dossier ---- */

typedef struct {
  GuCall *call;
  GuMessage *msg;
  GuDossier *dossier;
  GPtrArray *missing;
  GDateTime *received;
  char *templates;
} Fixture;

static GuDocument *
add_doc (GuMessage *msg, const char *filename, const char *archive_path, int parent, guint flags,
         const char *content, const char *const *keys)
{
  GuDocument *doc = gu_document_new ();
  doc->filename = g_strdup (filename);
  doc->archive_path = g_strdup (archive_path);
  doc->declared_type = g_strdup ("application/octet-stream");
  doc->parent = parent;
  doc->depth = parent >= 0 ? 1 : 0;
  doc->flags = flags;
  g_autoptr (GBytes) bytes = g_bytes_new (content, strlen (content));
  gu_document_set_content (doc, bytes);
  for (; keys != NULL && *keys != NULL; keys++)
    gu_document_add_piece (doc, *keys, "filename:test");
  gu_message_add_document (msg, doc);
  return doc;
}

static void
add_stored (GuDossier *d, const char *filename, const char *sha256, const char *at, const char *key)
{
  GuDossierDocument *doc = gu_dossier_document_new ();
  doc->filename = g_strdup (filename);
  doc->sha256 = g_strdup (sha256);
  doc->size = 2048;
  doc->received_at = g_strdup (at);
  doc->source = GU_ROLE_APPLICANT;
  if (key != NULL)
    {
      GuPieceMatch *m = g_new0 (GuPieceMatch, 1);
      m->key = g_strdup (key);
      m->evidence = g_strdup ("filename");
      g_ptr_array_add (doc->pieces, m);
    }
  g_ptr_array_add (d->documents, doc);
}

/* The message of 14 February 2020, 10:12 in Paris: a presentation, a
 * ZIP of budgets, a logo, a photo nobody can classify; the dossier
 * already holds a plan sent on 10 February. */
static void
fixture_set_up (Fixture *f, const char *language, const char *received_iso)
{
  f->call = load_call (language);
  f->templates = gu_test_srcpath ("templates");
  f->received = g_date_time_new_from_iso8601 (received_iso, NULL);
  f->msg = gu_message_new ();
  f->msg->message_id = g_strdup ("CAF=x7yZ@mail.example.net");
  g_ptr_array_add (f->msg->references, g_strdup ("first.1@mail.example.net"));
  f->msg->from_addr = g_strdup ("jeanne.martin@tiers-lieu.example.net");
  f->msg->subject = g_strdup ("Candidature Fabrique d'Initiatives");
  static const char *const presentation[] = { "initiative", "strategie_deploiement", NULL };
  static const char *const etude[] = { "budget_etude", NULL };
  GuDocument *big = add_doc (f->msg, "Présentation du projet.pdf", NULL, -1, 0, "", presentation);
  g_autoptr (GBytes) pdf = g_bytes_new_take (g_strnfill (12345, 'P'), 12345);
  gu_document_set_content (big, pdf);
  add_doc (f->msg, "budgets.zip", NULL, -1, GU_DOC_ARCHIVE, "PK zip", NULL);
  add_doc (f->msg, "budgets.zip", "Budgets/budget-etude.xlsx", 1, 0, "PK xlsx etude", etude);
  add_doc (f->msg, "logo.png", NULL, -1, GU_DOC_INLINE_IMAGE, "\x89PNG logo", NULL);
  add_doc (f->msg, "photo-lieu.jpg", NULL, -1, 0, "\xff\xd8 jpeg", NULL);
  f->dossier = gu_dossier_new ();
  f->dossier->reference = g_strdup ("FI-2020-0007");
  f->dossier->status = GU_STATUS_INCOMPLETE;
  add_stored (f->dossier, "Plan pluriannuel.pdf", "aa11aa11aa11aa11aa11aa11aa11aa11aa11aa11aa11aa11aa11aa11aa11aa11",
              "2020-02-10T08:00:00Z", "plan_pluriannuel");
  static const char *const missing[] = { "budget_deploiement", "budget_lancement" };
  f->missing = g_ptr_array_new ();
  for (gsize i = 0; i < G_N_ELEMENTS (missing); i++)
    g_ptr_array_add (f->missing, (gpointer) missing[i]);
}

static void
fixture_tear_down (Fixture *f)
{
  gu_call_free (f->call);
  gu_message_free (f->msg);
  gu_dossier_free (f->dossier);
  g_ptr_array_unref (f->missing);
  g_date_time_unref (f->received);
  g_free (f->templates);
}

static GuReplyContext
context_of (const Fixture *f, GuReplyKind kind)
{
  GuReplyContext ctx = {
    .kind = kind, .call = f->call, .message = f->msg, .received_at = f->received,
    .dossier = kind == GU_REPLY_HOW_TO_APPLY ? NULL : f->dossier, .missing = f->missing,
    .from = "Fabrique d'Initiatives <fabrique@example.org>", .to = "jeanne.martin@tiers-lieu.example.net",
    .message_id = "guichet.0123456789abcdef@example.org", .templates_dir = f->templates,
  };
  return ctx;
}

/* Every line ends with CRLF and is at most 78 characters. */
static void
assert_wire_format (GBytes *bytes)
{
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);
  gsize start = 0;
  for (gsize i = 0; i < len; i++)
    {
      g_assert_cmpint ((guchar) data[i], <, 0x80);
      if (data[i] != '\n')
        continue;
      g_assert_true (i > 0 && data[i - 1] == '\r');
      g_assert_cmpuint (i - 1 - start, <=, 78);
      start = i + 1;
    }
  g_assert_cmpuint (start, ==, len);
}

static GMimeMessage *
parse_reply (GBytes *bytes)
{
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);
  GMimeStream *stream = g_mime_stream_mem_new_with_buffer (data, len);
  GMimeParser *parser = g_mime_parser_new_with_stream (stream);
  GMimeMessage *message = g_mime_parser_construct_message (parser, NULL);
  g_object_unref (parser);
  g_object_unref (stream);
  g_assert_nonnull (message);
  return message;
}

/* The body, decoded, with every run of blanks and line breaks as one
 * space: the checks below do not depend on where a line was wrapped. */
static char *
flat_body (GMimeMessage *message)
{
  GMimeObject *body = g_mime_message_get_mime_part (message);
  g_assert_true (GMIME_IS_TEXT_PART (body));
  g_assert_cmpstr (g_mime_object_get_content_type_parameter (body, "charset"), ==, "utf-8");
  g_assert_cmpint (g_mime_part_get_content_encoding (GMIME_PART (body)), ==,
                   GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
  g_autofree char *text = g_mime_text_part_get_text (GMIME_TEXT_PART (body));
  g_assert_true (g_utf8_validate (text, -1, NULL));
  g_auto (GStrv) words = g_strsplit_set (text, " \r\n", -1);
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

static void
assert_lacks (const char *text, const char *part)
{
  if (strstr (text, part) != NULL)
    g_error ("\"%s\" unexpectedly found in:\n%s", part, text);
}

typedef struct {
  GBytes *bytes;
  char *subject;
  GMimeMessage *message;
  char *body;
} Reply;

static void
reply_clear (Reply *r)
{
  g_bytes_unref (r->bytes);
  g_free (r->subject);
  g_object_unref (r->message);
  g_free (r->body);
}

static void
compose_ok (const Fixture *f, GuReplyKind kind, Reply *r)
{
  GuReplyContext ctx = context_of (f, kind);
  g_autoptr (GError) error = NULL;
  r->bytes = gu_reply_compose (&ctx, &r->subject, &error);
  g_assert_no_error (error);
  g_assert_nonnull (r->bytes);
  assert_wire_format (r->bytes);
  r->message = parse_reply (r->bytes);
  r->body = flat_body (r->message);
  g_assert_cmpstr (g_mime_message_get_subject (r->message), ==, r->subject);
  g_test_message ("%s: %s\n%s", gu_reply_kind_to_string (kind), r->subject, r->body);
}

static void
assert_header (GMimeMessage *message, const char *name, const char *expected)
{
  const char *value = g_mime_object_get_header (GMIME_OBJECT (message), name);
  g_assert_nonnull (value);
  if (expected != NULL)
    {
      g_autofree char *unfolded = g_mime_utils_header_unfold (value);
      g_assert_cmpstr (g_strstrip (unfolded), ==, expected);
    }
}

static void
assert_headers (const Reply *r)
{
  assert_header (r->message, "Auto-Submitted", "auto-replied");
  assert_header (r->message, "X-Loop", "fabrique@example.org");
  assert_header (r->message, "In-Reply-To", "<CAF=x7yZ@mail.example.net>");
  assert_header (r->message, "References", "<first.1@mail.example.net> <CAF=x7yZ@mail.example.net>");
  assert_header (r->message, "Message-Id", "<guichet.0123456789abcdef@example.org>");
  assert_header (r->message, "MIME-Version", "1.0");
  assert_header (r->message, "Date", NULL);
  g_assert_nonnull (g_mime_message_get_date (r->message));
  InternetAddressList *from = g_mime_message_get_from (r->message);
  g_assert_cmpint (internet_address_list_length (from), ==, 1);
  InternetAddress *ia = internet_address_list_get_address (from, 0);
  g_assert_cmpstr (internet_address_get_name (ia), ==, "Fabrique d'Initiatives");
  g_assert_cmpstr (internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (ia)), ==, "fabrique@example.org");
  InternetAddressList *to = g_mime_message_get_to (r->message);
  g_assert_cmpint (internet_address_list_length (to), ==, 1);
  g_assert_null (g_mime_object_get_header (GMIME_OBJECT (r->message), "Bcc"));
}

/* What every French acknowledgement of the fixture's message says. */
static void
assert_french_receipt (const Fixture *f, const Reply *r)
{
  g_assert_true (g_str_has_prefix (r->subject, "[FI-2020-0007] "));
  assert_contains (r->body, "Madame, Monsieur,");
  assert_contains (r->body, "FI-2020-0007");
  assert_contains (r->body, "[FI-2020-0007]");
  assert_contains (r->body, "fabrique@example.org");
  assert_contains (r->body, "SHA-256");
  const char *const shown[] = { "Présentation du projet.pdf", "Budgets/budget-etude.xlsx", "photo-lieu.jpg" };
  for (gsize i = 0; i < G_N_ELEMENTS (shown); i++)
    assert_contains (r->body, shown[i]);
  for (guint i = 0; i < f->msg->documents->len; i++)
    {
      const GuDocument *doc = g_ptr_array_index (f->msg->documents, i);
      gboolean hidden = (doc->flags & GU_DOC_INLINE_IMAGE)
                        || ((doc->flags & GU_DOC_ARCHIVE) && !(doc->flags & GU_DOC_UNREADABLE));
      if (hidden)
        assert_lacks (r->body, doc->sha256);
      else
        assert_contains (r->body, doc->sha256);
    }
  assert_lacks (r->body, "logo.png");
  assert_contains (r->body, "Contenu dans l'archive : budgets.zip");
  assert_contains (r->body, "Reconnu comme : L'initiative proposée et son apport pour les membres et les usagers");
  assert_contains (r->body, "Reconnu comme : La stratégie de déploiement envisagée");
  assert_contains (r->body, "Reconnu comme : Un budget pour la phase d'étude");
  assert_contains (r->body, "Non reconnu");
  assert_contains (r->body, "Taille : 12,3 Ko (12345 octets)");
  assert_contains (r->body, "Taille : 13 octets Empreinte"); /* no "(13 octets)" */
}

static void
assert_french_missing (const Reply *r)
{
  assert_contains (r->body, "- Un budget pour le déploiement du bien / service");
  assert_contains (r->body, "- Un budget de lancement et de mise en œuvre");
  assert_contains (r->body, "1er mars 2020 à 23 h 59");
}

static void
test_ack_new (void)
{
  Fixture f;
  fixture_set_up (&f, "fr", "2020-02-14T09:12:00Z");
  Reply r;
  compose_ok (&f, GU_REPLY_ACK_NEW, &r);
  g_assert_cmpstr (r.subject, ==, "[FI-2020-0007] Accusé de réception – Fabrique d'Initiatives");
  assert_headers (&r);
  assert_french_receipt (&f, &r);
  assert_french_missing (&r);
  assert_contains (r.body, "reçu le 14 février 2020 à 10 h 12");
  assert_contains (r.body, "Documents reçus avec ce message (3)");
  assert_contains (r.body, "récépissé");
  reply_clear (&r);
  fixture_tear_down (&f);
}

static void
test_ack_update (void)
{
  Fixture f;
  fixture_set_up (&f, "fr", "2020-02-14T09:12:00Z");
  Reply r;
  compose_ok (&f, GU_REPLY_ACK_UPDATE, &r);
  g_assert_cmpstr (r.subject, ==, "[FI-2020-0007] Compléments reçus – Fabrique d'Initiatives");
  assert_headers (&r);
  assert_french_receipt (&f, &r);
  assert_french_missing (&r);
  assert_contains (r.body, "reçu le 14 février 2020 à 10 h 12");
  assert_contains (r.body, "Documents reçus précédemment dans votre dossier : 1.");
  assert_contains (r.body, "- Un plan de déploiement pluriannuel");
  reply_clear (&r);
  fixture_tear_down (&f);
}

static void
test_complete (void)
{
  Fixture f;
  fixture_set_up (&f, "fr", "2020-02-14T09:12:00Z");
  g_ptr_array_set_size (f.missing, 0);
  Reply r;
  compose_ok (&f, GU_REPLY_COMPLETE, &r);
  g_assert_cmpstr (r.subject, ==, "[FI-2020-0007] Dossier complet – Fabrique d'Initiatives");
  assert_headers (&r);
  assert_french_receipt (&f, &r);
  assert_contains (r.body, "l'ensemble des pièces obligatoires");
  assert_contains (r.body, "- Un budget de lancement et de mise en œuvre");
  assert_contains (r.body, "jusqu'au 1er mars 2020 à 23 h 59");
  assert_lacks (r.body, "il manque");
  reply_clear (&r);
  fixture_tear_down (&f);
}

static void
test_unreadable (void)
{
  Fixture f;
  fixture_set_up (&f, "fr", "2020-02-14T09:12:00Z");
  GuDocument *doc = add_doc (f.msg, "annexes.zip", NULL, -1, GU_DOC_UNREADABLE | GU_DOC_ARCHIVE, "PK enc", NULL);
  doc->unreadable_reason = g_strdup ("encrypted");
  Reply r;
  compose_ok (&f, GU_REPLY_UNREADABLE, &r);
  g_assert_cmpstr (r.subject, ==, "[FI-2020-0007] Documents illisibles – Fabrique d'Initiatives");
  assert_headers (&r);
  assert_french_receipt (&f, &r);
  assert_french_missing (&r);
  assert_contains (r.body, "pas pu être lus : - annexes.zip (protégé par mot de passe)");
  assert_contains (r.body, "Documents reçus avec ce message (4)");
  assert_contains (r.body, doc->sha256);
  assert_contains (r.body, "Illisible : ce document n'a pas pu être lu. Il est protégé par un mot de passe.");
  assert_contains (r.body, "Motif technique : encrypted");
  reply_clear (&r);
  fixture_tear_down (&f);
}

static void
test_late (void)
{
  Fixture f;
  fixture_set_up (&f, "fr", "2020-03-02T08:30:00Z");
  Reply r;
  compose_ok (&f, GU_REPLY_LATE, &r);
  g_assert_cmpstr (r.subject, ==, "[FI-2020-0007] Reçu hors délai – Fabrique d'Initiatives");
  assert_headers (&r);
  assert_french_receipt (&f, &r);
  assert_contains (r.body, "reçu le 2 mars 2020 à 9 h 30");
  assert_contains (r.body, "après la date limite");
  assert_contains (r.body, "avec la mention « hors délai »");
  assert_contains (r.body, "- Un budget pour le déploiement du bien / service");
  reply_clear (&r);
  fixture_tear_down (&f);
}

static void
test_early (void)
{
  Fixture f;
  fixture_set_up (&f, "fr", "2019-12-20T15:00:00Z");
  Reply r;
  compose_ok (&f, GU_REPLY_EARLY, &r);
  g_assert_cmpstr (r.subject, ==, "[FI-2020-0007] Reçu avant l'ouverture – Fabrique d'Initiatives");
  assert_headers (&r);
  assert_french_receipt (&f, &r);
  assert_contains (r.body, "reçu le 20 décembre 2019 à 16 h 00");
  assert_contains (r.body, "à compter du 1er janvier 2020");
  assert_contains (r.body, "sont conservés");
  reply_clear (&r);
  fixture_tear_down (&f);
}

static void
test_how_to_apply (void)
{
  Fixture f;
  fixture_set_up (&f, "fr", "2020-02-14T09:12:00Z");
  g_ptr_array_set_size (f.msg->documents, 0);
  g_ptr_array_set_size (f.missing, 0);
  Reply r;
  compose_ok (&f, GU_REPLY_HOW_TO_APPLY, &r);
  g_assert_cmpstr (r.subject, ==, "Comment déposer votre candidature – Fabrique d'Initiatives");
  assert_headers (&r);
  for (guint i = 0; i < f.call->pieces->len; i++)
    assert_contains (r.body, ((GuPiece *) g_ptr_array_index (f.call->pieces, i))->label);
  assert_contains (r.body, "du 1er janvier 2020 au 1er mars 2020 à 23 h 59");
  assert_contains (r.body, "et, le cas échéant : - Courriers d'avis");
  assert_contains (r.body, "fabrique@example.org");
  assert_lacks (r.body, "FI-2020");
  reply_clear (&r);
  fixture_tear_down (&f);
}

/* A filename, a recipient or a Message-ID carrying a header of its own
 * never gets one into the reply. */
static void
test_header_injection (void)
{
  Fixture f;
  fixture_set_up (&f, "fr", "2020-02-14T09:12:00Z");
  add_doc (f.msg, "budget\r\nBcc: victim@example.org\r\n.pdf", NULL, -1, 0, "x", NULL);
  g_free (f.msg->message_id);
  f.msg->message_id = g_strdup ("abc@x\r\nBcc: victim@example.org");
  g_ptr_array_add (f.msg->references, g_strdup ("ok@x>\r\nBcc: <victim@example.org"));
  Reply r;
  compose_ok (&f, GU_REPLY_ACK_UPDATE, &r);
  g_assert_null (g_mime_object_get_header (GMIME_OBJECT (r.message), "Bcc"));
  g_assert_null (g_mime_object_get_header (GMIME_OBJECT (r.message), "In-Reply-To"));
  gsize len;
  const char *data = g_bytes_get_data (r.bytes, &len);
  g_autofree char *raw = g_strndup (data, len);
  g_assert_null (strstr (raw, "\nBcc:"));
  assert_contains (r.body, "budget Bcc: victim@example.org .pdf");
  reply_clear (&r);

  GuReplyContext ctx = context_of (&f, GU_REPLY_ACK_NEW);
  ctx.to = "jeanne@example.net\r\nBcc: victim@example.org";
  g_autoptr (GError) error = NULL;
  g_autofree char *subject = NULL;
  g_autoptr (GBytes) bytes = gu_reply_compose (&ctx, &subject, &error);
  if (bytes != NULL)
    {
      GMimeMessage *m = parse_reply (bytes);
      g_assert_null (g_mime_object_get_header (GMIME_OBJECT (m), "Bcc"));
      g_assert_cmpint (internet_address_list_length (g_mime_message_get_to (m)), ==, 1);
      g_object_unref (m);
    }
  fixture_tear_down (&f);
}

/* The subject, RFC 2047 encoded by GMime, reads back the same in
 * another implementation. */
static void
test_subject_python (void)
{
  if (!g_file_test ("/usr/bin/python3", G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("no /usr/bin/python3");
      return;
    }
  Fixture f;
  fixture_set_up (&f, "fr", "2020-02-14T09:12:00Z");
  Reply r;
  compose_ok (&f, GU_REPLY_ACK_NEW, &r);
  g_autofree char *dir = gu_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "reply.eml", NULL);
  g_assert_true (g_file_set_contents (path, g_bytes_get_data (r.bytes, NULL), (gssize) g_bytes_get_size (r.bytes), NULL));
  const char *argv[] = { "/usr/bin/python3", "-c",
                         "import email,email.policy,sys; m=email.message_from_binary_file(open(sys.argv[1],'rb'),"
                         "policy=email.policy.default); sys.stdout.buffer.write(str(m['subject']).encode('utf-8'))",
                         path, NULL };
  g_autofree char *out = NULL, *err = NULL;
  int status = 0;
  g_autoptr (GError) error = NULL;
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_cmpstr (out, ==, "[FI-2020-0007] Accusé de réception – Fabrique d'Initiatives");
  gu_test_rmtree (dir);
  reply_clear (&r);
  fixture_tear_down (&f);
}

static void
test_english (void)
{
  Fixture f;
  fixture_set_up (&f, "en", "2020-02-14T09:12:00Z");
  static const GuReplyKind kinds[] = { GU_REPLY_ACK_NEW, GU_REPLY_ACK_UPDATE, GU_REPLY_COMPLETE, GU_REPLY_LATE,
                                       GU_REPLY_EARLY, GU_REPLY_HOW_TO_APPLY, GU_REPLY_UNREADABLE };
  for (gsize i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      Reply r;
      compose_ok (&f, kinds[i], &r);
      assert_contains (r.body, "Dear Sir or Madam,");
      assert_contains (r.body, "14 February 2020 at 10:12");
      assert_contains (r.body, "1 March 2020");
      if (kinds[i] != GU_REPLY_HOW_TO_APPLY)
        {
          g_assert_true (g_str_has_prefix (r.subject, "[FI-2020-0007] "));
          assert_contains (r.body, "Size: 12.3 kB (12345 bytes)");
          assert_contains (r.body, "Recognised as: Un budget pour la phase d'étude");
        }
      reply_clear (&r);
    }
  fixture_tear_down (&f);
}

/* A language folder without a template falls back to French. */
static void
test_language_fallback (void)
{
  Fixture f;
  fixture_set_up (&f, "de", "2020-02-14T09:12:00Z");
  Reply r;
  compose_ok (&f, GU_REPLY_ACK_NEW, &r);
  g_assert_cmpstr (r.subject, ==, "[FI-2020-0007] Accusé de réception – Fabrique d'Initiatives");
  /* Dates follow the call's language: not French, so English. */
  assert_contains (r.body, "14 February 2020 at 10:12");
  reply_clear (&r);
  fixture_tear_down (&f);
}

static void
test_missing_template (void)
{
  Fixture f;
  fixture_set_up (&f, "fr", "2020-02-14T09:12:00Z");
  GuReplyContext ctx = context_of (&f, GU_REPLY_ACK_NEW);
  g_autofree char *dir = gu_test_tmpdir ();
  ctx.templates_dir = dir;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) none = gu_reply_compose (&ctx, NULL, &error);
  g_assert_null (none);
  g_assert_error (error, GU_ERROR, GU_ERROR_CONFIG);
  g_clear_error (&error);
  g_free (gu_test_write (dir, "fr/ack-new.txt", "No subject line\n\nBody\n", 0644));
  g_autoptr (GBytes) bad = gu_reply_compose (&ctx, NULL, &error);
  g_assert_null (bad);
  g_assert_error (error, GU_ERROR, GU_ERROR_CONFIG);
  gu_test_rmtree (dir);
  fixture_tear_down (&f);
}

/* Every kind has a template in both languages, and template lines stay
 * within 72 characters. */
static void
test_template_files (void)
{
  g_autofree char *top = gu_test_srcpath ("templates");
  const char *const langs[] = { "fr", "en" };
  for (gsize l = 0; l < G_N_ELEMENTS (langs); l++)
    {
      for (int k = GU_REPLY_ACK_NEW; k <= GU_REPLY_UNREADABLE; k++)
        {
          g_autofree char *name = g_strconcat (gu_reply_kind_to_string (k), ".txt", NULL);
          g_autofree char *path = g_build_filename (top, langs[l], name, NULL);
          g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
        }
      g_autofree char *folder = g_build_filename (top, langs[l], NULL);
      g_autoptr (GDir) dir = g_dir_open (folder, 0, NULL);
      g_assert_nonnull (dir);
      const char *entry;
      while ((entry = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *path = g_build_filename (folder, entry, NULL);
          g_autofree char *text = NULL;
          g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
          g_assert_true (g_utf8_validate (text, -1, NULL));
          g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
          for (guint i = 0; lines[i] != NULL; i++)
            if (g_utf8_strlen (lines[i], -1) > 72)
              g_error ("%s:%u: longer than 72 characters", path, i + 1);
        }
    }
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);
  g_mime_init ();
  g_test_add_func ("/reply/template/values", test_template_values);
  g_test_add_func ("/reply/template/sections", test_template_sections);
  g_test_add_func ("/reply/template/errors", test_template_errors);
  g_test_add_func ("/reply/template/partials", test_template_partials);
  g_test_add_func ("/reply/template/files", test_template_files);
  g_test_add_func ("/reply/format/time", test_format_time);
  g_test_add_func ("/reply/format/size", test_format_size);
  g_test_add_func ("/reply/format/clean-text", test_clean_text);
  g_test_add_func ("/reply/format/fill", test_fill);
  g_test_add_func ("/reply/compose/ack-new", test_ack_new);
  g_test_add_func ("/reply/compose/ack-update", test_ack_update);
  g_test_add_func ("/reply/compose/complete", test_complete);
  g_test_add_func ("/reply/compose/unreadable", test_unreadable);
  g_test_add_func ("/reply/compose/late", test_late);
  g_test_add_func ("/reply/compose/early", test_early);
  g_test_add_func ("/reply/compose/how-to-apply", test_how_to_apply);
  g_test_add_func ("/reply/compose/header-injection", test_header_injection);
  g_test_add_func ("/reply/compose/subject-python", test_subject_python);
  g_test_add_func ("/reply/compose/english", test_english);
  g_test_add_func ("/reply/compose/language-fallback", test_language_fallback);
  g_test_add_func ("/reply/compose/missing-template", test_missing_template);
  int status = g_test_run ();
  g_mime_shutdown ();
  return status;
}
