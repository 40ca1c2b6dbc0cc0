/* Unit tests of src/unpack: every archive is built here, in memory, with
 * libarchive's writer (one 7z with encrypted headers, which libarchive
 * cannot write, is embedded as bytes made by p7zip). */
#include "config.h"

#include <locale.h>
#include <string.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "core/types.h"
#include "testutil.h"
#include "unpack/unpack.h"

#define MIB (G_GUINT64_CONSTANT (1024) * 1024)

/* ---- Building archives ---- */

typedef struct {
  const char *name;
  const void *data;
  gsize len;            /* data is a NUL-terminated string when 0 */
  unsigned type;        /* AE_IFREG when 0 */
  const char *link;     /* target of a symlink or (with hardlink) a hard link */
  gboolean hardlink;
} Entry;

static la_ssize_t
append_output (struct archive *a, void *client, const void *buf, size_t len)
{
  (void) a;
  g_byte_array_append (client, buf, (guint) len);
  return (la_ssize_t) len;
}

static void
write_entry (struct archive *a, const Entry *e)
{
  struct archive_entry *entry = archive_entry_new ();
  gsize len = e->data == NULL ? 0 : e->len != 0 ? e->len : strlen (e->data);
  archive_entry_set_pathname (entry, e->name);
  archive_entry_set_filetype (entry, e->type != 0 ? e->type : AE_IFREG);
  archive_entry_set_perm (entry, 0644);
  archive_entry_set_mtime (entry, 1580000000, 0);
  if (e->link != NULL && e->hardlink)
    archive_entry_set_hardlink (entry, e->link);
  else if (e->link != NULL)
    archive_entry_set_symlink (entry, e->link);
  archive_entry_set_size (entry, e->type == 0 && !e->hardlink ? (la_int64_t) len : 0);
  g_assert_cmpint (archive_write_header (a, entry), ==, ARCHIVE_OK);
  if (e->type == 0 && !e->hardlink && len > 0)
    g_assert_cmpint (archive_write_data (a, e->data, len), ==, (la_ssize_t) len);
  archive_entry_free (entry);
}

/* format: "zip", "7zip", "paxr"; filter: NULL, "gzip", "bzip2", "xz". */
static GBytes *
build_archive (const char *format, const char *filter, const char *options,
               const char *passphrase, const Entry *entries, gsize n)
{
  struct archive *a = archive_write_new ();
  GByteArray *out = g_byte_array_new ();
  g_assert_cmpint (archive_write_set_format_by_name (a, format), ==, ARCHIVE_OK);
  if (filter != NULL)
    g_assert_cmpint (archive_write_add_filter_by_name (a, filter), ==, ARCHIVE_OK);
  if (options != NULL)
    g_assert_cmpint (archive_write_set_options (a, options), ==, ARCHIVE_OK);
  if (passphrase != NULL)
    g_assert_cmpint (archive_write_set_passphrase (a, passphrase), ==, ARCHIVE_OK);
  archive_write_set_bytes_in_last_block (a, 1);
  g_assert_cmpint (archive_write_open (a, out, NULL, append_output, NULL), ==, ARCHIVE_OK);
  for (gsize i = 0; i < n; i++)
    write_entry (a, &entries[i]);
  g_assert_cmpint (archive_write_close (a), ==, ARCHIVE_OK);
  archive_write_free (a);
  return g_byte_array_free_to_bytes (out);
}

static GBytes *
zip_of_one (const char *name, GBytes *content)
{
  Entry e = { name, g_bytes_get_data (content, NULL), g_bytes_get_size (content), 0, NULL, FALSE };
  return build_archive ("zip", NULL, NULL, NULL, &e, 1);
}

/* Replaces the byte at marker in every occurrence of needle (a zip name
 * appears in the local header and in the central directory). */
static GBytes *
patch_name (GBytes *zip, const char *needle, char marker, guint8 byte)
{
  gsize len;
  guint8 *data = g_bytes_unref_to_data (zip, &len);
  gsize n = strlen (needle);
  guint patched = 0;
  for (gsize i = 0; i + n <= len; i++)
    if (memcmp (data + i, needle, n) == 0)
      {
        data[i + (gsize) (strchr (needle, marker) - needle)] = byte;
        patched++;
      }
  g_assert_cmpuint (patched, ==, 2);
  return g_bytes_new_take (data, len);
}

static GBytes *
random_bytes (gsize len, guint32 seed)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (seed);
  guint8 *data = g_malloc (len);
  for (gsize i = 0; i < len; i++)
    data[i] = (guint8) g_rand_int (rand);
  return g_bytes_new_take (data, len);
}

static gboolean
bytes_contain (GBytes *bytes, const char *needle)
{
  gsize len, n = strlen (needle);
  const guint8 *data = g_bytes_get_data (bytes, &len);
  for (gsize i = 0; i + n <= len; i++)
    if (memcmp (data + i, needle, n) == 0)
      return TRUE;
  return FALSE;
}

/* ---- Running unpack ---- */

static GuLimits
test_limits (void)
{
  GuLimits limits = {
    .max_message_bytes = 50 * MIB,
    .archive_max_entries = 50,
    .archive_max_total_bytes = 4 * MIB,
    .archive_max_entry_bytes = 1 * MIB,
    .archive_max_ratio = 100,
    .archive_max_depth = 3,
    .archive_max_seconds = 30,
  };
  return limits;
}

static GuMessage *
message_with (const char *filename, const char *declared_type, GBytes *content)
{
  GuMessage *msg = gu_message_new ();
  GuDocument *doc = gu_document_new ();
  doc->filename = g_strdup (filename);
  doc->declared_type = g_strdup (declared_type);
  gu_document_set_content (doc, content);
  gu_message_add_document (msg, doc);
  return msg;
}

static GuMessage *
unpack_with (const char *filename, GBytes *content, const GuLimits *limits)
{
  GuMessage *msg = message_with (filename, "application/octet-stream", content);
  gu_unpack_message (msg, limits);
  return msg;
}

static GuMessage *
unpack (const char *filename, GBytes *content)
{
  GuLimits limits = test_limits ();
  return unpack_with (filename, content, &limits);
}

static GuDocument *
doc_at (GuMessage *msg, guint i)
{
  g_assert_cmpuint (i, <, msg->documents->len);
  return g_ptr_array_index (msg->documents, i);
}

static GuDocument *
find_path (GuMessage *msg, const char *archive_path)
{
  for (guint i = 0; i < msg->documents->len; i++)
    {
      GuDocument *doc = g_ptr_array_index (msg->documents, i);
      if (g_strcmp0 (doc->archive_path, archive_path) == 0)
        return doc;
    }
  return NULL;
}

static void
assert_content (const GuDocument *doc, const char *text)
{
  g_assert_nonnull (doc->content);
  g_assert_cmpmem (g_bytes_get_data (doc->content, NULL), g_bytes_get_size (doc->content),
                   text, strlen (text));
}

static void
assert_refused (const GuDocument *doc, const char *reason_start)
{
  g_assert_true (doc->flags & GU_DOC_ARCHIVE);
  g_assert_true (doc->flags & GU_DOC_UNREADABLE);
  g_assert_nonnull (doc->unreadable_reason);
  if (!g_str_has_prefix (doc->unreadable_reason, reason_start))
    g_assert_cmpstr (doc->unreadable_reason, ==, reason_start);
}

static const char pdf_text[] = "%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n%%EOF\n";

/* ---- Tests ---- */

static void
test_zip_utf8_names (void)
{
  Entry entries[] = {
    { "dossier/", NULL, 0, AE_IFDIR, NULL, FALSE },
    { "dossier/Budget pr\xc3\xa9visionnel.txt", "Budget: 10 000 euros\n", 0, 0, NULL, FALSE },
    { "dossier/Pr\xc3\xa9sentation.pdf", pdf_text, 0, 0, NULL, FALSE },
  };
  g_autoptr (GBytes) zip = build_archive ("zip", NULL, NULL, NULL, entries, G_N_ELEMENTS (entries));
  g_autoptr (GuMessage) msg = unpack ("dossier.zip", zip);

  g_assert_cmpuint (msg->documents->len, ==, 3);
  GuDocument *archive = doc_at (msg, 0);
  g_assert_cmpuint (archive->flags, ==, GU_DOC_ARCHIVE);
  g_assert_cmpstr (archive->sniffed_type, ==, "application/zip");
  GuDocument *budget = doc_at (msg, 1);
  g_assert_cmpstr (budget->archive_path, ==, "dossier/Budget pr\xc3\xa9visionnel.txt");
  g_assert_cmpstr (budget->filename, ==, "Budget pr\xc3\xa9visionnel.txt");
  g_assert_cmpint (budget->parent, ==, 0);
  g_assert_cmpint (budget->depth, ==, 1);
  g_assert_cmpuint (budget->flags, ==, 0);
  g_assert_null (budget->declared_type);
  g_assert_cmpstr (budget->sniffed_type, ==, "text/plain");
  assert_content (budget, "Budget: 10 000 euros\n");
  g_assert_cmpuint (strlen (budget->sha256), ==, 64);
  GuDocument *pdf = doc_at (msg, 2);
  g_assert_cmpstr (pdf->filename, ==, "Pr\xc3\xa9sentation.pdf");
  g_assert_cmpstr (pdf->sniffed_type, ==, "application/pdf");
}

/* A name without the UTF-8 flag, as raw bytes: marker '~' patched. */
static char *
unpacked_legacy_name (const char *ascii_name, guint8 byte)
{
  Entry e = { ascii_name, "x", 0, 0, NULL, FALSE };
  GBytes *zip = build_archive ("zip", NULL, NULL, NULL, &e, 1);
  g_autoptr (GBytes) patched = patch_name (zip, ascii_name, '~', byte);
  g_autoptr (GuMessage) msg = unpack ("a.zip", patched);
  g_assert_cmpuint (msg->documents->len, ==, 2);
  g_assert_cmpstr (doc_at (msg, 1)->filename, ==, doc_at (msg, 1)->archive_path);
  return g_strdup (doc_at (msg, 1)->filename);
}

static void
test_zip_legacy_names (void)
{
  /* Windows (CP437/CP850): é is 0x82, É 0x90, è 0x8A. */
  g_autofree char *cp437 = unpacked_legacy_name ("Budget pr~visionnel.xlsx", 0x82);
  g_assert_cmpstr (cp437, ==, "Budget pr\xc3\xa9visionnel.xlsx");
  g_autofree char *capital = unpacked_legacy_name ("~tude.pdf", 0x90);
  g_assert_cmpstr (capital, ==, "\xc3\x89tude.pdf");
  g_autofree char *grave = unpacked_legacy_name ("Pi~ces jointes.pdf", 0x8a);
  g_assert_cmpstr (grave, ==, "Pi\xc3\xa8""ces jointes.pdf");
  /* French Windows' OEM page CP850: À is 0xB7 (box drawing in CP437). */
  g_autofree char *cp850 = unpacked_legacy_name ("~ rendre.pdf", 0xb7);
  g_assert_cmpstr (cp850, ==, "\xc3\x80 rendre.pdf");
  /* Latin-1 from an old Unix zip: é is 0xE9 (Θ in CP437). */
  g_autofree char *latin1 = unpacked_legacy_name ("Budget pr~visionnel.xlsx", 0xe9);
  g_assert_cmpstr (latin1, ==, "Budget pr\xc3\xa9visionnel.xlsx");
  g_autofree char *cedilla = unpacked_legacy_name ("Fa~ade.jpg", 0xe7);
  g_assert_cmpstr (cedilla, ==, "Fa\xc3\xa7""ade.jpg");
}

/* What a Windows tool writes: libarchive's own CP437 name encoding. */
static void
test_zip_cp437_writer (void)
{
  Entry e = { "Budget pr\xc3\xa9visionnel.xlsx", "x", 0, 0, NULL, FALSE };
  g_autoptr (GBytes) zip = build_archive ("zip", NULL, "hdrcharset=CP437", NULL, &e, 1);
  g_assert_true (bytes_contain (zip, "pr\x82vis"));
  g_autoptr (GuMessage) msg = unpack ("a.zip", zip);
  g_assert_cmpuint (msg->documents->len, ==, 2);
  g_assert_cmpstr (doc_at (msg, 1)->filename, ==, "Budget pr\xc3\xa9visionnel.xlsx");
}

static void
test_control_characters_in_names (void)
{
  Entry e = { "evil\nSubject: x.txt", "x", 0, 0, NULL, FALSE };
  g_autoptr (GBytes) zip = build_archive ("zip", NULL, NULL, NULL, &e, 1);
  g_autoptr (GuMessage) msg = unpack ("a.zip", zip);
  g_assert_cmpuint (msg->documents->len, ==, 2);
  g_assert_cmpstr (doc_at (msg, 1)->filename, ==, "evil_Subject: x.txt");
}

static GBytes *
nested_zips (guint levels)
{
  Entry e = { "lettre.txt", "Lettre de soutien\n", 0, 0, NULL, FALSE };
  GBytes *zip = build_archive ("zip", NULL, NULL, NULL, &e, 1);
  for (guint i = 1; i < levels; i++)
    {
      g_autofree char *name = g_strdup_printf ("niveau%u.zip", levels - i);
      GBytes *outer = zip_of_one (name, zip);
      g_bytes_unref (zip);
      zip = outer;
    }
  return zip;
}

static void
test_nested_zip (void)
{
  g_autoptr (GBytes) zip = nested_zips (2);
  g_autoptr (GuMessage) msg = unpack ("outer.zip", zip);
  g_assert_cmpuint (msg->documents->len, ==, 3);
  GuDocument *inner = doc_at (msg, 1);
  g_assert_cmpstr (inner->filename, ==, "niveau1.zip");
  g_assert_cmpuint (inner->flags, ==, GU_DOC_ARCHIVE);
  g_assert_cmpint (inner->parent, ==, 0);
  g_assert_cmpint (inner->depth, ==, 1);
  GuDocument *letter = doc_at (msg, 2);
  g_assert_cmpstr (letter->filename, ==, "lettre.txt");
  g_assert_cmpint (letter->parent, ==, 1);
  g_assert_cmpint (letter->depth, ==, 2);
  assert_content (letter, "Lettre de soutien\n");
}

/* outer ⊃ niveau1 ⊃ niveau2 ⊃ niveau3 ⊃ lettre.txt: niveau3 sits at
 * depth 3 and is not opened. */
static void
test_nesting_too_deep (void)
{
  g_autoptr (GBytes) zip = nested_zips (4);
  g_autoptr (GuMessage) msg = unpack ("outer.zip", zip);
  g_assert_cmpuint (msg->documents->len, ==, 4);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpuint (doc_at (msg, i)->flags, ==, GU_DOC_ARCHIVE);
  GuDocument *deepest = doc_at (msg, 3);
  g_assert_cmpstr (deepest->filename, ==, "niveau3.zip");
  g_assert_cmpint (deepest->depth, ==, 3);
  g_assert_cmpint (deepest->parent, ==, 2);
  g_assert_cmpuint (deepest->flags, ==, GU_DOC_UNREADABLE);
  g_assert_cmpstr (deepest->unreadable_reason, ==, "nesting too deep");
  g_assert_null (find_path (msg, "lettre.txt"));
}

static void
test_ratio_bomb (void)
{
  gsize len = 20 * MIB;
  g_autofree guint8 *zeros = g_malloc0 (len);
  Entry entries[] = {
    { "lisez-moi.txt", "rien\n", 0, 0, NULL, FALSE },
    { "bombe.bin", zeros, len, 0, NULL, FALSE },
  };
  g_autoptr (GBytes) zip = build_archive ("zip", NULL, NULL, NULL, entries, 2);
  g_assert_cmpuint (g_bytes_get_size (zip), <, 100 * 1024);
  GuLimits limits = test_limits ();
  limits.archive_max_entry_bytes = 50 * MIB;
  limits.archive_max_total_bytes = 200 * MIB;
  g_autoptr (GuMessage) msg = unpack_with ("bombe.zip", zip, &limits);
  assert_refused (doc_at (msg, 0), "archive refused: compression ratio above 100:1");
  g_assert_cmpuint (msg->documents->len, ==, 2);
  assert_content (doc_at (msg, 1), "rien\n");
}

/* Stored (ratio 1:1) entries of 256 KiB against a 2 MiB total. */
static void
test_total_bomb (void)
{
  g_autoptr (GBytes) block = random_bytes (256 * 1024, 7);
  Entry entries[20];
  char names[20][16];
  for (guint i = 0; i < G_N_ELEMENTS (entries); i++)
    {
      g_snprintf (names[i], sizeof names[i], "part%02u.bin", i);
      entries[i] = (Entry) { names[i], g_bytes_get_data (block, NULL), g_bytes_get_size (block), 0, NULL, FALSE };
    }
  g_autoptr (GBytes) zip = build_archive ("zip", NULL, "zip:compression=store", NULL,
                                          entries, G_N_ELEMENTS (entries));
  GuLimits limits = test_limits ();
  limits.archive_max_total_bytes = 2 * MIB;
  g_autoptr (GuMessage) msg = unpack_with ("parts.zip", zip, &limits);
  assert_refused (doc_at (msg, 0), "archive refused: more than 2 MiB uncompressed");
  /* Eight whole entries fit; the ninth, being read at the limit, is dropped. */
  g_assert_cmpuint (msg->documents->len, ==, 1 + 8);
  g_assert_cmpuint (g_bytes_get_size (doc_at (msg, 8)->content), ==, 256 * 1024);
}

static void
test_too_many_entries (void)
{
  Entry entries[60];
  char names[60][16];
  for (guint i = 0; i < G_N_ELEMENTS (entries); i++)
    {
      g_snprintf (names[i], sizeof names[i], "f%02u.txt", i);
      entries[i] = (Entry) { names[i], "x", 0, 0, NULL, FALSE };
    }
  g_autoptr (GBytes) zip = build_archive ("zip", NULL, NULL, NULL, entries, G_N_ELEMENTS (entries));
  g_autoptr (GuMessage) msg = unpack ("many.zip", zip);
  assert_refused (doc_at (msg, 0), "archive refused: more than 50 entries");
  g_assert_cmpuint (msg->documents->len, ==, 1 + 50);
}

/* The entry count is shared by nested archives. */
static void
test_entries_counted_across_nesting (void)
{
  Entry entries[30];
  char names[30][16];
  for (guint i = 0; i < G_N_ELEMENTS (entries); i++)
    {
      g_snprintf (names[i], sizeof names[i], "f%02u.txt", i);
      entries[i] = (Entry) { names[i], "x", 0, 0, NULL, FALSE };
    }
  g_autoptr (GBytes) inner = build_archive ("zip", NULL, NULL, NULL, entries, 30);
  Entry outer_entries[] = {
    { "a.zip", g_bytes_get_data (inner, NULL), g_bytes_get_size (inner), 0, NULL, FALSE },
    { "b.zip", g_bytes_get_data (inner, NULL), g_bytes_get_size (inner), 0, NULL, FALSE },
  };
  g_autoptr (GBytes) zip = build_archive ("zip", NULL, NULL, NULL, outer_entries, 2);
  g_autoptr (GuMessage) msg = unpack ("outer.zip", zip);
  g_assert_cmpuint (doc_at (msg, 0)->flags, ==, GU_DOC_ARCHIVE);
  g_assert_cmpuint (find_path (msg, "a.zip")->flags, ==, GU_DOC_ARCHIVE);
  assert_refused (find_path (msg, "b.zip"), "archive refused: more than 50 entries");
}

static void
test_entry_cap (void)
{
  g_autoptr (GBytes) big = random_bytes (MIB + MIB / 2, 11);
  Entry entries[] = {
    { "annexe.bin", g_bytes_get_data (big, NULL), g_bytes_get_size (big), 0, NULL, FALSE },
    { "suite.txt", "suite\n", 0, 0, NULL, FALSE },
  };
  g_autoptr (GBytes) zip = build_archive ("zip", NULL, NULL, NULL, entries, 2);
  g_autoptr (GuMessage) msg = unpack ("annexes.zip", zip);
  g_assert_cmpuint (msg->documents->len, ==, 3);
  g_assert_cmpuint (doc_at (msg, 0)->flags, ==, GU_DOC_ARCHIVE);
  GuDocument *cut = doc_at (msg, 1);
  g_assert_cmpuint (cut->flags, ==, GU_DOC_TRUNCATED);
  g_assert_cmpstr (cut->unreadable_reason, ==, "truncated: entry larger than 1 MiB");
  g_assert_cmpuint (g_bytes_get_size (cut->content), ==, MIB);
  g_assert_cmpmem (g_bytes_get_data (cut->content, NULL), MIB,
                   g_bytes_get_data (big, NULL), MIB);
  assert_content (doc_at (msg, 2), "suite\n");

  /* Stored in a plain tar: ratio 1:1, cut but not refused. */
  g_autoptr (GBytes) tar = build_archive ("paxr", NULL, NULL, NULL, entries, 2);
  g_autoptr (GuMessage) tar_msg = unpack ("annexes.tar", tar);
  g_assert_cmpuint (tar_msg->documents->len, ==, 3);
  g_assert_cmpuint (doc_at (tar_msg, 0)->flags, ==, GU_DOC_ARCHIVE);
  g_assert_cmpuint (doc_at (tar_msg, 1)->flags, ==, GU_DOC_TRUNCATED);
  assert_content (doc_at (tar_msg, 2), "suite\n");
}

static void
test_path_traversal (void)
{
  Entry entries[] = {
    { "../../etc/passwd", "root:x:0:0\n", 0, 0, NULL, FALSE },
    { "/etc/shadow", "root:*:1\n", 0, 0, NULL, FALSE },
    { "C:\\x\\..\\y", "y\n", 0, 0, NULL, FALSE },
    { "..", "dots\n", 0, 0, NULL, FALSE },
  };
  g_autoptr (GBytes) zip = build_archive ("zip", NULL, NULL, NULL, entries, G_N_ELEMENTS (entries));
  g_autofree char *here = g_get_current_dir ();
  g_autofree char *dir = gu_test_tmpdir ();
  g_assert_cmpint (chdir (dir), ==, 0);
  g_autoptr (GuMessage) msg = unpack ("evil.zip", zip);
  g_autoptr (GDir) listing = g_dir_open (dir, 0, NULL);
  g_assert_null (g_dir_read_name (listing));
  g_assert_cmpint (chdir (here), ==, 0);
  gu_test_rmtree (dir);

  g_assert_cmpuint (msg->documents->len, ==, 5);
  g_assert_cmpstr (doc_at (msg, 1)->archive_path, ==, "../../etc/passwd");
  g_assert_cmpstr (doc_at (msg, 1)->filename, ==, "passwd");
  g_assert_cmpstr (doc_at (msg, 2)->archive_path, ==, "/etc/shadow");
  g_assert_cmpstr (doc_at (msg, 2)->filename, ==, "shadow");
  /* libarchive's zip reader turns backslashes into slashes; tar keeps them. */
  g_assert_cmpstr (doc_at (msg, 3)->archive_path, ==, "C:/x/../y");
  g_assert_cmpstr (doc_at (msg, 3)->filename, ==, "y");
  g_assert_cmpstr (doc_at (msg, 4)->filename, ==, "unnamed-entry-4");

  g_autoptr (GBytes) tar = build_archive ("paxr", NULL, NULL, NULL, entries, G_N_ELEMENTS (entries));
  g_autoptr (GuMessage) tar_msg = unpack ("evil.tar", tar);
  g_assert_cmpuint (tar_msg->documents->len, ==, 5);
  g_assert_cmpstr (doc_at (tar_msg, 3)->archive_path, ==, "C:\\x\\..\\y");
  g_assert_cmpstr (doc_at (tar_msg, 3)->filename, ==, "y");
}

static void
test_links_skipped (void)
{
  Entry entries[] = {
    { "lien", NULL, 0, AE_IFLNK, "/etc/passwd", FALSE },
    { "dossier", NULL, 0, AE_IFDIR, NULL, FALSE },
    { "vrai.txt", "contenu\n", 0, 0, NULL, FALSE },
    { "dur.txt", NULL, 0, 0, "vrai.txt", TRUE },
  };
  g_autoptr (GBytes) zip = build_archive ("zip", NULL, NULL, NULL, entries, 3);
  g_autoptr (GuMessage) msg = unpack ("liens.zip", zip);
  g_assert_cmpuint (msg->documents->len, ==, 2);
  assert_content (doc_at (msg, 1), "contenu\n");

  g_autoptr (GBytes) tar = build_archive ("paxr", NULL, NULL, NULL, entries, 4);
  g_autoptr (GuMessage) tar_msg = unpack ("liens.tar", tar);
  g_assert_cmpuint (tar_msg->documents->len, ==, 2);
  g_assert_cmpstr (doc_at (tar_msg, 1)->filename, ==, "vrai.txt");
}

static void
test_encrypted_zip (void)
{
  Entry entries[] = {
    { "secret.pdf", pdf_text, 0, 0, NULL, FALSE },
  };
  g_autoptr (GBytes) zip = build_archive ("zip", NULL, "zip:encryption=zipcrypt", "motdepasse",
                                          entries, 1);
  g_autoptr (GuMessage) msg = unpack ("secret.zip", zip);
  g_assert_cmpuint (msg->documents->len, ==, 2);
  g_assert_cmpuint (doc_at (msg, 0)->flags, ==, GU_DOC_ARCHIVE);
  GuDocument *entry = doc_at (msg, 1);
  g_assert_cmpstr (entry->filename, ==, "secret.pdf");
  /* Protected, not broken: the reply asks for a copy without a password. */
  g_assert_cmpuint (entry->flags, ==, GU_DOC_UNREADABLE | GU_DOC_PROTECTED);
  g_assert_cmpstr (gu_doc_state (entry->flags), ==, "protected");
  g_assert_cmpstr (entry->unreadable_reason, ==, "encrypted");
  g_assert_cmpuint (g_bytes_get_size (entry->content), ==, 0);
}

/* `7z a -pxyz -mhe=on enc.7z a.txt` (p7zip 26.02). */
static const guint8 encrypted_headers_7z[] = {
  0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c, 0x00, 0x04, 0xc5, 0x6e, 0xc0, 0xaa,
  0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x2e, 0x00, 0x00, 0x00,
  0x00, 0x00, 0x00, 0x00, 0x43, 0x72, 0xe7, 0x90, 0x16, 0xf4, 0xc6, 0x3f,
  0xef, 0x5a, 0x41, 0xdc, 0xda, 0x66, 0x84, 0x19, 0x62, 0x71, 0xde, 0x49,
  0x06, 0xd6, 0x5f, 0x0e, 0x2b, 0x2e, 0x36, 0x52, 0x47, 0x01, 0x16, 0xc1,
  0xdb, 0xaf, 0x50, 0xe1, 0x2d, 0x5a, 0xd2, 0x21, 0x9d, 0x9c, 0x6a, 0xab,
  0xe2, 0xc0, 0x6b, 0x2b, 0x26, 0x61, 0x6d, 0xaf, 0x3b, 0x43, 0xe8, 0x1a,
  0x7d, 0x19, 0xfe, 0x86, 0x4d, 0x48, 0x85, 0x8b, 0x81, 0x22, 0x6c, 0xaf,
  0x1b, 0x2e, 0x03, 0xf0, 0xf9, 0x4d, 0x8e, 0x1a, 0xa3, 0xda, 0x5e, 0x66,
  0xc1, 0xbe, 0xbc, 0xe3, 0x29, 0x0b, 0xd6, 0xf2, 0xe5, 0x7b, 0x74, 0xbd,
  0x24, 0x1e, 0x09, 0x26, 0xe5, 0xc3, 0xb7, 0x1a, 0xdb, 0x59, 0x19, 0x2b,
  0x21, 0x4a, 0x24, 0x05, 0x3a, 0x29, 0x50, 0x63, 0x82, 0xb6, 0xfe, 0x5d,
  0xed, 0xe3, 0x98, 0x2a, 0xc6, 0x68, 0x7b, 0x3b, 0x47, 0xca, 0x6f, 0x89,
  0xa0, 0xc7, 0x4f, 0x28, 0x17, 0x06, 0x10, 0x01, 0x09, 0x70, 0x00, 0x07,
  0x0b, 0x01, 0x00, 0x01, 0x24, 0x06, 0xf1, 0x07, 0x01, 0x12, 0x53, 0x0f,
  0x98, 0xfe, 0x1a, 0x2a, 0x93, 0xea, 0x52, 0xfe, 0x0b, 0x42, 0x4f, 0x59,
  0x0b, 0x9a, 0x73, 0x8a, 0x0c, 0x62, 0x0a, 0x01, 0xa9, 0x91, 0xae, 0x2a,
  0x00, 0x00,
};

static void
test_encrypted_7z_headers (void)
{
  g_autoptr (GBytes) sevenz = g_bytes_new_static (encrypted_headers_7z,
                                                  sizeof encrypted_headers_7z);
  g_autoptr (GuMessage) msg = unpack ("secret.7z", sevenz);
  g_assert_cmpuint (msg->documents->len, ==, 1);
  assert_refused (doc_at (msg, 0), "encrypted");
  g_assert_cmpstr (doc_at (msg, 0)->unreadable_reason, ==, "encrypted");
  g_assert_true (doc_at (msg, 0)->flags & GU_DOC_PROTECTED);
  g_assert_true (gu_doc_is_shown (doc_at (msg, 0)->flags));
}

static void
test_truncated_zip (void)
{
  g_autoptr (GBytes) noise = random_bytes (64 * 1024, 3);
  Entry entries[] = {
    { "court.txt", "court\n", 0, 0, NULL, FALSE },
    { "long.bin", g_bytes_get_data (noise, NULL), g_bytes_get_size (noise), 0, NULL, FALSE },
  };
  g_autoptr (GBytes) zip = build_archive ("zip", NULL, NULL, NULL, entries, 2);
  g_autoptr (GBytes) half = g_bytes_new_from_bytes (zip, 0, g_bytes_get_size (zip) / 2);
  g_autoptr (GuMessage) msg = unpack ("coupe.zip", half);
  assert_refused (doc_at (msg, 0), "corrupt: ");
  g_assert_false (doc_at (msg, 0)->flags & GU_DOC_PROTECTED);
  g_assert_cmpuint (msg->documents->len, ==, 2);
  assert_content (doc_at (msg, 1), "court\n");
}

static void
test_not_an_archive_named_zip (void)
{
  g_autoptr (GBytes) noise = random_bytes (4096, 5);
  g_autoptr (GuMessage) msg = unpack ("dossier.zip", noise);
  g_assert_cmpuint (msg->documents->len, ==, 1);
  assert_refused (doc_at (msg, 0), "corrupt: Unrecognized archive format");
}

static void
test_tar_compressed (void)
{
  static const char *const filters[] = { "gzip", "bzip2", "xz", NULL };
  static const char *const names[] = { "d.tar.gz", "d.tar.bz2", "d.txz", "d.tar" };
  Entry entries[] = {
    { "dossier/initiative.txt", "Notre initiative\n", 0, 0, NULL, FALSE },
    { "dossier/budget.pdf", pdf_text, 0, 0, NULL, FALSE },
  };
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr (GBytes) tar = build_archive ("paxr", filters[i], NULL, NULL, entries, 2);
      g_autoptr (GuMessage) msg = unpack (names[i], tar);
      g_assert_cmpuint (msg->documents->len, ==, 3);
      g_assert_cmpuint (doc_at (msg, 0)->flags, ==, GU_DOC_ARCHIVE);
      g_assert_cmpstr (doc_at (msg, 1)->archive_path, ==, "dossier/initiative.txt");
      assert_content (doc_at (msg, 1), "Notre initiative\n");
      g_assert_cmpstr (doc_at (msg, 2)->sniffed_type, ==, "application/pdf");
    }
}

static void
test_7z (void)
{
  Entry entries[] = {
    { "Strat\xc3\xa9gie.txt", "Strat\xc3\xa9gie de d\xc3\xa9ploiement\n", 0, 0, NULL, FALSE },
    { "plan/pluriannuel.pdf", pdf_text, 0, 0, NULL, FALSE },
  };
  g_autoptr (GBytes) sevenz = build_archive ("7zip", NULL, NULL, NULL, entries, 2);
  g_autoptr (GuMessage) msg = unpack ("dossier.7z", sevenz);
  g_assert_cmpstr (doc_at (msg, 0)->sniffed_type, ==, "application/x-7z-compressed");
  g_assert_cmpuint (doc_at (msg, 0)->flags, ==, GU_DOC_ARCHIVE);
  g_assert_cmpuint (msg->documents->len, ==, 3);
  g_assert_cmpstr (find_path (msg, "Strat\xc3\xa9gie.txt")->filename, ==, "Strat\xc3\xa9gie.txt");
  assert_content (find_path (msg, "Strat\xc3\xa9gie.txt"), "Strat\xc3\xa9gie de d\xc3\xa9ploiement\n");
  g_assert_cmpstr (find_path (msg, "plan/pluriannuel.pdf")->filename, ==, "pluriannuel.pdf");
}

/* A bare .gz of a PDF: one entry named after the file. */
static void
test_bare_gzip (void)
{
  Entry e = { "data", pdf_text, 0, 0, NULL, FALSE };
  g_autoptr (GBytes) gz = build_archive ("raw", "gzip", NULL, NULL, &e, 1);
  g_autoptr (GuMessage) msg = unpack ("budget.pdf.gz", gz);
  g_assert_cmpuint (msg->documents->len, ==, 2);
  g_assert_cmpuint (doc_at (msg, 0)->flags, ==, GU_DOC_ARCHIVE);
  g_assert_cmpstr (doc_at (msg, 1)->filename, ==, "budget.pdf");
  g_assert_cmpstr (doc_at (msg, 1)->sniffed_type, ==, "application/pdf");
  assert_content (doc_at (msg, 1), pdf_text);
}

static GBytes *
docx_like (void)
{
  Entry entries[] = {
    { "[Content_Types].xml", "<?xml version=\"1.0\"?><Types/>", 0, 0, NULL, FALSE },
    { "word/document.xml", "<w:document/>", 0, 0, NULL, FALSE },
  };
  return build_archive ("zip", NULL, NULL, NULL, entries, 2);
}

static void
test_ooxml_not_expanded (void)
{
  g_autoptr (GBytes) docx = docx_like ();
  g_autoptr (GuMessage) msg = unpack ("Dossier.DOCX", docx);
  g_assert_cmpuint (msg->documents->len, ==, 1);
  g_assert_cmpuint (doc_at (msg, 0)->flags, ==, 0);

  g_autoptr (GuMessage) typed = message_with ("dossier", "application/vnd.openxmlformats-"
                                              "officedocument.wordprocessingml.document", docx);
  GuLimits limits = test_limits ();
  gu_unpack_message (typed, &limits);
  g_assert_cmpuint (typed->documents->len, ==, 1);
}

/* ---- TNEF (winmail.dat) ----
 * Streams laid out as tests/tools/mktnef.py writes them (which the
 * `tnef` tool reads): message attributes, then per file attAttachRendData,
 * attAttachTitle, attAttachData and attAttachment (MAPI properties). */

static void
tnef_attribute (GByteArray *out, guint8 level, guint32 id, const void *value, gsize len)
{
  guint8 head[9] = { level, id & 0xff, (id >> 8) & 0xff, (id >> 16) & 0xff, id >> 24,
                     len & 0xff, (len >> 8) & 0xff, (len >> 16) & 0xff, (len >> 24) & 0xff };
  guint sum = 0;
  for (gsize i = 0; i < len; i++)
    sum += ((const guint8 *) value)[i];
  guint8 checksum[2] = { sum & 0xff, (sum >> 8) & 0xff };
  g_byte_array_append (out, head, sizeof head);
  g_byte_array_append (out, value, (guint) len);
  g_byte_array_append (out, checksum, 2);
}

static void
append_u32 (GByteArray *b, guint32 v)
{
  guint8 le[4] = { v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >> 24 };
  g_byte_array_append (b, le, 4);
}

/* One MAPI property list: a long property, a named one (to be skipped),
 * and PR_ATTACH_LONG_FILENAME in UTF-16 when long_name is set. */
static GByteArray *
tnef_props (const char *long_name)
{
  GByteArray *b = g_byte_array_new ();
  static const guint8 guid[16] = { 0 };
  append_u32 (b, long_name != NULL ? 3 : 2);
  append_u32 (b, 0x37050003); /* PR_ATTACH_METHOD, PT_LONG */
  append_u32 (b, 1);
  append_u32 (b, 0x80050003); /* a named PT_LONG */
  g_byte_array_append (b, guid, 16);
  append_u32 (b, 0);
  append_u32 (b, 0x8514);
  append_u32 (b, 0);
  if (long_name != NULL)
    {
      glong units;
      g_autofree gunichar2 *w = g_utf8_to_utf16 (long_name, -1, NULL, &units, NULL);
      gsize bytes = (gsize) (units + 1) * 2;
      append_u32 (b, 0x3707001F); /* PR_ATTACH_LONG_FILENAME, PT_UNICODE */
      append_u32 (b, 1);
      append_u32 (b, (guint32) bytes);
      for (glong i = 0; i <= units; i++)
        {
          guint8 le[2] = { w[i] & 0xff, w[i] >> 8 };
          g_byte_array_append (b, le, 2);
        }
      static const guint8 zeros[4] = { 0 };
      g_byte_array_append (b, zeros, (guint) ((4 - bytes % 4) % 4));
    }
  return b;
}

typedef struct {
  const char *title;      /* attAttachTitle, 8-bit (may be Windows-1252) */
  const char *long_name;  /* PR_ATTACH_LONG_FILENAME, or NULL */
  const void *data;
  gsize len;              /* data is a string when 0 */
} TnefFile;

static GBytes *
build_tnef (const TnefFile *files, gsize n)
{
  GByteArray *out = g_byte_array_new ();
  static const guint8 head[6] = { 0x78, 0x9f, 0x3e, 0x22, 0x34, 0x12 };
  static const guint8 version[4] = { 0, 0, 1, 0 };
  static const guint8 rend[14] = { 1, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
  g_byte_array_append (out, head, 6);
  tnef_attribute (out, 1, 0x00089006, version, 4);
  tnef_attribute (out, 1, 0x00078008, "IPM.Microsoft Mail.Note", 24);
  for (gsize i = 0; i < n; i++)
    {
      gsize len = files[i].len != 0 ? files[i].len : strlen (files[i].data);
      g_autoptr (GByteArray) props = tnef_props (files[i].long_name);
      tnef_attribute (out, 2, 0x00069002, rend, sizeof rend);
      tnef_attribute (out, 2, 0x00018010, files[i].title, strlen (files[i].title) + 1);
      tnef_attribute (out, 2, 0x0006800F, files[i].data, len);
      tnef_attribute (out, 2, 0x00069005, props->data, props->len);
    }
  return g_byte_array_free_to_bytes (out);
}

static void
test_tnef_files (void)
{
  Entry inner = { "annexes/lettre.txt", "Lettre de soutien\n", 0, 0, NULL, FALSE };
  g_autoptr (GBytes) zip = build_archive ("zip", NULL, NULL, NULL, &inner, 1);
  TnefFile files[] = {
    { "BUDGET~1.TXT", "Budget prévisionnel été.txt", "Budget de lancement\n", 0 },
    { "ANNEXE~1.ZIP", "annexes.zip", g_bytes_get_data (zip, NULL), g_bytes_get_size (zip) },
  };
  g_autoptr (GBytes) tnef = build_tnef (files, G_N_ELEMENTS (files));
  g_autoptr (GuMessage) msg = message_with ("winmail.dat", "application/ms-tnef", tnef);
  GuLimits limits = test_limits ();
  gu_unpack_message (msg, &limits);
  g_assert_cmpuint (msg->documents->len, ==, 4);
  g_assert_cmpuint (doc_at (msg, 0)->flags, ==, GU_DOC_ARCHIVE);
  g_assert_false (gu_doc_is_shown (doc_at (msg, 0)->flags));
  GuDocument *budget = doc_at (msg, 1);
  g_assert_cmpstr (budget->filename, ==, "Budget prévisionnel été.txt");
  g_assert_cmpstr (budget->archive_path, ==, "Budget prévisionnel été.txt");
  g_assert_cmpint (budget->parent, ==, 0);
  g_assert_cmpint (budget->depth, ==, 1);
  g_assert_cmpuint (budget->flags, ==, 0);
  assert_content (budget, "Budget de lancement\n");
  g_autofree char *sha = g_compute_checksum_for_string (G_CHECKSUM_SHA256, "Budget de lancement\n", -1);
  g_assert_cmpstr (budget->sha256, ==, sha);
  /* A zip inside the winmail.dat is opened like any other. */
  GuDocument *annexes = doc_at (msg, 2);
  g_assert_cmpstr (annexes->filename, ==, "annexes.zip");
  g_assert_cmpuint (annexes->flags, ==, GU_DOC_ARCHIVE);
  GuDocument *letter = doc_at (msg, 3);
  g_assert_cmpstr (letter->filename, ==, "lettre.txt");
  g_assert_cmpint (letter->parent, ==, 2);
  g_assert_cmpint (letter->depth, ==, 2);
  assert_content (letter, "Lettre de soutien\n");
}

/* No long name: the title, in Windows-1252 as old Outlook writes it. Found
 * by its signature whatever it is called. */
static void
test_tnef_title_only (void)
{
  TnefFile file = { "r\xe9sum\xe9.txt", NULL, "CV\n", 0 };
  g_autoptr (GBytes) tnef = build_tnef (&file, 1);
  g_autoptr (GuMessage) msg = unpack ("ATT00001.dat", tnef);
  g_assert_cmpuint (msg->documents->len, ==, 2);
  g_assert_cmpstr (doc_at (msg, 1)->filename, ==, "résumé.txt");
  assert_content (doc_at (msg, 1), "CV\n");
}

static void
test_tnef_empty_and_broken (void)
{
  g_autoptr (GBytes) none = build_tnef (NULL, 0);
  g_autoptr (GuMessage) empty = unpack ("winmail.dat", none);
  g_assert_cmpuint (empty->documents->len, ==, 1);
  g_assert_cmpuint (doc_at (empty, 0)->flags, ==, GU_DOC_ARCHIVE | GU_DOC_EMPTY);
  g_autoptr (GBytes) noise = random_bytes (512, 9);
  g_autoptr (GuMessage) broken = unpack ("winmail.dat", noise);
  g_assert_cmpuint (broken->documents->len, ==, 1);
  assert_refused (doc_at (broken, 0), "corrupt: not a TNEF stream");
}

static void
test_tnef_limits (void)
{
  TnefFile files[] = { { "A.TXT", "a.txt", "a\n", 0 }, { "B.TXT", "b.txt", "b\n", 0 } };
  g_autoptr (GBytes) tnef = build_tnef (files, 2);
  GuLimits limits = test_limits ();
  limits.archive_max_entries = 1;
  g_autoptr (GuMessage) msg = unpack_with ("winmail.dat", tnef, &limits);
  assert_refused (doc_at (msg, 0), "archive refused: more than 1 entries");
  g_assert_cmpuint (msg->documents->len, ==, 2);
  limits = test_limits ();
  limits.archive_max_entry_bytes = 1;
  g_autoptr (GuMessage) cut = unpack_with ("winmail.dat", tnef, &limits);
  g_assert_cmpuint (cut->documents->len, ==, 3);
  g_assert_cmpuint (doc_at (cut, 1)->flags, ==, GU_DOC_TRUNCATED);
  assert_content (doc_at (cut, 1), "a");
}

/* Every prefix of a stream, and the stream with each byte changed: never
 * a read out of bounds (AddressSanitizer watches), never a file that was
 * not wholly there. */
static void
test_tnef_every_cut (void)
{
  TnefFile files[] = { { "A.TXT", "premier.txt", "premier fichier\n", 0 },
                       { "B.TXT", "second.txt", "second fichier\n", 0 } };
  g_autoptr (GBytes) tnef = build_tnef (files, 2);
  gsize len;
  const guint8 *data = g_bytes_get_data (tnef, &len);
  gsize corrupt = 0;
  for (gsize cut = 0; cut < len; cut++)
    {
      g_autoptr (GBytes) prefix = g_bytes_new (data, cut);
      g_autoptr (GuMessage) msg = unpack ("winmail.dat", prefix);
      /* TNEF has no end marker: a cut between attributes reads as a
       * shorter stream. Anywhere else it is corrupt. */
      GuDocument *winmail = doc_at (msg, 0);
      if (winmail->flags & GU_DOC_UNREADABLE)
        g_assert_true (g_str_has_prefix (winmail->unreadable_reason, "corrupt: "));
      else
        g_assert_cmpuint (winmail->flags & ~GU_DOC_EMPTY, ==, GU_DOC_ARCHIVE);
      corrupt += (winmail->flags & GU_DOC_UNREADABLE) != 0;
      for (guint i = 1; i < msg->documents->len; i++)
        assert_content (doc_at (msg, i), i == 1 ? "premier fichier\n" : "second fichier\n");
    }
  /* 10 attributes after the header: only their ends are clean cuts. */
  g_assert_cmpuint (corrupt, ==, len - 10);
  for (gsize at = 0; at < len; at++)
    {
      guint8 *copy = g_memdup2 (data, len);
      copy[at] ^= 0xa5;
      g_autoptr (GBytes) changed = g_bytes_new_take (copy, len);
      g_autoptr (GuMessage) msg = unpack ("winmail.dat", changed);
      g_assert_cmpuint (msg->documents->len, <=, 3);
    }
}

static void
test_is_archive (void)
{
  static const struct {
    const char *filename, *declared, *sniffed;
    gboolean archive;
  } cases[] = {
    { "a.zip", NULL, NULL, TRUE },
    { "A.TAR.GZ", NULL, NULL, TRUE },
    { "a.tgz", NULL, "application/octet-stream", TRUE },
    { "a.tar.bz2", NULL, NULL, TRUE },
    { "a.tar.xz", NULL, NULL, TRUE },
    { "a.7z", NULL, NULL, TRUE },
    { "a.rar", NULL, NULL, TRUE },
    { "piece", "application/x-zip-compressed", NULL, TRUE },
    { "piece", NULL, "application/x-rar", TRUE },
    { "piece", NULL, "application/vnd.rar", TRUE },
    { "piece", NULL, "application/x-xz", TRUE },
    { "a.pdf", NULL, "application/zip", TRUE },
    { "a.zip", NULL, "application/pdf", FALSE },
    { "a.docx", NULL, "application/zip", FALSE },
    { "a.xlsx", "application/zip", NULL, FALSE },
    { "a.odt", NULL, NULL, FALSE },
    { "a.ods", NULL, NULL, FALSE },
    { "a.pptx", NULL, NULL, FALSE },
    { "a.jar", NULL, "application/zip", FALSE },
    { "a.epub", NULL, "application/zip", FALSE },
    { "piece", NULL, "application/vnd.oasis.opendocument.text", FALSE },
    { "a.pdf", "application/pdf", NULL, FALSE },
    { NULL, NULL, NULL, FALSE },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GuDocument) doc = gu_document_new ();
      doc->filename = g_strdup (cases[i].filename);
      doc->declared_type = g_strdup (cases[i].declared);
      doc->sniffed_type = g_strdup (cases[i].sniffed);
      if (gu_unpack_is_archive (doc) != cases[i].archive)
        g_error ("case %" G_GSIZE_FORMAT " (%s): expected %d", i, cases[i].filename,
                 cases[i].archive);
    }
}

static void
test_time_limit (void)
{
  Entry e = { "a.txt", "a", 0, 0, NULL, FALSE };
  g_autoptr (GBytes) zip = build_archive ("zip", NULL, NULL, NULL, &e, 1);
  GuLimits limits = test_limits ();
  limits.archive_max_seconds = 0;
  g_usleep (1000);
  g_autoptr (GuMessage) msg = unpack_with ("a.zip", zip, &limits);
  assert_refused (doc_at (msg, 0), "archive refused: took more than 0 s");
}

/* A second call finds everything done and adds nothing. */
static void
test_idempotent (void)
{
  g_autoptr (GBytes) zip = nested_zips (2);
  g_autoptr (GuMessage) msg = unpack ("outer.zip", zip);
  GuLimits limits = test_limits ();
  gu_unpack_message (msg, &limits);
  g_assert_cmpuint (msg->documents->len, ==, 3);
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/unpack/zip/utf8-names", test_zip_utf8_names);
  g_test_add_func ("/unpack/zip/legacy-names", test_zip_legacy_names);
  g_test_add_func ("/unpack/zip/cp437-writer", test_zip_cp437_writer);
  g_test_add_func ("/unpack/zip/control-characters", test_control_characters_in_names);
  g_test_add_func ("/unpack/nested", test_nested_zip);
  g_test_add_func ("/unpack/nesting-too-deep", test_nesting_too_deep);
  g_test_add_func ("/unpack/limits/ratio", test_ratio_bomb);
  g_test_add_func ("/unpack/limits/total", test_total_bomb);
  g_test_add_func ("/unpack/limits/entries", test_too_many_entries);
  g_test_add_func ("/unpack/limits/entries-nested", test_entries_counted_across_nesting);
  g_test_add_func ("/unpack/limits/entry-size", test_entry_cap);
  g_test_add_func ("/unpack/limits/time", test_time_limit);
  g_test_add_func ("/unpack/path-traversal", test_path_traversal);
  g_test_add_func ("/unpack/links-skipped", test_links_skipped);
  g_test_add_func ("/unpack/encrypted/zip", test_encrypted_zip);
  g_test_add_func ("/unpack/encrypted/7z-headers", test_encrypted_7z_headers);
  g_test_add_func ("/unpack/corrupt/truncated-zip", test_truncated_zip);
  g_test_add_func ("/unpack/corrupt/not-an-archive", test_not_an_archive_named_zip);
  g_test_add_func ("/unpack/tar", test_tar_compressed);
  g_test_add_func ("/unpack/7z", test_7z);
  g_test_add_func ("/unpack/bare-gzip", test_bare_gzip);
  g_test_add_func ("/unpack/ooxml-not-expanded", test_ooxml_not_expanded);
  g_test_add_func ("/unpack/is-archive", test_is_archive);
  g_test_add_func ("/unpack/idempotent", test_idempotent);
  g_test_add_func ("/unpack/tnef/files", test_tnef_files);
  g_test_add_func ("/unpack/tnef/title-only", test_tnef_title_only);
  g_test_add_func ("/unpack/tnef/empty-and-broken", test_tnef_empty_and_broken);
  g_test_add_func ("/unpack/tnef/limits", test_tnef_limits);
  g_test_add_func ("/unpack/tnef/every-cut", test_tnef_every_cut);
  return g_test_run ();
}
