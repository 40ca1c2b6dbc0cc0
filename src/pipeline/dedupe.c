#include "config.h"

#include <string.h>

#include "pipeline/dedupe.h"
#include "util/hash.h"

/* Header names (lower case) that hops add or rewrite. A name ending in
 * '*' is a prefix. */
static const char *const transport_headers[] = {
  "received", "x-received", "return-path", "delivered-to", "x-original-to", "envelope-to",
  "x-envelope-to", "x-envelope-from", "dkim-signature", "x-google-dkim-signature",
  "domainkey-signature", "arc-*", "authentication-results", "received-spf", "x-spam*",
  "x-virus*", "x-ms-exchange-*", "x-forefront-*", "x-microsoft-antispam*", "x-gm-*",
  "x-google-smtp-source", "x-ironport-*", "x-proofpoint-*", "x-barracuda-*", "status",
  "x-status", "x-keywords", "x-uid", "content-length", "lines", "x-mozilla-status*",
  "x-sieve*", "x-rspamd-*", "x-dspam-*",
};

static gboolean
is_transport_header (const char *name, gsize len)
{
  g_autofree char *lower = g_ascii_strdown (name, (gssize) len);
  for (gsize i = 0; i < G_N_ELEMENTS (transport_headers); i++)
    {
      const char *t = transport_headers[i];
      gsize tl = strlen (t);
      if (t[tl - 1] == '*' ? strncmp (lower, t, tl - 1) == 0 : strcmp (lower, t) == 0)
        return TRUE;
    }
  return FALSE;
}

/* Feeds [p, end) to the hash with CRLF turned into LF. */
static void
hash_lf (GuSha256 *h, const char *p, const char *end)
{
  while (p < end)
    {
      const char *cr = memchr (p, '\r', (gsize) (end - p));
      if (cr == NULL)
        {
          gu_sha256_update (h, p, (gsize) (end - p));
          return;
        }
      gu_sha256_update (h, p, (gsize) (cr - p));
      if (cr + 1 < end && cr[1] == '\n')
        p = cr + 1;
      else
        {
          gu_sha256_update (h, "\r", 1);
          p = cr + 1;
        }
    }
}

static const char *
next_line (const char *p, const char *end)
{
  const char *nl = memchr (p, '\n', (gsize) (end - p));
  return nl != NULL ? nl + 1 : end;
}

static gboolean
is_blank_line (const char *p, const char *line_end)
{
  return line_end - p <= 2 && (p == line_end || *p == '\n' || *p == '\r');
}

void
gu_dedupe_content_key (const char *raw, gsize len, char out[65])
{
  const char *p = raw, *end = raw + len;
  GuSha256 *h = gu_sha256_new ();
  if (len >= 5 && strncmp (p, "From ", 5) == 0)
    p = next_line (p, end);  /* the mbox envelope line is transport too */
  gboolean skipping = FALSE;
  while (p < end)
    {
      const char *line_end = next_line (p, end);
      if (is_blank_line (p, line_end))
        break;
      if (*p != ' ' && *p != '\t')
        {
          const char *colon = memchr (p, ':', (gsize) (line_end - p));
          skipping = colon != NULL && is_transport_header (p, (gsize) (colon - p));
        }
      if (!skipping)
        hash_lf (h, p, line_end);
      p = line_end;
    }
  hash_lf (h, p, end);
  gu_sha256_finish (h, out);
}
