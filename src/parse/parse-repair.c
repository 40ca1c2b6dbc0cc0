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
