/* src/source/maildir.c: a Maildir as the call's mailbox (maildir:/path),
 * for a machine that receives the mail itself. new/ and cur/ hold what
 * is to be processed; a processed message moves to the Maildir++
 * subfolder ".FOLDER" (".Traités", ".Quarantaine"). The file's mtime is
 * the receipt time (the MTA wrote it on delivery). */
#ifndef GU_SOURCE_MAILDIR_H
#define GU_SOURCE_MAILDIR_H

#include <glib.h>

typedef struct {
  char *path;        /* the file */
  char *name;        /* its Maildir name (unique id + flags) */
  GDateTime *received;
} GuMaildirEntry;

void gu_maildir_entry_free (GuMaildirEntry *entry);

/* Messages waiting in new/ and cur/ of root, oldest first (mtime, then
 * name). Returns a new array of GuMaildirEntry*; creates the folders of a
 * missing Maildir. */
GPtrArray *gu_maildir_pending (const char *root, GError **error);

/* Moves entry into root's subfolder ".FOLDER/cur/", created if missing,
 * with a rename (atomic within one file system). */
gboolean gu_maildir_move (const char *root, const GuMaildirEntry *entry, const char *folder, GError **error);

#endif
