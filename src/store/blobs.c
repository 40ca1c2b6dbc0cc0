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

/* A blob written during a deferral, not yet durable nor visible. */
typedef struct {
  char *tmp;
  char *path;
} Pending;

struct GuBlobs {
  char *dir;
  gboolean deferring;
  GPtrArray *pending;      /* of Pending*, in write order */
  GHashTable *pending_sha; /* SHA-256 hex -> TRUE: the same bytes twice in one deferral */
};

static void
pending_free (Pending *p)
{
  g_free (p->tmp);
  g_free (p->path);
  g_free (p);
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
  return blobs;
}

void
gu_blobs_free (GuBlobs *blobs)
{
  if (blobs == NULL)
    return;
  gu_blobs_discard (blobs);
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
  GError *local = NULL;
  if (blobs->deferring)
    {
      char *tmp = gu_file_write_temp (path, bytes != NULL ? bytes : "", len, &local);
      if (tmp != NULL)
        {
          Pending *p = g_new0 (Pending, 1);
          p->tmp = tmp;
          p->path = g_steal_pointer (&path);
          g_ptr_array_add (blobs->pending, p);
          g_hash_table_add (blobs->pending_sha, g_strdup (sha_out));
          return TRUE;
        }
    }
  else if (gu_file_write_atomic (path, bytes != NULL ? bytes : "", len, &local))
    return TRUE;
  g_set_error_literal (error, GU_ERROR, GU_ERROR_TEMPFAIL, local->message);
  g_error_free (local);
  return FALSE;
}

void
gu_blobs_defer (GuBlobs *blobs)
{
  blobs->deferring = TRUE;
}

void
gu_blobs_discard (GuBlobs *blobs)
{
  for (guint i = 0; i < blobs->pending->len; i++)
    unlink (((Pending *) g_ptr_array_index (blobs->pending, i))->tmp);
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
  gboolean ok = sync_file_system (blobs, error);
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
