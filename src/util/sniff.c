#include "config.h"

#include <magic.h>

#include "util/sniff.h"

static magic_t cookie;

static magic_t
sniff_cookie (void)
{
  if (cookie == NULL)
    {
      /* MAGIC_NO_CHECK_COMPRESS: we want "application/zip", not what is
       * inside; the unpack stage looks inside. */
      cookie = magic_open (MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS | MAGIC_ERROR);
      if (cookie != NULL && magic_load (cookie, NULL) != 0)
        {
          g_warning ("libmagic: %s", magic_error (cookie));
          magic_close (cookie);
          cookie = NULL;
        }
    }
  return cookie;
}

char *
gu_sniff_type (const void *data, gsize len)
{
  magic_t m = sniff_cookie ();
  const char *type = NULL;
  if (m != NULL && len > 0)
    type = magic_buffer (m, data, len);
  if (type == NULL || *type == '\0')
    return g_strdup ("application/octet-stream");
  return g_strdup (type);
}
