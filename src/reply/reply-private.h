/* Shared inside src/reply: formatting, and the fields the templates see. */
#ifndef GU_REPLY_PRIVATE_H
#define GU_REPLY_PRIVATE_H

#include <glib.h>

#include "reply/reply.h"
#include "reply/template.h"

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

#endif
