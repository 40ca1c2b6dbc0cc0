#include "config.h"

#include <string.h>

#include "parse/parse-private.h"
#include "util/address.h"
#include "util/hash.h"

/* Called from the main thread at start and exit only. */
static gboolean initialised;

void
gu_parse_init (void)
{
  if (initialised)
    return;
  g_mime_init ();
  initialised = TRUE;
}

void
gu_parse_shutdown (void)
{
  if (!initialised)
    return;
  g_mime_shutdown ();
  initialised = FALSE;
}

/* Length of the line starting at p (up to and including its LF). */
static gsize
line_length (const char *p, gsize len)
{
  const char *nl = memchr (p, '\n', len);
  return nl != NULL ? (gsize) (nl - p) + 1 : len;
}

static gboolean
is_blank_line (const char *p, gsize n)
{
  for (gsize i = 0; i < n; i++)
    if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n')
      return FALSE;
  return TRUE;
}

/* Returns the offset of the first header line. Real mail arrives with
 * things GMime takes for the start of the body: a UTF-8 BOM, an mbox
 * "From " envelope line, a line of spaces (see the corpus SOURCES.md). */
static gsize
skip_preamble (const char *data, gsize len)
{
  gsize off = 0;
  if (len >= 3 && memcmp (data, "\xef\xbb\xbf", 3) == 0)
    off = 3;
  if (len - off >= 5 && memcmp (data + off, "From ", 5) == 0)
    off += line_length (data + off, len - off);
  while (off < len)
    {
      gsize n = line_length (data + off, len - off);
      if (!is_blank_line (data + off, n) || off + n == len)
        break;
      off += n;
    }
  return off;
}

static GMimeParserOptions *
new_parser_options (void)
{
  static const char *fallback[] = { "utf-8", "windows-1252", NULL };
  GMimeParserOptions *options = g_mime_parser_options_new ();
  g_mime_parser_options_set_fallback_charsets (options, fallback);
  return options;
}

GMimeMessage *
gu_parse_construct (GMimeParserOptions *options, const char *data, gsize len)
{
  g_autoptr (GMimeStream) stream = g_mime_stream_mem_new_with_buffer (data, len);
  g_autoptr (GMimeParser) parser = g_mime_parser_new_with_stream (stream);
  g_mime_parser_set_format (parser, GMIME_FORMAT_MESSAGE);
  GMimeMessage *mime = g_mime_parser_construct_message (parser, options);
  if (mime != NULL)
    gu_parse_repair_part_ends (mime);
  return mime;
}

static gboolean
object_has_headers (GMimeObject *obj)
{
  GMimeHeaderList *headers = obj != NULL ? g_mime_object_get_header_list (obj) : NULL;
  return headers != NULL && g_mime_header_list_get_count (headers) > 0;
}

/* A message made only of Content-* headers is still a message: GMime
 * files those under its top part. */
gboolean
gu_parse_has_headers (GMimeMessage *mime)
{
  return object_has_headers (GMIME_OBJECT (mime))
         || object_has_headers (g_mime_message_get_mime_part (mime));
}

/* The raw SHA-256, computed here when the caller did not give it (the
 * daemon hashes on a thread of its own meanwhile): only a repair marker
 * or a derived Message-ID needs it, seldom. */
typedef struct {
  GuMessage *msg;
  const char *data;
  gsize len;
  char *marker;
} RawHash;

static const char *
raw_sha256_of (RawHash *h)
{
  if (h->msg->raw_sha256 == NULL)
    {
      char hex[GU_SHA256_HEX_LEN + 1];
      gu_sha256_hex (h->data, h->len, hex);
      h->msg->raw_sha256 = g_strdup (hex);
    }
  return h->msg->raw_sha256;
}

/* Named after the message's own hash: no sender can write it ahead, and
 * a replay names it the same. */
static const char *
repair_marker (gpointer data)
{
  RawHash *h = data;
  if (h->marker == NULL)
    h->marker = g_strdup_printf ("X-Guichet-Repaired-%.16s", raw_sha256_of (h));
  return h->marker;
}

/* GMime hands back whatever the header held. */
static void
settle_message_id (GuMessage *msg, RawHash *h)
{
  if (gu_message_id_is_usable (msg->message_id))
    return;
  g_free (msg->message_id);
  msg->message_id = g_strdup_printf ("%s@guichet.invalid", raw_sha256_of (h));
  msg->message_id_derived = TRUE;
}

static void
read_mime_message (GuParseCtx *ctx)
{
  gu_parse_read_headers (ctx);
  gu_parse_read_body (ctx);
  gu_parse_collect_documents (ctx);
  gu_parse_detect_bounce (ctx);
  gu_parse_decide_role (ctx);
}

GuMessage *
gu_parse_message (GBytes *raw, const GuParseOptions *opts)
{
  gsize len = 0;
  const char *data = raw != NULL ? g_bytes_get_data (raw, &len) : NULL;
  char hex[GU_SHA256_HEX_LEN + 1];
  gu_sha256_hex (data != NULL ? data : "", len, hex);
  return gu_parse_message_hashed (raw, hex, opts);
}

GuMessage *
gu_parse_message_hashed (GBytes *raw, const char *raw_sha256, const GuParseOptions *opts)
{
  gsize len = 0;
  const char *data = raw != NULL ? g_bytes_get_data (raw, &len) : NULL;
  GuParseCtx ctx = { .opts = opts, .msg = gu_message_new () };

  if (data == NULL)
    data = "";
  ctx.msg->raw_sha256 = g_strdup (raw_sha256);
  ctx.msg->raw_size = len;
  RawHash hash = { ctx.msg, data, len, NULL };

  gsize off = skip_preamble (data, len);
  ctx.options = new_parser_options ();
  gsize repaired_len = 0;
  g_autofree char *repaired = gu_parse_repair_separators (data + off, len - off, repair_marker, &hash,
                                                          &repaired_len);
  ctx.repair_marker = repaired != NULL ? g_steal_pointer (&hash.marker) : NULL;
  g_free (hash.marker);
  ctx.mime = repaired != NULL ? gu_parse_construct (ctx.options, repaired, repaired_len)
                              : gu_parse_construct (ctx.options, data + off, len - off);
  if (ctx.mime != NULL && gu_parse_has_headers (ctx.mime))
    read_mime_message (&ctx);
  else
    ctx.msg->parse_error = g_strdup ("no headers: not a mail message");

  settle_message_id (ctx.msg, &hash);
  g_free (ctx.repair_marker);
  g_clear_object (&ctx.mime);
  g_mime_parser_options_free (ctx.options);
  return ctx.msg;
}
