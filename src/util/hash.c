#include "config.h"

#include <string.h>

#include <gnutls/crypto.h>

#include "util/hash.h"

/* Callers feed lines (the content key hashes a message line by line):
 * each gnutls_hash call costs about as much as hashing 100 bytes, so
 * small pieces are gathered first. */
#define GATHER 16384

struct GuSha256 {
  gnutls_hash_hd_t hd;
  gsize used;
  unsigned char gathered[GATHER];
};

static void
flush_gathered (GuSha256 *h)
{
  if (h->used > 0)
    gnutls_hash (h->hd, h->gathered, h->used);
  h->used = 0;
}

static void
digest_to_hex (const unsigned char digest[32], char out[65])
{
  static const char hex[] = "0123456789abcdef";
  for (int i = 0; i < 32; i++)
    {
      out[2 * i] = hex[digest[i] >> 4];
      out[2 * i + 1] = hex[digest[i] & 0xf];
    }
  out[64] = '\0';
}

void
gu_sha256_hex (const void *data, gsize len, char out[65])
{
  unsigned char digest[32];
  /* gnutls_hash_fast only fails on an unknown algorithm. */
  if (gnutls_hash_fast (GNUTLS_DIG_SHA256, data, len, digest) < 0)
    g_error ("gnutls cannot compute SHA-256");
  digest_to_hex (digest, out);
}

GuSha256 *
gu_sha256_new (void)
{
  GuSha256 *h = g_new (GuSha256, 1);
  h->used = 0;
  if (gnutls_hash_init (&h->hd, GNUTLS_DIG_SHA256) < 0)
    g_error ("gnutls cannot start SHA-256");
  return h;
}

void
gu_sha256_update (GuSha256 *h, const void *data, gsize len)
{
  if (h->used + len <= GATHER)
    {
      memcpy (h->gathered + h->used, data, len);
      h->used += len;
      return;
    }
  flush_gathered (h);
  if (len >= GATHER)
    gnutls_hash (h->hd, data, len);
  else
    {
      memcpy (h->gathered, data, len);
      h->used = len;
    }
}

void
gu_sha256_finish (GuSha256 *h, char out[65])
{
  unsigned char digest[32];
  flush_gathered (h);
  gnutls_hash_deinit (h->hd, digest);
  digest_to_hex (digest, out);
  g_free (h);
}

gboolean
gu_sha256_is_valid (const char *s)
{
  if (s == NULL || strlen (s) != 64)
    return FALSE;
  for (const char *p = s; *p; p++)
    if (!g_ascii_isdigit (*p) && !(*p >= 'a' && *p <= 'f'))
      return FALSE;
  return TRUE;
}
