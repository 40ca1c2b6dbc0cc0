/* Files written so that a crash at any instant leaves either the old
 * state or the new one, never a torn file. */
#ifndef GU_UTIL_FS_H
#define GU_UTIL_FS_H

#include <glib.h>

/* Writes data to path through a temporary file in the same folder, then
 * fsync and rename, then fsync of the folder. Creates missing parent
 * folders (mode 0750). Disk full and similar are GU_ERROR_TEMPFAIL. */
gboolean gu_file_write_atomic (const char *path, const void *data, gsize len,
                               GError **error);

/* Creates path and its parents (mode 0750). */
gboolean gu_mkdir_p (const char *path, GError **error);

/* Reads a whole file. Returns a new GBytes, or NULL with error set. */
GBytes *gu_file_read (const char *path, GError **error);

#endif
