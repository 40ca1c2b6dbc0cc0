/* Corrections to what GMime 3.2 builds from a raw message, made before
 * anything reads the parts. See doc/ARCHITECTURE.md, "Parsing". */
#include "config.h"

#include <string.h>

#include "parse/parse-private.h"

/* The raw bytes under a part's content and where the content lies in
 * them, when GMime kept the content as a window onto the parsed buffer
 * (it does for a seekable stream, which gu_parse_construct gives it). */
typedef struct {
  GMimeStream *whole; /* the parsed buffer (borrowed) */
  const guint8 *raw;
  gint64 raw_len;
  gint64 start, end;  /* the content is raw[start, end) */
} PartWindow;

static gboolean
part_window (GMimePart *part, PartWindow *w)
{
  GMimeDataWrapper *content = g_mime_part_get_content (part);
  GMimeStream *stream = content != NULL ? g_mime_data_wrapper_get_stream (content) : NULL;
  if (stream == NULL || stream->super_stream == NULL || !GMIME_IS_STREAM_MEM (stream->super_stream))
    return FALSE;
  GByteArray *array = g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (stream->super_stream));
  if (array == NULL || stream->bound_end < stream->bound_start || stream->bound_end > array->len)
    return FALSE;
  *w = (PartWindow) { .whole = stream->super_stream, .raw = array->data, .raw_len = array->len,
                      .start = stream->bound_start, .end = stream->bound_end };
  return TRUE;
}

/* Returns where the content should end, given that GMime ended it at
 * w->end, or w->end when it ended at no boundary line.
 *
 * GMime's parser ends a part's content one byte before the boundary line
 * that closes it, or two bytes before when that boundary line itself ends
 * in CRLF: it looks at the boundary line's own line end, not at the one
 * that precedes it. When the body lines end in LF and the boundary lines
 * in CRLF (mail that went through a Unix tool or a gateway), the cut
 * takes the part's last character with it; for base64 that leaves an
 * incomplete last quantum, which the decoder drops: the attachment loses
 * its last one to three bytes. In the opposite mix a stray CR stays in
 * the content. RFC 2046 §5.1.1 gives the line end just before the
 * boundary line to the boundary, whatever it is: cut there. */
static gint64
content_end (const PartWindow *w)
{
  gint64 e = w->end, line;
  /* GMime cut one byte (e is the LF before the boundary line) or two
   * (e + 1 is that LF). When both bytes are LF, e + 1 cannot start the
   * boundary line, so the second reading wins. */
  if (e + 1 < w->raw_len && w->raw[e + 1] == '\n')
    line = e + 2;
  else if (e < w->raw_len && w->raw[e] == '\n')
    line = e + 1;
  else
    return e;
  if (line + 2 > w->raw_len || memcmp (w->raw + line, "--", 2) != 0)
    return e; /* not a boundary line: the content ran to the end */
  gint64 fixed = line - 1;
  if (fixed - 1 >= w->start && w->raw[fixed - 1] == '\r')
    fixed--;
  return MAX (fixed, w->start);
}

static void
recut_content (GMimePart *part)
{
  PartWindow w;
  if (!part_window (part, &w))
    return;
  gint64 end = content_end (&w);
  if (end == w.end)
    return;
  GMimeContentEncoding encoding = g_mime_part_get_content_encoding (part);
  g_autoptr (GMimeStream) sub = g_mime_stream_substream (w.whole, w.start, end);
  GMimeDataWrapper *content = g_mime_data_wrapper_new_with_stream (sub, encoding);
  g_mime_part_set_content (part, content);
  g_object_unref (content);
}

static gboolean
recut_visit (GMimeObject *obj, gpointer data G_GNUC_UNUSED)
{
  if (GMIME_IS_PART (obj))
    recut_content (GMIME_PART (obj));
  return FALSE; /* visit every part */
}

void
gu_parse_repair_part_ends (GMimeMessage *mime)
{
  GMimeObject *top = g_mime_message_get_mime_part (mime);
  if (top != NULL)
    gu_parse_find (top, TRUE, recut_visit, NULL);
}

/* ---- Parts without the blank line after their headers ---- */

#define MAX_BOUNDARIES 64
#define MAX_BOUNDARY_LEN 200

/* Every boundary= parameter in data, wherever it is: a repair must find
 * the parts GMime could not. */
static GPtrArray *
find_boundaries (const char *data, gsize len)
{
  GPtrArray *found = g_ptr_array_new_with_free_func (g_free);
  static const char key[] = "boundary=";
  const gsize k = sizeof key - 1;
  /* Led by memchr on '=': this runs over every byte of every message,
   * and '=' is rare in base64 bodies. */
  for (gsize from = 0; from + k < len && found->len < MAX_BOUNDARIES;)
    {
      const char *eq = memchr (data + from + k - 1, '=', len - 1 - (from + k - 1));
      if (eq == NULL)
        break;
      gsize i = (gsize) (eq - data) - (k - 1);
      if (g_ascii_strncasecmp (data + i, key, k - 1) != 0)
        {
          from = i + 1;
          continue;
        }
      gsize s = i + k, e;
      gboolean quoted = data[s] == '"';
      s += quoted;
      for (e = s; e < len && e - s < MAX_BOUNDARY_LEN; e++)
        if (quoted ? data[e] == '"' : (data[e] == ';' || g_ascii_isspace (data[e])))
          break;
      if (e > s)
        g_ptr_array_add (found, g_strndup (data + s, e - s));
      from = e + 1;
    }
  return found;
}

/* An opening (not closing) boundary line of one of boundaries. */
static gboolean
opens_part (const char *line, gsize n, GPtrArray *boundaries)
{
  if (n < 3 || line[0] != '-' || line[1] != '-')
    return FALSE;
  for (guint i = 0; i < boundaries->len; i++)
    {
      const char *b = g_ptr_array_index (boundaries, i);
      gsize bl = strlen (b);
      if (n < 2 + bl || memcmp (line + 2, b, bl) != 0)
        continue;
      const char *rest = line + 2 + bl;
      gsize rn = n - 2 - bl;
      while (rn > 0 && (rest[rn - 1] == ' ' || rest[rn - 1] == '\t'))
        rn--;
      if (rn == 0)
        return TRUE;
    }
  return FALSE;
}

/* What Python's email takes for a header line: a field name of printable
 * characters but ':' then ':', a continuation, or an mbox "From ". */
static gboolean
is_header_line (const char *line, gsize n)
{
  if (n > 0 && (line[0] == ' ' || line[0] == '\t'))
    return TRUE;
  if (n >= 5 && memcmp (line, "From ", 5) == 0)
    return TRUE;
  for (gsize i = 0; i < n; i++)
    {
      if (line[i] == ':')
        return TRUE;
      if ((guchar) line[i] < 0x21 || (guchar) line[i] > 0x7e)
        return FALSE;
    }
  return FALSE;
}

char *
gu_parse_repair_separators (const char *data, gsize len, GuRepairMarkerFunc marker_of, gpointer marker_data,
                            gsize *out_len)
{
  g_autoptr (GPtrArray) boundaries = find_boundaries (data, len);
  if (boundaries->len == 0)
    return NULL;
  GString *out = NULL;
  gboolean in_headers = FALSE;
  gsize copied = 0;
  for (gsize pos = 0; pos < len;)
    {
      const char *nl = memchr (data + pos, '\n', len - pos);
      gsize end = nl != NULL ? (gsize) (nl - data) + 1 : len;
      gsize n = end - pos;
      while (n > 0 && (data[pos + n - 1] == '\n' || data[pos + n - 1] == '\r'))
        n--;
      if (!in_headers)
        in_headers = opens_part (data + pos, n, boundaries);
      else if (n == 0)
        in_headers = FALSE;
      else if (!is_header_line (data + pos, n))
        {
          const char *eol = end - pos > n + 1 ? "\r\n" : "\n";
          if (out == NULL)
            out = g_string_sized_new (len + 256);
          g_string_append_len (out, data + copied, (gssize) (pos - copied));
          g_string_append_printf (out, "%s: missing blank line%s%s", marker_of (marker_data), eol, eol);
          copied = pos;
          in_headers = FALSE;
        }
      pos = end;
    }
  if (out == NULL)
    return NULL;
  g_string_append_len (out, data + copied, (gssize) (len - copied));
  *out_len = out->len;
  return g_string_free (out, FALSE);
}

/* ---- base64 that ends in an incomplete quantum ---- */

/* 1 for the 64 characters of the base64 alphabet. */
static const guint8 base64_alphabet[256] = {
  ['A' ... 'Z'] = 1, ['a' ... 'z'] = 1, ['0' ... '9'] = 1, ['+'] = 1, ['/'] = 1,
};

/* The encoded bytes of a part, read from the start; the stream is left
 * at its start for whoever reads it next. */
static GByteArray *
encoded_bytes (GMimePart *part)
{
  GMimeDataWrapper *content = g_mime_part_get_content (part);
  GMimeStream *stream = content != NULL ? g_mime_data_wrapper_get_stream (content) : NULL;
  if (stream == NULL || g_mime_stream_reset (stream) != 0)
    return NULL;
  g_autoptr (GMimeStream) mem = g_mime_stream_mem_new ();
  g_mime_stream_write_to_stream (stream, mem);
  g_mime_stream_reset (stream);
  GByteArray *array = g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (mem));
  g_mime_stream_mem_set_owner (GMIME_STREAM_MEM (mem), FALSE);
  return array;
}

/* The last `want` alphabet characters of enc[0, len) into quantum, in order. */
static void
last_quantum (const guint8 *enc, gsize len, gsize want, char quantum[5])
{
  gsize k = want;
  for (gsize i = len; i > 0 && k > 0; i--)
    if (base64_alphabet[enc[i - 1]])
      quantum[--k] = (char) enc[i - 1];
}

gboolean
gu_parse_repair_base64_tail (GMimePart *part, GBytes **content)
{
  if (g_mime_part_get_content_encoding (part) != GMIME_CONTENT_ENCODING_BASE64)
    return FALSE;
  /* Read in place when GMime kept a window onto the parsed buffer (it
   * does for every part of a message we parse): no copy of each
   * attachment just to look at its end. */
  PartWindow w;
  g_autoptr (GByteArray) copy = NULL;
  const guint8 *enc;
  gsize enc_len;
  if (part_window (part, &w))
    enc = w.raw + w.start, enc_len = (gsize) (w.end - w.start);
  else if ((copy = encoded_bytes (part)) != NULL)
    enc = copy->data, enc_len = copy->len;
  else
    return FALSE;
  /* Padded (an '=' anywhere ends the data for every decoder): whole. */
  if (memchr (enc, '=', enc_len) != NULL)
    return FALSE;
  /* The characters that count; junk (line ends, spaces, stray bytes) is
   * skipped as every decoder does. */
  gsize count = 0;
  for (gsize i = 0; i < enc_len; i++)
    count += base64_alphabet[enc[i]];
  gsize left = count % 4;
  /* Whole, or already decoded in full: nothing to add. One character
   * alone holds no byte. */
  if (left < 2 || g_bytes_get_size (*content) != count / 4 * 3)
    return FALSE;
  char quantum[5] = "====";
  last_quantum (enc, enc_len, left, quantum);
  gsize n = 0;
  g_autofree guchar *last = g_base64_decode (quantum, &n);
  gsize len;
  const guint8 *data = g_bytes_get_data (*content, &len);
  GByteArray *whole = g_byte_array_sized_new ((guint) (len + n));
  g_byte_array_append (whole, data, (guint) len);
  g_byte_array_append (whole, last, (guint) n);
  g_bytes_unref (*content);
  *content = g_byte_array_free_to_bytes (whole);
  return TRUE;
}
