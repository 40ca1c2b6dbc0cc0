/* Archives -> documents, with limits. Nothing here touches the file
 * system: archives are read from memory and entry names are labels.
 *
 * What each limit does (doc/ARCHITECTURE.md, "Bad input"):
 *  - more than archive_max_entries headers in one archive tree (the
 *    archive and every archive nested in it; directories and links count):
 *    the archive being read is refused (GU_DOC_UNREADABLE, "archive
 *    refused: more than N entries");
 *  - more than archive_max_total_bytes decompressed in one tree, a
 *    compression ratio above archive_max_ratio for one archive (checked
 *    once it has produced more than RATIO_FLOOR bytes, so small files
 *    never trip it), or more than archive_max_seconds for the tree: the
 *    archive is refused the same way;
 *  - an entry above archive_max_entry_bytes: the entry is kept, cut at the
 *    limit, with GU_DOC_TRUNCATED and a reason; its remainder is still
 *    decompressed (and discarded) so that the other limits keep counting;
 *  - an archive at depth >= archive_max_depth is not opened: it is kept
 *    as a document flagged unreadable, "nesting too deep".
 * An archive read to the end that held no file (no entries, only folders
 * or links, a .gz of nothing) gets GU_DOC_EMPTY: with no entries to show
 * it by, it is shown itself, so that the applicant sees it arrived empty.
 * When an archive is refused or found corrupt, the entries read before
 * are kept and the entry being read is dropped (it is the suspect).
 * Entries get no declared_type: an archive declares none, and classify
 * has the sniffed type and the filename.
 *
 * The message budgets (message_max_documents, message_max_unpacked_bytes)
 * hold across every tree of one message, MIME parts first: an archive
 * limit bounds one archive, and four bombs just under it were 646 MB. Past
 * a budget nothing more is added: a MIME part is kept by name without its
 * content (the raw message still holds it), the entry being read is kept
 * empty, and an archive whose remaining entries are skipped (or that is
 * never opened) is flagged; all with "not read: message budget (…)".
 * Unpacked bytes are counted as decompressed, nested archives again at
 * each level, so what is stored is never more. */
#include "config.h"

#include <string.h>
#include <wchar.h>

#include <archive.h>
#include <archive_entry.h>

#include "unpack/tnef-private.h"
#include "unpack/unpack.h"
#include "util/sniff.h"

#define CHUNK_BYTES (64 * 1024)
/* Below this output the ratio is not checked: a 10 KiB text file of
 * spaces compresses 100:1 and is no bomb. */
#define RATIO_FLOOR_BYTES (G_GUINT64_CONSTANT (1024) * 1024)

/* Zip (or compressed) containers that are documents in their own right:
 * classify reads them whole, unpack leaves them alone. */
static const char *const document_suffixes[] = {
  ".docx", ".docm", ".dotx", ".dotm", ".xlsx", ".xlsm", ".xltx", ".xltm",
  ".pptx", ".pptm", ".ppsx", ".potx", ".odt", ".ods", ".odp", ".odg",
  ".odf", ".ott", ".ots", ".otp", ".jar", ".epub", ".apk", ".xpi", ".vsdx",
};

static const char *const document_type_prefixes[] = {
  "application/vnd.openxmlformats-",
  "application/vnd.oasis.opendocument.",
  "application/vnd.ms-word.",
  "application/vnd.ms-excel.",
  "application/vnd.ms-powerpoint.",
  "application/java-archive",
  "application/epub+zip",
  "application/vnd.android.package-archive",
};

static const char *const archive_types[] = {
  "application/zip", "application/x-zip", "application/x-zip-compressed",
  "application/x-7z-compressed", "application/x-tar", "application/x-gtar",
  "application/x-ustar", "application/gzip", "application/x-gzip",
  "application/x-compressed-tar", "application/x-bzip2", "application/x-xz",
  "application/x-rar", "application/x-rar-compressed", "application/vnd.rar",
};

/* Bare .gz/.bz2/.xz included: they open as one entry (see open_raw). */
static const char *const archive_suffixes[] = {
  ".zip", ".7z", ".tar", ".tgz", ".tbz", ".tbz2", ".txz", ".rar",
  ".gz", ".bz2", ".xz",
};

/* Compression suffixes dropped to name the single entry of a bare .gz. */
static const char *const compressor_suffixes[] = { ".gz", ".bz2", ".xz" };

static gboolean
has_suffix_ci (const char *name, const char *suffix)
{
  gsize n = strlen (name), s = strlen (suffix);
  return n > s && g_ascii_strcasecmp (name + n - s, suffix) == 0;
}

static gboolean
suffix_in (const char *name, const char *const *list, gsize len)
{
  if (name == NULL)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (has_suffix_ci (name, list[i]))
      return TRUE;
  return FALSE;
}

static gboolean
type_in (const char *type, const char *const *list, gsize len, gboolean prefix)
{
  if (type == NULL)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (prefix ? g_ascii_strncasecmp (type, list[i], strlen (list[i])) == 0
               : g_ascii_strcasecmp (type, list[i]) == 0)
      return TRUE;
  return FALSE;
}

static const char *
doc_name (const GuDocument *doc)
{
  return doc->filename != NULL ? doc->filename : doc->archive_path;
}

static gboolean
is_zipped_document (const GuDocument *doc)
{
  return suffix_in (doc_name (doc), document_suffixes, G_N_ELEMENTS (document_suffixes))
    || type_in (doc->declared_type, document_type_prefixes,
                G_N_ELEMENTS (document_type_prefixes), TRUE)
    || type_in (doc->sniffed_type, document_type_prefixes,
                G_N_ELEMENTS (document_type_prefixes), TRUE);
}

static gboolean
is_vague_type (const char *type)
{
  return type == NULL || g_ascii_strcasecmp (type, "application/octet-stream") == 0;
}

/* Outlook's winmail.dat: by its signature, else by what it says it is
 * (so that a broken one is flagged, not classified by name). */
static gboolean
is_tnef (const GuDocument *doc)
{
  static const char *const tnef_types[] = { "application/ms-tnef", "application/vnd.ms-tnef" };
  gsize len = 0;
  const guint8 *data = doc->content != NULL ? g_bytes_get_data (doc->content, &len) : NULL;
  const char *name = doc_name (doc);
  return gu_tnef_has_signature (data, len)
    || type_in (doc->declared_type, tnef_types, G_N_ELEMENTS (tnef_types), FALSE)
    || type_in (doc->sniffed_type, tnef_types, G_N_ELEMENTS (tnef_types), FALSE)
    || (name != NULL && g_ascii_strcasecmp (name, "winmail.dat") == 0);
}

gboolean
gu_unpack_is_archive (const GuDocument *doc)
{
  if (is_tnef (doc))
    return TRUE;
  if (is_zipped_document (doc))
    return FALSE;
  if (type_in (doc->sniffed_type, archive_types, G_N_ELEMENTS (archive_types), FALSE))
    return TRUE;
  /* libmagic recognised something else: the content wins over the name. */
  if (!is_vague_type (doc->sniffed_type))
    return FALSE;
  return type_in (doc->declared_type, archive_types, G_N_ELEMENTS (archive_types), FALSE)
    || suffix_in (doc_name (doc), archive_suffixes, G_N_ELEMENTS (archive_suffixes));
}

/* ---- Entry names: labels, always valid UTF-8 ---- */

/* A name lands in replies and the digest: control characters (a newline
 * in a zip name) become '_'. */
static char *
clean_label (const char *utf8)
{
  GString *s = g_string_sized_new (strlen (utf8));
  for (const char *p = utf8; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if (c < 0x20 || (c >= 0x7f && c < 0xa0))
        g_string_append_c (s, '_');
      else
        g_string_append_unichar (s, c);
    }
  return g_string_free (s, FALSE);
}

/* How much a decoding looks like a Western European file name: accented
 * Latin letters score, a capital right after a small letter ("prÚvu")
 * does not, anything else (box drawing, Greek, punctuation) costs. */
static int
legacy_name_score (const char *utf8)
{
  int score = 0;
  gboolean after_lower = FALSE;
  for (const char *p = utf8; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      gboolean accented = c >= 0xc0 && c <= 0x17f && c != 0xd7 && c != 0xf7;
      if (c >= 0x80)
        {
          if (accented && g_unichar_islower (c))
            score += 3;
          else if (accented && !after_lower)
            score += 2;
          else if (!accented)
            score -= 1;
        }
      after_lower = g_unichar_islower (c);
    }
  return score;
}

/* Zip names without the UTF-8 flag are bytes in some code page. The zip
 * spec says CP437; French Windows writes its OEM page, CP850 (same small
 * accented letters, but capitals where CP437 has box drawing); Linux and
 * macOS tools of old wrote Latin-1/Windows-1252. libarchive's
 * hdrcharset=CP437 would mangle the latter, so we read the raw bytes and
 * keep the most plausible decoding; ties go to the earlier candidate. */
static char *
decode_legacy_name (const char *raw)
{
  static const char *const charsets[] = { "CP437", "WINDOWS-1252", "CP850" };
  char *best = NULL;
  int best_score = G_MININT;
  for (gsize i = 0; i < G_N_ELEMENTS (charsets); i++)
    {
      char *utf8 = g_convert (raw, -1, "UTF-8", charsets[i], NULL, NULL, NULL);
      if (utf8 == NULL)
        continue;
      int score = legacy_name_score (utf8);
      if (score > best_score)
        {
          g_free (best);
          best = utf8;
          best_score = score;
        }
      else
        g_free (utf8);
    }
  return best != NULL ? best : g_utf8_make_valid (raw, -1);
}

static char *
wide_name_to_utf8 (const wchar_t *w)
{
  if (w == NULL || sizeof (wchar_t) != sizeof (gunichar))
    return NULL;
  char *utf8 = g_ucs4_to_utf8 ((const gunichar *) w, -1, NULL, NULL, NULL);
  if (utf8 != NULL && *utf8 == '\0')
    g_clear_pointer (&utf8, g_free);
  return utf8;
}

/* Returns the entry's name as UTF-8 (newly allocated), or NULL when it
 * has none. archive_entry_pathname gives the raw bytes of an unflagged
 * zip name under a UTF-8 locale (and _utf8 gives NULL for them). */
static char *
entry_name_utf8 (struct archive_entry *entry)
{
  const char *utf8 = archive_entry_pathname_utf8 (entry);
  if (utf8 != NULL && *utf8 != '\0' && g_utf8_validate (utf8, -1, NULL))
    return g_strdup (utf8);
  const char *raw = archive_entry_pathname (entry);
  if (raw != NULL && *raw != '\0')
    return g_utf8_validate (raw, -1, NULL) ? g_strdup (raw) : decode_legacy_name (raw);
  return wide_name_to_utf8 (archive_entry_pathname_w (entry));
}

static char *
entry_label (struct archive_entry *entry, guint nth)
{
  g_autofree char *name = entry_name_utf8 (entry);
  if (name == NULL)
    return g_strdup_printf ("unnamed-entry-%u", nth);
  return clean_label (name);
}

/* The last component after '/' or '\\' (Windows tools write both). */
static char *
last_component (const char *label, guint nth)
{
  g_autofree char *trimmed = g_strdup (label);
  gsize len = strlen (trimmed);
  while (len > 0 && (trimmed[len - 1] == '/' || trimmed[len - 1] == '\\'))
    trimmed[--len] = '\0';
  const char *start = trimmed;
  for (const char *p = trimmed; *p != '\0'; p++)
    if (*p == '/' || *p == '\\')
      start = p + 1;
  if (*start == '\0' || strcmp (start, ".") == 0 || strcmp (start, "..") == 0)
    return g_strdup_printf ("unnamed-entry-%u", nth);
  return g_strdup (start);
}

/* ---- Limits ---- */

/* Shared by every archive of one message (and its MIME parts). A
 * budget of 0 is none, as in the parse worker's limits. reason, once
 * set, is the budget that ran out: nothing more is read. */
typedef struct {
  const GuLimits *limits;
  guint documents;
  guint64 bytes;
  char *reason;         /* "not read: message budget (…)" */
  char *overrun;        /* the line for msg->overruns: which budget */
  GPtrArray *not_read;  /* of char*: names of what was flagged */
} MessageBudget;

/* Shared by an archive and every archive nested in it. */
typedef struct {
  const GuLimits *limits;
  guint entries;
  guint64 total_bytes;
  gint64 deadline;  /* monotonic microseconds */
  MessageBudget *message;
} TreeBudget;

/* One open archive. stop_reason, once set, ends the reading of this
 * archive and becomes its unreadable_reason. */
typedef struct {
  struct archive *a;
  TreeBudget *budget;
  guint64 produced;  /* bytes this archive decompressed, for its ratio */
  guint nth;         /* headers seen, to name unnamed entries */
  guint documents;   /* entry documents made */
  char *stop_reason;
  guint8 *chunk;
} Reader;

/* Reasons are stored and shown to applicants: plain ASCII, no locale
 * (g_format_size would give "2,0\u00a0Mio" in French). */
static char *
size_text (guint64 bytes)
{
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0)
    return g_strdup_printf ("%" G_GUINT64_FORMAT " MiB", bytes / (1024 * 1024));
  if (bytes >= 1024 && bytes % 1024 == 0)
    return g_strdup_printf ("%" G_GUINT64_FORMAT " KiB", bytes / 1024);
  return g_strdup_printf ("%" G_GUINT64_FORMAT " bytes", bytes);
}

/* ---- The message's budgets ---- */

static void
budget_run_out (MessageBudget *m, const char *what)
{
  m->reason = g_strdup_printf ("not read: message budget (%s)", what);
  m->overrun = g_strdup_printf ("message budget: more than %s", what);
}

/* Counts one more document; FALSE (the budget run out) when it may not be. */
static gboolean
budget_takes_document (MessageBudget *m)
{
  guint max = m->limits->message_max_documents;
  if (m->reason != NULL)
    return FALSE;
  if (max != 0 && m->documents >= max)
    {
      g_autofree char *what = g_strdup_printf ("%u documents", max);
      budget_run_out (m, what);
      return FALSE;
    }
  m->documents++;
  return TRUE;
}

static gboolean
budget_takes_bytes (MessageBudget *m, guint64 n)
{
  guint64 max = m->limits->message_max_unpacked_bytes;
  if (m->reason != NULL)
    return FALSE;
  if (max != 0 && n > max - m->bytes)
    {
      g_autofree char *size = size_text (max);
      g_autofree char *what = g_strdup_printf ("%s unpacked", size);
      budget_run_out (m, what);
      return FALSE;
    }
  m->bytes += n;
  return TRUE;
}

static void flag_unreadable (GuDocument *doc, const char *reason);

/* partly: an archive whose first entries were read. */
static void
flag_not_read (MessageBudget *m, GuDocument *doc, gboolean partly)
{
  const char *name = doc_name (doc) != NULL ? doc_name (doc) : "unnamed document";
  flag_unreadable (doc, m->reason);
  g_ptr_array_add (m->not_read, partly ? g_strdup_printf ("the rest of %s", name) : g_strdup (name));
}

/* The msg->overruns line: the budget, then what it left unread (the
 * first names and how many more). */
static char *
overrun_line (const MessageBudget *m)
{
  GString *s = g_string_new (m->overrun);
  g_string_append (s, "; not read: ");
  for (guint i = 0; i < m->not_read->len && i < 5; i++)
    g_string_append_printf (s, "%s%s", i ? ", " : "", (char *) g_ptr_array_index (m->not_read, i));
  if (m->not_read->len > 5)
    g_string_append_printf (s, " and %u more", m->not_read->len - 5);
  return g_string_free (s, FALSE);
}

static gboolean
ratio_exceeded (Reader *r)
{
  la_int64_t consumed = archive_filter_bytes (r->a, -1);
  guint ratio = r->budget->limits->archive_max_ratio;
  if (r->produced <= RATIO_FLOOR_BYTES || consumed <= 0)
    return FALSE;
  return ratio == 0 || r->produced / ratio > (guint64) consumed;
}

/* Sets stop_reason and returns FALSE when an archive-level limit is hit. */
static gboolean
within_limits (Reader *r)
{
  const GuLimits *limits = r->budget->limits;
  if (r->budget->total_bytes > limits->archive_max_total_bytes)
    {
      g_autofree char *max = size_text (limits->archive_max_total_bytes);
      r->stop_reason = g_strdup_printf ("archive refused: more than %s uncompressed", max);
    }
  else if (ratio_exceeded (r))
    r->stop_reason = g_strdup_printf ("archive refused: compression ratio above %u:1",
                                      limits->archive_max_ratio);
  else if (g_get_monotonic_time () > r->budget->deadline)
    r->stop_reason = g_strdup_printf ("archive refused: took more than %u s",
                                      limits->archive_max_seconds);
  return r->stop_reason == NULL;
}

static char *
corrupt_reason (struct archive *a)
{
  const char *msg = archive_error_string (a);
  return g_strdup_printf ("corrupt: %s", msg != NULL ? msg : "unknown error");
}

/* ---- Reading ---- */

/* RAR: applicants on Windows do send .rar, and refusing them means a
 * resubmission. libarchive's RAR readers have had CVEs; Debian 12 ships
 * the fixes as security updates (3.6.2-1+deb12uN), and every read here
 * is bounded in bytes and time; doc/ARCHITECTURE.md asks for a fuzz target of this
 * module (tests/fuzz/), which should include RAR inputs. Drop the
 * two rar lines to refuse RAR (it then reads as "corrupt: Unrecognized
 * archive format"). The raw format is never enabled alongside the others:
 * with it everything would "open". */
static struct archive *
new_archive_reader (gboolean raw)
{
  struct archive *a = archive_read_new ();
  if (raw)
    {
      archive_read_support_format_raw (a);
      /* The raw format bids only on some data: a .gz of nothing would
       * read as "Unrecognized archive format", a corrupt file. A corrupt
       * stream still fails in the decompressing filter. */
      archive_read_support_format_empty (a);
    }
  else
    {
      archive_read_support_format_zip (a);
      archive_read_support_format_7zip (a);
      archive_read_support_format_tar (a);
      archive_read_support_format_rar (a);
      archive_read_support_format_rar5 (a);
    }
  archive_read_support_filter_gzip (a);
  archive_read_support_filter_bzip2 (a);
  archive_read_support_filter_xz (a);
  return a;
}

/* Fills out with the entry's data, up to the per-entry cap; cut is set
 * when the entry was longer. Returns FALSE when the whole archive must
 * stop (stop_reason set); entry_error is set when only this entry failed. */
static gboolean
read_entry_data (Reader *r, GByteArray *out, gboolean *cut, char **entry_error)
{
  guint64 cap = r->budget->limits->archive_max_entry_bytes;
  for (;;)
    {
      la_ssize_t n = archive_read_data (r->a, r->chunk, CHUNK_BYTES);
      if (n == 0)
        return TRUE;
      if (n < 0)
        {
          char *reason = corrupt_reason (r->a);
          if (n == ARCHIVE_FATAL)
            r->stop_reason = reason;
          else
            *entry_error = reason;
          return n != ARCHIVE_FATAL;
        }
      if (!budget_takes_bytes (r->budget->message, (guint64) n))
        {
          r->stop_reason = g_strdup (r->budget->message->reason);
          return FALSE;
        }
      r->produced += (guint64) n;
      r->budget->total_bytes += (guint64) n;
      guint64 room = cap > out->len ? cap - out->len : 0;
      if ((guint64) n > room)
        *cut = TRUE;
      g_byte_array_append (out, r->chunk, (guint) MIN ((guint64) n, room));
      if (!within_limits (r))
        return FALSE;
    }
}

static void expand_archive (GuMessage *msg, int index, TreeBudget *budget);

static GuDocument *
new_entry_document (GuMessage *msg, int parent, const char *label, const char *filename)
{
  const GuDocument *archive = g_ptr_array_index (msg->documents, parent);
  GuDocument *doc = gu_document_new ();
  doc->parent = parent;
  doc->depth = archive->depth + 1;
  doc->archive_path = g_strdup (label);
  doc->filename = g_strdup (filename);
  return doc;
}

static void
set_content (GuDocument *doc, GBytes *bytes)
{
  gsize len;
  const void *data = g_bytes_get_data (bytes, &len);
  gu_document_set_content (doc, bytes);
  doc->sniffed_type = gu_sniff_type (data, len);
}

/* An entry we cannot read: kept, empty, flagged, so the applicant hears
 * which file it was. */
static void
add_unreadable_entry (GuMessage *msg, int parent, const char *label,
                      const char *filename, const char *reason)
{
  GuDocument *doc = new_entry_document (msg, parent, label, filename);
  g_autoptr (GBytes) empty = g_bytes_new (NULL, 0);
  set_content (doc, empty);
  flag_unreadable (doc, reason);
  gu_message_add_document (msg, doc);
}

static void
add_read_entry (GuMessage *msg, int parent, const char *label, const char *filename,
                GByteArray *data, gboolean cut, TreeBudget *budget)
{
  GuDocument *doc = new_entry_document (msg, parent, label, filename);
  g_autoptr (GBytes) bytes = g_byte_array_free_to_bytes (data);
  set_content (doc, bytes);
  if (cut)
    {
      g_autofree char *max = size_text (budget->limits->archive_max_entry_bytes);
      doc->flags |= GU_DOC_TRUNCATED;
      doc->unreadable_reason = g_strdup_printf ("truncated: entry larger than %s", max);
    }
  int index = gu_message_add_document (msg, doc);
  /* A cut archive would only read as corrupt. */
  if (!cut && gu_unpack_is_archive (doc))
    expand_archive (msg, index, budget);
}

/* Reads one regular-file entry into a new document. Returns FALSE when
 * the archive must stop. */
static gboolean
read_regular_entry (Reader *r, GuMessage *msg, int parent, struct archive_entry *entry,
                    const char *raw_name)
{
  g_autofree char *label = raw_name != NULL ? g_strdup (raw_name) : entry_label (entry, r->nth);
  g_autofree char *filename = last_component (label, r->nth);
  r->documents++;
  if (archive_entry_is_encrypted (entry))
    {
      add_unreadable_entry (msg, parent, label, filename, "encrypted");
      return TRUE;
    }
  GByteArray *data = g_byte_array_new ();
  gboolean cut = FALSE;
  g_autofree char *entry_error = NULL;
  if (!read_entry_data (r, data, &cut, &entry_error))
    {
      g_byte_array_unref (data);
      /* Out of budget, this entry is no suspect: named, not dropped. */
      if (r->budget->message->reason != NULL)
        {
          add_unreadable_entry (msg, parent, label, filename, r->budget->message->reason);
          g_ptr_array_add (r->budget->message->not_read, g_strdup (label));
        }
      return FALSE;
    }
  if (entry_error != NULL)
    {
      g_byte_array_unref (data);
      add_unreadable_entry (msg, parent, label, filename, entry_error);
      return TRUE;
    }
  add_read_entry (msg, parent, label, filename, data, cut, r->budget);
  /* A nested archive spent the budget: this one stops too. */
  if (r->budget->message->reason != NULL)
    {
      r->stop_reason = g_strdup (r->budget->message->reason);
      return FALSE;
    }
  return TRUE;
}

/* A 7z with encrypted headers (or any archive whose first header is
 * refused while libarchive has seen encryption) fails as a whole. */
static char *
header_failure_reason (Reader *r)
{
  if (r->documents == 0 && archive_read_has_encrypted_entries (r->a) > 0)
    return g_strdup ("encrypted");
  return corrupt_reason (r->a);
}

/* Reads every header; raw_name names the single entry of a bare .gz. */
static void
read_entries (Reader *r, GuMessage *msg, int parent, const char *raw_name)
{
  const GuLimits *limits = r->budget->limits;
  struct archive_entry *entry;
  int status;
  while ((status = archive_read_next_header (r->a, &entry)) != ARCHIVE_EOF)
    {
      if (status == ARCHIVE_FATAL)
        {
          r->stop_reason = header_failure_reason (r);
          return;
        }
      r->nth++;
      if (++r->budget->entries > limits->archive_max_entries)
        {
          r->stop_reason = g_strdup_printf ("archive refused: more than %u entries",
                                            limits->archive_max_entries);
          return;
        }
      if (!within_limits (r))
        return;
      /* ARCHIVE_FAILED (or RETRY): this header only; libarchive moves on. Links,
       * devices and folders carry nothing to read (a tar hard link is
       * AE_IFREG with a target: skipped too). */
      if (status < ARCHIVE_WARN || archive_entry_filetype (entry) != AE_IFREG
          || archive_entry_hardlink (entry) != NULL)
        continue;
      if (!budget_takes_document (r->budget->message))
        {
          r->stop_reason = g_strdup (r->budget->message->reason);
          return;
        }
      if (!read_regular_entry (r, msg, parent, entry, raw_name))
        return;
    }
}

/* The name of the single entry of a bare compressed file: "cv.pdf.gz"
 * holds "cv.pdf". */
static char *
raw_entry_name (const GuDocument *archive)
{
  const char *name = doc_name (archive);
  if (name == NULL)
    return g_strdup ("data");
  g_autofree char *base = last_component (name, 1);
  for (gsize i = 0; i < G_N_ELEMENTS (compressor_suffixes); i++)
    if (has_suffix_ci (base, compressor_suffixes[i]))
      return g_strndup (base, strlen (base) - strlen (compressor_suffixes[i]));
  return g_strdup (base);
}

static gboolean
is_compressed_stream (GBytes *content)
{
  gsize len;
  const guint8 *p = g_bytes_get_data (content, &len);
  return (len >= 2 && p[0] == 0x1f && p[1] == 0x8b)
    || (len >= 3 && memcmp (p, "BZh", 3) == 0)
    || (len >= 6 && memcmp (p, "\xfd" "7zXZ\0", 6) == 0);
}

/* Opens and reads one archive. Returns NULL when it read to the end,
 * else the archive's unreadable reason (newly allocated). */
static char *
read_archive (GuMessage *msg, int index, TreeBudget *budget, gboolean raw)
{
  GuDocument *doc = g_ptr_array_index (msg->documents, index);
  gsize len;
  const void *data = g_bytes_get_data (doc->content, &len);
  Reader r = { .a = new_archive_reader (raw), .budget = budget };
  g_autofree char *raw_name = raw ? raw_entry_name (doc) : NULL;
  /* Handed over in chunks: libarchive counts a block as consumed only
   * when the next one is asked for, and one block of the whole buffer
   * would keep archive_filter_bytes at 0 (a stored tar would then look
   * like a bomb). */
  if (archive_read_open_memory2 (r.a, data, len, CHUNK_BYTES) < ARCHIVE_WARN)
    r.stop_reason = corrupt_reason (r.a);
  else
    {
      r.chunk = g_malloc (CHUNK_BYTES);
      read_entries (&r, msg, index, raw_name);
      g_free (r.chunk);
    }
  archive_read_free (r.a);
  return r.stop_reason;
}

/* "encrypted" is what libarchive's readers tell us of a password (an
 * entry's flag, or a 7z whose headers are encrypted): the file is fine,
 * the applicant only has to send it without one. */
/* The files of a TNEF stream become entries, under the same limits as
 * an archive's (its data is stored, not compressed: no ratio). Returns
 * NULL when it read to the end, else the unreadable reason. */
static char *
read_tnef (GuMessage *msg, int index, TreeBudget *budget)
{
  const GuLimits *limits = budget->limits;
  MessageBudget *m = budget->message;
  GBytes *content = ((GuDocument *) g_ptr_array_index (msg->documents, index))->content;
  gsize len;
  const guint8 *data = g_bytes_get_data (content, &len);
  char *corrupt = NULL;
  g_autoptr (GPtrArray) files = gu_tnef_read (data, len, limits->archive_max_entries, &corrupt);
  for (guint i = 0; i < files->len; i++)
    {
      const GuTnefFile *f = g_ptr_array_index (files, i);
      g_autofree char *label = f->name != NULL ? clean_label (f->name) : g_strdup_printf ("unnamed-entry-%u", i + 1);
      g_autofree char *filename = last_component (label, i + 1);
      char *stop = NULL;
      if (++budget->entries > limits->archive_max_entries)
        stop = g_strdup_printf ("archive refused: more than %u entries", limits->archive_max_entries);
      else if (!budget_takes_document (m))
        stop = g_strdup (m->reason);
      else if (!budget_takes_bytes (m, f->len))
        {
          add_unreadable_entry (msg, index, label, filename, m->reason);
          g_ptr_array_add (m->not_read, g_strdup (label));
          stop = g_strdup (m->reason);
        }
      else if ((budget->total_bytes += f->len) > limits->archive_max_total_bytes)
        {
          g_autofree char *max = size_text (limits->archive_max_total_bytes);
          stop = g_strdup_printf ("archive refused: more than %s uncompressed", max);
        }
      if (stop != NULL)
        {
          g_free (corrupt);
          return stop;
        }
      gsize keep = (gsize) MIN ((guint64) f->len, limits->archive_max_entry_bytes);
      GByteArray *bytes = g_byte_array_sized_new ((guint) keep);
      g_byte_array_append (bytes, f->data, (guint) keep);
      add_read_entry (msg, index, label, filename, bytes, keep < f->len, budget);
      if (m->reason != NULL)
        {
          g_free (corrupt);
          return g_strdup (m->reason);
        }
    }
  return corrupt;
}

static void
flag_unreadable (GuDocument *doc, const char *reason)
{
  doc->flags |= GU_DOC_UNREADABLE;
  if (strcmp (reason, "encrypted") == 0)
    doc->flags |= GU_DOC_PROTECTED;
  if (doc->unreadable_reason == NULL)
    doc->unreadable_reason = g_strdup (reason);
}

/* Flags an archive once read: reason is why it stopped (NULL: read to
 * the end), before the document count when it started. */
static void
settle_archive (GuMessage *msg, int index, guint before, const char *reason, MessageBudget *m)
{
  GuDocument *doc = g_ptr_array_index (msg->documents, index);
  if (reason != NULL && m->reason != NULL && strcmp (reason, m->reason) == 0)
    flag_not_read (m, doc, msg->documents->len > before);
  else if (reason != NULL)
    flag_unreadable (doc, reason);
  else if (msg->documents->len == before)
    doc->flags |= GU_DOC_EMPTY;
}

/* Expands msg->documents[index], appending its entries (and, depth
 * first, those of the archives inside it). Indexes, not pointers, name
 * the archive: the array grows while we read. */
static void
expand_archive (GuMessage *msg, int index, TreeBudget *budget)
{
  GuDocument *doc = g_ptr_array_index (msg->documents, index);
  MessageBudget *m = budget->message;
  if (m->reason != NULL)
    {
      flag_not_read (m, doc, FALSE);
      return;
    }
  if ((guint) doc->depth >= budget->limits->archive_max_depth)
    {
      flag_unreadable (doc, "nesting too deep");
      return;
    }
  doc->flags |= GU_DOC_ARCHIVE;
  guint before = msg->documents->len;
  if (is_tnef (doc))
    {
      g_autofree char *reason = read_tnef (msg, index, budget);
      settle_archive (msg, index, before, reason, m);
      return;
    }
  g_autofree char *reason = read_archive (msg, index, budget, FALSE);
  /* Not a container format, but gzip/bzip2/xz data: one compressed file. */
  if (reason != NULL && g_str_has_suffix (reason, "Unrecognized archive format")
      && is_compressed_stream (doc->content))
    {
      g_free (reason);
      reason = read_archive (msg, index, budget, TRUE);
    }
  settle_archive (msg, index, before, reason, m);
}

static gboolean
needs_expanding (GuDocument *doc)
{
  if (doc->parent != -1 || doc->content == NULL
      || (doc->flags & (GU_DOC_ARCHIVE | GU_DOC_UNREADABLE)) != 0)
    return FALSE;
  /* The type decides, and parse may not have sniffed yet. */
  if (doc->sniffed_type == NULL)
    {
      gsize len;
      const void *data = g_bytes_get_data (doc->content, &len);
      doc->sniffed_type = gu_sniff_type (data, len);
    }
  return gu_unpack_is_archive (doc);
}

/* The message's own parts spend the budgets first: they are what the
 * applicant attached, and they are already decoded. A part past a budget
 * keeps its name, not its content. */
static void
budget_parts (GuMessage *msg, MessageBudget *m)
{
  for (guint i = 0; i < msg->documents->len; i++)
    {
      GuDocument *doc = g_ptr_array_index (msg->documents, i);
      gsize len = doc->content != NULL ? g_bytes_get_size (doc->content) : 0;
      if (budget_takes_document (m) && budget_takes_bytes (m, len))
        continue;
      g_autoptr (GBytes) empty = g_bytes_new (NULL, 0);
      gu_document_set_content (doc, empty);
      flag_not_read (m, doc, FALSE);
    }
}

void
gu_unpack_message (GuMessage *msg, const GuLimits *limits)
{
  MessageBudget message = { .limits = limits, .not_read = g_ptr_array_new_with_free_func (g_free) };
  budget_parts (msg, &message);
  /* Entries of an archive are expanded as they are read (expand_archive
   * recurses), so only the message's own parts start a tree here. */
  guint parts = msg->documents->len;
  for (guint i = 0; i < parts; i++)
    {
      GuDocument *doc = g_ptr_array_index (msg->documents, i);
      if (!needs_expanding (doc))
        continue;
      TreeBudget budget = {
        .limits = limits,
        .deadline = g_get_monotonic_time ()
                    + (gint64) limits->archive_max_seconds * G_USEC_PER_SEC,
        .message = &message,
      };
      expand_archive (msg, (int) i, &budget);
    }
  if (message.reason != NULL)
    g_ptr_array_add (msg->overruns, overrun_line (&message));
  g_free (message.reason);
  g_free (message.overrun);
  g_ptr_array_unref (message.not_read);
}
