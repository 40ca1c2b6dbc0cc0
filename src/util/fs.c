#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/error.h"
#include "util/fs.h"

/* Errors that go away by themselves or by an admin freeing space: the
 * caller should retry later rather than give up on the message. */
static int
errno_to_code (int err)
{
  switch (err)
    {
    case ENOSPC: case EDQUOT: case EIO: case EAGAIN: case EINTR: case EMFILE: case ENFILE:
      return GU_ERROR_TEMPFAIL;
    default:
      return GU_ERROR_FAILED;
    }
}

/* mkdir of path, then of its parents only when one is missing: the
 * blob store creates a fan-out folder a few levels down at a time, and
 * g_mkdir_with_parents tests every component from the root each time. */
static int
mkdir_parents (const char *path, int depth)
{
  if (mkdir (path, 0750) == 0)
    return 0;
  if (errno == EEXIST)
    return g_file_test (path, G_FILE_TEST_IS_DIR) ? 0 : ENOTDIR;
  if (errno != ENOENT || depth > 64)
    return errno;
  g_autofree char *parent = g_path_get_dirname (path);
  if (strcmp (parent, path) == 0)
    return ENOENT;
  int err = mkdir_parents (parent, depth + 1);
  if (err != 0)
    return err;
  if (mkdir (path, 0750) == 0 || (errno == EEXIST && g_file_test (path, G_FILE_TEST_IS_DIR)))
    return 0;
  return errno;
}

gboolean
gu_mkdir_p (const char *path, GError **error)
{
  int err = mkdir_parents (path, 0);
  if (err != 0)
    {
      g_set_error (error, GU_ERROR, errno_to_code (err), "cannot create %s: %s", path, g_strerror (err));
      return FALSE;
    }
  return TRUE;
}

static gboolean
fsync_dir (const char *dir, GError **error)
{
  int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0 || fsync (fd) != 0)
    {
      int err = errno;
      if (fd >= 0)
        close (fd);
      g_set_error (error, GU_ERROR, errno_to_code (err), "cannot sync %s: %s", dir, g_strerror (err));
      return FALSE;
    }
  close (fd);
  return TRUE;
}

static gboolean
write_all (int fd, const char *data, gsize len)
{
  while (len > 0)
    {
      ssize_t n = write (fd, data, len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          if (n == 0)
            errno = EIO; /* no progress and no reason given */
          return FALSE;
        }
      data += n;
      len -= (gsize) n;
    }
  return TRUE;
}

/* Direct I/O: a file this large goes from a reused buffer to the disk
 * without a copy into the page cache. Its bytes must reach the disk
 * before the commit anyway and are seldom read again soon, and the page
 * cache copy (fresh pages each time) was the largest CPU cost of storing
 * a message. Smaller files, and file systems without O_DIRECT, are
 * written through the cache. */
#define DIRECT_MIN_BYTES (256 * 1024)
#define DIRECT_ALIGN 4096
#define DIRECT_CHUNK (1024 * 1024)

static GPrivate direct_buffer = G_PRIVATE_INIT (free);

/* This thread's aligned buffer of DIRECT_CHUNK bytes, or NULL. */
static guint8 *
aligned_chunk (void)
{
  void *buf = g_private_get (&direct_buffer);
  if (buf == NULL && posix_memalign (&buf, DIRECT_ALIGN, DIRECT_CHUNK) == 0)
    g_private_set (&direct_buffer, buf);
  return buf;
}

/* Writes data to fd, opened with O_DIRECT: whole aligned blocks through
 * the thread's buffer, then the tail (less than a block) with O_DIRECT
 * turned off. */
static gboolean
write_direct (int fd, const char *data, gsize len)
{
  guint8 *buf = aligned_chunk ();
  gsize whole = buf != NULL ? len - len % DIRECT_ALIGN : 0;
  for (gsize done = 0; done < whole;)
    {
      gsize n = MIN (whole - done, (gsize) DIRECT_CHUNK);
      memcpy (buf, data + done, n);
      if (!write_all (fd, (const char *) buf, n))
        return FALSE;
      done += n;
    }
  int flags = fcntl (fd, F_GETFL);
  if (flags < 0 || fcntl (fd, F_SETFL, flags & ~O_DIRECT) != 0)
    return FALSE;
  return write_all (fd, data + whole, len - whole);
}

/* Creates tmp (a mkstemp template) beside path, its folder created when
 * missing. Returns the descriptor; -1 with errno when the file cannot be
 * created; -2 with error set when its folder cannot be. */
static int
create_temp (const char *path, char *tmp, int flags, GError **error)
{
  /* The folder almost always exists (a blob store's fan-out folders
   * fill up early): create it only when the file cannot be. */
  int fd = g_mkstemp_full (tmp, O_WRONLY | O_CLOEXEC | flags, 0640);
  if (fd < 0 && errno == ENOENT)
    {
      g_autofree char *dir = g_path_get_dirname (path);
      if (!gu_mkdir_p (dir, error))
        return -2;
      memcpy (tmp + strlen (tmp) - 6, "XXXXXX", 6);
      fd = g_mkstemp_full (tmp, O_WRONLY | O_CLOEXEC | flags, 0640);
    }
  return fd;
}

char *
gu_file_write_temp (const char *path, const void *data, gsize len, GError **error)
{
  char *tmp = g_strdup_printf ("%s.tmp.XXXXXX", path);
  gboolean direct = len >= DIRECT_MIN_BYTES;
  int fd = create_temp (path, tmp, direct ? O_DIRECT : 0, error);
  if (fd == -1 && direct && errno == EINVAL) /* no O_DIRECT here (tmpfs, some FUSE) */
    {
      direct = FALSE;
      memcpy (tmp + strlen (tmp) - 6, "XXXXXX", 6);
      fd = create_temp (path, tmp, 0, error);
    }
  if (fd < 0)
    {
      int err = errno;
      if (fd == -1)
        g_set_error (error, GU_ERROR, errno_to_code (err), "cannot create %s: %s", tmp, g_strerror (err));
      g_free (tmp);
      return NULL;
    }
  gboolean written = direct ? write_direct (fd, data, len) : write_all (fd, data, len);
  int err = errno;
  /* Writeback starts now, so that the caller's later sync finds most of
   * the bytes on their way to the disk already. Advisory: a failure
   * here shows again at that sync. */
  if (written && !direct && len > 0)
    (void) sync_file_range (fd, 0, 0, SYNC_FILE_RANGE_WRITE);
  if (close (fd) != 0 && written)
    written = FALSE, err = errno;
  if (!written)
    {
      unlink (tmp);
      g_set_error (error, GU_ERROR, errno_to_code (err), "cannot write %s: %s", path, g_strerror (err));
      g_free (tmp);
      return NULL;
    }
  return tmp;
}

gboolean
gu_file_settle (const char *tmp, const char *path, GError **error)
{
  int fd = open (tmp, O_RDONLY | O_CLOEXEC);
  if (fd < 0 || fdatasync (fd) != 0)
    {
      int err = errno;
      if (fd >= 0)
        close (fd);
      g_set_error (error, GU_ERROR, errno_to_code (err), "cannot sync %s: %s", tmp, g_strerror (err));
      return FALSE;
    }
  close (fd);
  if (rename (tmp, path) != 0)
    {
      int err = errno;
      g_set_error (error, GU_ERROR, errno_to_code (err), "cannot rename to %s: %s", path, g_strerror (err));
      return FALSE;
    }
  return TRUE;
}

gboolean
gu_dir_sync (const char *dir, GError **error)
{
  return fsync_dir (dir, error);
}

gboolean
gu_file_write_atomic (const char *path, const void *data, gsize len, GError **error)
{
  g_autofree char *tmp = gu_file_write_temp (path, data, len, error);
  if (tmp == NULL)
    return FALSE;
  if (!gu_file_settle (tmp, path, error))
    {
      unlink (tmp);
      return FALSE;
    }
  g_autofree char *dir = g_path_get_dirname (path);
  return fsync_dir (dir, error);
}

GBytes *
gu_file_read (const char *path, GError **error)
{
  char *data = NULL;
  gsize len = 0;
  GError *local = NULL;
  if (!g_file_get_contents (path, &data, &len, &local))
    {
      g_set_error (error, GU_ERROR, GU_ERROR_NOT_FOUND, "%s", local->message);
      g_error_free (local);
      return NULL;
    }
  return g_bytes_new_take (data, len);
}
