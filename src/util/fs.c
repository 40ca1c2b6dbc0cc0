#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
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

gboolean
gu_mkdir_p (const char *path, GError **error)
{
  if (g_mkdir_with_parents (path, 0750) != 0)
    {
      int err = errno;
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
        return FALSE;
      data += n;
      len -= (gsize) n;
    }
  return TRUE;
}

char *
gu_file_write_temp (const char *path, const void *data, gsize len, GError **error)
{
  char *tmp = g_strdup_printf ("%s.tmp.XXXXXX", path);
  /* The folder almost always exists (a blob store's fan-out folders
   * fill up early): create it only when the file cannot be. */
  int fd = g_mkstemp_full (tmp, O_WRONLY | O_CLOEXEC, 0640);
  if (fd < 0 && errno == ENOENT)
    {
      g_autofree char *dir = g_path_get_dirname (path);
      if (!gu_mkdir_p (dir, error))
        {
          g_free (tmp);
          return NULL;
        }
      memcpy (tmp + strlen (tmp) - 6, "XXXXXX", 6);
      fd = g_mkstemp_full (tmp, O_WRONLY | O_CLOEXEC, 0640);
    }
  if (fd < 0)
    {
      int err = errno;
      g_set_error (error, GU_ERROR, errno_to_code (err), "cannot create %s: %s", tmp, g_strerror (err));
      g_free (tmp);
      return NULL;
    }
  if (!write_all (fd, data, len) || close (fd) != 0)
    {
      int err = errno;
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
