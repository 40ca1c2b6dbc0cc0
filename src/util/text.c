#include "config.h"

#include <string.h>

#include "util/text.h"

char *
gu_text_fold (const char *s)
{
  /* g_str_to_ascii transliterates (é -> e, œ -> oe) whatever the locale. */
  g_autofree char *ascii = g_str_to_ascii (s != NULL ? s : "", "C");
  GString *out = g_string_sized_new (strlen (ascii));
  gboolean pending_space = FALSE;
  for (const char *p = ascii; *p; p++)
    {
      if (g_ascii_isalnum (*p))
        {
          if (pending_space && out->len > 0)
            g_string_append_c (out, ' ');
          pending_space = FALSE;
          g_string_append_c (out, g_ascii_tolower (*p));
        }
      else
        pending_space = TRUE;
    }
  return g_string_free (out, FALSE);
}

char *
gu_text_replace_controls (const char *s, const char *keep)
{
  const guchar *p = (const guchar *) (s != NULL ? s : "");
  GString *out = g_string_sized_new (strlen ((const char *) p));
  for (; *p; p++)
    {
      /* 0xC2 is never a continuation byte: C2 80..9F is always a C1
       * control (a terminal reads U+009B as CSI, like ESC [). */
      if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
        {
          g_string_append_c (out, ' ');
          p++;
        }
      else if ((*p < 0x20 || *p == 0x7f) && (keep == NULL || strchr (keep, *p) == NULL))
        g_string_append_c (out, ' ');
      else
        g_string_append_c (out, (char) *p);
    }
  return g_string_free (out, FALSE);
}

char *
gu_text_one_line (const char *s)
{
  return gu_text_replace_controls (s, NULL);
}

char *
gu_text_to_utf8 (const char *data, gssize len)
{
  if (len < 0)
    len = (gssize) strlen (data);
  if (g_utf8_validate (data, len, NULL))
    return g_strndup (data, (gsize) len);
  char *converted = g_convert (data, len, "UTF-8", "WINDOWS-1252", NULL, NULL, NULL);
  if (converted != NULL)
    return converted;
  /* Bytes 0x81, 0x8D, 0x8F, 0x90, 0x9D are undefined in Windows-1252. */
  return g_utf8_make_valid (data, len);
}
