#include "config.h"

#include <string.h>

#include "store/blobs.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/hash.h"

struct GuBlobs {
  char *dir;
};

GuBlobs *
gu_blobs_open (const char *dir, GError **error)
{
  g_autofree char *root = g_build_filename (dir, "sha256", NULL);
  if (!gu_mkdir_p (root, error))
    return NULL;
  GuBlobs *blobs = g_new0 (GuBlobs, 1);
  blobs->dir = g_strdup (dir);
  return blobs;
}

void
gu_blobs_free (GuBlobs *blobs)
{
  if (blobs == NULL)
    return;
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
  if (g_file_test (path, G_FILE_TEST_EXISTS))
    return TRUE;
  /* Whatever stops the write (a full disk, a permission an admin can
   * fix) passes: the message is tried again, never dropped. */
  GError *local = NULL;
  if (gu_file_write_atomic (path, bytes != NULL ? bytes : "", len, &local))
    return TRUE;
  g_set_error_literal (error, GU_ERROR, GU_ERROR_TEMPFAIL, local->message);
  g_error_free (local);
  return FALSE;
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
