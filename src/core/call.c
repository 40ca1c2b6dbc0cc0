#include "config.h"

#include <stdio.h>
#include <string.h>

#include "core/call.h"
#include "core/problems.h"
#include "util/error.h"
#include "util/text.h"

#define PIECE_PREFIX "piece "

static void
piece_free (gpointer p)
{
  GuPiece *piece = p;
  g_free (piece->key);
  g_free (piece->label);
  g_free (piece->short_label);
  g_strfreev (piece->filename_patterns);
  g_strfreev (piece->content_phrases);
  g_strfreev (piece->exclude_phrases);
  g_strfreev (piece->filename_patterns_text);
  g_strfreev (piece->content_phrases_text);
  g_free (piece);
}

static void
vocabulary_clear (GuVocabulary *v)
{
  g_strfreev (v->heading_words);
  g_strfreev (v->organisation_labels);
  g_strfreev (v->category_labels);
  g_strfreev (v->lead_labels);
  g_strfreev (v->consortium_words);
  g_strfreev (v->webmail_domains);
  g_strfreev (v->legal_form_words);
}

void
gu_call_free (GuCall *call)
{
  if (call == NULL)
    return;
  g_free (call->path);
  g_free (call->id);
  g_free (call->name);
  g_free (call->short_name);
  g_free (call->reference_prefix);
  g_free (call->language);
  g_free (call->timezone_name);
  g_free (call->templates_dir);
  g_clear_pointer (&call->tz, g_time_zone_unref);
  g_clear_pointer (&call->opens, g_date_time_unref);
  g_clear_pointer (&call->closes, g_date_time_unref);
  g_clear_pointer (&call->closes_end, g_date_time_unref);
  g_strfreev (call->eligible_categories);
  vocabulary_clear (&call->vocabulary);
  g_strfreev (call->links.hosts);
  g_strfreev (call->links.share_paths);
  g_free (call->service.name);
  g_free (call->service.postal_address);
  g_free (call->service.email);
  g_free (call->service.phone);
  g_free (call->decision.appeal);
  g_clear_pointer (&call->pieces, g_ptr_array_unref);
  g_free (call);
}

/* Reads a ';' list and folds every item the way documents are folded, so
 * that matching compares like with like. Empty items are reported. When
 * as_written is non-NULL it receives the kept items unfolded, index for
 * index. */
static char **
read_folded_list (GKeyFile *kf, const char *group, const char *key, const char *path,
                  GPtrArray *problems, char ***as_written)
{
  gsize n = 0;
  g_auto (GStrv) raw = g_key_file_get_string_list (kf, group, key, &n, NULL);
  GPtrArray *out = g_ptr_array_new ();
  GPtrArray *kept = g_ptr_array_new ();
  for (gsize i = 0; i < n; i++)
    {
      char *folded = gu_text_fold (raw[i]);
      if (*folded == '\0')
        {
          gu_problem_add (problems, "%s: [%s] %s: empty pattern", path, group, key);
          g_free (folded);
          continue;
        }
      g_ptr_array_add (out, folded);
      g_ptr_array_add (kept, g_strstrip (g_strdup (raw[i])));
    }
  g_ptr_array_add (out, NULL);
  g_ptr_array_add (kept, NULL);
  if (as_written != NULL)
    *as_written = (char **) g_ptr_array_free (kept, FALSE);
  else
    g_strfreev ((char **) g_ptr_array_free (kept, FALSE));
  return (char **) g_ptr_array_free (out, FALSE);
}

static GuPiece *
load_piece (GKeyFile *kf, const char *group, const char *path, GPtrArray *problems)
{
  GuPiece *piece = g_new0 (GuPiece, 1);
  piece->key = g_strstrip (g_strdup (group + strlen (PIECE_PREFIX)));
  piece->label = g_key_file_get_locale_string (kf, group, "label", NULL, NULL);
  if (piece->label == NULL)
    {
      gu_problem_add (problems, "%s: [%s]: no label", path, group);
      piece->label = g_strdup (piece->key);
    }
  piece->short_label = g_key_file_get_locale_string (kf, group, "short", NULL, NULL);
  if (piece->short_label == NULL)
    piece->short_label = g_strdup (piece->label);
  GError *error = NULL;
  piece->required = g_key_file_get_boolean (kf, group, "required", &error);
  if (error != NULL)
    {
      gu_problem_add (problems, "%s: [%s] required: %s", path, group, error->message);
      g_clear_error (&error);
    }
  piece->filename_patterns = read_folded_list (kf, group, "filename_patterns", path, problems,
                                              &piece->filename_patterns_text);
  piece->content_phrases = read_folded_list (kf, group, "content_phrases", path, problems,
                                            &piece->content_phrases_text);
  piece->exclude_phrases = read_folded_list (kf, group, "exclude_phrases", path, problems, NULL);
  if (piece->filename_patterns[0] == NULL && piece->content_phrases[0] == NULL)
    gu_problem_add (problems, "%s: [%s]: no filename_patterns nor content_phrases", path, group);
  return piece;
}

/* Parses "YYYY-MM-DD" as local midnight in tz. Returns NULL when bad. */
static GDateTime *
parse_local_day (const char *text, GTimeZone *tz)
{
  int y, m, d;
  char extra;
  if (text == NULL || sscanf (text, "%d-%d-%d%c", &y, &m, &d, &extra) != 3)
    return NULL;
  if (!g_date_valid_dmy ((GDateDay) d, (GDateMonth) m, (GDateYear) y))
    return NULL;
  return g_date_time_new (tz, y, m, d, 0, 0, 0);
}

static gboolean
load_window (GKeyFile *kf, GuCall *call, GError **error)
{
  call->timezone_name = g_key_file_get_string (kf, "call", "timezone", NULL);
  if (call->timezone_name == NULL)
    call->timezone_name = g_strdup ("Europe/Paris");
  call->tz = g_time_zone_new_identifier (call->timezone_name);
  if (call->tz == NULL)
    {
      g_set_error (error, GU_ERROR, GU_ERROR_CONFIG, "%s: unknown time zone \"%s\" (is tzdata installed?)",
                   call->path, call->timezone_name);
      return FALSE;
    }
  g_autofree char *opens = g_key_file_get_string (kf, "call", "opens", NULL);
  g_autofree char *closes = g_key_file_get_string (kf, "call", "closes", NULL);
  call->opens = parse_local_day (opens, call->tz);
  call->closes = parse_local_day (closes, call->tz);
  if (call->opens == NULL || call->closes == NULL)
    {
      g_set_error (error, GU_ERROR, GU_ERROR_CONFIG, "%s: [call] opens/closes must be dates YYYY-MM-DD",
                   call->path);
      return FALSE;
    }
  if (g_date_time_compare (call->opens, call->closes) > 0)
    {
      g_set_error (error, GU_ERROR, GU_ERROR_CONFIG, "%s: [call] opens is after closes", call->path);
      return FALSE;
    }
  /* The closing day counts: the window ends at the next local midnight,
   * which g_date_time_add_days computes across a DST change. */
  call->closes_end = g_date_time_add_days (call->closes, 1);
  return TRUE;
}

/* retention_days: a whole number of days, 0 (the default) for none. */
static gboolean
load_retention (GKeyFile *kf, GuCall *call, GError **error)
{
  g_autofree char *text = g_key_file_get_string (kf, "call", "retention_days", NULL);
  if (text == NULL)
    return TRUE;
  char *end = NULL;
  gint64 days = g_ascii_strtoll (g_strstrip (text), &end, 10);
  if (*text == '\0' || *end != '\0' || days < 0 || days > 100 * 366)
    {
      g_set_error (error, GU_ERROR, GU_ERROR_CONFIG,
                   "%s: [call] retention_days: \"%s\" is not a number of days", call->path, text);
      return FALSE;
    }
  call->retention_days = (int) days;
  return TRUE;
}

static gboolean
load_header (GKeyFile *kf, GuCall *call, GError **error)
{
  if (!g_key_file_has_group (kf, "call"))
    {
      g_set_error (error, GU_ERROR, GU_ERROR_CONFIG, "%s: no [call] section", call->path);
      return FALSE;
    }
  call->name = g_key_file_get_string (kf, "call", "name", NULL);
  call->reference_prefix = g_key_file_get_string (kf, "call", "reference_prefix", NULL);
  call->language = g_key_file_get_string (kf, "call", "language", NULL);
  if (call->name == NULL || call->reference_prefix == NULL || *call->reference_prefix == '\0')
    {
      g_set_error (error, GU_ERROR, GU_ERROR_CONFIG, "%s: [call] needs name and reference_prefix", call->path);
      return FALSE;
    }
  if (call->language == NULL)
    call->language = g_strdup ("fr");
  call->short_name = g_key_file_get_string (kf, "call", "short_name", NULL);
  if (call->short_name == NULL || *call->short_name == '\0')
    {
      g_free (call->short_name);
      call->short_name = g_strdup (call->name);
    }
  if (!load_retention (kf, call, error))
    return FALSE;
  g_autofree char *templates = g_key_file_get_string (kf, "call", "templates", NULL);
  g_autofree char *dir = g_path_get_dirname (call->path);
  call->templates_dir = templates != NULL ? g_canonicalize_filename (templates, dir)
                                          : g_strdup (GU_DATADIR "/templates");
  call->eligible_categories = g_key_file_get_string_list (kf, "call", "eligible_categories", NULL, NULL);
  if (!load_window (kf, call, error))
    return FALSE;
  call->reference_year = g_key_file_has_key (kf, "call", "reference_year", NULL)
                           ? g_key_file_get_integer (kf, "call", "reference_year", NULL)
                           : g_date_time_get_year (call->opens);
  return TRUE;
}

#define VOCABULARY "vocabulary"

/* Without its [vocabulary] a call still works, but reads headings and
 * "Label : value" lines with no words of its language: say so. */
static void
load_vocabulary (GKeyFile *kf, GuCall *call, GPtrArray *problems)
{
  GuVocabulary *v = &call->vocabulary;
  if (!g_key_file_has_group (kf, VOCABULARY))
    gu_problem_add (problems, "%s: no [vocabulary] section: headings, organisations and "
                    "consortia are read without the words of the call's language", call->path);
  v->heading_words = read_folded_list (kf, VOCABULARY, "heading_words", call->path, problems, NULL);
  v->organisation_labels = read_folded_list (kf, VOCABULARY, "organisation_labels", call->path, problems, NULL);
  v->category_labels = read_folded_list (kf, VOCABULARY, "category_labels", call->path, problems, NULL);
  v->lead_labels = read_folded_list (kf, VOCABULARY, "lead_labels", call->path, problems, NULL);
  v->consortium_words = read_folded_list (kf, VOCABULARY, "consortium_words", call->path, problems, NULL);
  v->webmail_domains = read_folded_list (kf, VOCABULARY, "webmail_domains", call->path, problems, NULL);
  v->legal_form_words = read_folded_list (kf, VOCABULARY, "legal_form_words", call->path, problems, NULL);
}

/* Reads a ';' list of [links], lower case, stripped; empty items are
 * reported. */
static char **
read_link_list (GKeyFile *kf, const char *key, const char *path, GPtrArray *problems)
{
  gsize n = 0;
  g_auto (GStrv) raw = g_key_file_get_string_list (kf, "links", key, &n, NULL);
  GPtrArray *out = g_ptr_array_new ();
  for (gsize i = 0; i < n; i++)
    {
      char *item = g_ascii_strdown (g_strstrip (raw[i]), -1);
      if (*item == '\0')
        {
          gu_problem_add (problems, "%s: [links] %s: empty item", path, key);
          g_free (item);
          continue;
        }
      g_ptr_array_add (out, item);
    }
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (out, FALSE);
}

static void
load_links (GKeyFile *kf, GuCall *call, GPtrArray *problems)
{
  call->links.hosts = read_link_list (kf, "hosts", call->path, problems);
  call->links.share_paths = read_link_list (kf, "share_paths", call->path, problems);
}

/* Returns the value of group.key, stripped, or NULL (with a problem
 * naming why) when absent or blank. */
static char *
read_legal_mention (GKeyFile *kf, const char *group, const char *key, const char *path, GPtrArray *problems)
{
  char *value = g_key_file_get_string (kf, group, key, NULL);
  if (value != NULL && *g_strstrip (value) != '\0')
    return value;
  g_free (value);
  gu_problem_add (problems, "%s: [%s] %s is missing: the acknowledgement must state it "
                  "(Code des relations entre le public et l'administration, L112-11, R112-5)",
                  path, group, key);
  return NULL;
}

static void
load_service (GKeyFile *kf, GuCall *call, GPtrArray *problems)
{
  GuService *s = &call->service;
  s->name = read_legal_mention (kf, "service", "name", call->path, problems);
  s->postal_address = read_legal_mention (kf, "service", "postal_address", call->path, problems);
  s->email = read_legal_mention (kf, "service", "email", call->path, problems);
  s->phone = read_legal_mention (kf, "service", "phone", call->path, problems);
}

static void
load_decision (GKeyFile *kf, GuCall *call, GPtrArray *problems)
{
  static const char *const names[] = { "none", "rejection", "acceptance" };
  GuDecision *d = &call->decision;
  g_autofree char *implicit = read_legal_mention (kf, "decision", "implicit", call->path, problems);
  d->implicit = GU_IMPLICIT_NONE;
  for (gsize i = 0; implicit != NULL && i < G_N_ELEMENTS (names); i++)
    if (g_ascii_strcasecmp (implicit, names[i]) == 0)
      d->implicit = (GuImplicitDecision) i;
  if (implicit != NULL && d->implicit == GU_IMPLICIT_NONE && g_ascii_strcasecmp (implicit, "none") != 0)
    gu_problem_add (problems, "%s: [decision] implicit = %s: say rejection, acceptance or none",
                    call->path, implicit);
  g_autoptr (GError) error = NULL;
  d->after_months = g_key_file_get_integer (kf, "decision", "after_months", &error);
  if (error != NULL || d->after_months <= 0)
    d->after_months = 2;
  if (d->implicit != GU_IMPLICIT_NONE)
    d->appeal = read_legal_mention (kf, "decision", "appeal", call->path, problems);
}

gboolean
gu_vocabulary_has (char *const *words, const char *folded)
{
  for (char *const *w = words; w != NULL && *w != NULL; w++)
    if (strcmp (*w, folded) == 0)
      return TRUE;
  return FALSE;
}

static void
load_pieces (GKeyFile *kf, GuCall *call, GPtrArray *problems)
{
  g_auto (GStrv) groups = g_key_file_get_groups (kf, NULL);
  for (char **g = groups; *g; g++)
    {
      if (strcmp (*g, "call") == 0 || strcmp (*g, VOCABULARY) == 0 || strcmp (*g, "service") == 0
          || strcmp (*g, "decision") == 0 || strcmp (*g, "links") == 0)
        continue;
      if (!g_str_has_prefix (*g, PIECE_PREFIX))
        {
          gu_problem_add (problems, "%s: unknown section [%s]", call->path, *g);
          continue;
        }
      GuPiece *piece = load_piece (kf, *g, call->path, problems);
      if (gu_call_find_piece (call, piece->key) != NULL)
        {
          gu_problem_add (problems, "%s: duplicate piece key \"%s\"", call->path, piece->key);
          piece_free (piece);
          continue;
        }
      g_ptr_array_add (call->pieces, piece);
    }
}

/* GKeyFile silently merges a group that appears twice, so a piece written
 * twice (a copy-paste slip) would be half-overwritten without a word:
 * look at the raw text for it. */
static void
report_duplicate_groups (const char *text, const char *path, GPtrArray *problems)
{
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (char **l = lines; *l; l++)
    {
      char *line = g_strstrip (*l);
      gsize len = strlen (line);
      if (len < 2 || line[0] != '[' || line[len - 1] != ']')
        continue;
      char *group = g_strndup (line + 1, len - 2);
      if (g_hash_table_contains (seen, group))
        {
          if (g_str_has_prefix (group, PIECE_PREFIX))
            gu_problem_add (problems, "%s: duplicate piece key \"%s\"", path, group + strlen (PIECE_PREFIX));
          else
            gu_problem_add (problems, "%s: duplicate section [%s]", path, group);
          g_free (group);
        }
      else
        g_hash_table_add (seen, group);
    }
}

GuCall *
gu_call_load (const char *path, GPtrArray *problems, GError **error)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  GError *local = NULL;
  g_autofree char *text = NULL;
  if (!g_file_get_contents (path, &text, NULL, &local)
      || !g_key_file_load_from_data (kf, text, -1, G_KEY_FILE_NONE, &local))
    {
      g_set_error (error, GU_ERROR, GU_ERROR_CONFIG, "%s: %s", path, local->message);
      g_error_free (local);
      return NULL;
    }
  g_autoptr (GuCall) call = g_new0 (GuCall, 1);
  call->path = g_canonicalize_filename (path, NULL);
  g_autofree char *base = g_path_get_basename (path);
  call->id = g_str_has_suffix (base, ".call") ? g_strndup (base, strlen (base) - 5) : g_strdup (base);
  call->pieces = g_ptr_array_new_with_free_func (piece_free);
  if (!load_header (kf, call, error))
    return NULL;
  report_duplicate_groups (text, call->path, problems);
  load_vocabulary (kf, call, problems);
  load_links (kf, call, problems);
  load_service (kf, call, problems);
  load_decision (kf, call, problems);
  load_pieces (kf, call, problems);
  if (call->pieces->len == 0)
    {
      g_set_error (error, GU_ERROR, GU_ERROR_CONFIG, "%s: no [piece …] section", path);
      return NULL;
    }
  return g_steal_pointer (&call);
}

const GuPiece *
gu_call_find_piece (const GuCall *call, const char *key)
{
  for (guint i = 0; i < call->pieces->len; i++)
    {
      const GuPiece *piece = g_ptr_array_index (call->pieces, i);
      if (strcmp (piece->key, key) == 0)
        return piece;
    }
  return NULL;
}

GuWindowPosition
gu_call_window_position (const GuCall *call, GDateTime *received)
{
  if (g_date_time_compare (received, call->opens) < 0)
    return GU_WINDOW_EARLY;
  if (g_date_time_compare (received, call->closes_end) >= 0)
    return GU_WINDOW_LATE;
  return GU_WINDOW_ON_TIME;
}

/* Store times are UTC; people at the Region read Paris time. */
char *
gu_call_local_time (const GuCall *call, const char *utc_text)
{
  g_autoptr (GDateTime) utc = utc_text != NULL ? g_date_time_new_from_iso8601 (utc_text, NULL) : NULL;
  if (utc == NULL)
    return g_strdup (utc_text);
  g_autoptr (GDateTime) local = g_date_time_to_timezone (utc, call->tz);
  return g_date_time_format (local, "%Y-%m-%dT%H:%M:%S%:z");
}
