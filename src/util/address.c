#include "config.h"

#include <string.h>

#include "util/address.h"

/* Longest line RFC 5322 allows, and so the longest Message-ID. */
#define MESSAGE_ID_MAX 998

char *
gu_address_normalize (const char *addr_spec)
{
  if (addr_spec == NULL)
    return NULL;
  g_autofree char *trimmed = g_strstrip (g_strdup (addr_spec));
  const char *at = strrchr (trimmed, '@');
  if (at == NULL || at == trimmed || at[1] == '\0')
    return NULL;
  g_autofree char *domain = g_ascii_strdown (at + 1, -1);
  g_autofree char *local = g_strndup (trimmed, (gsize) (at - trimmed));
  g_autofree char *address = g_strconcat (local, "@", domain, NULL);
  return g_utf8_make_valid (address, -1);
}

char *
gu_address_of_mailbox (const char *mailbox)
{
  const char *lt = mailbox != NULL ? strrchr (mailbox, '<') : NULL;
  if (lt == NULL)
    return gu_address_normalize (mailbox);
  const char *gt = strchr (lt, '>');
  g_autofree char *inside = gt != NULL ? g_strndup (lt + 1, (gsize) (gt - lt - 1)) : g_strdup (lt + 1);
  return gu_address_normalize (inside);
}

gboolean
gu_message_id_is_usable (const char *id)
{
  if (id == NULL || *id == '\0' || strlen (id) > MESSAGE_ID_MAX || strchr (id, '@') == NULL)
    return FALSE;
  for (const guchar *p = (const guchar *) id; *p; p++)
    if (*p <= ' ' || *p >= 0x7f || *p == '<' || *p == '>')
      return FALSE;
  return TRUE;
}
