#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "source/source.h"
#include "util/error.h"
#include "util/fs.h"

static GBytes *
read_stdin (GError **error)
{
  GByteArray *buf = g_byte_array_new ();
  guint8 chunk[65536];
  for (;;)
    {
      ssize_t n = read (STDIN_FILENO, chunk, sizeof chunk);
      if (n == 0)
        break;
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int err = errno;
          g_byte_array_unref (buf);
          /* The MTA still holds the message: let it retry. */
          g_set_error (error, GU_ERROR, GU_ERROR_TEMPFAIL, "reading standard input: %s", g_strerror (err));
          return NULL;
        }
      g_byte_array_append (buf, chunk, (guint) n);
    }
  return g_byte_array_free_to_bytes (buf);
}

GBytes *
gu_source_read_file (const char *path, GError **error)
{
  if (strcmp (path, "-") == 0)
    return read_stdin (error);
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, GU_ERROR, GU_ERROR_NOT_FOUND, "%s: no such file", path);
      return NULL;
    }
  return gu_file_read (path, error);
}
