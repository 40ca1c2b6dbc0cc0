/* The daily digest: the day's facts through two templates (text and
 * HTML, the same fields), with the CSV export attached. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "reply/digest.h"
#include "reply/reply-private.h"

/* Longest value shown: a digest line, not a dump of an untrusted header. */
#define MAX_VALUE_CHARS 200

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
};

static void
set_clean (GuTplData *d, const char *name, const char *value)
{
  gu_tpl_data_take (d, name, value != NULL ? gu_reply_clean_text (value, MAX_VALUE_CHARS) : NULL);
}

static void
add_missing_labels (GuTplData *item, const GuCall *call, char **keys)
{
  gu_tpl_data_list (item, "pieces");
  for (char **k = keys; k != NULL && *k != NULL; k++)
    {
      const GuPiece *piece = gu_call_find_piece (call, *k);
      GuTplData *p = gu_tpl_data_add_item (item, "pieces");
      gu_tpl_data_set (p, "key", *k);
      gu_tpl_data_set (p, "label", piece != NULL ? piece->label : *k);
    }
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
  if (strcmp (names->list, "missing") == 0)
    add_missing_labels (item, call, it->keys);
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

/* The fields of the digest's templates (listed in templates/README). */
static GuTplData *
build_data (const GuDigestContext *ctx)
{
  const GuDigestFacts *f = ctx->facts;
  GuTplData *d = gu_tpl_data_new ();
  gu_tpl_data_set (d, "call_name", ctx->call->name);
  gu_tpl_data_set (d, "date", f->day);
  gu_tpl_data_take (d, "day", day_label (ctx->call, f->day));
  set_count (d, "early", f->early);
  set_count (d, "incomplete", f->incomplete);
  set_count (d, "complete", f->complete);
  set_count (d, "late", f->late);
  set_count (d, "total", f->early + f->incomplete + f->complete + f->late);
  set_count (d, "quarantined_total", f->quarantined_total);
  gu_tpl_data_take (d, "attachment", g_strdup_printf ("dossiers-%s.csv", f->day));
  add_list (d, "created", ctx->call, f->created);
  add_list (d, "completed", ctx->call, f->completed);
  add_list (d, "missing", ctx->call, f->missing);
  add_list (d, "late_arrivals", ctx->call, f->late_arrivals);
  add_list (d, "unmatched", ctx->call, f->unmatched);
  add_list (d, "quarantined", ctx->call, f->quarantined);
  add_list (d, "set_aside", ctx->call, f->set_aside);
  add_list (d, "undelivered", ctx->call, f->undelivered);
  add_list (d, "suppressed", ctx->call, f->suppressed);
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
