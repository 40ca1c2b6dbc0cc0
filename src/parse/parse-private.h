/* Internals of src/parse shared between its files; nothing outside
 * src/parse includes this (it exposes GMime types). */
#ifndef GU_PARSE_PRIVATE_H
#define GU_PARSE_PRIVATE_H

#include <gmime/gmime.h>

#include "parse/parse.h"

/* Deeper MIME nesting than this is not walked: a hostile message could
 * otherwise exhaust the stack of the recursive walks. */
#define GU_PARSE_MAX_DEPTH 64

/* GMime 3.2 declares no g_autoptr cleanups of its own. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeStream, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeParser, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeMessage, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeContentType, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeContentDisposition, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (InternetAddressList, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeReferences, g_mime_references_free)

/* Images with a Content-ID below this size are logos and signatures. */
#define GU_PARSE_INLINE_IMAGE_MAX 65536

/* One parse in progress. */
typedef struct {
  GMimeParserOptions *options;  /* owned; fallback charsets utf-8, windows-1252 */
  const GuParseOptions *opts;   /* may be NULL */
  GMimeMessage *mime;           /* owned; NULL when GMime gave up */
  GuMessage *msg;               /* the result being filled */
  GMimeObject *body_part;       /* the part body_text came from, or NULL */
  char *repair_marker;          /* owned; the header gu_parse_repair_separators put
                                 * in the parts it repaired, NULL when none */
} GuParseCtx;

/* parse.c */
/* Returns the message GMime reads from data (a new reference), or NULL
 * when it finds none. */
GMimeMessage *gu_parse_construct (GMimeParserOptions *options, const char *data, gsize len);
/* TRUE when mime has at least one header, its own or its top part's. */
gboolean gu_parse_has_headers (GMimeMessage *mime);

/* parse-repair.c: corrections to GMime's reading, applied by
 * gu_parse_construct before anything reads the parts. */
/* Re-cuts each part's content at the line end before its closing
 * boundary, whatever mix of CRLF and LF the message uses. */
void gu_parse_repair_part_ends (GMimeMessage *mime);
/* A part whose headers run straight into its body, without the blank
 * line (the body's first line is no header): Thunderbird and Python's
 * email start the body there, GMime reads on as headers and the part is
 * lost. Returns a copy of data (*out_len bytes) where each such part gets
 * the blank line, after a header named by marker_of (marker_data) (so
 * that the document can be flagged GU_DOC_REPAIRED), or NULL when no part
 * needed it. The marker is a header name no sender can guess, asked for
 * only when a part needs it (making it may cost a hash of the message). */
typedef const char *(*GuRepairMarkerFunc) (gpointer data);
char *gu_parse_repair_separators (const char *data, gsize len, GuRepairMarkerFunc marker_of,
                                  gpointer marker_data, gsize *out_len);
/* A base64 part whose last quantum is cut short ("QUJD" + "RE", no
 * padding): GMime drops the 1 or 2 bytes it holds, Python's email pads
 * and decodes them. When content (GMime's decoding of part) lacks them,
 * replaces it with the whole and returns TRUE. */
gboolean gu_parse_repair_base64_tail (GMimePart *part, GBytes **content);

/* parse-headers.c: envelope and identity headers into ctx->msg. */
void gu_parse_read_headers (GuParseCtx *ctx);
/* Returns the value of the first header called name with folding
 * removed and valid UTF-8, newly allocated, or NULL when absent. */
char *gu_parse_header_oneline (GMimeObject *obj, const char *name);
/* Returns every header called name, unfolded, as a newly allocated
 * NULL-terminated vector (free with g_strfreev); empty when none. */
char **gu_parse_header_all (GMimeObject *obj, const char *name);

/* parse-role.c: the sender's role (automatic, staff, applicant) and bounces. */
void gu_parse_decide_role (GuParseCtx *ctx);
void gu_parse_detect_bounce (GuParseCtx *ctx);

/* parse-text.c: bytes and text of parts. */
/* Returns the part's content with its transfer encoding removed (a new
 * reference; empty bytes when there is no content). */
GBytes *gu_parse_part_bytes (GMimePart *part);
/* Returns data converted to valid UTF-8 (newly allocated): from charset
 * when given and the bytes convert cleanly, else as UTF-8 when valid,
 * else as Windows-1252. CRLF line ends become LF. */
char *gu_parse_to_utf8 (GMimeParserOptions *options, const char *data, gsize len,
                        const char *charset);
/* Returns the decoded text of a text part as valid UTF-8, newly allocated. */
char *gu_parse_part_text (GuParseCtx *ctx, GMimePart *part);
/* Returns s itself when valid UTF-8, else a repaired copy; s is consumed. */
char *gu_parse_take_valid_utf8 (char *s);
/* Picks the body part and fills msg->body_text. */
void gu_parse_read_body (GuParseCtx *ctx);

/* parse-html.c */
/* Returns the readable text of an HTML document (valid UTF-8 in and out),
 * newly allocated: tags dropped, script/style content dropped, entities
 * decoded, white space collapsed. */
char *gu_parse_html_to_text (const char *html);

/* parse-parts.c: documents. */
/* TRUE when obj says Content-Disposition: attachment or has a file name. */
gboolean gu_parse_part_is_attachment (GMimeObject *obj);
/* Returns the lower-cased "type/subtype" of obj, newly allocated. */
char *gu_parse_mime_type (GMimeObject *obj);
/* Returns the part's file name as a clean label (valid UTF-8, no
 * directory, no control characters), newly allocated, or NULL when the
 * part names no file. */
char *gu_parse_part_filename (GuParseCtx *ctx, GMimeObject *obj);
/* Called on each object of a walk, in document order; TRUE stops the walk. */
typedef gboolean (*GuParseVisit) (GMimeObject *obj, gpointer data);
/* Returns the first object under top (top included) that visit accepts,
 * or NULL. Looks inside attached messages only when into_messages is set. */
GMimeObject *gu_parse_find (GMimeObject *top, gboolean into_messages, GuParseVisit visit,
                            gpointer data);
/* Appends every document of the message to ctx->msg->documents. */
void gu_parse_collect_documents (GuParseCtx *ctx);

#endif
