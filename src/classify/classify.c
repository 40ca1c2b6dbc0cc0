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
  GuFilterLimits ocr_limits;  /* of the filter named "ocr": [ocr] */
  char *ocr_filter;           /* filters_dir/ocr, for PDFs without text; NULL: none */
  GHashTable *failed_filters; /* filter path -> TRUE, to log each once; under lock */
  GMutex lock;                /* messages are classified on several threads at once */
};

GuClassifier *
gu_classifier_new (const GuCall *call, const GuConfig *cfg)
{
  GuClassifier *c = g_new0 (GuClassifier, 1);
  c->call = call;
  c->cfg = cfg;
  c->failed_filters = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_mutex_init (&c->lock);
  c->limits.timeout_seconds = cfg->filters_timeout_seconds;
  c->limits.cpu_seconds = cfg->filters_cpu_seconds;
  c->limits.memory_mb = cfg->filters_memory_mb;
  c->limits.max_output_bytes = (gsize) cfg->filters_max_output_kb * 1024;
  /* OCR is CPU all along: its CPU limit is its wall-clock one. */
  c->ocr_limits = c->limits;
  c->ocr_limits.timeout_seconds = cfg->ocr_timeout_seconds;
  c->ocr_limits.cpu_seconds = cfg->ocr_timeout_seconds;
  c->ocr_limits.memory_mb = cfg->ocr_memory_mb;
  c->ocr_limits.max_pages = cfg->ocr_max_pages;
  if (cfg->filters_enabled)
    {
      g_autofree char *path = g_build_filename (cfg->filters_dir, "filters.map", NULL);
      g_autoptr (GError) error = NULL;
      c->map = gu_filter_map_load (path, &error);
      if (c->map == NULL)
        g_warning ("text extraction disabled: %s", error->message);
      c->ocr_filter = g_build_filename (cfg->filters_dir, "ocr", NULL);
      if (!g_file_test (c->ocr_filter, G_FILE_TEST_IS_EXECUTABLE))
        g_clear_pointer (&c->ocr_filter, g_free);
    }
  return c;
}

void
gu_classifier_check (const GuConfig *cfg, GPtrArray *problems)
{
  if (!cfg->filters_enabled)
    return;
  g_autofree char *path = g_build_filename (cfg->filters_dir, "filters.map", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GuFilterMap) map = gu_filter_map_load (path, &error);
  if (map == NULL)
    g_ptr_array_add (problems, g_strdup_printf ("[filters] %s (set enabled = false to run without text "
                                                "extraction)", error->message));
  else
    gu_filter_map_check (map, problems);
}

void
gu_classifier_free (GuClassifier *c)
{
  if (c == NULL)
    return;
  g_clear_pointer (&c->map, gu_filter_map_free);
  g_free (c->ocr_filter);
  g_hash_table_unref (c->failed_filters);
  g_mutex_clear (&c->lock);
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
  const char *source; /* "content", or "content(ocr)" for text read from an image */
} Heading;

static void
heading_free (gpointer p)
{
  Heading *h = p;
  g_free (h->heading);
  g_free (h->where);
  g_free (h);
}

/* The text without the OCR marker line (extract.h), or text itself. */
static const char *
text_body (const char *text)
{
  gsize n = strlen (GU_FILTER_OCR_MARKER);
  if (strncmp (text, GU_FILTER_OCR_MARKER, n) == 0 && (text[n] == '\n' || text[n] == '\0'))
    return text + n + (text[n] == '\n');
  return text;
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
  /* OCR text: always with its page, since a scan is pages */
  const char *body = text_body (text);
  gboolean ocr = body != text;
  text = body;
  gboolean paged = ocr || strchr (text, '\f') != NULL;
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
          h->source = ocr ? "content(ocr)" : "content";
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
        g_autofree char *evidence = g_strdup_printf ("%s:\"%s\"%s", h->source, piece->content_phrases_text[i],
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
  g_autofree char *text = doc->text != NULL ? gu_text_fold (text_body (doc->text)) : NULL;
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
  g_mutex_lock (&c->lock);
  gboolean first = g_hash_table_add (c->failed_filters, g_steal_pointer (&key));
  g_mutex_unlock (&c->lock);
  if (first)
    g_warning ("filter %s failed on %s (%s); classifying such documents by name: %s", filter,
               doc->filename != NULL ? doc->filename : "?", doc->sha256, error->message);
}

/* The filter time one message may spend (message_filter_seconds; 0 is
 * none): thirty copies of a slow PDF must not cost thirty timeouts. */
typedef struct {
  gint64 budget_us;
  gint64 spent_us;
  GPtrArray *not_read;  /* of char*: names of documents left unread */
} TimeBudget;

/* A filter's timeout cut to the whole seconds left (a timeout is whole
 * seconds and must not outlast the budget); 0 when spent. */
static int
seconds_left (const TimeBudget *t, int timeout)
{
  if (t->budget_us == 0)
    return timeout;
  gint64 left = (t->budget_us - t->spent_us) / G_USEC_PER_SEC;
  return left <= 0 ? 0 : (int) MIN (left, (gint64) timeout);
}

static gboolean
is_ocr_filter (const char *filter)
{
  g_autofree char *base = g_path_get_basename (filter);
  return strcmp (base, "ocr") == 0;
}

/* What pdftotext gives for a PDF of scanned pages: form feeds, spaces. */
static gboolean
is_blank (const char *text)
{
  for (const char *p = text; *p; p++)
    if (!g_ascii_isspace (*p))
      return FALSE;
  return TRUE;
}

typedef enum { RUN_TEXT, RUN_FAILED, RUN_OUT_OF_TIME } RunResult;

/* Runs filter on doc within the time budget: *text on RUN_TEXT, error on
 * RUN_FAILED; RUN_OUT_OF_TIME when the budget was spent before it or cut
 * the timeout that killed it. */
static RunResult
run_filter (GuClassifier *c, const char *filter, GuDocument *doc, TimeBudget *t, char **text, GError **error)
{
  GuFilterLimits limits = is_ocr_filter (filter) ? c->ocr_limits : c->limits;
  /* <= 0 is extract.h's default of 20 s */
  int full = limits.timeout_seconds > 0 ? limits.timeout_seconds : 20;
  limits.timeout_seconds = seconds_left (t, full);
  if (limits.timeout_seconds == 0)
    return RUN_OUT_OF_TIME;
  gboolean truncated = FALSE;
  gint64 start = g_get_monotonic_time ();
  *text = gu_filter_run (filter, doc->content, &limits, &truncated, error);
  t->spent_us += g_get_monotonic_time () - start;
  if (*text != NULL)
    return RUN_TEXT;
  /* Killed at a timeout the budget had cut: the budget's doing. */
  if (limits.timeout_seconds < full && g_error_matches (*error, GU_ERROR, GU_ERROR_LIMIT))
    return RUN_OUT_OF_TIME;
  return RUN_FAILED;
}

/* A document its filter could not read: the document's fault (flagged,
 * protected when the filter says so: extract.h) or the filter's (logged;
 * the name still classifies it). */
static void
note_failure (GuClassifier *c, const char *filter, GuDocument *doc, const GError *error)
{
  if (!g_error_matches (error, GU_ERROR, GU_ERROR_UNREADABLE))
    {
      log_filter_failure (c, filter, doc, error);
      return;
    }
  doc->flags |= GU_DOC_UNREADABLE;
  if (!g_str_has_prefix (error->message, GU_FILTER_PROTECTED_PREFIX))
    {
      doc->unreadable_reason = g_strdup (error->message);
      return;
    }
  doc->flags |= GU_DOC_PROTECTED;
  g_autofree char *why = g_strstrip (g_strdup (error->message + strlen (GU_FILTER_PROTECTED_PREFIX)));
  doc->unreadable_reason = *why != '\0' ? g_steal_pointer (&why) : g_strdup ("protected by a password");
}

/* A PDF whose every page is without text is a scan: read it again with
 * the OCR filter. Its blank text stays if OCR fails. */
static RunResult
read_scanned_pdf (GuClassifier *c, GuDocument *doc, TimeBudget *t)
{
  g_autofree char *blank = g_steal_pointer (&doc->text);
  g_autoptr (GError) error = NULL;
  RunResult r = run_filter (c, c->ocr_filter, doc, t, &doc->text, &error);
  if (r == RUN_FAILED)
    {
      log_filter_failure (c, c->ocr_filter, doc, error);
      doc->text = g_steal_pointer (&blank);
      return RUN_TEXT;
    }
  return r;
}

/* FALSE when the time budget was spent before this document's turn: it
 * is then classified by its name only, and flagged by the caller. */
static gboolean
extract_text (GuClassifier *c, GuDocument *doc, TimeBudget *t)
{
  if (doc->content == NULL || g_bytes_get_size (doc->content) == 0)
    return TRUE;
  const char *filter = gu_filter_map_lookup (c->map, doc->sniffed_type, doc->filename);
  if (filter == NULL)
    {
      flag_unfiltered (doc);
      return TRUE;
    }
  g_autoptr (GError) error = NULL;
  RunResult r = run_filter (c, filter, doc, t, &doc->text, &error);
  /* the filter the map gives PDFs, whatever its name */
  gboolean pdf_filter = g_strcmp0 (filter, gu_filter_map_lookup (c->map, "application/pdf", NULL)) == 0;
  if (r == RUN_TEXT && pdf_filter && c->ocr_filter != NULL && is_blank (doc->text))
    r = read_scanned_pdf (c, doc, t);
  if (r == RUN_FAILED)
    note_failure (c, filter, doc, error);
  return r != RUN_OUT_OF_TIME;
}

/* Pieces by name stay: the unreadable flag says the content was not
 * examined, and tells the applicant which document (the reply lists it). */
static void
flag_time_budget (GuDocument *doc, TimeBudget *t)
{
  doc->flags |= GU_DOC_UNREADABLE;
  doc->unreadable_reason = g_strdup ("not read: time budget");
  const char *name = doc->archive_path != NULL ? doc->archive_path : doc->filename;
  g_ptr_array_add (t->not_read, g_strdup (name != NULL ? name : "unnamed document"));
}

/* The msg->overruns line: the budget, then the first names left unread. */
static char *
time_overrun_line (guint seconds, const TimeBudget *t)
{
  GString *s = g_string_new (NULL);
  g_string_append_printf (s, "time budget: %u s of filter time spent; classified by name only: ", seconds);
  for (guint i = 0; i < t->not_read->len && i < 5; i++)
    g_string_append_printf (s, "%s%s", i ? ", " : "", (char *) g_ptr_array_index (t->not_read, i));
  if (t->not_read->len > 5)
    g_string_append_printf (s, " and %u more", t->not_read->len - 5);
  return g_string_free (s, FALSE);
}

void
gu_classify_message (GuClassifier *c, GuMessage *msg)
{
  guint seconds = c->cfg->limits.message_filter_seconds;
  TimeBudget t = { (gint64) seconds * G_USEC_PER_SEC, 0, g_ptr_array_new_with_free_func (g_free) };
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
      gboolean read = c->map == NULL || doc->text != NULL || extract_text (c, doc, &t);
      gu_classify_document (c->call, doc);
      if (!read)
        flag_time_budget (doc, &t);
    }
  if (t.not_read->len > 0)
    g_ptr_array_add (msg->overruns, time_overrun_line (seconds, &t));
  g_ptr_array_unref (t.not_read);
}
