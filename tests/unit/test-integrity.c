/* Nothing the applicant sent vanishes without a trace: parts nested
 * deeper than the parser walks flag the message (parse), archives that
 * held no file are kept and flagged empty (unpack), both are shown
 * (types) and said in the reply (reply, with the shipped templates). */
#include "config.h"

#include <locale.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>
#include <gmime/gmime.h>

#include "core/call.h"
#include "core/conf.h"
#include "core/types.h"
#include "parse/parse.h"
#include "reply/reply.h"
#include "testutil.h"
#include "unpack/unpack.h"

/* GU_PARSE_MAX_DEPTH (src/parse/parse-private.h). */
#define MAX_DEPTH 64

static const char pdf_text[] = "%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n%%EOF\n";

/* ---- Deep MIME nesting ---- */

static void
append_attachment (GString *s, const char *name, const char *content)
{
  g_autofree char *b64 = g_base64_encode ((const guchar *) content, strlen (content));
  g_string_append_printf (s,
                          "Content-Type: application/pdf; name=\"%s\"\r\n"
                          "Content-Disposition: attachment; filename=\"%s\"\r\n"
                          "Content-Transfer-Encoding: base64\r\n\r\n%s\r\n",
                          name, name, b64);
}

/* A message whose top multipart holds a greeting, "haut.pdf" and a chain
 * of multiparts with "profond.pdf" at the bottom, at walk depth `depth`
 * (the top multipart is depth 0, so depth multipart levels hold it). */
static GBytes *
nested_message (int depth)
{
  GString *s = g_string_new ("From: Claire Martin <claire@tiers-lieu.example>\r\n"
                             "To: fabrique@example.org\r\nSubject: Candidature\r\n"
                             "Message-ID: <deep@tiers-lieu.example>\r\nMIME-Version: 1.0\r\n"
                             "Content-Type: multipart/mixed; boundary=\"top\"\r\n\r\n"
                             "--top\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nBonjour.\r\n--top\r\n");
  append_attachment (s, "haut.pdf", pdf_text);
  g_string_append (s, "--top\r\n");
  for (int level = 1; level < depth; level++)
    g_string_append_printf (s, "Content-Type: multipart/mixed; boundary=\"b%d\"\r\n\r\n--b%d\r\n", level, level);
  append_attachment (s, "profond.pdf", "%PDF-1.4 profond\n");
  for (int level = depth - 1; level >= 1; level--)
    g_string_append_printf (s, "--b%d--\r\n", level);
  g_string_append (s, "--top--\r\n");
  return g_string_free_to_bytes (s);
}

static gboolean
has_document (const GuMessage *msg, const char *filename)
{
  for (guint i = 0; i < msg->documents->len; i++)
    if (g_strcmp0 (((GuDocument *) g_ptr_array_index (msg->documents, i))->filename, filename) == 0)
      return TRUE;
  return FALSE;
}

static void
test_nesting_at_limit (void)
{
  g_autoptr (GBytes) raw = nested_message (MAX_DEPTH);
  g_autoptr (GuMessage) msg = gu_parse_message (raw, NULL);
  g_assert_null (msg->parse_error);
  g_assert_true (has_document (msg, "haut.pdf"));
  g_assert_true (has_document (msg, "profond.pdf"));
  g_assert_null (msg->truncated);
}

static void
test_nesting_too_deep (void)
{
  const int depths[] = { MAX_DEPTH + 1, 70, 300 };
  for (gsize i = 0; i < G_N_ELEMENTS (depths); i++)
    {
      g_autoptr (GBytes) raw = nested_message (depths[i]);
      g_autoptr (GuMessage) msg = gu_parse_message (raw, NULL);
      g_assert_null (msg->parse_error);
      g_assert_true (has_document (msg, "haut.pdf"));
      g_assert_false (has_document (msg, "profond.pdf"));
      g_assert_cmpstr (msg->truncated, ==, "nesting deeper than 64 levels");
    }
}

/* ---- Empty archives ---- */

typedef struct {
  const char *name;
  const char *data;     /* NULL for a folder */
  gsize len;            /* data is a NUL-terminated string when 0 */
} Entry;

static la_ssize_t
append_output (struct archive *a, void *client, const void *buf, size_t len)
{
  (void) a;
  g_byte_array_append (client, buf, (guint) len);
  return (la_ssize_t) len;
}

/* format: "zip" or "raw"; filter: NULL or "gzip". */
static GBytes *
build_archive (const char *format, const char *filter, const Entry *entries, gsize n)
{
  struct archive *a = archive_write_new ();
  GByteArray *out = g_byte_array_new ();
  g_assert_cmpint (archive_write_set_format_by_name (a, format), ==, ARCHIVE_OK);
  if (filter != NULL)
    g_assert_cmpint (archive_write_add_filter_by_name (a, filter), ==, ARCHIVE_OK);
  archive_write_set_bytes_in_last_block (a, 1);
  g_assert_cmpint (archive_write_open (a, out, NULL, append_output, NULL), ==, ARCHIVE_OK);
  for (gsize i = 0; i < n; i++)
    {
      struct archive_entry *entry = archive_entry_new ();
      gsize len = entries[i].data == NULL ? 0 : entries[i].len != 0 ? entries[i].len : strlen (entries[i].data);
      archive_entry_set_pathname (entry, entries[i].name);
      archive_entry_set_filetype (entry, entries[i].data != NULL ? AE_IFREG : AE_IFDIR);
      archive_entry_set_perm (entry, 0755);
      archive_entry_set_size (entry, (la_int64_t) len);
      g_assert_cmpint (archive_write_header (a, entry), ==, ARCHIVE_OK);
      if (len > 0)
        g_assert_cmpint (archive_write_data (a, entries[i].data, len), ==, (la_ssize_t) len);
      archive_entry_free (entry);
    }
  g_assert_cmpint (archive_write_close (a), ==, ARCHIVE_OK);
  archive_write_free (a);
  return g_byte_array_free_to_bytes (out);
}

static GuMessage *
unpack (const char *filename, GBytes *content)
{
  GuMessage *msg = gu_message_new ();
  GuDocument *doc = gu_document_new ();
  doc->filename = g_strdup (filename);
  doc->declared_type = g_strdup ("application/octet-stream");
  gu_document_set_content (doc, content);
  gu_message_add_document (msg, doc);
  GuLimits limits = gu_limits_default ();
  gu_unpack_message (msg, &limits);
  return msg;
}

static GuDocument *
doc_at (GuMessage *msg, guint i)
{
  g_assert_cmpuint (i, <, msg->documents->len);
  return g_ptr_array_index (msg->documents, i);
}

static void
assert_empty_archive (const char *filename, GBytes *content)
{
  g_autoptr (GuMessage) msg = unpack (filename, content);
  g_assert_cmpuint (msg->documents->len, ==, 1);
  g_assert_cmpuint (doc_at (msg, 0)->flags, ==, GU_DOC_ARCHIVE | GU_DOC_EMPTY);
  g_assert_null (doc_at (msg, 0)->unreadable_reason);
}

static void
test_empty_zips (void)
{
  /* What Python's zipfile writes for no entries: the end of central
   * directory record alone, 22 bytes. */
  static const char eocd[22] = "PK\x05\x06";
  g_autoptr (GBytes) bare = g_bytes_new_static (eocd, sizeof eocd);
  assert_empty_archive ("vide.zip", bare);
  static const char commented[] = "PK\x05\x06\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x04\0rien";
  g_autoptr (GBytes) with_comment = g_bytes_new_static (commented, sizeof commented - 1);
  assert_empty_archive ("commentaire.zip", with_comment);
  g_autoptr (GBytes) written = build_archive ("zip", NULL, NULL, 0);
  assert_empty_archive ("ecrit.zip", written);
  /* Folders are no files. */
  Entry folders[] = { { "Dossier/", NULL, 0 }, { "Dossier/Budgets/", NULL, 0 } };
  g_autoptr (GBytes) only_folders = build_archive ("zip", NULL, folders, G_N_ELEMENTS (folders));
  assert_empty_archive ("dossiers.zip", only_folders);
}

static void
test_empty_gzip (void)
{
  Entry nothing = { "data", "", 0 };
  g_autoptr (GBytes) gz = build_archive ("raw", "gzip", &nothing, 1);
  assert_empty_archive ("budget.pdf.gz", gz);
  /* A broken stream is still corrupt, not empty. */
  static const char broken[] = "\x1f\x8b\x08\0\0\0\0\0\0\x03\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff";
  g_autoptr (GBytes) bad = g_bytes_new_static (broken, sizeof broken - 1);
  g_autoptr (GuMessage) msg = unpack ("budget.pdf.gz", bad);
  g_assert_cmpuint (doc_at (msg, 0)->flags, ==, GU_DOC_ARCHIVE | GU_DOC_UNREADABLE);
  g_assert_true (g_str_has_prefix (doc_at (msg, 0)->unreadable_reason, "corrupt: "));
}

/* Archives that yielded a document stay shown through their entries. */
static void
test_non_empty_archives (void)
{
  Entry files[] = { { "Dossier/", NULL, 0 }, { "Dossier/budget.pdf", pdf_text, 0 } };
  g_autoptr (GBytes) zip = build_archive ("zip", NULL, files, G_N_ELEMENTS (files));
  g_autoptr (GuMessage) msg = unpack ("dossier.zip", zip);
  g_assert_cmpuint (msg->documents->len, ==, 2);
  g_assert_cmpuint (doc_at (msg, 0)->flags, ==, GU_DOC_ARCHIVE);
  g_assert_cmpstr (doc_at (msg, 1)->archive_path, ==, "Dossier/budget.pdf");

  /* An empty file is a document: its archive held something. */
  Entry empty_file[] = { { "vide.txt", "", 0 } };
  g_autoptr (GBytes) zip2 = build_archive ("zip", NULL, empty_file, 1);
  g_autoptr (GuMessage) msg2 = unpack ("fichier-vide.zip", zip2);
  g_assert_cmpuint (msg2->documents->len, ==, 2);
  g_assert_cmpuint (doc_at (msg2, 0)->flags, ==, GU_DOC_ARCHIVE);

  /* An empty zip inside a zip: the inner one is the empty one. */
  g_autoptr (GBytes) inner = build_archive ("zip", NULL, NULL, 0);
  Entry holder = { "Annexes/vide.zip", g_bytes_get_data (inner, NULL), g_bytes_get_size (inner) };
  g_autoptr (GBytes) outer = build_archive ("zip", NULL, &holder, 1);
  g_autoptr (GuMessage) msg3 = unpack ("envoi.zip", outer);
  g_assert_cmpuint (msg3->documents->len, ==, 2);
  g_assert_cmpuint (doc_at (msg3, 0)->flags, ==, GU_DOC_ARCHIVE);
  g_assert_cmpuint (doc_at (msg3, 1)->flags, ==, GU_DOC_ARCHIVE | GU_DOC_EMPTY);
  g_assert_cmpint (doc_at (msg3, 1)->parent, ==, 0);
}

/* ---- Shown, and in which state ---- */

static void
test_flags (void)
{
  g_autofree char *words = gu_doc_flags_to_string (GU_DOC_ARCHIVE | GU_DOC_EMPTY);
  g_assert_cmpstr (words, ==, "archive empty");
  g_assert_true (gu_doc_is_shown (0));
  g_assert_false (gu_doc_is_shown (GU_DOC_ARCHIVE));
  g_assert_true (gu_doc_is_shown (GU_DOC_ARCHIVE | GU_DOC_EMPTY));
  g_assert_true (gu_doc_is_shown (GU_DOC_ARCHIVE | GU_DOC_UNREADABLE));
  g_assert_false (gu_doc_is_shown (GU_DOC_INLINE_IMAGE));
  g_assert_null (gu_doc_state (GU_DOC_ARCHIVE));
  g_assert_null (gu_doc_state (GU_DOC_TRUNCATED | GU_DOC_LATE));
  g_assert_cmpstr (gu_doc_state (GU_DOC_ARCHIVE | GU_DOC_EMPTY), ==, "empty");
  g_assert_cmpstr (gu_doc_state (GU_DOC_UNREADABLE), ==, "unreadable");
}

/* ---- The reply says it ---- */

static GuCall *
load_call (const char *language)
{
  g_autofree char *path = gu_test_srcpath ("schemas/fabrique-initiatives.call");
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_autofree char *line = g_strdup_printf ("language = %s\n", language);
  g_auto (GStrv) parts = g_strsplit (text, "language = fr\n", 2);
  g_assert_nonnull (parts[1]);
  g_autofree char *changed = g_strconcat (parts[0], line, parts[1], NULL);
  g_autofree char *dir = gu_test_tmpdir ();
  g_autofree char *copy = gu_test_write (dir, "fabrique-initiatives.call", changed, 0644);
  g_autoptr (GError) error = NULL;
  GuCall *call = gu_call_load (copy, NULL, &error);
  g_assert_no_error (error);
  gu_test_rmtree (dir);
  return call;
}

/* The body of the acknowledgement of msg, decoded, blanks collapsed. */
static char *
ack_body (const char *language, const GuMessage *msg)
{
  g_autoptr (GuCall) call = load_call (language);
  g_autofree char *templates = gu_test_srcpath ("templates");
  g_autoptr (GDateTime) received = g_date_time_new_from_iso8601 ("2020-02-14T09:12:00Z", NULL);
  g_autoptr (GuDossier) dossier = gu_dossier_new ();
  dossier->reference = g_strdup ("FI-2020-0007");
  g_autoptr (GPtrArray) missing = g_ptr_array_new ();
  GuReplyContext ctx = {
    .kind = GU_REPLY_ACK_NEW, .call = call, .message = msg, .received_at = received,
    .dossier = dossier, .missing = missing, .from = "Fabrique d'Initiatives <fabrique@example.org>",
    .to = "claire@tiers-lieu.example", .message_id = "guichet.0123@example.org", .templates_dir = templates,
  };
  g_autoptr (GError) error = NULL;
  g_autofree char *subject = NULL;
  g_autoptr (GBytes) bytes = gu_reply_compose (&ctx, &subject, &error);
  g_assert_no_error (error);
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);
  GMimeStream *stream = g_mime_stream_mem_new_with_buffer (data, len);
  GMimeParser *parser = g_mime_parser_new_with_stream (stream);
  GMimeMessage *reply = g_mime_parser_construct_message (parser, NULL);
  g_assert_nonnull (reply);
  g_autofree char *text = g_mime_text_part_get_text (GMIME_TEXT_PART (g_mime_message_get_mime_part (reply)));
  g_object_unref (reply);
  g_object_unref (parser);
  g_object_unref (stream);
  g_auto (GStrv) words = g_strsplit_set (text, " \r\n", -1);
  GString *flat = g_string_new (NULL);
  for (char **w = words; *w != NULL; w++)
    if (**w != '\0')
      g_string_append_printf (flat, "%s%s", flat->len ? " " : "", *w);
  return g_string_free (flat, FALSE);
}

static void
assert_says (const char *body, const char *part, gboolean present)
{
  if ((strstr (body, part) != NULL) != present)
    g_error ("\"%s\" %s in:\n%s", part, present ? "not found" : "unexpectedly found", body);
}

static void
add_empty_zip (GuMessage *msg)
{
  GuDocument *doc = gu_document_new ();
  doc->filename = g_strdup ("vide.zip");
  doc->declared_type = g_strdup ("application/zip");
  doc->flags = GU_DOC_ARCHIVE | GU_DOC_EMPTY;
  g_autoptr (GBytes) bytes = g_bytes_new_static ("PK\x05\x06", 4);
  gu_document_set_content (doc, bytes);
  gu_message_add_document (msg, doc);
}

static void
test_reply_empty_archive (void)
{
  g_autoptr (GuMessage) msg = gu_message_new ();
  add_empty_zip (msg);
  g_autofree char *fr = ack_body ("fr", msg);
  assert_says (fr, "Documents reçus avec ce message (1) : - vide.zip", TRUE);
  assert_says (fr, "Vide : ce fichier ne contient rien (une archive : aucun fichier).", TRUE);
  assert_says (fr, "aucun document", FALSE);
  assert_says (fr, "Non reconnu", FALSE);
  g_autofree char *en = ack_body ("en", msg);
  assert_says (en, "Documents received with this message (1): - vide.zip", TRUE);
  assert_says (en, "Empty: this file holds nothing (an archive: no file).", TRUE);
  assert_says (en, "no document", FALSE);
}

static void
test_reply_truncated (void)
{
  g_autoptr (GuMessage) msg = gu_message_new ();
  msg->truncated = g_strdup ("nesting deeper than 64 levels");
  g_autofree char *fr = ack_body ("fr", msg);
  assert_says (fr, "Une partie de ce message n'a pas pu être lue", TRUE);
  assert_says (fr, "Motif technique : nesting deeper than 64 levels", TRUE);
  assert_says (fr, "aucun document", FALSE);
  g_autofree char *en = ack_body ("en", msg);
  assert_says (en, "Part of this message could not be read", TRUE);
  assert_says (en, "no document", FALSE);
  /* All read: nothing said. */
  g_clear_pointer (&msg->truncated, g_free);
  g_autofree char *plain = ack_body ("fr", msg);
  assert_says (plain, "n'a pas pu être lue", FALSE);
  assert_says (plain, "Ce message ne contenait aucun document.", TRUE);
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);
  gu_parse_init ();
  g_test_add_func ("/integrity/parse/nesting-at-limit", test_nesting_at_limit);
  g_test_add_func ("/integrity/parse/nesting-too-deep", test_nesting_too_deep);
  g_test_add_func ("/integrity/unpack/empty-zips", test_empty_zips);
  g_test_add_func ("/integrity/unpack/empty-gzip", test_empty_gzip);
  g_test_add_func ("/integrity/unpack/non-empty", test_non_empty_archives);
  g_test_add_func ("/integrity/types/flags", test_flags);
  g_test_add_func ("/integrity/reply/empty-archive", test_reply_empty_archive);
  g_test_add_func ("/integrity/reply/truncated", test_reply_truncated);
  int status = g_test_run ();
  gu_parse_shutdown ();
  return status;
}
