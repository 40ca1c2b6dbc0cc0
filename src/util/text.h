/* Text helpers shared by every stage. */
#ifndef GU_UTIL_TEXT_H
#define GU_UTIL_TEXT_H

#include <glib.h>

/* Folds s for matching: accents removed, lower case, every run of
 * characters that is not a letter or digit turned into one space, trimmed
 * ("Stratégie_Déploiement.PDF" -> "strategie deploiement pdf"). s must be
 * UTF-8. Returns a newly allocated string. */
char *gu_text_fold (const char *s);

/* Returns a newly allocated copy of s with CR, LF and other control
 * characters replaced by spaces: safe to put in a header or a log line. */
char *gu_text_one_line (const char *s);

/* Returns a newly allocated valid UTF-8 version of len bytes of data:
 * kept when already UTF-8, else read as Windows-1252. */
char *gu_text_to_utf8 (const char *data, gssize len);

/* Returns the bare address of "Name <local@domain>" (or of a bare
 * address), lower-cased and trimmed, newly allocated; "" for NULL. */
char *gu_text_bare_address (const char *name_addr);

#endif
