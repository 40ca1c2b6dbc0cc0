/* Authentication-Results (RFC 8601 §2.2), read the way the headers of
 * real servers are written rather than the way the grammar wishes:
 *
 *   mx.google.com;
 *          dkim=pass header.i=@normandie.fr header.s=20161025 header.b=Ab12;
 *          spf=pass (google.com: domain of … designates … as permitted
 *          sender) smtp.mailfrom=x@normandie.fr;
 *          dmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from=normandie.fr
 *
 * Comments (nested, with quoted-pairs) count as white space, values may
 * be quoted strings, and whatever cannot be read is skipped up to the
 * next ';' so that one odd resinfo does not hide the others. Plain GLib:
 * the caller hands over header values. */
#include "config.h"

#include <string.h>

#include "parse/parse.h"

/* Skips white space (folding included) and comments. An unclosed comment
 * runs to the end of the value. */
static void
skip_cfws (const char **p)
{
  for (;;)
    {
      while (**p == ' ' || **p == '\t' || **p == '\r' || **p == '\n')
        (*p)++;
      if (**p != '(')
        return;
      int depth = 0;
      do
        {
          if (**p == '\\' && (*p)[1] != '\0')
            (*p)++;
          else if (**p == '(')
            depth++;
          else if (**p == ')')
            depth--;
          (*p)++;
        }
      while (depth > 0 && **p != '\0');
    }
}

/* Reads the quoted-string at *p (on its '"'), quoted-pairs resolved.
 * Newly allocated. */
static char *
read_quoted (const char **p)
{
  GString *s = g_string_new (NULL);
  (*p)++;
  while (**p != '\0' && **p != '"')
    {
      if (**p == '\\' && (*p)[1] != '\0')
        (*p)++;
      g_string_append_c (s, **p);
      (*p)++;
    }
  if (**p == '"')
    (*p)++;
  return g_string_free (s, FALSE);
}

/* Reads a run of characters that are neither white space, '(', '"' nor
 * in stop. Returns it newly allocated, or NULL when the run is empty. */
static char *
read_token (const char **p, const char *stop)
{
  const char *start = *p;
  while (**p != '\0' && strchr (" \t\r\n(\"", **p) == NULL && strchr (stop, **p) == NULL)
    (*p)++;
  return *p > start ? g_strndup (start, (gsize) (*p - start)) : NULL;
}

static char *
read_value (const char **p, const char *stop)
{
  return **p == '"' ? read_quoted (p) : read_token (p, stop);
}

/* Moves to the next ';' outside comments and quoted strings, or the end. */
static void
skip_to_semicolon (const char **p)
{
  while (**p != '\0' && **p != ';')
    {
      if (**p == '(')
        skip_cfws (p);
      else if (**p == '"')
        g_free (read_quoted (p));
      else
        (*p)++;
    }
}

static void
free_result (gpointer data)
{
  GuAuthResult *r = data;
  g_free (r->method);
  g_free (r->result);
  g_ptr_array_unref (r->properties);
  g_free (r);
}

/* "ptype.property=value" (and "reason=…", and Microsoft's "action=none")
 * up to the next ';'. A name with no '=' after it is dropped. Values stop
 * at white space only, so that base64 padding ("header.b=ab+/=") stays. */
static void
read_properties (GuAuthResult *r, const char **p)
{
  for (;;)
    {
      skip_cfws (p);
      g_autofree char *name = read_token (p, ";=");
      if (name == NULL)
        return;
      skip_cfws (p);
      if (**p != '=')
        continue;
      (*p)++;
      skip_cfws (p);
      char *value = read_value (p, ";");
      g_ptr_array_add (r->properties, g_ascii_strdown (name, -1));
      g_ptr_array_add (r->properties, value != NULL ? value : g_strdup (""));
    }
}

/* methodspec: "dkim=pass", "dkim/1 = pass"; "none" (no-result) adds
 * nothing. */
static void
read_resinfo (GuAuthResults *ar, const char **p)
{
  skip_cfws (p);
  g_autofree char *method = read_token (p, ";=/");
  if (method == NULL)
    return;
  skip_cfws (p);
  if (**p == '/')
    {
      (*p)++;
      skip_cfws (p);
      g_free (read_token (p, ";=/"));
      skip_cfws (p);
    }
  if (**p != '=')
    return;
  (*p)++;
  skip_cfws (p);
  g_autofree char *result = read_token (p, ";=/");
  if (result == NULL)
    return;
  GuAuthResult *r = g_new0 (GuAuthResult, 1);
  r->method = g_ascii_strdown (method, -1);
  r->result = g_ascii_strdown (result, -1);
  r->properties = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (ar->results, r);
  read_properties (r, p);
}

/* The authserv-id and its optional version. A header that starts with a
 * methodspec has none (Microsoft 365's "spf=pass …"): *p is left on it. */
static void
read_authserv_id (GuAuthResults *ar, const char **p)
{
  skip_cfws (p);
  const char *start = *p;
  char *id = read_value (p, ";=/");
  skip_cfws (p);
  if (id == NULL || **p == '=' || **p == '/')
    {
      g_free (id);
      *p = start;
      return;
    }
  ar->authserv_id = id;
  while (g_ascii_isdigit (**p))
    (*p)++;
}

GuAuthResults *
gu_auth_results_parse (const char *value)
{
  GuAuthResults *ar = g_new0 (GuAuthResults, 1);
  ar->results = g_ptr_array_new_with_free_func (free_result);
  const char *p = value != NULL ? value : "";
  read_authserv_id (ar, &p);
  if (ar->authserv_id == NULL)
    read_resinfo (ar, &p);
  while (*p != '\0')
    {
      skip_to_semicolon (&p);
      if (*p == ';')
        {
          p++;
          read_resinfo (ar, &p);
        }
    }
  return ar;
}

void
gu_auth_results_free (GuAuthResults *ar)
{
  if (ar == NULL)
    return;
  g_free (ar->authserv_id);
  g_ptr_array_unref (ar->results);
  g_free (ar);
}

const char *
gu_auth_result_property (const GuAuthResult *r, const char *name)
{
  for (guint i = 0; i + 1 < r->properties->len; i += 2)
    if (strcmp (g_ptr_array_index (r->properties, i), name) == 0)
      return g_ptr_array_index (r->properties, i + 1);
  return NULL;
}

/* value is a domain ("normandie.fr") or an identity ("@normandie.fr",
 * "jean@normandie.fr"): its domain must be domain itself. */
static gboolean
names_domain (const char *value, const char *domain)
{
  if (value == NULL)
    return FALSE;
  const char *at = strrchr (value, '@');
  return g_ascii_strcasecmp (at != NULL ? at + 1 : value, domain) == 0;
}

gboolean
gu_auth_results_vouch_for (const GuAuthResults *ar, const char *domain)
{
  for (guint i = 0; i < ar->results->len; i++)
    {
      const GuAuthResult *r = g_ptr_array_index (ar->results, i);
      if (strcmp (r->result, "pass") != 0)
        continue;
      /* header.d is the signing domain the verifier checked a key of;
       * header.i is only looked at when the verifier did not say d. */
      const char *d = gu_auth_result_property (r, "header.d");
      if (strcmp (r->method, "dkim") == 0
          && names_domain (d != NULL ? d : gu_auth_result_property (r, "header.i"), domain))
        return TRUE;
      if (strcmp (r->method, "dmarc") == 0 && names_domain (gu_auth_result_property (r, "header.from"), domain))
        return TRUE;
    }
  return FALSE;
}
