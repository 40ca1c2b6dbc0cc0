/* One daemon at a time on a state folder, and no writer while the
 * database is rebuilt (doc/ARCHITECTURE.md, "Storage", the lock matrix).
 * Two flock(2) files beside the database:
 *   guichet.lock          exclusive: run, replay (and purge); holds
 *                         "PID command" of its holder, for the message
 *                         of whoever is refused
 *   guichet.writers.lock  shared: ingest; exclusive: replay (and purge)
 * so that `ingest` (the MTA's pipe) runs beside the daemon and beside
 * other ingests, as SQLite allows, while a second daemon, or a replay
 * beside anything that writes, is refused. Never blocking: a refusal is
 * GU_ERROR_TEMPFAIL (exit 75, the MTA tries again later). flock locks
 * go with the process: a killed holder leaves no stale lock, and the
 * files are never removed (removing a lock file races with its
 * takers). Their descriptors are close-on-exec, so a filter or a parse
 * worker never inherits a lock. */
#ifndef GU_STORE_LOCK_H
#define GU_STORE_LOCK_H

#include <glib.h>

typedef enum {
  GU_STATE_WRITER,   /* ingest: beside the daemon and other writers, not a rebuild */
  GU_STATE_DAEMON,   /* run: one at a time, not beside a rebuild */
  GU_STATE_REBUILD,  /* replay (and purge): alone */
} GuStateUse;

typedef struct GuStateLock GuStateLock;

/* Takes the locks use needs in the folder of db_path (created if
 * missing), recording command (e.g. "run") as their holder. Returns a
 * new lock, held until gu_state_lock_release; NULL with
 * GU_ERROR_TEMPFAIL naming the lock file and its holder's PID when
 * another process holds it. */
GuStateLock *gu_store_lock_state (const char *db_path, GuStateUse use, const char *command,
                                  GError **error);

/* The folder whose state lock is held (borrowed). */
const char *gu_state_lock_folder (const GuStateLock *lock);

/* Releases the locks (NULL: nothing). */
void gu_state_lock_release (GuStateLock *lock);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GuStateLock, gu_state_lock_release)

#endif
