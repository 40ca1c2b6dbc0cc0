/* src/unpack: archives -> documents, with limits. The only place that
 * uses libarchive to read archives. Entry names are labels, never paths. */
#ifndef GU_UNPACK_UNPACK_H
#define GU_UNPACK_UNPACK_H

#include <glib.h>

#include "core/conf.h"
#include "core/types.h"

/* TRUE when doc looks like an archive we open (zip, 7z, tar, tar.gz,
 * tar.bz2, tar.xz, rar), by sniffed type, declared type or extension,
 * or is Outlook's winmail.dat (TNEF: by its signature, type or name),
 * whose files are opened like an archive's entries (tnef.c). */
gboolean gu_unpack_is_archive (const GuDocument *doc);

/* Expands every archive among msg->documents, recursively up to
 * limits->archive_max_depth: each regular-file entry becomes a new
 * document appended to msg->documents with parent set to its archive's
 * index, depth one more, archive_path set to the entry's path inside the
 * archive (a label), filename to its last component, and sniffed_type set.
 * The archive itself gets GU_DOC_ARCHIVE, and GU_DOC_EMPTY too when it
 * was read to the end without yielding a file. An archive that is encrypted,
 * corrupt or over a limit is flagged GU_DOC_UNREADABLE (or its cut entries
 * GU_DOC_TRUNCATED) with a reason; entries read before a limit was hit
 * are kept. Symlinks, devices and directories are skipped. An archive
 * whose password is wanted ("encrypted": an entry, or a 7z's headers) is
 * flagged GU_DOC_PROTECTED too.
 *
 * Per-message budgets (limits->message_max_documents and
 * message_max_unpacked_bytes; 0 is none) hold for the MIME parts and all
 * archives together, parts counted first. Past one, nothing more is
 * added: what was not read is flagged GU_DOC_UNREADABLE with reason
 * "not read: message budget (500 documents)" or "(256 MiB unpacked)" (a
 * part keeps its name, its content is dropped; an archive is flagged
 * when its remaining entries were skipped), and one line saying which
 * budget and what it left unread is appended to msg->overruns. A pure
 * function of msg and limits. */
void gu_unpack_message (GuMessage *msg, const GuLimits *limits);

#endif
