/* A reply: its template rendered, then made into a MIME message with
 * GMime (the only library of this folder). */
#include "config.h"

#include <string.h>

#include <gmime/gmime.h>

#include "reply/reply-private.h"
#include "util/address.h"
#include "util/error.h"
#include "util/text.h"

/* The References chain: the thread's first message and the latest ones
 * (RFC 5322 §3.6.4 lets a chain be trimmed; mail clients keep the ends). */
#define MAX_REFERENCES 20
/* Longest Message-ID we repeat: "In-Reply-To: <id>" must stay a line
 * (RFC 5322 lines stop at 998), and GMime folds between ids only. */
#define MAX_ID_LENGTH 250

typedef struct {
  const char *dir;
  const char *lang;
} Templates;

/* dir/LANG/FILE, else dir/fr/FILE: French is the call's reference text,
 * so a language folder may hold only some templates. */
char *
gu_reply_read_template (const char *dir, const char *lang, const char *file, char **path, GError **error)
{
  g_autofree char *wanted = g_build_filename (dir, lang, file, NULL);
  g_autofree char *fallback = g_build_filename (dir, "fr", file, NULL);
  const char *chosen = g_file_test (wanted, G_FILE_TEST_IS_REGULAR) ? wanted : fallback;
  g_autoptr (GError) local = NULL;
  char *text = NULL;
  if (!g_file_get_contents (chosen, &text, NULL, &local))
    {
      g_set_error (error, GU_ERROR, GU_ERROR_CONFIG, "reply template: %s", local->message);
      return NULL;
    }
  if (!g_utf8_validate (text, -1, NULL))
    {
      g_set_error (error, GU_ERROR, GU_ERROR_CONFIG, "%s: not UTF-8", chosen);
      g_free (text);
      return NULL;
    }
  *path = g_strdup (chosen);
  return text;
}

static char *
load_template (const Templates *t, const char *name, char **path, GError **error)
{
  g_autofree char *file = g_strconcat (name, ".txt", NULL);
  return gu_reply_read_template (t->dir, t->lang, file, path, error);
}

/* {{>name}} is the file _name.txt beside the templates. */
static char *
load_partial (gpointer user_data, const char *partial, char **origin, GError **error)
{
  g_autofree char *name = g_strconcat ("_", partial, NULL);
  return load_template (user_data, name, origin, error);
}

/* A language code names a folder: nothing else than letters, '-', '_'. */
const char *
gu_reply_language_folder (const GuCall *call)
{
  const char *lang = call->language;
  if (lang == NULL || *lang == '\0')
    return "fr";
  for (const char *p = lang; *p; p++)
    if (!g_ascii_isalpha (*p) && *p != '-' && *p != '_')
      return "fr";
  return lang;
}

static char *
render_template (const GuReplyContext *ctx, const GuTplData *data, GError **error)
{
  Templates t = { ctx->templates_dir != NULL ? ctx->templates_dir : GU_DATADIR "/templates",
                  gu_reply_language_folder (ctx->call) };
  g_autofree char *path = NULL;
  g_autofree char *text = load_template (&t, gu_reply_kind_to_string (ctx->kind), &path, error);
  if (text == NULL)
    return NULL;
  return gu_tpl_render (path, text, data, load_partial, &t, error);
}

const char *
gu_reply_split_subject (const char *name, char *text, char **subject, GError **error)
{
  char *nl = strchr (text, '\n');
  if (!g_str_has_prefix (text, "Subject:") || nl == NULL || nl[1] != '\n')
    {
      g_set_error (error, GU_ERROR, GU_ERROR_CONFIG,
                   "reply template %s: must start with \"Subject: …\" and a blank line", name);
      return NULL;
    }
  *nl = '\0';
  g_autofree char *line = gu_reply_clean_text (text + strlen ("Subject:"), 300);
  *subject = g_strdup (g_strstrip (line));
  return nl + 2;
}

gboolean
gu_reply_parse_mailbox (const char *text, const char *what, GuErrorCode code, char **name, char **addr,
                        GError **error)
{
  g_autofree char *line = gu_text_one_line (text);
  InternetAddressList *list = internet_address_list_parse (NULL, line);
  InternetAddress *ia = list != NULL && internet_address_list_length (list) == 1
                            ? internet_address_list_get_address (list, 0) : NULL;
  const char *bare = ia != NULL && INTERNET_ADDRESS_IS_MAILBOX (ia)
                         ? internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (ia)) : NULL;
  gboolean ok = bare != NULL && strchr (bare, '@') != NULL;
  if (ok)
    {
      *addr = g_strdup (bare);
      const char *display = internet_address_get_name (ia);
      if (name != NULL && display != NULL && *display != '\0')
        *name = gu_reply_clean_text (display, 200);
    }
  else
    g_set_error (error, GU_ERROR, code, "reply: %s is not one address: %s", what, line);
  g_clear_object (&list);
  return ok;
}

gboolean
gu_reply_usable_id (const char *id)
{
  return gu_message_id_is_usable (id) && strlen (id) <= MAX_ID_LENGTH;
}

/* In-Reply-To and References (RFC 5322 §3.6.4): the applicant's chain,
 * then their message. A Message-ID we derived was never on the wire:
 * nothing to refer to. */
static void
set_thread_headers (GMimeObject *obj, const GuMessage *msg)
{
  if (msg == NULL || msg->message_id_derived || !gu_reply_usable_id (msg->message_id))
    return;
  g_autoptr (GPtrArray) ids = g_ptr_array_new ();
  for (guint i = 0; msg->references != NULL && i < msg->references->len; i++)
    if (gu_reply_usable_id (g_ptr_array_index (msg->references, i)))
      g_ptr_array_add (ids, g_ptr_array_index (msg->references, i));
  g_ptr_array_add (ids, msg->message_id);
  GString *refs = g_string_new (NULL);
  for (guint i = 0; i < ids->len; i++)
    if (i == 0 || i + MAX_REFERENCES > ids->len)
      g_string_append_printf (refs, "%s<%s>", refs->len ? " " : "", (char *) g_ptr_array_index (ids, i));
  g_autofree char *in_reply_to = g_strdup_printf ("<%s>", msg->message_id);
  g_mime_object_set_header (obj, "In-Reply-To", in_reply_to, NULL);
  g_mime_object_set_header (obj, "References", refs->str, NULL);
  g_string_free (refs, TRUE);
}

/* A mail that answers nothing of its recipient's (a notice) follows our
 * last one to them, so that their client shows it in that thread. */
static void
set_follow_headers (GMimeObject *obj, const char *follows_id)
{
  if (follows_id == NULL || !gu_reply_usable_id (follows_id))
    return;
  g_autofree char *id = g_strdup_printf ("<%s>", follows_id);
  g_mime_object_set_header (obj, "In-Reply-To", id, NULL);
  g_mime_object_set_header (obj, "References", id, NULL);
}

/* The part is built from the bytes: g_mime_text_part_set_text would
 * pick ISO-8859-1 for French text. */
GMimeObject *
gu_reply_text_part (const char *subtype, const char *body)
{
  GMimeStream *stream = g_mime_stream_mem_new_with_buffer (body, strlen (body));
  GMimeDataWrapper *content = g_mime_data_wrapper_new_with_stream (stream, GMIME_CONTENT_ENCODING_DEFAULT);
  g_object_unref (stream);
  GMimePart *part = g_mime_part_new_with_type ("text", subtype);
  g_mime_object_set_content_type_parameter (GMIME_OBJECT (part), "charset", "utf-8");
  g_mime_part_set_content (part, content);  /* takes its own reference */
  g_object_unref (content);
  g_mime_part_set_content_encoding (part, GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
  return GMIME_OBJECT (part);
}

/* curl's dot-stuffing needs CRLF; GMime writes LF by default. */
GBytes *
gu_reply_write_message (GMimeMessage *message)
{
  g_mime_object_encode (GMIME_OBJECT (message), GMIME_ENCODING_CONSTRAINT_7BIT);
  GMimeFormatOptions *format = g_mime_format_options_clone (NULL);
  g_mime_format_options_set_newline_format (format, GMIME_NEWLINE_FORMAT_DOS);
  GByteArray *bytes = g_byte_array_new ();
  GMimeStream *stream = g_mime_stream_mem_new_with_byte_array (bytes);
  g_mime_stream_mem_set_owner (GMIME_STREAM_MEM (stream), FALSE);
  g_mime_object_write_to_stream (GMIME_OBJECT (message), format, stream);
  g_object_unref (stream);
  g_mime_format_options_free (format);
  return g_byte_array_free_to_bytes (bytes);
}

static GBytes *
build_message (const GuReplyContext *ctx, const char *from_name, const char *from_addr,
               const char *to_addr, const char *subject, const char *body)
{
  GMimeMessage *message = g_mime_message_new (TRUE);
  GMimeObject *obj = GMIME_OBJECT (message);
  g_mime_message_add_mailbox (message, GMIME_ADDRESS_TYPE_FROM, from_name, from_addr);
  g_mime_message_add_mailbox (message, GMIME_ADDRESS_TYPE_TO, NULL, to_addr);
  g_mime_message_set_subject (message, subject, "utf-8");
  g_autoptr (GDateTime) now = g_date_time_new_now (ctx->call->tz);
  g_mime_message_set_date (message, now);
  g_mime_message_set_message_id (message, ctx->message_id);
  set_thread_headers (obj, ctx->message);
  if (ctx->message == NULL)
    set_follow_headers (obj, ctx->follows_id);
  /* RFC 3834, and a mark our own parser recognises as ours. */
  g_mime_object_set_header (obj, "Auto-Submitted", ctx->message != NULL ? "auto-replied" : "auto-generated", NULL);
  g_mime_object_set_header (obj, "X-Loop", from_addr, NULL);
  GMimeObject *part = gu_reply_text_part ("plain", body);
  g_mime_message_set_mime_part (message, part);  /* takes its own reference */
  g_object_unref (part);
  GBytes *bytes = gu_reply_write_message (message);
  g_object_unref (message);
  return bytes;
}

GBytes *
gu_reply_compose (const GuReplyContext *ctx, char **subject, GError **error)
{
  g_return_val_if_fail (ctx->kind != GU_REPLY_DIGEST, NULL);  /* src/reply/digest.h composes it */
  g_autofree char *from_name = NULL, *from_addr = NULL, *to_addr = NULL;
  if (!gu_reply_parse_mailbox (ctx->from, "From", GU_ERROR_CONFIG, &from_name, &from_addr, error)
      || !gu_reply_parse_mailbox (ctx->to, "the recipient", GU_ERROR_FAILED, NULL, &to_addr, error))
    return NULL;
  if (!gu_reply_usable_id (ctx->message_id))
    {
      g_set_error (error, GU_ERROR, GU_ERROR_FAILED, "reply: unusable Message-ID");
      return NULL;
    }
  g_autoptr (GuTplData) data = gu_reply_build_data (ctx, from_addr);
  g_autofree char *text = render_template (ctx, data, error);
  g_autofree char *subject_line = NULL;
  g_autofree char *name = g_strdup_printf ("%s/%s", gu_reply_language_folder (ctx->call), gu_reply_kind_to_string (ctx->kind));
  const char *body = text != NULL ? gu_reply_split_subject (name, text, &subject_line, error) : NULL;
  if (body == NULL)
    return NULL;
  g_autofree char *shaped = gu_reply_fill (body);
  GBytes *bytes = build_message (ctx, from_name, from_addr, to_addr, subject_line, shaped);
  if (subject != NULL)
    *subject = g_steal_pointer (&subject_line);
  return bytes;
}
