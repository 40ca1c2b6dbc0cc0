#include "config.h"

#include <string.h>

#include "parse/parse-private.h"

gboolean
gu_parse_part_is_attachment (GMimeObject *obj)
{
  GMimeContentDisposition *disposition = g_mime_object_get_content_disposition (obj);
  if (disposition != NULL && g_mime_content_disposition_is_attachment (disposition))
    return TRUE;
  return GMIME_IS_PART (obj) && g_mime_part_get_filename (GMIME_PART (obj)) != NULL;
}

char *
gu_parse_mime_type (GMimeObject *obj)
{
  GMimeContentType *type = g_mime_object_get_content_type (obj);
  g_autofree char *mime_type = type != NULL ? g_mime_content_type_get_mime_type (type) : NULL;
  if (mime_type == NULL || !g_utf8_validate (mime_type, -1, NULL))
    return g_strdup ("application/octet-stream");
  return g_ascii_strdown (mime_type, -1);
}

static gboolean
has_8bit (const char *s)
{
  for (; *s; s++)
    if ((guchar) *s >= 0x80)
      return TRUE;
  return FALSE;
}

/* Returns the parameter param of the header called name, decoded from the
 * raw header so that raw 8-bit bytes (Outlook) are read in the part's
 * charset, else as UTF-8, else as Windows-1252 — GMime would read them in
 * the process locale. NULL when absent. */
static char *
param_from_raw_header (GuParseCtx *ctx, GMimeObject *obj, const char *name, const char *param)
{
  GMimeHeaderList *list = g_mime_object_get_header_list (obj);
  GMimeHeader *header = list != NULL ? g_mime_header_list_get_header (list, name) : NULL;
  const char *raw = header != NULL ? g_mime_header_get_raw_value (header) : NULL;
  if (raw == NULL)
    return NULL;
  const char *charset = g_mime_object_get_content_type_parameter (obj, "charset");
  g_autofree char *text = has_8bit (raw) ? gu_parse_to_utf8 (ctx->options, raw, strlen (raw), charset)
                                         : g_strdup (raw);
  const char *value = NULL;
  g_autoptr (GMimeContentDisposition) disposition = NULL;
  g_autoptr (GMimeContentType) type = NULL;
  if (g_ascii_strcasecmp (name, "Content-Disposition") == 0)
    {
      disposition = g_mime_content_disposition_parse (ctx->options, text);
      value = disposition != NULL ? g_mime_content_disposition_get_parameter (disposition, param) : NULL;
    }
  else
    {
      type = g_mime_content_type_parse (ctx->options, text);
      value = type != NULL ? g_mime_content_type_get_parameter (type, param) : NULL;
    }
  return g_strdup (value);
}

static gboolean
is_hidden_char (gunichar c)
{
  GUnicodeType t = g_unichar_type (c);
  /* Format characters include the bidi overrides that disguise
   * "fdp.exe" as "exe.pdf". */
  return t == G_UNICODE_CONTROL || t == G_UNICODE_FORMAT;
}

/* Returns name as a label: valid UTF-8, no directory part, no control
 * or format characters, never empty. Consumes name. */
static char *
clean_filename (GuParseCtx *ctx, char *name)
{
  g_autofree char *owned = name;
  g_autofree char *utf8 = g_utf8_validate (owned, -1, NULL)
                            ? g_strdup (owned)
                            : g_mime_utils_decode_8bit (ctx->options, owned, strlen (owned));
  utf8 = gu_parse_take_valid_utf8 (utf8);
  const char *base = utf8;
  for (const char *p = utf8; *p; p++)
    if (*p == '/' || *p == '\\')
      base = p + 1;
  GString *clean = g_string_new (NULL);
  for (const char *p = base; *p; p = g_utf8_next_char (p))
    if (!is_hidden_char (g_utf8_get_char (p)))
      g_string_append_unichar (clean, g_utf8_get_char (p));
  char *label = g_strstrip (g_string_free (clean, FALSE));
  if (*label == '\0' || strcmp (label, ".") == 0 || strcmp (label, "..") == 0)
    {
      g_free (label);
      return g_strdup ("unnamed");
    }
  return label;
}

char *
gu_parse_part_filename (GuParseCtx *ctx, GMimeObject *obj)
{
  /* What g_mime_part_get_filename reads, for message parts too. */
  const char *decoded = g_mime_object_get_content_disposition_parameter (obj, "filename");
  if (decoded == NULL)
    decoded = g_mime_object_get_content_type_parameter (obj, "name");
  if (decoded == NULL)
    return NULL;
  char *name = param_from_raw_header (ctx, obj, "Content-Disposition", "filename");
  if (name == NULL)
    name = param_from_raw_header (ctx, obj, "Content-Type", "name");
  if (name == NULL)
    name = g_strdup (decoded);
  return clean_filename (ctx, name);
}

static GMimeObject *
find_at_depth (GMimeObject *obj, gboolean into_messages, GuParseVisit visit, gpointer data,
               int depth)
{
  if (obj == NULL || depth > GU_PARSE_MAX_DEPTH)
    return NULL;
  if (visit (obj, data))
    return obj;
  if (GMIME_IS_MULTIPART (obj))
    {
      int n = g_mime_multipart_get_count (GMIME_MULTIPART (obj));
      for (int i = 0; i < n; i++)
        {
          GMimeObject *found = find_at_depth (g_mime_multipart_get_part (GMIME_MULTIPART (obj), i),
                                              into_messages, visit, data, depth + 1);
          if (found != NULL)
            return found;
        }
    }
  else if (GMIME_IS_MESSAGE_PART (obj) && into_messages)
    {
      GMimeMessage *inner = g_mime_message_part_get_message (GMIME_MESSAGE_PART (obj));
      if (inner != NULL)
        return find_at_depth (g_mime_message_get_mime_part (inner), into_messages, visit, data,
                              depth + 1);
    }
  return NULL;
}

GMimeObject *
gu_parse_find (GMimeObject *top, gboolean into_messages, GuParseVisit visit, gpointer data)
{
  return find_at_depth (top, into_messages, visit, data, 0);
}

/* Parts that carry machinery, not content. */
static gboolean
is_never_document (const char *mime_type)
{
  static const char *const types[] = {
    "application/pkcs7-signature", "application/x-pkcs7-signature",
    "application/pgp-signature", "application/pgp-encrypted",
    "message/delivery-status", "message/global-delivery-status",
    "message/disposition-notification", "message/feedback-report",
    "text/rfc822-headers", "text/global-headers",
    "message/partial", "message/external-body",
  };
  for (gsize i = 0; i < G_N_ELEMENTS (types); i++)
    if (strcmp (mime_type, types[i]) == 0)
      return TRUE;
  return FALSE;
}

/* Where the walk is in the MIME tree. */
typedef struct {
  guint flags;         /* GuDocFlags inherited (GU_DOC_FROM_FORWARD) */
  gboolean in_related; /* the parent is multipart/related */
  gboolean in_report;  /* under a multipart/report */
  int depth;
} Walk;

static gboolean
is_inline_image (GMimeObject *obj, const char *mime_type, GBytes *content, const Walk *w)
{
  GMimeContentDisposition *disposition = g_mime_object_get_content_disposition (obj);
  gboolean attached = disposition != NULL && g_mime_content_disposition_is_attachment (disposition);
  /* Some senders reference related images by Content-Location instead. */
  gboolean referenced = g_mime_object_get_content_id (obj) != NULL
                        || (w->in_related && g_mime_object_get_header (obj, "Content-Location") != NULL);
  return g_str_has_prefix (mime_type, "image/") && referenced
         && g_bytes_get_size (content) < GU_PARSE_INLINE_IMAGE_MAX && (w->in_related || !attached);
}

/* Inline: said so, or sent with neither a disposition nor a name. */
static gboolean
is_inline (GMimeObject *obj, gboolean named)
{
  GMimeContentDisposition *disposition = g_mime_object_get_content_disposition (obj);
  if (disposition == NULL)
    return !named;
  return !g_mime_content_disposition_is_attachment (disposition);
}

static void
add_document (GuParseCtx *ctx, GMimePart *part, char *mime_type, const Walk *w)
{
  GMimeObject *obj = GMIME_OBJECT (part);
  g_autoptr (GBytes) content = gu_parse_part_bytes (part);
  gboolean repaired = gu_parse_repair_base64_tail (part, &content);
  GuDocument *doc = gu_document_new ();
  doc->filename = gu_parse_part_filename (ctx, obj);
  doc->declared_type = mime_type;
  doc->flags = w->flags;
  if (is_inline_image (obj, mime_type, content, w))
    doc->flags |= GU_DOC_INLINE_IMAGE;
  else if (is_inline (obj, doc->filename != NULL))
    doc->flags |= GU_DOC_INLINE;
  /* Outlook's winmail.dat is a container like a zip: unpack opens it. */
  if (repaired || (ctx->repair_marker != NULL && g_mime_object_get_header (obj, ctx->repair_marker) != NULL))
    doc->flags |= GU_DOC_REPAIRED;
  gu_document_set_content (doc, content);
  gu_message_add_document (ctx->msg, doc);
}

static void walk (GuParseCtx *ctx, GMimeObject *obj, Walk w);

/* A message/rfc822 part with a transfer encoding reaches us undecoded:
 * read the message it holds and walk it like any forwarded message.
 * Returns FALSE when it holds no message (it is then a document). */
static gboolean
walk_encoded_message (GuParseCtx *ctx, GMimePart *part, const Walk *w)
{
  if (w->in_report)
    return TRUE;
  g_autoptr (GBytes) bytes = gu_parse_part_bytes (part);
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);
  g_autoptr (GMimeMessage) inner = gu_parse_construct (ctx->options, data != NULL ? data : "", len);
  if (inner == NULL || !gu_parse_has_headers (inner))
    return FALSE;
  Walk child = *w;
  child.depth++;
  child.flags |= GU_DOC_FROM_FORWARD;
  child.in_related = FALSE;
  walk (ctx, g_mime_message_get_mime_part (inner), child);
  return TRUE;
}

static void
consider_leaf (GuParseCtx *ctx, GMimePart *part, const Walk *w)
{
  GMimeObject *obj = GMIME_OBJECT (part);
  if (obj == ctx->body_part)
    return;
  g_autofree char *mime_type = gu_parse_mime_type (obj);
  if (is_never_document (mime_type))
    return;
  /* Text that is not attached is message text (the HTML alternative, a
   * forwarded note), not a document. */
  if (g_str_has_prefix (mime_type, "text/") && !gu_parse_part_is_attachment (obj))
    return;
  /* An encoded attached message: a document itself when attached by
   * name (as in add_message_document), then walked for its attachments. */
  if (strcmp (mime_type, "message/rfc822") == 0 || strcmp (mime_type, "message/global") == 0)
    {
      gboolean attached = gu_parse_part_is_attachment (obj);
      if (attached)
        add_document (ctx, part, g_strdup (mime_type), w);
      if (walk_encoded_message (ctx, part, w) || attached)
        return;
    }
  add_document (ctx, part, g_steal_pointer (&mime_type), w);
}

static void
walk_multipart (GuParseCtx *ctx, GMimeMultipart *multipart, Walk w)
{
  GMimeContentType *type = g_mime_object_get_content_type (GMIME_OBJECT (multipart));
  Walk child = w;
  child.depth++;
  child.in_related = type != NULL && g_mime_content_type_is_type (type, "multipart", "related");
  child.in_report = w.in_report || (type != NULL && g_mime_content_type_is_type (type, "multipart", "report"));
  int n = g_mime_multipart_get_count (multipart);
  for (int i = 0; i < n; i++)
    walk (ctx, g_mime_multipart_get_part (multipart, i), child);
}

/* An attached message (a letter of support forwarded as .eml, say) is a
 * document in its own right when it was named or sent as an attachment;
 * its own attachments are documents too. */
static void
add_message_document (GuParseCtx *ctx, GMimeMessagePart *part, const Walk *w)
{
  GMimeObject *obj = GMIME_OBJECT (part);
  char *filename = gu_parse_part_filename (ctx, obj);
  if (filename == NULL && !gu_parse_part_is_attachment (obj))
    return;
  GMimeMessage *inner = g_mime_message_part_get_message (part);
  g_autoptr (GMimeStream) stream = g_mime_stream_mem_new ();
  g_mime_object_write_to_stream (GMIME_OBJECT (inner), NULL, stream);
  GByteArray *array = g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (stream));
  g_autoptr (GBytes) content = g_bytes_new (array->data, array->len);
  GuDocument *doc = gu_document_new ();
  doc->filename = filename;
  doc->declared_type = gu_parse_mime_type (obj);
  doc->flags = w->flags;
  gu_document_set_content (doc, content);
  gu_message_add_document (ctx->msg, doc);
}

/* A forwarded message's attachments are documents (and the message too
 * when attached by name). The message a report returns (a bounce's
 * original) is neither. */
static void
walk_message_part (GuParseCtx *ctx, GMimeMessagePart *part, Walk w)
{
  GMimeMessage *inner = g_mime_message_part_get_message (part);
  if (w.in_report || inner == NULL)
    return;
  add_message_document (ctx, part, &w);
  Walk child = w;
  child.depth++;
  child.flags |= GU_DOC_FROM_FORWARD;
  child.in_related = FALSE;
  walk (ctx, g_mime_message_get_mime_part (inner), child);
}

/* Parts deeper than GU_PARSE_MAX_DEPTH are not read, but must not vanish
 * unsaid: the message is flagged, and intake and the reply say so. The
 * loss happens here, in our walk, so the walk is where to see it: GMime
 * 3.2 builds the tree far deeper (without limit before 3.2.5, then down
 * to MAX_LEVEL, 1024 levels, in gmime-parser.c, keeping anything deeper
 * unparsed in the last multipart), so whatever is lost lies under an
 * object this walk meets one level past the limit. A scan of the raw
 * bytes for nested boundaries would only guess at the same thing. */
static void
note_too_deep (GuParseCtx *ctx)
{
  if (ctx->msg->truncated == NULL)
    ctx->msg->truncated = g_strdup_printf ("nesting deeper than %d levels", GU_PARSE_MAX_DEPTH);
}

static void
walk (GuParseCtx *ctx, GMimeObject *obj, Walk w)
{
  if (obj == NULL)
    return;
  if (w.depth > GU_PARSE_MAX_DEPTH)
    {
      note_too_deep (ctx);
      return;
    }
  if (GMIME_IS_MULTIPART (obj))
    walk_multipart (ctx, GMIME_MULTIPART (obj), w);
  else if (GMIME_IS_MESSAGE_PART (obj))
    walk_message_part (ctx, GMIME_MESSAGE_PART (obj), w);
  else if (GMIME_IS_PART (obj))
    consider_leaf (ctx, GMIME_PART (obj), &w);
}

void
gu_parse_collect_documents (GuParseCtx *ctx)
{
  Walk w = { 0 };
  walk (ctx, g_mime_message_get_mime_part (ctx->mime), w);
}
