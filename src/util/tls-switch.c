#include "config.h"

#include "util/error.h"
#include "util/tls-switch.h"

gboolean
gu_tls_switch_split (const char *url, char **rest, GuTlsSwitch *mode, GError **error)
{
  const char *semi = g_strrstr (url, ";tls=");
  const char *query = g_strrstr (url, "?tls=");
  const char *param = semi > query ? semi : query;
  *mode = GU_TLS_SWITCH_ABSENT;
  *rest = NULL;
  if (param == NULL)
    {
      *rest = g_strdup (url);
      return TRUE;
    }
  const char *value = param + 5;
  if (g_ascii_strcasecmp (value, "none") == 0)
    *mode = GU_TLS_SWITCH_NONE;
  else if (g_ascii_strcasecmp (value, "starttls") == 0 || g_ascii_strcasecmp (value, "required") == 0)
    *mode = GU_TLS_SWITCH_STARTTLS;
  else
    {
      g_set_error (error, GU_ERROR, GU_ERROR_CONFIG, "tls= takes none or starttls, not \"%s\"", value);
      return FALSE;
    }
  *rest = g_strndup (url, (gsize) (param - url));
  return TRUE;
}
