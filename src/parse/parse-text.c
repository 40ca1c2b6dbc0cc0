#include "config.h"

#include <string.h>

#include "parse/parse-private.h"

GBytes *
gu_parse_part_bytes (GMimePart *part)
{
  GMimeDataWrapper *content = g_mime_part_get_content (part);
  if (content == NULL)
    return g_bytes_new (NULL, 0);
  g_autoptr (GMimeStream) mem = g_mime_stream_mem_new ();
  g_mime_data_wrapper_write_to_stream (content, mem);
  /* Take the buffer over instead of copying it. */
  GByteArray *array = g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (mem));
  g_mime_stream_mem_set_owner (GMIME_STREAM_MEM (mem), FALSE);
  return g_byte_array_free_to_bytes (array);
}

char *
gu_parse_take_valid_utf8 (char *s)
{
  if (s == NULL || g_utf8_validate (s, -1, NULL))
    return s;
  char *valid = g_utf8_make_valid (s, -1);
  g_free (s);
  return valid;
}

static gboolean
charset_is_utf8_or_ascii (const char *charset)
{
  return g_ascii_strcasecmp (charset, "utf-8") == 0 || g_ascii_strcasecmp (charset, "utf8") == 0
         || g_ascii_strcasecmp (charset, "us-ascii") == 0 || g_ascii_strcasecmp (charset, "ascii") == 0;
}

/* Returns data converted from charset, or NULL when the label is unknown
 * or the bytes do not fit it. */
static char *
convert_from_charset (const char *data, gsize len, const char *charset)
{
  const char *iconv_name = g_mime_charset_iconv_name (charset);
  gsize written = 0;
  char *out = g_convert (data, (gssize) len, "UTF-8", iconv_name != NULL ? iconv_name : charset,
                         NULL, &written, NULL);
  if (out != NULL && !g_utf8_validate (out, (gssize) written, NULL))
    g_clear_pointer (&out, g_free);
  return out;
}

/* Returns data as UTF-8 when it is, else as Windows-1252 (GMime picks
 * the fallback charset that fits best). */
static char *
decode_unlabelled (GMimeParserOptions *options, const char *data, gsize len)
{
  if (g_utf8_validate (data, (gssize) len, NULL))
    return g_strndup (data, len);
  return g_mime_utils_decode_8bit (options, data, len);
}

static char *
crlf_to_lf (char *s)
{
  char *w = s;
  for (const char *r = s; *r; r++)
    if (!(r[0] == '\r' && r[1] == '\n'))
      *w++ = *r;
  *w = '\0';
  return s;
}

char *
gu_parse_to_utf8 (GMimeParserOptions *options, const char *data, gsize len, const char *charset)
{
  char *text = NULL;
  if (data == NULL)
    data = "";
  if (charset != NULL && *charset != '\0' && !charset_is_utf8_or_ascii (charset))
    text = convert_from_charset (data, len, charset);
  if (text == NULL)
    text = decode_unlabelled (options, data, len);
  return crlf_to_lf (gu_parse_take_valid_utf8 (text));
}

char *
gu_parse_part_text (GuParseCtx *ctx, GMimePart *part)
{
  g_autoptr (GBytes) bytes = gu_parse_part_bytes (part);
  const char *charset = g_mime_object_get_content_type_parameter (GMIME_OBJECT (part), "charset");
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);
  return gu_parse_to_utf8 (ctx->options, data, len, charset);
}

/* A body candidate: a text leaf of the subtype in data that is not an
 * attachment. */
static gboolean
is_body_candidate (GMimeObject *obj, gpointer subtype)
{
  GMimeContentType *type = g_mime_object_get_content_type (obj);
  return GMIME_IS_PART (obj) && type != NULL && g_mime_content_type_is_type (type, "text", subtype)
         && !gu_parse_part_is_attachment (obj);
}

/* Plain text first, then HTML; the message's own parts before those of
 * a message it forwards (a forward with an empty note still has a body). */
static GMimeObject *
choose_body (GMimeObject *top)
{
  static const char *subtypes[] = { "plain", "html" };
  for (int into = 0; into <= 1; into++)
    for (gsize i = 0; i < G_N_ELEMENTS (subtypes); i++)
      {
        GMimeObject *found = gu_parse_find (top, into, is_body_candidate, (gpointer) subtypes[i]);
        if (found != NULL)
          return found;
      }
  return NULL;
}

void
gu_parse_read_body (GuParseCtx *ctx)
{
  GMimeObject *body = choose_body (g_mime_message_get_mime_part (ctx->mime));
  if (body == NULL)
    return;
  ctx->body_part = body;
  g_autofree char *text = gu_parse_part_text (ctx, GMIME_PART (body));
  GMimeContentType *type = g_mime_object_get_content_type (body);
  if (g_mime_content_type_is_type (type, "text", "html"))
    ctx->msg->body_text = gu_parse_html_to_text (text);
  else
    ctx->msg->body_text = g_steal_pointer (&text);
}
