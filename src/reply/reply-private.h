/* Shared inside src/reply: formatting, and the fields the templates see. */
#ifndef GU_REPLY_PRIVATE_H
#define GU_REPLY_PRIVATE_H

#include <glib.h>
#include <gmime/gmime.h>

#include "reply/reply.h"
#include "reply/template.h"
#include "util/error.h"

/* TRUE when the call's replies are in French (any other language is
 * written in English). */
gboolean gu_reply_is_french (const GuCall *call);

/* "1er mars 2020" / "1 March 2020": the day of t in the call's time zone.
 * Newly allocated. */
char *gu_reply_format_day (const GuCall *call, GDateTime *t);

/* "12,3 Ko" / "12.3 kB", "512 octets" / "512 bytes". Newly allocated. */
char *gu_reply_format_size (const GuCall *call, guint64 size);

/* Untrusted text (a filename) made fit to show on one line: control and
 * invisible formatting characters (bidi overrides) become spaces, invalid
 * UTF-8 is repaired, and it is cut to max characters with "…".
 * Newly allocated. */
char *gu_reply_clean_text (const char *s, glong max);

/* The body as sent: trailing blanks dropped, lines longer than 72
 * characters wrapped (see wrap.c), one final newline. Newly allocated. */
char *gu_reply_fill (const char *text);

/* The fields a reply's templates see (listed in templates/README).
 * Returns new data for gu_tpl_render; free with gu_tpl_data_free. */
GuTplData *gu_reply_build_data (const GuReplyContext *ctx, const char *our_address);

/* ---- shared by compose.c and digest.c (defined in compose.c) ---- */

/* The template file dir/LANG/file, else dir/fr/file, checked to be UTF-8.
 * Returns its text and *path (both newly allocated), or NULL with error. */
char *gu_reply_read_template (const char *dir, const char *lang, const char *file, char **path,
                              GError **error);

/* The call's language as a folder name ("fr" when unusable). Static. */
const char *gu_reply_language_folder (const GuCall *call);

/* A rendered template is "Subject: …", a blank line, the body. Sets
 * *subject (newly allocated, one line, cleaned) and returns the body (in
 * text), or NULL with error naming the template name. */
const char *gu_reply_split_subject (const char *name, char *text, char **subject, GError **error);

/* One mailbox from text (a configured From, an address): exactly one,
 * with an '@', else error with code. *name (may be NULL) and *addr are
 * newly allocated. */
gboolean gu_reply_parse_mailbox (const char *text, const char *what, GuErrorCode code, char **name,
                                 char **addr, GError **error);

/* TRUE for a Message-ID fit to repeat in our headers: usable
 * (gu_message_id_is_usable: it came from a stranger) and short enough
 * for a header line of its own. */
gboolean gu_reply_usable_id (const char *id);

/* A text/SUBTYPE part, charset=utf-8, quoted-printable. Returns a new
 * reference. */
GMimeObject *gu_reply_text_part (const char *subtype, const char *body);

/* The message as bytes: CRLF line ends, 7-bit clean. Returns new bytes. */
GBytes *gu_reply_write_message (GMimeMessage *message);

#endif
