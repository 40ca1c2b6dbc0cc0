/* The state folder's locks: see store/lock.h for the matrix. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "store/lock.h"
#include "util/error.h"
#include "util/fs.h"

#define DAEMON_LOCK "guichet.lock"
#define WRITERS_LOCK "guichet.writers.lock"

struct GuStateLock {
  char *folder;
  int daemon_fd;   /* -1 when not held */
  int writers_fd;  /* -1 when not held */
};

static int
open_lock_file (const char *path, GError **error)
{
  /* O_NOFOLLOW: a link planted in the state folder does not make us
   * create or truncate a file elsewhere. */
  int fd = open (path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    {
      int err = errno;
      g_set_error (error, GU_ERROR, GU_ERROR_FAILED, "cannot open the lock file %s: %s", path,
                   g_strerror (err));
    }
  return fd;
}

/* What the daemon lock's holder wrote ("PID 1234 (run)"), or a phrase
 * when it wrote nothing yet. */
static char *
daemon_holder (const char *folder)
{
  g_autofree char *path = g_build_filename (folder, DAEMON_LOCK, NULL);
  g_autofree char *text = NULL;
  if (!g_file_get_contents (path, &text, NULL, NULL))
    return g_strdup ("another process");
  g_strstrip (text);
  char *space = strchr (text, ' ');
  if (space == NULL || space == text)
    return g_strdup ("another process");
  *space = '\0';
  return g_strdup_printf ("PID %s (guichet %s)", text, space + 1);
}

/* flock without waiting. *busy says whether someone else holds it; a
 * FALSE return without *busy is a real error. */
static gboolean
try_flock (int fd, int operation, const char *path, gboolean *busy, GError **error)
{
  *busy = FALSE;
  if (flock (fd, operation | LOCK_NB) == 0)
    return TRUE;
  int err = errno;
  if (err == EWOULDBLOCK)
    *busy = TRUE;
  else
    g_set_error (error, GU_ERROR, GU_ERROR_FAILED, "cannot lock %s: %s", path, g_strerror (err));
  return FALSE;
}

/* Writes "PID command" into the held daemon lock, for whoever is refused. */
static void
record_holder (int fd, const char *command)
{
  g_autofree char *line = g_strdup_printf ("%ld %s\n", (long) getpid (), command);
  if (ftruncate (fd, 0) != 0 || pwrite (fd, line, strlen (line), 0) < 0)
    g_warning ("cannot record the lock's holder: %s", g_strerror (errno));
}

static gboolean
take_daemon_lock (GuStateLock *lock, const char *command, GError **error)
{
  g_autofree char *path = g_build_filename (lock->folder, DAEMON_LOCK, NULL);
  lock->daemon_fd = open_lock_file (path, error);
  if (lock->daemon_fd < 0)
    return FALSE;
  gboolean busy;
  if (try_flock (lock->daemon_fd, LOCK_EX, path, &busy, error))
    {
      record_holder (lock->daemon_fd, command);
      return TRUE;
    }
  if (busy)
    {
      g_autofree char *holder = daemon_holder (lock->folder);
      g_set_error (error, GU_ERROR, GU_ERROR_TEMPFAIL,
                   "cannot %s now: %s is locked by %s; one run or replay at a time on a "
                   "state folder", command, path, holder);
    }
  return FALSE;
}

static gboolean
take_writers_lock (GuStateLock *lock, GuStateUse use, const char *command, GError **error)
{
  g_autofree char *path = g_build_filename (lock->folder, WRITERS_LOCK, NULL);
  lock->writers_fd = open_lock_file (path, error);
  if (lock->writers_fd < 0)
    return FALSE;
  gboolean busy;
  int operation = use == GU_STATE_REBUILD ? LOCK_EX : LOCK_SH;
  if (try_flock (lock->writers_fd, operation, path, &busy, error))
    return TRUE;
  if (!busy)
    return FALSE;
  if (use == GU_STATE_REBUILD)
    g_set_error (error, GU_ERROR, GU_ERROR_TEMPFAIL,
                 "cannot %s now: a guichet ingest is writing (%s is locked); "
                 "try again in a moment", command, path);
  else
    {
      g_autofree char *holder = daemon_holder (lock->folder);
      g_set_error (error, GU_ERROR, GU_ERROR_TEMPFAIL,
                   "cannot %s now: %s is rebuilding the database (%s is locked); try again later",
                   command, holder, path);
    }
  return FALSE;
}

GuStateLock *
gu_store_lock_state (const char *db_path, GuStateUse use, const char *command, GError **error)
{
  g_autoptr (GuStateLock) lock = g_new0 (GuStateLock, 1);
  lock->folder = g_path_get_dirname (db_path);
  lock->daemon_fd = -1;
  lock->writers_fd = -1;
  if (!gu_mkdir_p (lock->folder, error))
    return NULL;
  /* The daemon lock first: a rebuild refused by a running daemon names
   * its PID rather than an ingest it happened to meet. */
  if (use != GU_STATE_WRITER && !take_daemon_lock (lock, command, error))
    return NULL;
  if (use != GU_STATE_DAEMON && !take_writers_lock (lock, use, command, error))
    return NULL;
  return g_steal_pointer (&lock);
}

const char *
gu_state_lock_folder (const GuStateLock *lock)
{
  return lock->folder;
}

void
gu_state_lock_release (GuStateLock *lock)
{
  if (lock == NULL)
    return;
  /* Closing the descriptors releases the flocks; the daemon lock's text
   * stays (it is read only while the lock is held). */
  if (lock->writers_fd >= 0)
    close (lock->writers_fd);
  if (lock->daemon_fd >= 0)
    close (lock->daemon_fd);
  g_free (lock->folder);
  g_free (lock);
}
