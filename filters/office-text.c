/* office-text: text of an OOXML (docx, xlsx, pptx) or ODF (odt, ods, odp)
 * document read on stdin, as UTF-8 on stdout.
 *
 * Paragraphs end with a newline, table and sheet cells with a tab, pages,
 * slides and sheets are separated by a form feed, and every sheet starts
 * with a line "[sheet] NAME" so that classification can see sheet names.
 * Exit status: 0 text written, 1 I/O error, 2 not an OOXML/ODF zip,
 * 3 a size limit was hit. Runs under the limits of the filter runner
 * (src/classify/extract.c); the caps here only keep memory proportional
 * to what an honest document needs. */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>
#include <glib.h>

#define CAP_INPUT (100u << 20)   /* the zip itself */
#define CAP_PART (64u << 20)     /* one XML part, decompressed */
#define CAP_TOTAL (256u << 20)   /* all XML parts kept */
#define CAP_SPACES 64            /* <text:s text:c="N"/> */

/* 65 (EX_DATAERR) tells the runner the document itself cannot be read
 * (filters/filters.map); other failures are ours, not the document's. */
enum { EXIT_IO = 1, EXIT_FORMAT = 65, EXIT_LIMIT = 3 };

static G_GNUC_NORETURN void
die (int status, const char *message)
{
  fprintf (stderr, "office-text: %s\n", message);
  exit (status);
}

/* ---- output with rows and cells ---- */

typedef struct {
  GString *text;
  GArray *row_starts;  /* text->len where each open row began */
  int cell_depth;
} Out;

static void
row_begin (Out *o)
{
  gsize start = o->text->len;
  g_array_append_val (o->row_starts, start);
}

/* Drops the trailing cell separators of a row, and the row itself when
 * empty (sheets have thousands of formatted but empty rows). */
static void
row_end (Out *o)
{
  if (o->row_starts->len == 0)
    return;
  gsize start = g_array_index (o->row_starts, gsize, o->row_starts->len - 1);
  g_array_set_size (o->row_starts, o->row_starts->len - 1);
  gsize len = o->text->len;
  while (len > start && (o->text->str[len - 1] == '\t' || o->text->str[len - 1] == ' '))
    len--;
  g_string_truncate (o->text, len);
  if (len > start)
    g_string_append_c (o->text, '\n');
}

static void
cell_end (Out *o)
{
  if (o->cell_depth > 0)
    o->cell_depth--;
  while (o->text->len > 0 && o->text->str[o->text->len - 1] == ' ')
    g_string_truncate (o->text, o->text->len - 1);
  g_string_append_c (o->text, '\t');
}

/* Several paragraphs in one cell stay on the row's line. */
static void
para_end (Out *o)
{
  g_string_append_c (o->text, o->cell_depth > 0 ? ' ' : '\n');
}

static void
sheet_header (Out *o, guint index, const char *name)
{
  if (index > 0)
    g_string_append_c (o->text, '\f');
  g_string_append (o->text, "[sheet] ");
  for (const char *p = name != NULL ? name : ""; *p != '\0'; p++)
    g_string_append_c (o->text, *p == '\n' || *p == '\r' || *p == '\t' ? ' ' : *p);
  g_string_append_c (o->text, '\n');
}

/* ---- XML helpers ---- */

/* Element names are matched without their prefix: prefixes are only
 * conventional (w:, a:, text:), generators may choose others. */
static const char *
local_name (const char *qname)
{
  const char *colon = strrchr (qname, ':');
  return colon != NULL ? colon + 1 : qname;
}

static gboolean
is (const char *qname, const char *local)
{
  return strcmp (local_name (qname), local) == 0;
}

static const char *
attr (const char **names, const char **values, const char *local)
{
  for (guint i = 0; names[i] != NULL; i++)
    if (is (names[i], local))
      return values[i];
  return NULL;
}

static const char *
parent_name (GMarkupParseContext *ctx)
{
  const GSList *stack = g_markup_parse_context_get_element_stack (ctx);
  return stack != NULL && stack->next != NULL ? stack->next->data : "";
}

/* Parses one part; a malformed part keeps the text found before the
 * error (a truncated document still says something). */
static void
parse_part (const GMarkupParser *parser, gpointer state, GBytes *part, const char *name)
{
  if (part == NULL)
    return;
  gsize len = 0;
  const char *xml = g_bytes_get_data (part, &len);
  if (xml == NULL || len == 0)
    return;
  GError *error = NULL;
  GMarkupParseContext *ctx = g_markup_parse_context_new (parser, G_MARKUP_TREAT_CDATA_AS_TEXT, state, NULL);
  if (!g_markup_parse_context_parse (ctx, xml, (gssize) len, &error)
      || !g_markup_parse_context_end_parse (ctx, &error))
    {
      fprintf (stderr, "office-text: %s: %s\n", name, error->message);
      g_error_free (error);
    }
  g_markup_parse_context_free (ctx);
}

/* ---- OOXML text: Word parts and PowerPoint slides ---- */

typedef struct {
  Out *out;
  int in_t;
  int skip;  /* depth inside a subtree whose text is a duplicate */
} OoxmlText;

static void
ooxml_start (GMarkupParseContext *ctx, const char *name, const char **names, const char **values,
             gpointer data, GError **error)
{
  OoxmlText *s = data;
  if (s->skip > 0 || is (name, "Fallback"))
    {
      /* mc:Fallback repeats the mc:Choice content (text boxes) */
      s->skip++;
      return;
    }
  if (is (name, "t"))
    s->in_t++;
  else if (is (name, "tab") && is (parent_name (ctx), "r"))  /* not w:tabs/w:tab stops */
    g_string_append_c (s->out->text, '\t');
  else if (is (name, "br") || is (name, "cr"))
    {
      const char *type = attr (names, values, "type");
      g_string_append_c (s->out->text, type != NULL && strcmp (type, "page") == 0 ? '\f' : '\n');
    }
  else if (is (name, "tr"))
    row_begin (s->out);
  else if (is (name, "tc"))
    s->out->cell_depth++;
}

static void
ooxml_end (GMarkupParseContext *ctx, const char *name, gpointer data, GError **error)
{
  OoxmlText *s = data;
  if (s->skip > 0)
    s->skip--;
  else if (is (name, "t"))
    s->in_t--;
  else if (is (name, "p"))
    para_end (s->out);
  else if (is (name, "tc"))
    cell_end (s->out);
  else if (is (name, "tr"))
    row_end (s->out);
}

static void
ooxml_text (GMarkupParseContext *ctx, const char *text, gsize len, gpointer data, GError **error)
{
  OoxmlText *s = data;
  if (s->skip == 0 && s->in_t > 0)
    g_string_append_len (s->out->text, text, (gssize) len);
}

static const GMarkupParser ooxml_parser = { ooxml_start, ooxml_end, ooxml_text, NULL, NULL };

static void
ooxml_text_part (Out *out, GBytes *part, const char *name)
{
  OoxmlText s = { .out = out };
  parse_part (&ooxml_parser, &s, part, name);
}

/* ---- the zip ---- */

typedef struct {
  GHashTable *parts;  /* name -> GBytes */
  gsize total;
} Parts;

static gboolean
has_number_suffix (const char *name, const char *prefix)
{
  if (!g_str_has_prefix (name, prefix) || !g_str_has_suffix (name, ".xml"))
    return FALSE;
  const char *p = name + strlen (prefix);
  const char *end = name + strlen (name) - 4;
  for (; p < end; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  return TRUE;
}

/* Only the XML parts that hold text: images and embedded objects are
 * skipped unread. */
static gboolean
wanted (const char *name)
{
  static const char *const exact[] = {
    "mimetype", "content.xml", "META-INF/manifest.xml", "word/document.xml", "word/footnotes.xml", "word/endnotes.xml",
    "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/sharedStrings.xml", NULL,
  };
  for (guint i = 0; exact[i] != NULL; i++)
    if (strcmp (name, exact[i]) == 0)
      return TRUE;
  return has_number_suffix (name, "word/header") || has_number_suffix (name, "word/footer")
    || (g_str_has_prefix (name, "xl/worksheets/") && g_str_has_suffix (name, ".xml")
        && strchr (name + strlen ("xl/worksheets/"), '/') == NULL)
    || has_number_suffix (name, "ppt/slides/slide");
}

/* Counts the bytes really read: declared sizes lie (LIBRARIES.md). */
static GBytes *
read_entry (struct archive *a, Parts *parts)
{
  GByteArray *buf = g_byte_array_new ();
  char chunk[65536];
  la_ssize_t n;
  while ((n = archive_read_data (a, chunk, sizeof chunk)) > 0)
    {
      if (buf->len + (gsize) n > CAP_PART || parts->total + buf->len + (gsize) n > CAP_TOTAL)
        die (EXIT_LIMIT, "document parts too large");
      g_byte_array_append (buf, (const guint8 *) chunk, (guint) n);
    }
  if (n < 0)
    {
      fprintf (stderr, "office-text: %s\n", archive_error_string (a));
      g_byte_array_unref (buf);
      return NULL;
    }
  parts->total += buf->len;
  return g_byte_array_free_to_bytes (buf);
}

static const char *
entry_name (struct archive_entry *entry)
{
  const char *name = archive_entry_pathname_utf8 (entry);
  return name != NULL ? name : archive_entry_pathname (entry);
}

static void
read_parts (GBytes *zip, Parts *parts)
{
  struct archive *a = archive_read_new ();
  archive_read_support_format_zip (a);
  gsize len = 0;
  const void *data = g_bytes_get_data (zip, &len);
  if (archive_read_open_memory (a, data, len) != ARCHIVE_OK)
    die (EXIT_FORMAT, "not a zip file");
  struct archive_entry *entry;
  int r;
  while ((r = archive_read_next_header (a, &entry)) == ARCHIVE_OK || r == ARCHIVE_WARN)
    {
      const char *name = entry_name (entry);
      if (name == NULL || archive_entry_filetype (entry) != AE_IFREG || archive_entry_is_encrypted (entry)
          || !wanted (name) || g_hash_table_contains (parts->parts, name))
        continue;
      GBytes *bytes = read_entry (a, parts);
      if (bytes != NULL)
        g_hash_table_insert (parts->parts, g_strdup (name), bytes);
    }
  if (r != ARCHIVE_EOF)
    fprintf (stderr, "office-text: %s\n", archive_error_string (a));
  archive_read_free (a);
}

static GBytes *
part (Parts *parts, const char *name)
{
  return g_hash_table_lookup (parts->parts, name);
}

static gint
compare_numbered (gconstpointer a, gconstpointer b)
{
  const char *x = *(const char *const *) a, *y = *(const char *const *) b;
  gsize px = strcspn (x, "0123456789"), py = strcspn (y, "0123456789");
  int c = strncmp (x, y, MIN (px, py));
  if (c != 0 || px != py)
    return c != 0 ? c : (px < py ? -1 : 1);
  unsigned long nx = strtoul (x + px, NULL, 10), ny = strtoul (y + py, NULL, 10);
  return nx < ny ? -1 : nx > ny ? 1 : strcmp (x, y);
}

/* Names of the parts "PREFIX<digits>.xml", in numeric order (slide10
 * after slide9). Free the array only; names belong to parts. */
static GPtrArray *
numbered (Parts *parts, const char *prefix)
{
  GPtrArray *names = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;
  g_hash_table_iter_init (&iter, parts->parts);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (has_number_suffix (key, prefix))
      g_ptr_array_add (names, key);
  g_ptr_array_sort (names, compare_numbered);
  return names;
}

/* ---- Word and PowerPoint ---- */

static void
docx_text (Parts *parts, Out *out)
{
  static const char *const prefixes[] = { "word/header", "word/footer", NULL };
  ooxml_text_part (out, part (parts, "word/document.xml"), "word/document.xml");
  for (guint i = 0; prefixes[i] != NULL; i++)
    {
      g_autoptr (GPtrArray) names = numbered (parts, prefixes[i]);
      for (guint j = 0; j < names->len; j++)
        ooxml_text_part (out, part (parts, names->pdata[j]), names->pdata[j]);
    }
  ooxml_text_part (out, part (parts, "word/footnotes.xml"), "word/footnotes.xml");
  ooxml_text_part (out, part (parts, "word/endnotes.xml"), "word/endnotes.xml");
}

static void
pptx_text (Parts *parts, Out *out)
{
  g_autoptr (GPtrArray) names = numbered (parts, "ppt/slides/slide");
  for (guint i = 0; i < names->len; i++)
    {
      if (i > 0)
        g_string_append_c (out->text, '\f');
      ooxml_text_part (out, part (parts, names->pdata[i]), names->pdata[i]);
    }
}

/* ---- Excel ---- */

typedef struct {
  GHashTable *targets;  /* relationship id -> part name */
} Rels;

static void
rels_start (GMarkupParseContext *ctx, const char *name, const char **names, const char **values,
            gpointer data, GError **error)
{
  Rels *s = data;
  const char *id = attr (names, values, "Id"), *target = attr (names, values, "Target");
  if (!is (name, "Relationship") || id == NULL || target == NULL)
    return;
  /* targets are relative to xl/, or absolute within the package */
  char *path = target[0] == '/' ? g_strdup (target + 1) : g_strconcat ("xl/", target, NULL);
  g_hash_table_replace (s->targets, g_strdup (id), path);
}

static const GMarkupParser rels_parser = { rels_start, NULL, NULL, NULL, NULL };

typedef struct {
  GPtrArray *names;  /* sheet names, workbook order */
  GPtrArray *ids;    /* their r:id */
} Workbook;

static void
workbook_start (GMarkupParseContext *ctx, const char *name, const char **names, const char **values,
                gpointer data, GError **error)
{
  Workbook *s = data;
  if (!is (name, "sheet"))
    return;
  const char *rid = NULL;
  for (guint i = 0; names[i] != NULL; i++)
    if (strchr (names[i], ':') != NULL && is (names[i], "id"))  /* r:id, not sheetId */
      rid = values[i];
  const char *sheet_name = attr (names, values, "name");
  g_ptr_array_add (s->names, g_strdup (sheet_name != NULL ? sheet_name : ""));
  g_ptr_array_add (s->ids, g_strdup (rid != NULL ? rid : ""));
}

static const GMarkupParser workbook_parser = { workbook_start, NULL, NULL, NULL, NULL };

typedef struct {
  GPtrArray *strings;
  GString *current;  /* the <si> being read */
  int in_t, skip;
} SharedStrings;

static void
sst_start (GMarkupParseContext *ctx, const char *name, const char **names, const char **values,
           gpointer data, GError **error)
{
  SharedStrings *s = data;
  if (s->skip > 0 || is (name, "rPh"))  /* phonetic reading: not the text */
    s->skip++;
  else if (is (name, "si"))
    s->current = g_string_new (NULL);
  else if (is (name, "t"))
    s->in_t++;
}

static void
sst_end (GMarkupParseContext *ctx, const char *name, gpointer data, GError **error)
{
  SharedStrings *s = data;
  if (s->skip > 0)
    s->skip--;
  else if (is (name, "t"))
    s->in_t--;
  else if (is (name, "si") && s->current != NULL)
    {
      g_ptr_array_add (s->strings, g_string_free (s->current, FALSE));
      s->current = NULL;
    }
}

static void
sst_text (GMarkupParseContext *ctx, const char *text, gsize len, gpointer data, GError **error)
{
  SharedStrings *s = data;
  if (s->skip == 0 && s->in_t > 0 && s->current != NULL)
    g_string_append_len (s->current, text, (gssize) len);
}

static const GMarkupParser sst_parser = { sst_start, sst_end, sst_text, NULL, NULL };

typedef struct {
  Out *out;
  GPtrArray *strings;
  GString *value;    /* the <c> being read */
  char *type;        /* its t= attribute */
  int in_v, in_t, skip;
} Sheet;

static void
sheet_start (GMarkupParseContext *ctx, const char *name, const char **names, const char **values,
             gpointer data, GError **error)
{
  Sheet *s = data;
  if (s->skip > 0 || is (name, "rPh"))
    s->skip++;
  else if (is (name, "row"))
    row_begin (s->out);
  else if (is (name, "c"))
    {
      g_free (s->type);
      s->type = g_strdup (attr (names, values, "t"));
      g_string_truncate (s->value, 0);
    }
  else if (is (name, "v"))
    s->in_v++;
  else if (is (name, "t"))  /* inline string: <is><t> */
    s->in_t++;
}

static void
cell_value (Sheet *s)
{
  const char *text = s->value->str;
  if (g_strcmp0 (s->type, "s") == 0)
    {
      char *end = NULL;
      guint64 index = g_ascii_strtoull (text, &end, 10);
      text = end != text && index < s->strings->len ? s->strings->pdata[index] : "";
    }
  g_string_append (s->out->text, text);
  g_string_append_c (s->out->text, '\t');
}

static void
sheet_end (GMarkupParseContext *ctx, const char *name, gpointer data, GError **error)
{
  Sheet *s = data;
  if (s->skip > 0)
    s->skip--;
  else if (is (name, "v"))
    s->in_v--;
  else if (is (name, "t"))
    s->in_t--;
  else if (is (name, "c"))
    cell_value (s);
  else if (is (name, "row"))
    row_end (s->out);
}

static void
sheet_text (GMarkupParseContext *ctx, const char *text, gsize len, gpointer data, GError **error)
{
  Sheet *s = data;
  if (s->skip == 0 && (s->in_v > 0 || s->in_t > 0))
    g_string_append_len (s->value, text, (gssize) len);
}

static const GMarkupParser sheet_parser = { sheet_start, sheet_end, sheet_text, NULL, NULL };

static void
xlsx_sheet (Parts *parts, Out *out, GPtrArray *strings, const char *name)
{
  Sheet s = { .out = out, .strings = strings, .value = g_string_new (NULL) };
  parse_part (&sheet_parser, &s, part (parts, name), name);
  while (out->row_starts->len > 0)  /* a truncated sheet */
    row_end (out);
  g_string_free (s.value, TRUE);
  g_free (s.type);
}

/* Sheets in workbook order, each found through the workbook's
 * relationships; without them, sheetN.xml is assumed for the Nth. */
static void
xlsx_text (Parts *parts, Out *out)
{
  Rels rels = { g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free) };
  Workbook book = { g_ptr_array_new_with_free_func (g_free), g_ptr_array_new_with_free_func (g_free) };
  SharedStrings sst = { .strings = g_ptr_array_new_with_free_func (g_free) };
  parse_part (&rels_parser, &rels, part (parts, "xl/_rels/workbook.xml.rels"), "xl/_rels/workbook.xml.rels");
  parse_part (&workbook_parser, &book, part (parts, "xl/workbook.xml"), "xl/workbook.xml");
  parse_part (&sst_parser, &sst, part (parts, "xl/sharedStrings.xml"), "xl/sharedStrings.xml");
  if (sst.current != NULL)
    g_string_free (sst.current, TRUE);
  for (guint i = 0; i < book.names->len; i++)
    {
      sheet_header (out, i, book.names->pdata[i]);
      const char *target = g_hash_table_lookup (rels.targets, book.ids->pdata[i]);
      g_autofree char *guess = g_strdup_printf ("xl/worksheets/sheet%u.xml", i + 1);
      xlsx_sheet (parts, out, sst.strings, target != NULL ? target : guess);
    }
  g_hash_table_unref (rels.targets);
  g_ptr_array_unref (book.names);
  g_ptr_array_unref (book.ids);
  g_ptr_array_unref (sst.strings);
}

/* ---- OpenDocument ---- */

typedef struct {
  Out *out;
  gboolean in_body;
  char kind[16];  /* text, spreadsheet, presentation, drawing */
  int para, skip;
  guint tables, pages;
} Odf;

static void
odf_start_body (Odf *s, const char *name, const char **names, const char **values)
{
  if (is (name, "table") && strcmp (s->kind, "spreadsheet") == 0)
    sheet_header (s->out, s->tables++, attr (names, values, "name"));
  else if (is (name, "page"))
    {
      if (s->pages++ > 0)
        g_string_append_c (s->out->text, '\f');
    }
  else if (is (name, "table-row"))
    row_begin (s->out);
  else if (is (name, "table-cell") || is (name, "covered-table-cell"))
    s->out->cell_depth++;
  else if (is (name, "p") || is (name, "h"))
    s->para++;
  else if (s->para > 0 && is (name, "s"))
    {
      const char *count = attr (names, values, "c");
      gint64 n = count != NULL ? CLAMP (g_ascii_strtoll (count, NULL, 10), 1, CAP_SPACES) : 1;
      for (gint64 i = 0; i < n; i++)
        g_string_append_c (s->out->text, ' ');
    }
  else if (s->para > 0 && is (name, "tab"))
    g_string_append_c (s->out->text, '\t');
  else if (s->para > 0 && is (name, "line-break"))
    g_string_append_c (s->out->text, s->out->cell_depth > 0 ? ' ' : '\n');
}

static void
odf_start (GMarkupParseContext *ctx, const char *name, const char **names, const char **values,
           gpointer data, GError **error)
{
  Odf *s = data;
  /* deleted text of tracked changes, and citation marks of notes */
  if (s->skip > 0 || is (name, "tracked-changes") || is (name, "note-citation"))
    s->skip++;
  else if (is (name, "body"))
    s->in_body = TRUE;
  else if (s->in_body && is (parent_name (ctx), "body"))
    g_strlcpy (s->kind, local_name (name), sizeof s->kind);
  else if (s->in_body)
    odf_start_body (s, name, names, values);
}

static void
odf_end (GMarkupParseContext *ctx, const char *name, gpointer data, GError **error)
{
  Odf *s = data;
  if (s->skip > 0)
    s->skip--;
  else if (is (name, "body"))
    s->in_body = FALSE;
  else if (!s->in_body)
    return;
  else if (is (name, "p") || is (name, "h"))
    {
      s->para--;
      para_end (s->out);
    }
  else if (is (name, "table-cell") || is (name, "covered-table-cell"))
    cell_end (s->out);
  else if (is (name, "table-row"))
    row_end (s->out);
}

/* Whitespace in ODF text is collapsible: real spaces, tabs and breaks
 * are elements (text:s, text:tab, text:line-break). */
static void
odf_text_cb (GMarkupParseContext *ctx, const char *text, gsize len, gpointer data, GError **error)
{
  Odf *s = data;
  if (s->skip > 0 || !s->in_body || s->para <= 0)
    return;
  for (gsize i = 0; i < len; i++)
    g_string_append_c (s->out->text, text[i] == '\n' || text[i] == '\r' || text[i] == '\t' ? ' ' : text[i]);
}

static const GMarkupParser odf_parser = { odf_start, odf_end, odf_text_cb, NULL, NULL };

static void
odf_text (Parts *parts, Out *out)
{
  Odf s = { .out = out };
  parse_part (&odf_parser, &s, part (parts, "content.xml"), "content.xml");
  while (out->row_starts->len > 0)
    row_end (out);
}

/* ---- documents saved with a password ---- */

/* The first stderr line of a protected document (src/classify/extract.h,
 * GU_FILTER_PROTECTED_PREFIX), with the runner's exit status. */
static G_GNUC_NORETURN void
die_protected (const char *what)
{
  fprintf (stderr, "protected: %s protected by a password\n", what);
  exit (EXIT_FORMAT);
}

static gboolean
has_bytes (GBytes *data, const void *needle, gsize len)
{
  gsize n = 0;
  const guint8 *p = g_bytes_get_data (data, &n);
  return memmem (p, n, needle, len) != NULL;
}

/* Office encrypts an OOXML file into a Compound File (OLE) holding an
 * "EncryptedPackage" stream (ECMA-376, MS-OFFCRYPTO): its name, in the
 * UTF-16LE of the directory, is in the file. */
static void
refuse_encrypted_ooxml (GBytes *data)
{
  static const guint8 cdf[] = { 0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1 };
  static const char name[] = "E\0n\0c\0r\0y\0p\0t\0e\0d\0P\0a\0c\0k\0a\0g\0e\0";
  gsize n = 0;
  const guint8 *p = g_bytes_get_data (data, &n);
  if (n >= sizeof cdf && memcmp (p, cdf, sizeof cdf) == 0 && has_bytes (data, name, sizeof name - 1))
    die_protected ("Office document");
}

/* LibreOffice encrypts the parts of an ODF file and says so in its
 * manifest (<manifest:encryption-data>); the zip itself is plain. */
static void
refuse_encrypted_odf (Parts *parts)
{
  GBytes *manifest = part (parts, "META-INF/manifest.xml");
  static const char tag[] = "encryption-data";
  if (manifest != NULL && has_bytes (manifest, tag, sizeof tag - 1))
    die_protected ("OpenDocument file");
}

/* ---- main ---- */

static GBytes *
read_stdin (void)
{
  GByteArray *buf = g_byte_array_new ();
  guint8 chunk[65536];
  size_t n;
  while ((n = fread (chunk, 1, sizeof chunk, stdin)) > 0)
    {
      if (buf->len + n > CAP_INPUT)
        die (EXIT_LIMIT, "input too large");
      g_byte_array_append (buf, chunk, (guint) n);
    }
  if (ferror (stdin))
    die (EXIT_IO, "cannot read stdin");
  return g_byte_array_free_to_bytes (buf);
}

static gboolean
convert (Parts *parts, Out *out)
{
  if (part (parts, "content.xml") != NULL)
    odf_text (parts, out);
  else if (part (parts, "word/document.xml") != NULL)
    docx_text (parts, out);
  else if (part (parts, "xl/workbook.xml") != NULL)
    xlsx_text (parts, out);
  else if (g_hash_table_size (parts->parts) > 0)
    {
      g_autoptr (GPtrArray) slides = numbered (parts, "ppt/slides/slide");
      if (slides->len == 0)
        return FALSE;
      pptx_text (parts, out);
    }
  else
    return FALSE;
  return TRUE;
}

int
main (int argc, char **argv)
{
  /* libarchive returns NULL UTF-8 names in the C locale */
  setlocale (LC_CTYPE, "C.UTF-8");
  if (argc > 1)
    die (EXIT_IO, "usage: office-text < document > text");
  GBytes *zip = read_stdin ();
  refuse_encrypted_ooxml (zip);
  Parts parts = { g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_bytes_unref), 0 };
  read_parts (zip, &parts);
  refuse_encrypted_odf (&parts);
  Out out = { g_string_new (NULL), g_array_new (FALSE, FALSE, sizeof (gsize)), 0 };
  gboolean ok = convert (&parts, &out);
  g_hash_table_unref (parts.parts);
  g_bytes_unref (zip);
  if (!ok)
    die (EXIT_FORMAT, "not an OOXML or OpenDocument file");
  size_t written = fwrite (out.text->str, 1, out.text->len, stdout);
  if (written != out.text->len || fflush (stdout) != 0)
    die (EXIT_IO, "cannot write stdout");
  g_string_free (out.text, TRUE);
  g_array_unref (out.row_starts);
  return 0;
}
