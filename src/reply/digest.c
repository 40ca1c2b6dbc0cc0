/* The daily digest: the day's facts through two templates (text and
 * HTML, the same fields), with the CSV export attached. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "reply/digest.h"
#include "reply/reply-private.h"

/* Longest value shown: a digest line, not a dump of an untrusted header. */
#define MAX_VALUE_CHARS 200
/* The matrix shows this many dossiers; the CSV has them all. */
#define MATRIX_ROWS 50
/* The chart's tallest bar, in pixels. */
#define CHART_PX 60
/* The text part's width (mutt), and the most days its sparkline shows. */
#define TEXT_COLUMNS 72
#define SPARK_DAYS 64

/* How a list names the generic fields of its items (NULL: not shown). */
typedef struct {
  const char *list;
  const char *who;
  const char *what;
  const char *detail;
} ListNames;

static const ListNames list_names[] = {
  { "created", "applicant", "organisation", NULL },
  { "completed", "applicant", "organisation", NULL },
  { "missing", "applicant", "organisation", NULL },
  { "late_arrivals", "sender", "subject", NULL },
  { "unmatched", "sender", "subject", "error" },
  { "quarantined", "sender", "subject", "error" },
  { "set_aside", "message_id", "subject", "reason" },
  { "undelivered", "recipient", "subject", "error" },
  { "suppressed", "recipient", "subject", "reason" },
  { "unreadable", "sha256", "filename", "reason" },
  { "other_sender", "sender", "subject", "note" },
  { "reminders", "recipient", "subject", "reason" },
};

static void
set_clean (GuTplData *d, const char *name, const char *value)
{
  gu_tpl_data_take (d, name, value != NULL ? gu_reply_clean_text (value, MAX_VALUE_CHARS) : NULL);
}

static void
add_item (GuTplData *d, const ListNames *names, const GuCall *call, const GuDigestItem *it)
{
  GuTplData *item = gu_tpl_data_add_item (d, names->list);
  g_autoptr (GDateTime) at = it->at != NULL ? g_date_time_new_from_iso8601 (it->at, NULL) : NULL;
  gu_tpl_data_take (item, "at", at != NULL ? gu_reply_format_time (call, at) : NULL);
  set_clean (item, "reference", it->reference);
  set_clean (item, "status", it->state);
  set_clean (item, names->who, it->who);
  set_clean (item, names->what, it->what);
  if (names->detail != NULL)
    set_clean (item, names->detail, it->detail);
  if (strcmp (names->what, "organisation") == 0)
    set_clean (item, "holder", it->what != NULL && *it->what ? it->what : it->who);
}

static void
add_list (GuTplData *d, const char *name, const GuCall *call, GPtrArray *items)
{
  const ListNames *names = NULL;
  for (gsize i = 0; i < G_N_ELEMENTS (list_names); i++)
    if (strcmp (list_names[i].list, name) == 0)
      names = &list_names[i];
  g_assert (names != NULL);
  gu_tpl_data_list (d, name);
  for (guint i = 0; i < items->len; i++)
    add_item (d, names, call, g_ptr_array_index (items, i));
  g_autofree char *count = g_strconcat (name, "_count", NULL);
  gu_tpl_data_take (d, count, g_strdup_printf ("%u", items->len));
}

static void
set_count (GuTplData *d, const char *name, gint64 n)
{
  gu_tpl_data_take (d, name, g_strdup_printf ("%" G_GINT64_FORMAT, n));
}

/* "3 février 2020" for the day YYYY-MM-DD, or the text as it is. */
static char *
day_label (const GuCall *call, const char *day)
{
  int y, m, dd;
  if (day == NULL || sscanf (day, "%4d-%2d-%2d", &y, &m, &dd) != 3)
    return g_strdup (day);
  g_autoptr (GDateTime) noon = g_date_time_new (call->tz, y, m, dd, 12, 0, 0);
  return noon != NULL ? gu_reply_format_day (call, noon) : g_strdup (day);
}

/* A day YYYY-MM-DD as a GDate; FALSE when it is not one. */
static gboolean
parse_day (const char *day, GDate *out)
{
  int y, m, d;
  g_date_clear (out, 1);
  if (day == NULL || sscanf (day, "%4d-%2d-%2d", &y, &m, &d) != 3 || !g_date_valid_dmy (d, m, y))
    return FALSE;
  g_date_set_dmy (out, (GDateDay) d, (GDateMonth) m, (GDateYear) y);
  return TRUE;
}

static void
date_of (GDateTime *t, GDate *out)
{
  g_date_set_dmy (out, (GDateDay) g_date_time_get_day_of_month (t), (GDateMonth) g_date_time_get_month (t),
                  (GDateYear) g_date_time_get_year (t));
}

/* "+3", "−2" or "=": a count's change since the day before. */
static char *
change_text (gint64 now, gint64 before)
{
  if (now == before)
    return g_strdup ("=");
  return now > before ? g_strdup_printf ("+%" G_GINT64_FORMAT, now - before)
                      : g_strdup_printf ("\u2212%" G_GINT64_FORMAT, before - now);
}

static void
set_count_change (GuTplData *d, const char *name, gint64 now, gint64 before)
{
  set_count (d, name, now);
  g_autofree char *change = g_strconcat (name, "_change", NULL);
  gu_tpl_data_take (d, change, change_text (now, before));
}

static void
set_flag (GuTplData *d, const char *name, gboolean yes)
{
  gu_tpl_data_set (d, name, yes ? "yes" : "");
}

/* Where the call stands on the digest's day: not open yet, open (days
 * left after this one), its last day, or closed (days since). */
static void
add_call_state (GuTplData *d, const GuCall *call, const char *day)
{
  GDate today, opens, closes;
  gboolean known = parse_day (day, &today);
  date_of (call->opens, &opens);
  date_of (call->closes, &closes);
  gint days = 0;
  const char *state = "open";
  if (!known)
    state = "";
  else if (g_date_compare (&today, &opens) < 0)
    state = "not_open", days = g_date_days_between (&today, &opens);
  else if (g_date_compare (&today, &closes) < 0)
    days = g_date_days_between (&today, &closes);
  else if (g_date_compare (&today, &closes) == 0)
    state = "last_day";
  else
    state = "closed", days = g_date_days_between (&closes, &today);
  const char *states[] = { "not_open", "open", "last_day", "closed" };
  for (gsize i = 0; i < G_N_ELEMENTS (states); i++)
    set_flag (d, states[i], strcmp (state, states[i]) == 0);
  gu_tpl_data_take (d, "days", g_strdup_printf ("%d", days));
  set_flag (d, "pl", days > 1);
  gu_tpl_data_take (d, "opens", gu_reply_format_day (call, call->opens));
  gu_tpl_data_take (d, "closes", gu_reply_format_day (call, call->closes));
}

/* The day index days after first, as a label ("3 février 2020"). */
static char *
chart_day_label (const GuCall *call, const GDate *first, guint index)
{
  GDate day = *first;
  g_date_add_days (&day, index);
  g_autoptr (GDateTime) noon = g_date_time_new (call->tz, g_date_get_year (&day), g_date_get_month (&day),
                                                g_date_get_day (&day), 12, 0, 0);
  return noon != NULL ? gu_reply_format_day (call, noon) : g_strdup ("");
}

/* The sparkline of the last SPARK_DAYS days: ▁ for none, then ▂ to █ in
 * proportion to the busiest day. */
static char *
sparkline (GArray *per_day, gint64 max, guint *first)
{
  static const char *const levels[] = { "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };
  *first = per_day->len > SPARK_DAYS ? per_day->len - SPARK_DAYS : 0;
  GString *s = g_string_new (NULL);
  for (guint i = *first; i < per_day->len; i++)
    {
      gint64 n = g_array_index (per_day, gint64, i);
      gint64 level = n <= 0 || max <= 0 ? 0 : (n * 7 + max - 1) / max;
      g_string_append (s, levels[CLAMP (level, 0, 7)]);
    }
  return g_string_free (s, FALSE);
}

/* The bar chart of new dossiers per day: one item per day (date, n,
 * height in pixels in proportion to the busiest day, zero), and the
 * text part's sparkline. */
static void
add_chart (GuTplData *d, const GuCall *call, const GuDigestFacts *f)
{
  gint64 max = 0, total = 0;
  for (guint i = 0; i < f->per_day->len; i++)
    max = MAX (max, g_array_index (f->per_day, gint64, i)), total += g_array_index (f->per_day, gint64, i);
  GDate first;
  gboolean known = parse_day (f->chart_first, &first) && f->per_day->len > 0;
  gu_tpl_data_list (d, "chart");
  for (guint i = 0; known && i < f->per_day->len; i++)
    {
      gint64 n = g_array_index (f->per_day, gint64, i);
      GuTplData *bar = gu_tpl_data_add_item (d, "chart");
      gu_tpl_data_take (bar, "date", chart_day_label (call, &first, i));
      set_count (bar, "n", n);
      set_count (bar, "height", n <= 0 ? 0 : MAX (1, (n * CHART_PX + max / 2) / max));
      set_flag (bar, "zero", n <= 0);
    }
  set_count (d, "chart_max", max);
  set_count (d, "chart_total", total);
  guint spark_first = 0;
  gu_tpl_data_take (d, "sparkline", known ? sparkline (f->per_day, max, &spark_first) : g_strdup (""));
  gu_tpl_data_take (d, "chart_first", known ? chart_day_label (call, &first, 0) : g_strdup (""));
  gu_tpl_data_take (d, "spark_first", known ? chart_day_label (call, &first, spark_first) : g_strdup (""));
}

static gboolean
strv_has (char **v, const char *s)
{
  return v != NULL && g_strv_contains ((const char *const *) v, s);
}

/* One mark per required piece: received, missing, only late, only early.
 * Every item sets all four: a name an item lacks is looked up outside.
 * The text part's marks_text says the same in signs that need no
 * language: ✓ ✗, > after the window, < before it. */
static void
add_marks (GuTplData *row, const GuCall *call, const GuDigestItem *it)
{
  GString *text = g_string_new (NULL);
  gu_tpl_data_list (row, "marks");
  for (guint i = 0; i < call->pieces->len; i++)
    {
      const GuPiece *piece = g_ptr_array_index (call->pieces, i);
      if (!piece->required)
        continue;
      gboolean missing = strv_has (it->keys, piece->key);
      gboolean late = missing && strv_has (it->late_keys, piece->key);
      gboolean early = missing && !late && strv_has (it->early_keys, piece->key);
      GuTplData *m = gu_tpl_data_add_item (row, "marks");
      gu_tpl_data_set (m, "key", piece->key);
      gu_tpl_data_set (m, "short", piece->short_label);
      set_flag (m, "mark_ok", !missing);
      set_flag (m, "mark_missing", missing && !late && !early);
      set_flag (m, "mark_late", late);
      set_flag (m, "mark_early", early);
      g_string_append (text, !missing ? "✓ " : late ? "> " : early ? "< " : "✗ ");
    }
  gu_tpl_data_take (row, "marks_text", g_strchomp (g_string_free (text, FALSE)));
}

/* text cut to width characters, "…" at the end when cut. */
static char *
cut_chars (const char *text, glong width)
{
  if (g_utf8_strlen (text, -1) <= width)
    return g_strdup (text);
  g_autofree char *head = g_utf8_substring (text, 0, MAX (width - 1, 0));
  return g_strconcat (head, "…", NULL);
}

/* The text part's row, in fixed columns: "  REF  ✓ ✗ … DD/MM  Organisation"
 * (templates/README). The fields that make it fit TEXT_COLUMNS. */
static void
add_text_columns (GuTplData *row, const GuCall *call, const GuDigestItem *it, GDateTime *last, guint ref_width)
{
  guint required = 0;
  for (guint i = 0; i < call->pieces->len; i++)
    required += ((const GuPiece *) g_ptr_array_index (call->pieces, i))->required;
  glong ref_len = g_utf8_strlen (it->reference != NULL ? it->reference : "", -1);
  gu_tpl_data_take (row, "ref_pad", g_strnfill (ref_width > ref_len ? ref_width - ref_len : 0, ' '));
  g_autoptr (GDateTime) local = last != NULL ? g_date_time_to_timezone (last, call->tz) : NULL;
  gu_tpl_data_take (row, "ddmm", local != NULL ? g_date_time_format (local, "%d/%m") : g_strdup ("--/--"));
  glong room = TEXT_COLUMNS - (2 + ref_width + 2 + 2 * required + 1 + 5 + 2);
  g_autofree char *org = gu_reply_clean_text (it->what != NULL ? it->what : it->who != NULL ? it->who : "",
                                              MAX_VALUE_CHARS);
  gu_tpl_data_take (row, "org_cut", cut_chars (org, MAX (room, 8)));
}

/* The dossier × piece matrix: the first MATRIX_ROWS incomplete dossiers
 * (already in order), the required pieces' short labels as headers. */
static void
add_matrix (GuTplData *d, const GuCall *call, const GuDigestFacts *f)
{
  gu_tpl_data_list (d, "columns");
  GuTplData *last_column = NULL;
  guint n = 0;
  for (guint i = 0; i < call->pieces->len; i++)
    {
      const GuPiece *piece = g_ptr_array_index (call->pieces, i);
      if (!piece->required)
        continue;
      GuTplData *c = gu_tpl_data_add_item (d, "columns");
      gu_tpl_data_take (c, "n", g_strdup_printf ("%u", ++n));
      gu_tpl_data_set (c, "key", piece->key);
      gu_tpl_data_set (c, "short", piece->short_label);
      gu_tpl_data_set (c, "label", piece->label);
      gu_tpl_data_set (c, "sep", ", ");
      last_column = c;
    }
  if (last_column != NULL)
    gu_tpl_data_set (last_column, "sep", "");

  guint shown = MIN (f->missing->len, MATRIX_ROWS), ref_width = 0;
  for (guint i = 0; i < shown; i++)
    {
      const GuDigestItem *it = g_ptr_array_index (f->missing, i);
      ref_width = MAX (ref_width, (guint) g_utf8_strlen (it->reference != NULL ? it->reference : "", -1));
    }
  gu_tpl_data_list (d, "matrix");
  for (guint i = 0; i < shown; i++)
    {
      const GuDigestItem *it = g_ptr_array_index (f->missing, i);
      GuTplData *row = gu_tpl_data_add_item (d, "matrix");
      g_autoptr (GDateTime) last = it->at != NULL ? g_date_time_new_from_iso8601 (it->at, NULL) : NULL;
      set_clean (row, "reference", it->reference);
      set_clean (row, "applicant", it->who);
      set_clean (row, "organisation", it->what);
      set_clean (row, "holder", it->what != NULL && *it->what ? it->what : it->who);
      gu_tpl_data_take (row, "last", last != NULL ? gu_reply_format_day (call, last) : g_strdup (""));
      add_text_columns (row, call, it, last, ref_width);
      add_marks (row, call, it);
    }
  gu_tpl_data_take (d, "matrix_count", g_strdup_printf ("%u", f->missing->len));
  gu_tpl_data_take (d, "matrix_more", f->missing->len > shown ? g_strdup_printf ("%u", f->missing->len - shown)
                                                              : g_strdup (""));
  gu_tpl_data_take (d, "matrix_pad", g_strnfill (ref_width, ' '));
}

/* What needs a person: the lists the "à traiter" box shows. */
static void
add_todo (GuTplData *d, const GuDigestFacts *f)
{
  guint n = f->quarantined->len + f->unmatched->len + f->set_aside->len + f->undelivered->len
            + f->unreadable->len + f->other_sender->len;
  gu_tpl_data_take (d, "todo_count", g_strdup_printf ("%u", n));
  set_flag (d, "todo", n > 0);
  set_flag (d, "news", f->created->len + f->completed->len + f->late_arrivals->len + f->suppressed->len
                         + f->reminders->len > 0);
}

/* The fields of the digest's templates (listed in templates/README). */
static GuTplData *
build_data (const GuDigestContext *ctx)
{
  const GuDigestFacts *f = ctx->facts;
  GuTplData *d = gu_tpl_data_new ();
  gu_tpl_data_set (d, "call_name", ctx->call->name);
  gu_tpl_data_set (d, "date", f->day);
  gu_tpl_data_take (d, "day", day_label (ctx->call, f->day));
  set_count_change (d, "early", f->early, f->prev_early);
  set_count_change (d, "incomplete", f->incomplete, f->prev_incomplete);
  set_count_change (d, "complete", f->complete, f->prev_complete);
  set_count_change (d, "late", f->late, f->prev_late);
  set_count_change (d, "total", f->early + f->incomplete + f->complete + f->late,
                    f->prev_early + f->prev_incomplete + f->prev_complete + f->prev_late);
  set_count (d, "quarantined_total", f->quarantined_total);
  gu_tpl_data_take (d, "attachment", g_strdup_printf ("dossiers-%s.csv", f->day));
  add_list (d, "created", ctx->call, f->created);
  add_list (d, "completed", ctx->call, f->completed);
  add_list (d, "late_arrivals", ctx->call, f->late_arrivals);
  add_list (d, "unmatched", ctx->call, f->unmatched);
  add_list (d, "quarantined", ctx->call, f->quarantined);
  add_list (d, "set_aside", ctx->call, f->set_aside);
  add_list (d, "undelivered", ctx->call, f->undelivered);
  add_list (d, "suppressed", ctx->call, f->suppressed);
  add_list (d, "unreadable", ctx->call, f->unreadable);
  add_list (d, "other_sender", ctx->call, f->other_sender);
  add_list (d, "reminders", ctx->call, f->reminders);
  add_todo (d, f);
  add_call_state (d, ctx->call, f->day);
  add_chart (d, ctx->call, f);
  add_matrix (d, ctx->call, f);
  return d;
}

/* Renders LANG/digest.EXT (no partials: the digest stands alone). */
static char *
render (const GuDigestContext *ctx, const GuTplData *data, const char *ext, GError **error)
{
  const char *dir = ctx->templates_dir != NULL ? ctx->templates_dir : GU_DATADIR "/templates";
  g_autofree char *file = g_strconcat ("digest.", ext, NULL);
  g_autofree char *path = NULL;
  g_autofree char *text = gu_reply_read_template (dir, gu_reply_language_folder (ctx->call), file, &path, error);
  return text != NULL ? gu_tpl_render (path, text, data, NULL, NULL, error) : NULL;
}

static GMimeObject *
csv_part (const GuDigestContext *ctx)
{
  GMimeStream *stream = g_mime_stream_mem_new_with_buffer (ctx->csv, strlen (ctx->csv));
  GMimeDataWrapper *content = g_mime_data_wrapper_new_with_stream (stream, GMIME_CONTENT_ENCODING_DEFAULT);
  g_object_unref (stream);
  GMimePart *part = g_mime_part_new_with_type ("text", "csv");
  g_mime_object_set_content_type_parameter (GMIME_OBJECT (part), "charset", "utf-8");
  g_mime_part_set_content (part, content);  /* takes its own reference */
  g_object_unref (content);
  /* base64 keeps the CSV's CRLF row ends exactly as written. */
  g_mime_part_set_content_encoding (part, GMIME_CONTENT_ENCODING_BASE64);
  g_autofree char *name = g_strdup_printf ("dossiers-%s.csv", ctx->facts->day);
  g_mime_part_set_filename (part, name);
  return GMIME_OBJECT (part);
}

/* multipart/mixed: (text | html), then the CSV. Returns a new reference. */
static GMimeObject *
body_parts (const GuDigestContext *ctx, const char *text, const char *html)
{
  GMimeMultipart *alternative = g_mime_multipart_new_with_subtype ("alternative");
  GMimeObject *parts[] = { gu_reply_text_part ("plain", text), gu_reply_text_part ("html", html) };
  for (gsize i = 0; i < G_N_ELEMENTS (parts); i++)
    {
      g_mime_multipart_add (alternative, parts[i]);  /* takes its own reference */
      g_object_unref (parts[i]);
    }
  GMimeMultipart *mixed = g_mime_multipart_new_with_subtype ("mixed");
  g_mime_multipart_add (mixed, GMIME_OBJECT (alternative));
  g_object_unref (alternative);
  GMimeObject *csv = csv_part (ctx);
  g_mime_multipart_add (mixed, csv);
  g_object_unref (csv);
  return GMIME_OBJECT (mixed);
}

/* Adds the recipients; FALSE with error when one is not an address. */
static gboolean
add_recipients (GMimeMessage *message, const char *const *to, GError **error)
{
  for (; to != NULL && *to != NULL; to++)
    {
      g_autofree char *addr = NULL;
      if (!gu_reply_parse_mailbox (*to, "a digest recipient", GU_ERROR_CONFIG, NULL, &addr, error))
        return FALSE;
      g_mime_message_add_mailbox (message, GMIME_ADDRESS_TYPE_TO, NULL, addr);
    }
  return TRUE;
}

static GBytes *
build_message (const GuDigestContext *ctx, const char *subject, GMimeObject *body, GError **error)
{
  g_autofree char *from_name = NULL, *from_addr = NULL;
  if (!gu_reply_parse_mailbox (ctx->from, "From", GU_ERROR_CONFIG, &from_name, &from_addr, error))
    return NULL;
  GMimeMessage *message = g_mime_message_new (TRUE);
  if (!add_recipients (message, ctx->to, error))
    {
      g_object_unref (message);
      return NULL;
    }
  g_mime_message_add_mailbox (message, GMIME_ADDRESS_TYPE_FROM, from_name, from_addr);
  g_mime_message_set_subject (message, subject, "utf-8");
  g_autoptr (GDateTime) now = g_date_time_new_now (ctx->call->tz);
  g_mime_message_set_date (message, now);
  g_mime_message_set_message_id (message, ctx->message_id);
  /* RFC 3834: made by a program, not a reply; no vacation answers. */
  g_mime_object_set_header (GMIME_OBJECT (message), "Auto-Submitted", "auto-generated", NULL);
  g_mime_message_set_mime_part (message, body);  /* takes its own reference */
  GBytes *bytes = gu_reply_write_message (message);
  g_object_unref (message);
  return bytes;
}

GBytes *
gu_reply_compose_digest (const GuDigestContext *ctx, char **subject, GError **error)
{
  if (!gu_reply_usable_id (ctx->message_id))
    {
      g_set_error (error, GU_ERROR, GU_ERROR_FAILED, "digest: unusable Message-ID");
      return NULL;
    }
  g_autoptr (GuTplData) data = build_data (ctx);
  g_autofree char *text = render (ctx, data, "txt", error);
  g_autofree char *html = text != NULL ? render (ctx, data, "html", error) : NULL;
  g_autofree char *subject_line = NULL;
  const char *body = html != NULL ? gu_reply_split_subject ("digest.txt", text, &subject_line, error) : NULL;
  if (body == NULL)
    return NULL;
  g_autofree char *filled = gu_reply_fill (body);
  GMimeObject *parts = body_parts (ctx, filled, html);
  GBytes *bytes = build_message (ctx, subject_line, parts, error);
  g_object_unref (parts);
  if (bytes != NULL && subject != NULL)
    *subject = g_steal_pointer (&subject_line);
  return bytes;
}
