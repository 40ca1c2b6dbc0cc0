#include "config.h"

#include <string.h>

#include "classify/classify.h"
#include "classify/extract.h"
#include "util/error.h"
#include "util/text.h"

struct GuClassifier {
  const GuCall *call;
  const GuConfig *cfg;
  GuFilterMap *map;          /* NULL: filters disabled or unusable */
  GuFilterLimits limits;
  GHashTable *failed_filters; /* filter path -> TRUE, to log each once */
};

GuClassifier *
gu_classifier_new (const GuCall *call, const GuConfig *cfg)
{
  GuClassifier *c = g_new0 (GuClassifier, 1);
  c->call = call;
  c->cfg = cfg;
  c->failed_filters = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  c->limits.timeout_seconds = cfg->filters_timeout_seconds;
  c->limits.cpu_seconds = cfg->filters_cpu_seconds;
  c->limits.memory_mb = cfg->filters_memory_mb;
  c->limits.max_output_bytes = (gsize) cfg->filters_max_output_kb * 1024;
  if (cfg->filters_enabled)
    {
      g_autofree char *path = g_build_filename (cfg->filters_dir, "filters.map", NULL);
      g_autoptr (GError) error = NULL;
      c->map = gu_filter_map_load (path, &error);
      if (c->map == NULL)
        g_warning ("text extraction disabled: %s", error->message);
    }
  return c;
}

void
gu_classifier_free (GuClassifier *c)
{
  if (c == NULL)
    return;
  g_clear_pointer (&c->map, gu_filter_map_free);
  g_hash_table_unref (c->failed_filters);
  g_free (c);
}

/* TRUE when needle (folded words) occurs in haystack (folded) as whole
 * words: "budget etude" is in "bp budget etude v2" but "art" is not in
 * "depart". */
static gboolean
contains_words (const char *haystack, const char *needle)
{
  gsize n = strlen (needle);
  for (const char *p = strstr (haystack, needle); p != NULL; p = strstr (p + 1, needle))
    {
      gboolean starts = p == haystack || p[-1] == ' ';
      gboolean ends = p[n] == '\0' || p[n] == ' ';
      if (starts && ends)
        return TRUE;
    }
  return FALSE;
}

/* The name a person gave the file, with the folders of its archive path
 * (a "budget/" folder says something) but without the extension. */
static char *
folded_name (const GuDocument *doc)
{
  const char *name = doc->archive_path != NULL ? doc->archive_path : doc->filename;
  if (name == NULL)
    return g_strdup ("");
  g_autofree char *copy = g_strdup (name);
  char *dot = strrchr (copy, '.');
  char *slash = strrchr (copy, '/');
  if (dot != NULL && (slash == NULL || dot > slash) && strlen (dot) <= 6)
    *dot = '\0';
  return gu_text_fold (copy);
}

/* Words that may stand before a heading's subject: numbering ("2.",
 * "II", "a)", in any language), the "[sheet]" marker the office filter
 * writes, and the call's own heading words (articles and possessives:
 * "La stratégie…", "Notre budget…"). */
static gboolean
is_heading_prefix_word (const GuCall *call, const char *w)
{
  static char *const numbering[] = {
    "sheet", "i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", NULL,
  };
  if (g_ascii_isdigit (w[0]) || (w[0] != '\0' && w[1] == '\0'))
    return TRUE;
  return gu_vocabulary_has (numbering, w) || gu_vocabulary_has (call->vocabulary.heading_words, w);
}

/* Folds one line (or cell) of a document and drops its heading prefix:
 * "2. La stratégie de déploiement" -> "strategie de deploiement". */
static char *
heading_of (const GuCall *call, const char *line)
{
  g_autofree char *folded = gu_text_fold (line);
  char *p = folded;
  while (*p)
    {
      char *space = strchr (p, ' ');
      gsize len = space != NULL ? (gsize) (space - p) : strlen (p);
      g_autofree char *word = g_strndup (p, len);
      if (!is_heading_prefix_word (call, word))
        break;
      p = space != NULL ? space + 1 : p + len;
    }
  return g_strdup (p);
}

/* TRUE when heading starts with phrase as whole words. */
static gboolean
starts_with_words (const char *heading, const char *phrase)
{
  gsize n = strlen (phrase);
  return strncmp (heading, phrase, n) == 0 && (heading[n] == '\0' || heading[n] == ' ');
}

/* One line, cell or sheet name of a document, folded, with where it is. */
typedef struct {
  char *heading;  /* folded, heading prefix dropped */
  char *where;    /* " page 2", " sheet \"Étude\"" or "" */
} Heading;

static void
heading_free (gpointer p)
{
  Heading *h = p;
  g_free (h->heading);
  g_free (h->where);
  g_free (h);
}

static char *
describe_place (const char *sheet, gboolean paged, int page)
{
  if (sheet != NULL)
    return g_strdup_printf (" sheet \"%s\"", sheet);
  return paged ? g_strdup_printf (" page %d", page) : g_strdup ("");
}

/* Splits text at lines, pages and cells, once per document, and collects
 * the sheet names into sheets. A content
 * phrase counts where it opens one of these: that is where a dossier
 * names its parts. A phrase met in the middle of prose ("…comme le
 * montre le budget de lancement…") names nothing. */
static GPtrArray *
split_headings (const GuCall *call, const char *text, GPtrArray *sheets)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (heading_free);
  g_autofree char *sheet = NULL;
  gboolean paged = strchr (text, '\f') != NULL;
  int page = 1;
  for (const char *p = text; *p;)
    {
      gsize len = strcspn (p, "\n\f\t");
      g_autofree char *line = g_strndup (p, len);
      if (g_str_has_prefix (line, "[sheet] "))
        {
          g_free (sheet);
          sheet = g_strstrip (g_strdup (line + 8));
          g_ptr_array_add (sheets, g_strdup (sheet));
        }
      Heading *h = g_new0 (Heading, 1);
      h->heading = heading_of (call, line);
      if (*h->heading == '\0')
        heading_free (h);
      else
        {
          h->where = describe_place (sheet, paged, page);
          g_ptr_array_add (out, h);
        }
      p += len;
      page += *p == '\f';
      p += *p != '\0';
    }
  return out;
}

static gboolean
is_vetoed (const GuPiece *piece, const char *name, const char *text)
{
  for (char **x = piece->exclude_phrases; *x; x++)
    if (contains_words (name, *x) || (text != NULL && contains_words (text, *x)))
      return TRUE;
  return FALSE;
}

/* A workbook named "Budget" whose sheets are "Étude", "Déploiement" and
 * "Lancement" names its budgets by name and sheet together: match the
 * filename patterns on "budget etude" and so on. */
static gboolean
match_name_with_sheets (const GuPiece *piece, GuDocument *doc, const char *name, GPtrArray *sheets)
{
  for (guint s = 0; s < sheets->len; s++)
    {
      g_autofree char *folded_sheet = gu_text_fold (g_ptr_array_index (sheets, s));
      g_autofree char *combined = g_strconcat (name, " ", folded_sheet, NULL);
      for (int i = 0; piece->filename_patterns[i]; i++)
        if (contains_words (combined, piece->filename_patterns[i]))
          {
            g_autofree char *evidence = g_strdup_printf ("filename+sheet:\"%s\" sheet \"%s\"",
                                                         piece->filename_patterns_text[i],
                                                         (char *) g_ptr_array_index (sheets, s));
            gu_document_add_piece (doc, piece->key, evidence);
            return TRUE;
          }
    }
  return FALSE;
}

static void
match_piece (const GuPiece *piece, GuDocument *doc, const char *name, const char *text,
             GPtrArray *headings, GPtrArray *sheets)
{
  if (is_vetoed (piece, name, text))
    return;
  for (int i = 0; piece->filename_patterns[i]; i++)
    if (contains_words (name, piece->filename_patterns[i]))
      {
        g_autofree char *evidence = g_strdup_printf ("filename:\"%s\"", piece->filename_patterns_text[i]);
        gu_document_add_piece (doc, piece->key, evidence);
        return;
      }
  for (int i = 0; piece->content_phrases[i]; i++)
    for (guint j = 0; j < headings->len; j++)
      {
        const Heading *h = g_ptr_array_index (headings, j);
        if (!starts_with_words (h->heading, piece->content_phrases[i]))
          continue;
        g_autofree char *evidence = g_strdup_printf ("content:\"%s\"%s", piece->content_phrases_text[i],
                                                     h->where);
        gu_document_add_piece (doc, piece->key, evidence);
        return;
      }
  match_name_with_sheets (piece, doc, name, sheets);
}

void
gu_classify_document (const GuCall *call, GuDocument *doc)
{
  g_ptr_array_set_size (doc->pieces, 0);
  if (doc->flags & (GU_DOC_ARCHIVE | GU_DOC_INLINE_IMAGE | GU_DOC_UNREADABLE | GU_DOC_EMPTY))
    return;
  g_autofree char *name = folded_name (doc);
  g_autofree char *text = doc->text != NULL ? gu_text_fold (doc->text) : NULL;
  g_autoptr (GPtrArray) sheets = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) headings = split_headings (call, doc->text != NULL ? doc->text : "", sheets);
  for (guint i = 0; i < call->pieces->len; i++)
    match_piece (g_ptr_array_index (call->pieces, i), doc, name, text, headings, sheets);
}

/* A document no filter can read: an image or a recording is still a
 * piece a person can look at (a scanned letter), so it is classified by
 * its name; anything else is unreadable, and the applicant will be told. */
static void
flag_unfiltered (GuDocument *doc)
{
  const char *type = doc->sniffed_type != NULL ? doc->sniffed_type : "application/octet-stream";
  if (g_str_has_prefix (type, "image/") || g_str_has_prefix (type, "audio/") || g_str_has_prefix (type, "video/"))
    return;
  doc->flags |= GU_DOC_UNREADABLE;
  doc->unreadable_reason = g_strdup_printf ("documents of type %s cannot be read", type);
}

/* Logged once per filter and kind of failure: a broken filter must not
 * flood the log with one line per document. */
static void
log_filter_failure (GuClassifier *c, const char *filter, const GuDocument *doc, const GError *error)
{
  g_autofree char *key = g_strdup_printf ("%s:%d", filter, error->code);
  if (g_hash_table_contains (c->failed_filters, key))
    return;
  g_warning ("filter %s failed on %s (%s); classifying such documents by name: %s", filter,
             doc->filename != NULL ? doc->filename : "?", doc->sha256, error->message);
  g_hash_table_add (c->failed_filters, g_steal_pointer (&key));
}

static void
extract_text (GuClassifier *c, GuDocument *doc)
{
  if (doc->content == NULL || g_bytes_get_size (doc->content) == 0)
    return;
  const char *filter = gu_filter_map_lookup (c->map, doc->sniffed_type, doc->filename);
  if (filter == NULL)
    {
      flag_unfiltered (doc);
      return;
    }
  g_autoptr (GError) error = NULL;
  gboolean truncated = FALSE;
  doc->text = gu_filter_run (filter, doc->content, &c->limits, &truncated, &error);
  if (doc->text != NULL)
    return;
  if (g_error_matches (error, GU_ERROR, GU_ERROR_UNREADABLE))
    {
      doc->flags |= GU_DOC_UNREADABLE;
      doc->unreadable_reason = g_strdup (error->message);
    }
  else
    log_filter_failure (c, filter, doc, error);
}

void
gu_classify_message (GuClassifier *c, GuMessage *msg)
{
  for (guint i = 0; i < msg->documents->len; i++)
    {
      GuDocument *doc = g_ptr_array_index (msg->documents, i);
      if (doc->flags & (GU_DOC_ARCHIVE | GU_DOC_INLINE_IMAGE | GU_DOC_UNREADABLE))
        continue;
      /* An empty budget.pdf is no budget, whatever its name says. */
      if (doc->content == NULL || g_bytes_get_size (doc->content) == 0)
        {
          doc->flags |= GU_DOC_EMPTY;
          continue;
        }
      if (c->map != NULL && doc->text == NULL)
        extract_text (c, doc);
      gu_classify_document (c->call, doc);
    }
}
