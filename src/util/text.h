/* Text helpers shared by every stage. */
#ifndef GU_UTIL_TEXT_H
#define GU_UTIL_TEXT_H

#include <glib.h>

/* Folds s for matching: accents removed, lower case, every run of
 * characters that is not a letter or digit turned into one space, trimmed
 * ("Stratégie_Déploiement.PDF" -> "strategie deploiement pdf"). s must be
 * UTF-8. Returns a newly allocated string. */
char *gu_text_fold (const char *s);

/* Returns a newly allocated copy of s with every control character (C0,
 * DEL, and C1 U+0080-U+009F written in UTF-8) replaced by a space, except
 * the C0 characters in keep (NULL: none): "\t\n" keeps a text's lines
 * while no ESC or CSI reaches a terminal. Other bytes, valid UTF-8 or
 * not, are kept as they are. */
char *gu_text_replace_controls (const char *s, const char *keep);

/* Returns a newly allocated copy of s with CR, LF and other control
 * characters replaced by spaces (gu_text_replace_controls keeping none):
 * safe to put in a header, a log line or a CSV cell. */
char *gu_text_one_line (const char *s);

/* Returns a newly allocated valid UTF-8 version of len bytes of data:
 * kept when already UTF-8, else read as Windows-1252. */
char *gu_text_to_utf8 (const char *data, gssize len);

#endif
