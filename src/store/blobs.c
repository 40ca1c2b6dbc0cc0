#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "store/blobs.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/hash.h"
#include "util/workqueue.h"

/* A blob written during a deferral, not yet durable nor visible. Its
 * temporary file is written by a thread of the writers' queue: tmp is
 * set there, and read only after gu_work_queue_wait. */
typedef struct {
  char *tmp;  /* NULL until written, or when the write failed */
  char *path;
  GBytes *data;
} Pending;

struct GuBlobs {
  char *dir;
  gboolean deferring;
  GPtrArray *pending;      /* of Pending*, in write order */
  GHashTable *pending_sha; /* SHA-256 hex -> TRUE: the same bytes twice in one deferral */
  /* Writing a batch's blobs into the page cache is the largest part of
   * storing it: done on other cores while this thread goes on. */
  GuWorkQueue *writers;    /* created at the first deferral */
  GMutex failure_lock;
  GError *write_failure;   /* the first write that failed in this deferral; under failure_lock */
};

static void
pending_free (Pending *p)
{
  g_free (p->tmp);
  g_free (p->path);
  if (p->data != NULL)
    g_bytes_unref (p->data);
  g_free (p);
}

typedef struct {
  GuBlobs *blobs;
  Pending *pending;
} WriteJob;

/* On a writer thread. */
static void
write_pending (gpointer data)
{
  WriteJob *job = data;
  Pending *p = job->pending;
  GError *local = NULL;
  gsize len;
  const void *bytes = g_bytes_get_data (p->data, &len);
  p->tmp = gu_file_write_temp (p->path, bytes != NULL ? bytes : "", len, &local);
  /* p->data is released by the caller's thread: a last unref may run a
   * free function (libetpan's) that is not ours to call from here. */
  if (local == NULL)
    return;
  g_mutex_lock (&job->blobs->failure_lock);
  if (job->blobs->write_failure == NULL)
    job->blobs->write_failure = g_steal_pointer (&local);
  g_mutex_unlock (&job->blobs->failure_lock);
  g_clear_error (&local);
}

/* Copies the deferral's first write failure into error (as TEMPFAIL). */
static gboolean
no_write_failure (GuBlobs *blobs, GError **error)
{
  g_mutex_lock (&blobs->failure_lock);
  gboolean ok = blobs->write_failure == NULL;
  if (!ok)
    g_set_error_literal (error, GU_ERROR, GU_ERROR_TEMPFAIL, blobs->write_failure->message);
  g_mutex_unlock (&blobs->failure_lock);
  return ok;
}

GuBlobs *
gu_blobs_open (const char *dir, GError **error)
{
  g_autofree char *root = g_build_filename (dir, "sha256", NULL);
  if (!gu_mkdir_p (root, error))
    return NULL;
  GuBlobs *blobs = g_new0 (GuBlobs, 1);
  blobs->dir = g_strdup (dir);
  blobs->pending = g_ptr_array_new_with_free_func ((GDestroyNotify) pending_free);
  blobs->pending_sha = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_mutex_init (&blobs->failure_lock);
  return blobs;
}

void
gu_blobs_free (GuBlobs *blobs)
{
  if (blobs == NULL)
    return;
  gu_blobs_discard (blobs);
  gu_work_queue_free (blobs->writers);
  g_mutex_clear (&blobs->failure_lock);
  g_ptr_array_unref (blobs->pending);
  g_hash_table_unref (blobs->pending_sha);
  g_free (blobs->dir);
  g_free (blobs);
}

char *
gu_blobs_path (GuBlobs *blobs, const char *sha256)
{
  char a[3] = { sha256[0], sha256[1], 0 };
  char b[3] = { sha256[2], sha256[3], 0 };
  return g_build_filename (blobs->dir, "sha256", a, b, sha256, NULL);
}

gboolean
gu_blobs_put (GuBlobs *blobs, GBytes *data, const char *known_sha256, char sha_out[65], GError **error)
{
  gsize len;
  const void *bytes = g_bytes_get_data (data, &len);
  if (known_sha256 != NULL)
    memcpy (sha_out, known_sha256, 65);
  else
    gu_sha256_hex (bytes != NULL ? bytes : "", len, sha_out);
  g_autofree char *path = gu_blobs_path (blobs, sha_out);
  /* Content-addressed: an existing file already holds these bytes (only
   * a completed rename makes it appear). `verify` catches bit rot. */
  if (g_file_test (path, G_FILE_TEST_EXISTS)
      || (blobs->deferring && g_hash_table_contains (blobs->pending_sha, sha_out)))
    return TRUE;
  /* Whatever stops the write (a full disk, a permission an admin can
   * fix) passes: the message is tried again, never dropped. */
  if (blobs->deferring)
    {
      if (!no_write_failure (blobs, error))
        return FALSE; /* the batch will not commit: stop writing for it */
      Pending *p = g_new0 (Pending, 1);
      p->path = g_steal_pointer (&path);
      p->data = g_bytes_ref (data);
      g_ptr_array_add (blobs->pending, p);
      g_hash_table_add (blobs->pending_sha, g_strdup (sha_out));
      WriteJob *job = g_new (WriteJob, 1);
      *job = (WriteJob) { blobs, p };
      gu_work_queue_push (blobs->writers, write_pending, job, g_free);
      return TRUE;
    }
  GError *local = NULL;
  if (gu_file_write_atomic (path, bytes != NULL ? bytes : "", len, &local))
    return TRUE;
  g_set_error_literal (error, GU_ERROR, GU_ERROR_TEMPFAIL, local->message);
  g_error_free (local);
  return FALSE;
}

void
gu_blobs_defer (GuBlobs *blobs)
{
  if (blobs->writers == NULL)
    blobs->writers = gu_work_queue_new (0);
  blobs->deferring = TRUE;
}

void
gu_blobs_discard (GuBlobs *blobs)
{
  if (blobs->writers != NULL)
    gu_work_queue_wait (blobs->writers);
  for (guint i = 0; i < blobs->pending->len; i++)
    {
      const Pending *p = g_ptr_array_index (blobs->pending, i);
      if (p->tmp != NULL)
        unlink (p->tmp);
    }
  g_mutex_lock (&blobs->failure_lock);
  g_clear_error (&blobs->write_failure);
  g_mutex_unlock (&blobs->failure_lock);
  g_ptr_array_set_size (blobs->pending, 0);
  g_hash_table_remove_all (blobs->pending_sha);
  blobs->deferring = FALSE;
}

/* Makes everything written on the blob store's file system durable: one
 * syncfs in place of one fdatasync per file and one fsync per folder. */
static gboolean
sync_file_system (GuBlobs *blobs, GError **error)
{
  int fd = open (blobs->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0 || syncfs (fd) != 0)
    {
      int err = errno;
      if (fd >= 0)
        close (fd);
      g_set_error (error, GU_ERROR, GU_ERROR_TEMPFAIL, "cannot sync %s: %s", blobs->dir, g_strerror (err));
      return FALSE;
    }
  close (fd);
  return TRUE;
}

/* Two syncs for the whole batch: the temporary files' bytes first, so
 * that no blob ever appears under its name before its bytes are on disk;
 * then the renames. */
gboolean
gu_blobs_settle (GuBlobs *blobs, GError **error)
{
  if (blobs->pending->len == 0)
    {
      blobs->deferring = FALSE;
      return TRUE;
    }
  gu_work_queue_wait (blobs->writers);
  gboolean ok = no_write_failure (blobs, error) && sync_file_system (blobs, error);
  for (guint i = 0; ok && i < blobs->pending->len; i++)
    {
      const Pending *p = g_ptr_array_index (blobs->pending, i);
      if (rename (p->tmp, p->path) != 0)
        {
          int err = errno;
          g_set_error (error, GU_ERROR, GU_ERROR_TEMPFAIL, "cannot rename to %s: %s", p->path, g_strerror (err));
          ok = FALSE;
        }
    }
  ok = ok && sync_file_system (blobs, error);
  gu_blobs_discard (blobs); /* the renamed ones are gone from their temporary names */
  return ok;
}

GBytes *
gu_blobs_get (GuBlobs *blobs, const char *sha256, GError **error)
{
  if (!gu_sha256_is_valid (sha256))
    {
      g_set_error (error, GU_ERROR, GU_ERROR_NOT_FOUND, "not a SHA-256: %s", sha256);
      return NULL;
    }
  g_autofree char *path = gu_blobs_path (blobs, sha256);
  return gu_file_read (path, error);
}

gboolean
gu_blobs_verify (GuBlobs *blobs, const char *sha256, GError **error)
{
  g_autoptr (GBytes) data = gu_blobs_get (blobs, sha256, error);
  if (data == NULL)
    return FALSE;
  gsize len;
  const void *bytes = g_bytes_get_data (data, &len);
  char actual[65];
  gu_sha256_hex (bytes != NULL ? bytes : "", len, actual);
  if (strcmp (actual, sha256) != 0)
    {
      g_set_error (error, GU_ERROR, GU_ERROR_CORRUPT, "blob %s: content hashes to %s", sha256, actual);
      return FALSE;
    }
  return TRUE;
}
