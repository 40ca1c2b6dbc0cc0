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

/* The same in steps, for a caller that makes many files durable at once
 * (the blob store's group commit): gu_file_write_temp writes data to a
 * new temporary file beside path (parents created), not synced, and
 * returns its name (newly allocated) or NULL with error; gu_file_settle
 * makes it durable (fdatasync) and renames it to path; gu_dir_sync syncs
 * a folder once its renames are done. A crash before gu_file_settle
 * leaves only a temporary file, never path with unsynced bytes. */
char *gu_file_write_temp (const char *path, const void *data, gsize len, GError **error);
gboolean gu_file_settle (const char *tmp, const char *path, GError **error);
gboolean gu_dir_sync (const char *dir, GError **error);

/* Creates path and its parents (mode 0750). */
gboolean gu_mkdir_p (const char *path, GError **error);

/* Reads a whole file. Returns a new GBytes, or NULL with error set. */
GBytes *gu_file_read (const char *path, GError **error);

#endif
