/* Finding download links in a body (see links.h). The body is a
 * stranger's text: every URL is bounded (URL_MAX bytes), its host must
 * be a plain DNS name, and what is kept is valid UTF-8 on one line. */
#include "config.h"

#include <string.h>

#include "dossier/links.h"

#define URL_MAX 2048

/* Characters that end a URL in running text (RFC 3986 leaves them out,
 * mail clients stop there). Bytes >= 0x80 stay: paths with accents. */
static gboolean
ends_url (guchar c)
{
  return c <= 0x20 || c == 0x7f || strchr ("<>\"'`{}|\\^", c) != NULL;
}

static gboolean
host_char (char c)
{
  return g_ascii_isalnum (c) || c == '-' || c == '.';
}

/* The host of a URL after its "://": without user, port or final dot,
 * lower case; NULL when it is not a DNS name. *path_at receives where
 * its path starts. */
static char *
url_host (const char *authority, const char *end, const char **path_at)
{
  const char *stop = authority;
  while (stop < end && *stop != '/' && *stop != '?' && *stop != '#')
    stop++;
  *path_at = stop;
  const char *start = authority;
  for (const char *p = authority; p < stop; p++)
    if (*p == '@')
      start = p + 1;
  const char *host_end = start;
  while (host_end < stop && *host_end != ':')
    host_end++;
  while (host_end > start && host_end[-1] == '.')
    host_end--;
  if (host_end == start)
    return NULL;
  for (const char *p = start; p < host_end; p++)
    if (!host_char (*p))
      return NULL;
  return g_ascii_strdown (start, host_end - start);
}

static gboolean
host_matches (const char *host, const char *rule)
{
  gsize h = strlen (host), r = strlen (rule);
  if (r > 0 && rule[r - 1] == '.')
    return g_str_has_prefix (host, rule);
  return strcmp (host, rule) == 0 || (h > r && host[h - r - 1] == '.' && strcmp (host + h - r, rule) == 0);
}

/* A share path names a share only with its token after it. */
static gboolean
path_matches (const char *path, gsize len, const char *rule)
{
  gsize r = strlen (rule);
  return len > r && g_ascii_strncasecmp (path, rule, r) == 0 && g_ascii_isalnum (path[r]);
}

static gboolean
rules_match (const GuLinkRules *rules, const char *host, const char *path, gsize path_len)
{
  for (char **h = rules->hosts; h != NULL && *h != NULL; h++)
    if (host_matches (host, *h))
      return TRUE;
  for (char **s = rules->share_paths; s != NULL && *s != NULL; s++)
    if (path_matches (path, path_len, *s))
      return TRUE;
  return FALSE;
}

/* Where the URL starting at start ends, trailing punctuation left out. */
static const char *
url_end (const char *start)
{
  const char *end = start;
  while (*end != '\0' && !ends_url ((guchar) *end) && end - start < URL_MAX)
    end++;
  gboolean opened = memchr (start, '(', end - start) != NULL;
  while (end > start && (strchr (".,;:!?", end[-1]) != NULL || (end[-1] == ')' && !opened)))
    end--;
  return end;
}

static gboolean
already (GPtrArray *links, const char *url)
{
  for (guint i = 0; i < links->len; i++)
    if (strcmp (((GuLink *) g_ptr_array_index (links, i))->url, url) == 0)
      return TRUE;
  return FALSE;
}

/* Returns the length of the scheme and "://" at p, 0 when none. */
static gsize
scheme_at (const char *text, const char *p)
{
  if (p > text && (g_ascii_isalnum (p[-1]) || p[-1] == '/'))
    return 0;
  if (g_ascii_strncasecmp (p, "https://", 8) == 0)
    return 8;
  if (g_ascii_strncasecmp (p, "http://", 7) == 0)
    return 7;
  return 0;
}

GPtrArray *
gu_links_find (const char *text, const GuLinkRules *rules)
{
  GPtrArray *links = g_ptr_array_new_with_free_func (gu_link_free);
  for (const char *p = text; p != NULL && *p != '\0' && links->len < GU_LINKS_MAX; p++)
    {
      gsize scheme = scheme_at (text, p);
      if (scheme == 0)
        continue;
      const char *end = url_end (p);
      const char *path;
      g_autofree char *host = end > p + scheme ? url_host (p + scheme, end, &path) : NULL;
      if (host != NULL && rules_match (rules, host, path, (gsize) (end - path)))
        {
          g_autofree char *url = g_utf8_make_valid (p, end - p);
          if (!already (links, url))
            {
              GuLink *link = g_new0 (GuLink, 1);
              link->url = g_steal_pointer (&url);
              link->host = g_steal_pointer (&host);
              g_ptr_array_add (links, link);
            }
        }
      p = end > p ? end - 1 : p;
    }
  return links;
}
