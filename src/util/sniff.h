/* Real content types from libmagic (applicants send
 * application/octet-stream for everything). */
#ifndef GU_UTIL_SNIFF_H
#define GU_UTIL_SNIFF_H

#include <glib.h>

/* Returns the MIME type of data as a newly allocated string, e.g.
 * "application/pdf"; "application/octet-stream" when libmagic cannot tell.
 * Not thread-safe: one libmagic cookie per process. */
char *gu_sniff_type (const void *data, gsize len);

#endif
