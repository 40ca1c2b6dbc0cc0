/* src/source: where raw messages come from. Each source yields the raw
 * bytes exactly as received plus the receipt time; nothing is parsed here. */
#ifndef GU_SOURCE_SOURCE_H
#define GU_SOURCE_SOURCE_H

#include <glib.h>

/* Reads a whole message from path, or from standard input when path is
 * "-". Returns a new GBytes, or NULL with error set (GU_ERROR_NOT_FOUND
 * for a missing or unreadable file). */
GBytes *gu_source_read_file (const char *path, GError **error);

#endif
