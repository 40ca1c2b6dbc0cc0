/* The IMAP mailbox through libetpan's low-level mailimap API. libetpan
 * parses the protocol; everything it leaves to its callers is done here:
 * certificate verification (it verifies nothing), SNI, modified UTF-7
 * mailbox names, the "UID n:*" answer that includes a lower UID, and
 * the mapping of its error codes onto GU_ERROR_TEMPFAIL (the connection
 * is gone) and GU_ERROR_CONFIG (the server said no to our settings). */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include <gio/gio.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <libetpan/libetpan.h>

#include "source/imap.h"
#include "util/error.h"
#include "util/tls-switch.h"

#define GU_IMAP_DEFAULT_TIMEOUT 30
#define GU_IMAP_IDLE_SLICE 1 /* seconds between two looks at *stop */

struct GuImap {
  mailimap *etpan;
  char *host;
  char *mailbox;    /* from the URL, UTF-8 */
  gboolean broken;  /* the connection failed: no LOGOUT on close */
  gboolean has_move;
  gboolean has_uidplus;
  gboolean has_idle;
};

/* --- errors ------------------------------------------------------------ */

/* libetpan's generic codes say the connection itself failed (network,
 * timeout, unparsable answer, TLS, BYE); the command-specific ones
 * (MAILIMAP_ERROR_SELECT, _LOGIN, ...) mean the server answered NO or BAD
 * and the session is still usable. */
static gboolean
connection_failed (int r)
{
  switch (r)
    {
    case MAILIMAP_ERROR_BAD_STATE: case MAILIMAP_ERROR_STREAM: case MAILIMAP_ERROR_PARSE:
    case MAILIMAP_ERROR_CONNECTION_REFUSED: case MAILIMAP_ERROR_MEMORY: case MAILIMAP_ERROR_FATAL:
    case MAILIMAP_ERROR_PROTOCOL: case MAILIMAP_ERROR_DONT_ACCEPT_CONNECTION: case MAILIMAP_ERROR_SSL:
      return TRUE;
    default:
      return FALSE;
    }
}

static const char *
describe_failure (int r)
{
  switch (r)
    {
    case MAILIMAP_ERROR_STREAM: return "connection lost or timed out";
    case MAILIMAP_ERROR_PARSE: return "unparsable answer";
    case MAILIMAP_ERROR_CONNECTION_REFUSED: return "cannot connect";
    case MAILIMAP_ERROR_DONT_ACCEPT_CONNECTION: return "the server refused the connection";
    case MAILIMAP_ERROR_SSL: return "TLS failure";
    case MAILIMAP_ERROR_FATAL: return "the server closed the session";
    case MAILIMAP_ERROR_PROTOCOL: return "protocol error";
    case MAILIMAP_ERROR_BAD_STATE: return "command in the wrong state";
    default: return "connection failure";
    }
}

/* Sets error for libetpan's result r of the command what: TEMPFAIL (and
 * the connection marked broken) when the connection failed, else
 * no_code with the server's own words. Returns FALSE. */
static gboolean
fail (GuImap *imap, int r, int no_code, const char *what, GError **error)
{
  if (connection_failed (r))
    {
      imap->broken = TRUE;
      g_set_error (error, GU_ERROR, GU_ERROR_TEMPFAIL, "IMAP %s on %s: %s (libetpan error %d)", what,
                   imap->host, describe_failure (r), r);
      return FALSE;
    }
  const char *said = imap->etpan->imap_response;
  g_set_error (error, GU_ERROR, no_code, "IMAP %s on %s refused: %s", what, imap->host,
               said != NULL && *said != '\0' ? said : "no reason given");
  return FALSE;
}

/* --- modified UTF-7 (RFC 3501, 5.1.3) ---------------------------------- */

static const char mbase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

static gboolean
mutf7_direct (gunichar c)
{
  return c >= 0x20 && c <= 0x7e;
}

/* Appends '&', the UTF-16BE of utf8[0..len) in base64 with ',' for '/'
 * and no padding, and '-'. */
static void
append_shifted (GString *out, const char *utf8, gssize len)
{
  glong n = 0;
  gunichar2 *u16 = g_utf8_to_utf16 (utf8, len, NULL, &n, NULL);
  guint32 bits = 0;
  int nbits = 0;
  g_string_append_c (out, '&');
  for (glong i = 0; i < 2 * n; i++)
    {
      guint8 byte = (i % 2 == 0) ? (guint8) (u16[i / 2] >> 8) : (guint8) (u16[i / 2] & 0xff);
      bits = (bits << 8) | byte;
      nbits += 8;
      for (; nbits >= 6; nbits -= 6)
        g_string_append_c (out, mbase64[(bits >> (nbits - 6)) & 63]);
    }
  if (nbits > 0)
    g_string_append_c (out, mbase64[(bits << (6 - nbits)) & 63]);
  g_string_append_c (out, '-');
  g_free (u16);
}

/* The modified UTF-7 form of a UTF-8 mailbox name, as IMAP wants it. */
static char *
mutf7_encode (const char *utf8, GError **error)
{
  if (!g_utf8_validate (utf8, -1, NULL))
    {
      g_set_error (error, GU_ERROR, GU_ERROR_CONFIG, "IMAP mailbox name is not UTF-8");
      return NULL;
    }
  GString *out = g_string_new (NULL);
  const char *p = utf8;
  while (*p != '\0')
    {
      if (mutf7_direct (g_utf8_get_char (p)))
        {
          if (*p == '&')
            g_string_append (out, "&-");
          else
            g_string_append_c (out, *p);
          p++;
          continue;
        }
      const char *start = p;
      while (*p != '\0' && !mutf7_direct (g_utf8_get_char (p)))
        p = g_utf8_next_char (p);
      append_shifted (out, start, p - start);
    }
  return g_string_free (out, FALSE);
}

/* Decodes the base64 run [s, end) of a shifted sequence into UTF-8 on
 * out; FALSE if it is not well-formed UTF-16. */
static gboolean
append_unshifted (GString *out, const char *s, const char *end)
{
  g_autoptr (GArray) u16 = g_array_new (FALSE, FALSE, sizeof (gunichar2));
  guint32 bits = 0;
  int nbits = 0;
  for (; s < end; s++)
    {
      const char *pos = strchr (mbase64, *s);
      if (pos == NULL)
        return FALSE;
      bits = (bits << 6) | (guint32) (pos - mbase64);
      nbits += 6;
      if (nbits >= 16)
        {
          nbits -= 16;
          gunichar2 unit = (gunichar2) (bits >> nbits);
          g_array_append_val (u16, unit);
        }
    }
  if (u16->len == 0)
    return FALSE;
  g_autofree char *utf8 = g_utf16_to_utf8 ((gunichar2 *) u16->data, u16->len, NULL, NULL, NULL);
  if (utf8 == NULL)
    return FALSE;
  g_string_append (out, utf8);
  return TRUE;
}

/* The UTF-8 form of a modified UTF-7 name, or NULL if it is malformed. */
static char *
mutf7_decode (const char *mutf7)
{
  g_autoptr (GString) out = g_string_new (NULL);
  for (const char *p = mutf7; *p != '\0'; p++)
    {
      if (*p != '&')
        {
          g_string_append_c (out, *p);
          continue;
        }
      const char *end = strchr (p + 1, '-');
      if (end == NULL)
        return NULL;
      if (end == p + 1)
        g_string_append_c (out, '&');
      else if (!append_unshifted (out, p + 1, end))
        return NULL;
      p = end;
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* --- URL ---------------------------------------------------------------- */

static gboolean
bad_url (const char *url, const char *why, GError **error)
{
  g_set_error (error, GU_ERROR, GU_ERROR_CONFIG, "bad IMAP URL %s: %s", url, why);
  return FALSE;
}

static gboolean
host_is_loopback (const char *host)
{
  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;
  g_autoptr (GInetAddress) addr = g_inet_address_new_from_string (host);
  return addr != NULL && g_inet_address_get_is_loopback (addr);
}

/* The URL's ;tls= switch (one spelling with SMTP: util/tls-switch.h)
 * and the loopback rule give how to speak to host. */
static gboolean
decide_tls (const char *url, gboolean imaps, GuTlsSwitch mode, const char *host, GuImapTls *tls,
            GError **error)
{
  if (imaps)
    {
      *tls = GU_IMAP_TLS_IMPLICIT;
      return mode == GU_TLS_SWITCH_ABSENT || bad_url (url, "imaps:// is always TLS; use imap:// for tls=", error);
    }
  if (mode == GU_TLS_SWITCH_ABSENT)
    *tls = host_is_loopback (host) ? GU_IMAP_TLS_NONE : GU_IMAP_TLS_STARTTLS;
  else
    *tls = mode == GU_TLS_SWITCH_NONE ? GU_IMAP_TLS_NONE : GU_IMAP_TLS_STARTTLS;
  return TRUE;
}

/* host[:port] or [v6]:port. */
static gboolean
parse_authority (const char *url, const char *auth, char **host, int *port, GError **error)
{
  const char *colon;
  if (strchr (auth, '@') != NULL)
    return bad_url (url, "give the user in the configuration, not in the URL", error);
  if (auth[0] == '[')
    {
      const char *close = strchr (auth, ']');
      if (close == NULL || (close[1] != '\0' && close[1] != ':'))
        return bad_url (url, "unbalanced [ in the host", error);
      *host = g_strndup (auth + 1, (gsize) (close - auth - 1));
      colon = close[1] == ':' ? close + 1 : NULL;
    }
  else
    {
      colon = strrchr (auth, ':');
      *host = colon != NULL ? g_strndup (auth, (gsize) (colon - auth)) : g_strdup (auth);
    }
  if (**host == '\0' || strpbrk (*host, " \t/?#") != NULL)
    return bad_url (url, "no valid host", error);
  if (colon == NULL)
    return TRUE;
  guint64 value = 0;
  if (!g_ascii_string_to_unsigned (colon + 1, 10, 1, 65535, &value, NULL))
    return bad_url (url, "the port must be a number from 1 to 65535", error);
  *port = (int) value;
  return TRUE;
}

static gboolean
decode_mailbox (const char *url, const char *path, char **mailbox, GError **error)
{
  if (path == NULL || *path == '\0')
    {
      *mailbox = g_strdup ("INBOX");
      return TRUE;
    }
  *mailbox = g_uri_unescape_string (path, NULL);
  if (*mailbox == NULL || !g_utf8_validate (*mailbox, -1, NULL))
    return bad_url (url, "the mailbox is not valid percent-encoded UTF-8", error);
  return TRUE;
}

gboolean
gu_imap_parse_url (const char *url, char **host, int *port, GuImapTls *tls, char **mailbox,
                   GError **error)
{
  gboolean imaps = g_ascii_strncasecmp (url, "imaps://", 8) == 0;
  if (!imaps && g_ascii_strncasecmp (url, "imap://", 7) != 0)
    return bad_url (url, "it must start with imaps:// or imap://", error);
  GuTlsSwitch mode;
  g_autofree char *rest = NULL;
  if (!gu_tls_switch_split (url + (imaps ? 8 : 7), &rest, &mode, error))
    return FALSE;
  char *slash = strchr (rest, '/');
  if (slash != NULL)
    *slash = '\0';
  g_autofree char *h = NULL;
  g_autofree char *mb = NULL;
  int p = imaps ? 993 : 143;
  if (!parse_authority (url, rest, &h, &p, error) || !decide_tls (url, imaps, mode, h, tls, error)
      || !decode_mailbox (url, slash != NULL ? slash + 1 : NULL, &mb, error))
    return FALSE;
  *host = g_steal_pointer (&h);
  *port = p;
  *mailbox = g_steal_pointer (&mb);
  return TRUE;
}

/* --- certificate verification --------------------------------------------- */

/* libetpan's chain (DER) as GnuTLS certificates; returns how many were
 * imported, or a negative GnuTLS error. */
static int
import_chain (carray *chain, gnutls_x509_crt_t *certs)
{
  for (unsigned i = 0; i < carray_count (chain); i++)
    {
      MMAPString *der = carray_get (chain, i);
      gnutls_datum_t datum = { (unsigned char *) der->str, (unsigned int) der->len };
      int r = gnutls_x509_crt_init (&certs[i]);
      if (r < 0)
        return r;
      r = gnutls_x509_crt_import (certs[i], &datum, GNUTLS_X509_FMT_DER);
      if (r < 0)
        return r;
    }
  return (int) carray_count (chain);
}

/* The trust anchors: ca_file, or the system store. An empty set would
 * make every chain fail with a puzzling status, so it is an error. */
static gnutls_x509_trust_list_t
load_trust (const char *ca_file, GError **error)
{
  gnutls_x509_trust_list_t tl = NULL;
  int r = gnutls_x509_trust_list_init (&tl, 0);
  if (r >= 0 && ca_file != NULL)
    r = gnutls_x509_trust_list_add_trust_file (tl, ca_file, NULL, GNUTLS_X509_FMT_PEM, 0, 0);
  else if (r >= 0)
    r = gnutls_x509_trust_list_add_system_trust (tl, 0, 0);
  if (r > 0)
    return tl;
  g_set_error (error, GU_ERROR, GU_ERROR_CONFIG, "no trusted certificate in %s: %s%s",
               ca_file != NULL ? ca_file : "the system store",
               r < 0 ? gnutls_strerror (r) : "empty",
               ca_file != NULL ? "" : " (install ca-certificates, or set [imap] ca_file)");
  if (tl != NULL)
    gnutls_x509_trust_list_deinit (tl, 1);
  return NULL;
}

/* Verifies the chain up to an anchor of tl, for host (a DNS name, or an
 * IP address that GnuTLS then matches against the IP SANs) and for TLS
 * server use. Returns a GnuTLS error, or 0 with *status set. */
static int
verify_chain (const char *host, carray *chain, gnutls_x509_trust_list_t tl, unsigned *status)
{
  unsigned n = carray_count (chain);
  gnutls_x509_crt_t *certs = g_new0 (gnutls_x509_crt_t, n);
  gnutls_typed_vdata_st data[] = {
    { GNUTLS_DT_DNS_HOSTNAME, (unsigned char *) host, 0 },
    { GNUTLS_DT_KEY_PURPOSE_OID, (unsigned char *) GNUTLS_KP_TLS_WWW_SERVER, 0 },
  };
  int r = import_chain (chain, certs);
  if (r >= 0)
    r = gnutls_x509_trust_list_verify_crt2 (tl, certs, n, data, G_N_ELEMENTS (data), 0, status, NULL);
  for (unsigned i = 0; i < n; i++)
    if (certs[i] != NULL)
      gnutls_x509_crt_deinit (certs[i]);
  g_free (certs);
  return r;
}

static gboolean
certificate_error (GuImap *imap, const char *why, GError **error)
{
  g_set_error (error, GU_ERROR, GU_ERROR_CONFIG, "certificate of %s not trusted: %s", imap->host, why);
  return FALSE;
}

/* Runs before any credential is sent: libetpan itself accepts any
 * certificate, so without this a man in the middle gets the password. */
static gboolean
verify_server (GuImap *imap, const GuImapOptions *opts, GError **error)
{
  gnutls_x509_trust_list_t tl = load_trust (opts->ca_file, error);
  if (tl == NULL)
    return FALSE;
  carray *chain = mailstream_get_certificate_chain (imap->etpan->imap_stream);
  unsigned status = 0;
  int r = chain != NULL && carray_count (chain) > 0 ? verify_chain (imap->host, chain, tl, &status)
                                                     : GNUTLS_E_NO_CERTIFICATE_FOUND;
  if (chain != NULL)
    mailstream_certificate_chain_free (chain);
  gnutls_x509_trust_list_deinit (tl, 1);
  if (r < 0)
    return certificate_error (imap, gnutls_strerror (r), error);
  if (status == 0)
    return TRUE;
  gnutls_datum_t text = { NULL, 0 };
  gnutls_certificate_verification_status_print (status, GNUTLS_CRT_X509, &text, 0);
  certificate_error (imap, text.data != NULL ? g_strchomp ((char *) text.data) : "verification failed", error);
  gnutls_free (text.data);
  return FALSE;
}

/* --- connection --------------------------------------------------------- */

/* libetpan only sends SNI when told to; RFC 6066 forbids IP literals. */
static void
set_server_name (struct mailstream_ssl_context *ctx, void *data)
{
  GuImap *imap = data;
  if (!g_hostname_is_ip_address (imap->host))
    mailstream_ssl_set_server_name (ctx, imap->host);
}

static gboolean
open_session (GuImap *imap, int port, GuImapTls tls, GError **error)
{
  int r;
  if (tls == GU_IMAP_TLS_IMPLICIT)
    r = mailimap_ssl_connect_with_callback (imap->etpan, imap->host, (uint16_t) port, set_server_name,
                                            imap);
  else
    r = mailimap_socket_connect (imap->etpan, imap->host, (uint16_t) port);
  /* Success is any of NO_ERROR, _AUTHENTICATED, _NON_AUTHENTICATED. */
  if (r != MAILIMAP_NO_ERROR && r != MAILIMAP_NO_ERROR_AUTHENTICATED
      && r != MAILIMAP_NO_ERROR_NON_AUTHENTICATED)
    return fail (imap, connection_failed (r) ? r : MAILIMAP_ERROR_CONNECTION_REFUSED, GU_ERROR_TEMPFAIL,
                 "connection", error);
  if (tls != GU_IMAP_TLS_STARTTLS)
    return TRUE;
  r = mailimap_socket_starttls_with_callback (imap->etpan, set_server_name, imap);
  return r == MAILIMAP_NO_ERROR || fail (imap, r, GU_ERROR_CONFIG, "STARTTLS", error);
}

static gboolean
log_in (GuImap *imap, const GuImapOptions *opts, GError **error)
{
  int r;
  if (opts->oauth2_token != NULL)
    r = mailimap_oauth2_authenticate (imap->etpan, opts->user, opts->oauth2_token);
  else
    r = mailimap_login (imap->etpan, opts->user, opts->password != NULL ? opts->password : "");
  return r == MAILIMAP_NO_ERROR || fail (imap, r, GU_ERROR_CONFIG, "login", error);
}

/* Dovecot (and others) announce MOVE, UIDPLUS and IDLE only after login. */
static gboolean
refresh_capabilities (GuImap *imap, GError **error)
{
  struct mailimap_capability_data *caps = NULL;
  int r = mailimap_capability (imap->etpan, &caps);
  if (r != MAILIMAP_NO_ERROR)
    return fail (imap, r, GU_ERROR_TEMPFAIL, "CAPABILITY", error);
  mailimap_capability_data_free (caps);
  imap->has_move = mailimap_has_extension (imap->etpan, "MOVE");
  imap->has_uidplus = mailimap_has_uidplus (imap->etpan);
  imap->has_idle = mailimap_has_idle (imap->etpan);
  return TRUE;
}

static void
warn_no_verification (void)
{
  static gsize warned = 0;
  if (g_once_init_enter (&warned))
    {
      g_warning ("IMAP: tls_verify is off; the server certificate is not checked");
      g_once_init_leave (&warned, 1);
    }
}

GuImap *
gu_imap_connect (const GuImapOptions *opts, GError **error)
{
  g_autofree char *host = NULL;
  g_autofree char *mailbox = NULL;
  int port;
  GuImapTls tls;
  if (!gu_imap_parse_url (opts->url, &host, &port, &tls, &mailbox, error))
    return NULL;
  GuImap *imap = g_new0 (GuImap, 1);
  imap->host = g_steal_pointer (&host);
  imap->mailbox = g_steal_pointer (&mailbox);
  imap->etpan = mailimap_new (0, NULL);
  if (imap->etpan == NULL)
    g_error ("out of memory");
  mailimap_set_timeout (imap->etpan, opts->timeout_seconds > 0 ? opts->timeout_seconds
                                                               : GU_IMAP_DEFAULT_TIMEOUT);
  gboolean verify = tls != GU_IMAP_TLS_NONE && opts->tls_verify;
  if (tls != GU_IMAP_TLS_NONE && !opts->tls_verify)
    warn_no_verification ();
  if (!open_session (imap, port, tls, error) || (verify && !verify_server (imap, opts, error))
      || !log_in (imap, opts, error) || !refresh_capabilities (imap, error))
    {
      gu_imap_close (imap);
      return NULL;
    }
  return imap;
}

void
gu_imap_close (GuImap *imap)
{
  if (imap == NULL)
    return;
  /* LOGOUT is a courtesy; on a dead connection it would only wait. */
  if (!imap->broken && imap->etpan->imap_stream != NULL)
    mailimap_logout (imap->etpan);
  mailimap_free (imap->etpan);
  g_free (imap->host);
  g_free (imap->mailbox);
  g_free (imap);
}

const char *
gu_imap_mailbox (GuImap *imap)
{
  return imap->mailbox;
}

gboolean
gu_imap_has_idle (GuImap *imap)
{
  return imap->has_idle;
}

gboolean
gu_imap_has_move (GuImap *imap)
{
  return imap->has_move;
}

/* --- mailbox ------------------------------------------------------------ */

/* UIDNEXT is optional in a SELECT answer: without it, the highest UID
 * (UID SEARCH UID *) plus one, or 1 for an empty mailbox. */
static gboolean
guess_uidnext (GuImap *imap, guint32 *uidnext, GError **error)
{
  struct mailimap_search_key *key = mailimap_search_key_new_uid (mailimap_set_new_single (0));
  clist *result = NULL;
  int r = mailimap_uid_search (imap->etpan, NULL, key, &result);
  mailimap_search_key_free (key);
  if (r != MAILIMAP_NO_ERROR)
    return fail (imap, r, GU_ERROR_TEMPFAIL, "UID SEARCH", error);
  *uidnext = 1;
  for (clistiter *it = clist_begin (result); it != NULL; it = clist_next (it))
    *uidnext = MAX (*uidnext, *(uint32_t *) clist_content (it) + 1);
  mailimap_search_result_free (result);
  return TRUE;
}

gboolean
gu_imap_select (GuImap *imap, const char *mailbox, guint32 *uidvalidity, guint32 *uidnext, GError **error)
{
  g_autofree char *name = mutf7_encode (mailbox, error);
  if (name == NULL)
    return FALSE;
  int r = mailimap_select (imap->etpan, name);
  if (r != MAILIMAP_NO_ERROR)
    {
      g_autofree char *what = g_strdup_printf ("SELECT %s", mailbox);
      return fail (imap, r, GU_ERROR_CONFIG, what, error);
    }
  struct mailimap_selection_info *info = imap->etpan->imap_selection_info;
  *uidvalidity = info != NULL ? info->sel_uidvalidity : 0;
  *uidnext = info != NULL ? info->sel_uidnext : 0;
  return *uidnext != 0 || guess_uidnext (imap, uidnext, error);
}

static gint
compare_uid (gconstpointer a, gconstpointer b)
{
  guint32 x = *(const guint32 *) a, y = *(const guint32 *) b;
  return x < y ? -1 : x > y;
}

GArray *
gu_imap_search_from (GuImap *imap, guint32 from_uid, GError **error)
{
  from_uid = MAX (from_uid, 1);
  /* UID from:* ("*" is 0 for libetpan) */
  struct mailimap_search_key *key = mailimap_search_key_new_uid (mailimap_set_new_interval (from_uid, 0));
  clist *result = NULL;
  int r = mailimap_uid_search (imap->etpan, NULL, key, &result);
  mailimap_search_key_free (key);
  if (r != MAILIMAP_NO_ERROR)
    {
      fail (imap, r, GU_ERROR_TEMPFAIL, "UID SEARCH", error);
      return NULL;
    }
  GArray *uids = g_array_new (FALSE, FALSE, sizeof (guint32));
  for (clistiter *it = clist_begin (result); it != NULL; it = clist_next (it))
    {
      /* "n:*" always matches the highest UID, even one below n. */
      guint32 uid = *(uint32_t *) clist_content (it);
      if (uid >= from_uid)
        g_array_append_val (uids, uid);
    }
  mailimap_search_result_free (result);
  g_array_sort (uids, compare_uid);
  return uids;
}

/* --- fetch -------------------------------------------------------------- */

void
gu_imap_message_free (GuImapMessage *m)
{
  if (m == NULL)
    return;
  g_clear_pointer (&m->internaldate, g_date_time_unref);
  g_clear_pointer (&m->raw, g_bytes_unref);
  g_free (m);
}

/* uids sorted, without duplicates. */
static GArray *
sorted_uids (const guint32 *uids, guint n)
{
  GArray *sorted = g_array_sized_new (FALSE, FALSE, sizeof (guint32), n);
  g_array_append_vals (sorted, uids, n);
  g_array_sort (sorted, compare_uid);
  guint out = 0;
  for (guint i = 0; i < sorted->len; i++)
    if (out == 0 || g_array_index (sorted, guint32, i) != g_array_index (sorted, guint32, out - 1))
      g_array_index (sorted, guint32, out++) = g_array_index (sorted, guint32, i);
  g_array_set_size (sorted, out);
  return sorted;
}

/* An IMAP set of sorted UIDs with runs compressed (1:5,9,12:13), so that
 * one command carries any number of them. */
static struct mailimap_set *
uid_set_new (GArray *sorted)
{
  struct mailimap_set *set = mailimap_set_new_empty ();
  guint i = 0;
  while (i < sorted->len)
    {
      guint32 first = g_array_index (sorted, guint32, i), last = first;
      while (++i < sorted->len && g_array_index (sorted, guint32, i) == last + 1)
        last++;
      mailimap_set_add_interval (set, first, last);
    }
  return set;
}

/* Only these: ENVELOPE and BODYSTRUCTURE trip libetpan's parser on odd
 * messages, and BODY.PEEK leaves \Seen alone. */
static struct mailimap_fetch_type *
fetch_type_new (void)
{
  struct mailimap_fetch_type *type = mailimap_fetch_type_new_fetch_att_list_empty ();
  mailimap_fetch_type_new_fetch_att_list_add (type, mailimap_fetch_att_new_uid ());
  mailimap_fetch_type_new_fetch_att_list_add (type, mailimap_fetch_att_new_internaldate ());
  mailimap_fetch_type_new_fetch_att_list_add (type, mailimap_fetch_att_new_rfc822_size ());
  mailimap_fetch_type_new_fetch_att_list_add (type,
                                              mailimap_fetch_att_new_body_peek_section (mailimap_section_new (NULL)));
  return type;
}

static GDateTime *
date_time_from_etpan (const struct mailimap_date_time *dt)
{
  /* dt_zone is ±HHMM read as a decimal number: -0330 is -330. */
  int offset = (dt->dt_zone / 100) * 3600 + (dt->dt_zone % 100) * 60;
  GTimeZone *tz = g_time_zone_new_offset (offset);
  GDateTime *date = g_date_time_new (tz, dt->dt_year, dt->dt_month, dt->dt_day, dt->dt_hour, dt->dt_min,
                                     dt->dt_sec);
  g_time_zone_unref (tz);
  return date;
}

static void
free_etpan_string (gpointer str)
{
  mailimap_nstring_free (str);
}

/* Takes the body out of libetpan's answer rather than copying it (it may
 * be tens of megabytes); sec_length counts NULs that strlen would not. */
static GBytes *
steal_body (struct mailimap_msg_att_body_section *section)
{
  if (section == NULL || section->sec_body_part == NULL)
    return NULL;
  char *part = section->sec_body_part;
  section->sec_body_part = NULL;
  return g_bytes_new_with_free_func (part, section->sec_length, free_etpan_string, part);
}

static void
apply_static (GuImapMessage *m, struct mailimap_msg_att_static *att)
{
  switch (att->att_type)
    {
    case MAILIMAP_MSG_ATT_INTERNALDATE:
      if (att->att_data.att_internal_date != NULL)
        {
          g_clear_pointer (&m->internaldate, g_date_time_unref);
          m->internaldate = date_time_from_etpan (att->att_data.att_internal_date);
        }
      break;
    case MAILIMAP_MSG_ATT_RFC822_SIZE:
      m->size = att->att_data.att_rfc822_size;
      break;
    case MAILIMAP_MSG_ATT_BODY_SECTION:
      g_clear_pointer (&m->raw, g_bytes_unref);
      m->raw = steal_body (att->att_data.att_body_section);
      break;
    default:
      break;
    }
}

/* The UID of one FETCH answer, 0 if it has none (an unsolicited FETCH
 * of flags, say). att_number is the sequence number, not the UID. */
static guint32
msg_att_uid (struct mailimap_msg_att *msg)
{
  for (clistiter *it = clist_begin (msg->att_list); it != NULL; it = clist_next (it))
    {
      struct mailimap_msg_att_item *item = clist_content (it);
      if (item->att_type == MAILIMAP_MSG_ATT_ITEM_STATIC
          && item->att_data.att_static->att_type == MAILIMAP_MSG_ATT_UID)
        return item->att_data.att_static->att_data.att_uid;
    }
  return 0;
}

/* Merges every FETCH answer for a requested UID into by_uid (a server may
 * split one message's items over several answers). */
static void
collect_messages (clist *result, GArray *requested, GHashTable *by_uid)
{
  for (clistiter *it = clist_begin (result); it != NULL; it = clist_next (it))
    {
      struct mailimap_msg_att *msg = clist_content (it);
      guint32 uid = msg_att_uid (msg);
      guint index;
      if (uid == 0 || !g_array_binary_search (requested, &uid, compare_uid, &index))
        continue;
      GuImapMessage *m = g_hash_table_lookup (by_uid, GUINT_TO_POINTER (uid));
      if (m == NULL)
        {
          m = g_new0 (GuImapMessage, 1);
          m->uid = uid;
          g_hash_table_insert (by_uid, GUINT_TO_POINTER (uid), m);
        }
      for (clistiter *i = clist_begin (msg->att_list); i != NULL; i = clist_next (i))
        {
          struct mailimap_msg_att_item *item = clist_content (i);
          if (item->att_type == MAILIMAP_MSG_ATT_ITEM_STATIC)
            apply_static (m, item->att_data.att_static);
        }
    }
}

static struct mailimap_fetch_type *
size_type_new (void)
{
  struct mailimap_fetch_type *type = mailimap_fetch_type_new_fetch_att_list_empty ();
  mailimap_fetch_type_new_fetch_att_list_add (type, mailimap_fetch_att_new_uid ());
  mailimap_fetch_type_new_fetch_att_list_add (type, mailimap_fetch_att_new_rfc822_size ());
  return type;
}

/* One UID FETCH of uids with type (freed here). */
static GPtrArray *
fetch_with (GuImap *imap, const guint32 *uids, guint n, struct mailimap_fetch_type *type, GError **error)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) gu_imap_message_free);
  if (n == 0)
    {
      mailimap_fetch_type_free (type);
      return out;
    }
  g_autoptr (GArray) sorted = sorted_uids (uids, n);
  struct mailimap_set *set = uid_set_new (sorted);
  clist *result = NULL;
  int r = mailimap_uid_fetch (imap->etpan, set, type, &result);
  mailimap_fetch_type_free (type);
  mailimap_set_free (set);
  if (r != MAILIMAP_NO_ERROR)
    {
      g_ptr_array_unref (out);
      fail (imap, r, GU_ERROR_TEMPFAIL, "UID FETCH", error);
      return NULL;
    }
  g_autoptr (GHashTable) by_uid = g_hash_table_new (NULL, NULL);
  collect_messages (result, sorted, by_uid);
  mailimap_fetch_list_free (result);
  for (guint i = 0; i < sorted->len; i++)
    {
      GuImapMessage *m = g_hash_table_lookup (by_uid, GUINT_TO_POINTER (g_array_index (sorted, guint32, i)));
      if (m != NULL)
        g_ptr_array_add (out, m);
    }
  return out;
}

GPtrArray *
gu_imap_fetch (GuImap *imap, const guint32 *uids, guint n, GError **error)
{
  return fetch_with (imap, uids, n, fetch_type_new (), error);
}

GPtrArray *
gu_imap_fetch_sizes (GuImap *imap, const guint32 *uids, guint n, GError **error)
{
  return fetch_with (imap, uids, n, size_type_new (), error);
}

/* --- move and folders ----------------------------------------------------- */

static int
mark_deleted (GuImap *imap, struct mailimap_set *set)
{
  struct mailimap_flag_list *flags = mailimap_flag_list_new_empty ();
  mailimap_flag_list_add (flags, mailimap_flag_new_deleted ());
  struct mailimap_store_att_flags *store = mailimap_store_att_flags_new_add_flags_silent (flags);
  int r = mailimap_uid_store (imap->etpan, set, store);
  mailimap_store_att_flags_free (store);
  return r;
}

/* Without MOVE: copy, flag \Deleted, expunge. Plain EXPUNGE removes every
 * \Deleted message of the mailbox, hence UID EXPUNGE when UIDPLUS allows. */
static gboolean
copy_and_expunge (GuImap *imap, struct mailimap_set *set, const char *name, const char *folder,
                  GError **error)
{
  int r = mailimap_uid_copy (imap->etpan, set, name);
  if (r != MAILIMAP_NO_ERROR)
    {
      g_autofree char *what = g_strdup_printf ("UID COPY to %s", folder);
      return fail (imap, r, GU_ERROR_CONFIG, what, error);
    }
  r = mark_deleted (imap, set);
  if (r != MAILIMAP_NO_ERROR)
    return fail (imap, r, GU_ERROR_TEMPFAIL, "UID STORE +FLAGS (\\Deleted)", error);
  r = imap->has_uidplus ? mailimap_uid_expunge (imap->etpan, set) : mailimap_expunge (imap->etpan);
  return r == MAILIMAP_NO_ERROR || fail (imap, r, GU_ERROR_TEMPFAIL, "EXPUNGE", error);
}

gboolean
gu_imap_move (GuImap *imap, const guint32 *uids, guint n, const char *folder, GError **error)
{
  if (n == 0)
    return TRUE;
  g_autofree char *name = mutf7_encode (folder, error);
  if (name == NULL)
    return FALSE;
  g_autoptr (GArray) sorted = sorted_uids (uids, n);
  struct mailimap_set *set = uid_set_new (sorted);
  gboolean ok;
  if (imap->has_move)
    {
      int r = mailimap_uid_move (imap->etpan, set, name);
      g_autofree char *what = g_strdup_printf ("UID MOVE to %s", folder);
      ok = r == MAILIMAP_NO_ERROR || fail (imap, r, GU_ERROR_CONFIG, what, error);
    }
  else
    ok = copy_and_expunge (imap, set, name, folder, error);
  mailimap_set_free (set);
  return ok;
}

/* 1 if LIST finds folder (compared decoded: servers may spell the UTF-7
 * differently), 0 if not, -1 on error. */
static int
folder_exists (GuImap *imap, const char *name, const char *folder, GError **error)
{
  clist *list = NULL;
  int r = mailimap_list (imap->etpan, "", name, &list);
  if (r != MAILIMAP_NO_ERROR)
    {
      fail (imap, r, GU_ERROR_TEMPFAIL, "LIST", error);
      return -1;
    }
  int found = 0;
  for (clistiter *it = list != NULL ? clist_begin (list) : NULL; it != NULL && !found; it = clist_next (it))
    {
      struct mailimap_mailbox_list *mb = clist_content (it);
      g_autofree char *decoded = mutf7_decode (mb->mb_name);
      found = decoded != NULL && strcmp (decoded, folder) == 0;
    }
  if (list != NULL)
    mailimap_list_result_free (list);
  return found;
}

gboolean
gu_imap_ensure_folder (GuImap *imap, const char *folder, GError **error)
{
  g_autofree char *name = mutf7_encode (folder, error);
  if (name == NULL)
    return FALSE;
  int exists = folder_exists (imap, name, folder, error);
  if (exists != 0)
    return exists > 0;
  int r = mailimap_create (imap->etpan, name);
  if (r == MAILIMAP_NO_ERROR)
    return TRUE;
  /* Another client may have created it since our LIST ([ALREADYEXISTS]). */
  const char *said = imap->etpan->imap_response;
  if (r == MAILIMAP_ERROR_CREATE && said != NULL && strstr (said, "exists") != NULL)
    return TRUE;
  g_autofree char *what = g_strdup_printf ("CREATE %s", folder);
  return fail (imap, r, GU_ERROR_CONFIG, what, error);
}

/* --- IDLE ----------------------------------------------------------------- */

/* Waits until the server speaks, timeout_seconds pass, wake_fd (-1:
 * none) becomes readable or *stop (NULL: none) becomes TRUE. A descriptor
 * wakes the poll at once; a flag cannot be polled, so with one the wait
 * looks at it every GU_IMAP_IDLE_SLICE. libetpan's mailstream_wait_idle
 * polls the same socket but only its own cancel pipe, not ours; like it,
 * this leaves what GnuTLS may hold decrypted to the next read. Returns a
 * MAILSTREAM_IDLE_* code. */
static int
wait_for_server (mailstream *stream, int timeout_seconds, const volatile int *stop, int wake_fd)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_seconds * G_USEC_PER_SEC;
  struct pollfd pfd[2] = {
    { .fd = mailstream_low_get_fd (mailstream_get_low (stream)), .events = POLLIN },
    { .fd = wake_fd, .events = POLLIN },
  };
  for (;;)
    {
      if (stop != NULL && *stop)
        return MAILSTREAM_IDLE_INTERRUPTED;
      /* Already read into libetpan's buffer: poll() would not see it. */
      if (stream->read_buffer_len > 0)
        return MAILSTREAM_IDLE_HASDATA;
      gint64 left_ms = (deadline - g_get_monotonic_time () + 999) / 1000;
      if (left_ms <= 0)
        return MAILSTREAM_IDLE_TIMEOUT;
      if (stop != NULL)
        left_ms = MIN (left_ms, GU_IMAP_IDLE_SLICE * 1000);
      int r = poll (pfd, G_N_ELEMENTS (pfd), (int) MIN (left_ms, G_MAXINT));
      if (r < 0 && errno != EINTR)
        return MAILSTREAM_IDLE_ERROR;
      /* A hang-up counts as data: DONE then reads the error. */
      if (r > 0 && pfd[0].revents != 0)
        return MAILSTREAM_IDLE_HASDATA;
      if (r > 0 && pfd[1].revents != 0)
        return MAILSTREAM_IDLE_INTERRUPTED;
    }
}

static gboolean
idle (GuImap *imap, int timeout_seconds, const volatile int *stop, int wake_fd, gboolean *changed,
      GError **error)
{
  *changed = FALSE;
  if (imap->etpan->imap_stream == NULL)
    return fail (imap, MAILIMAP_ERROR_STREAM, GU_ERROR_TEMPFAIL, "IDLE", error);
  int r = mailimap_idle (imap->etpan);
  if (r != MAILIMAP_NO_ERROR)
    return fail (imap, r, GU_ERROR_TEMPFAIL, "IDLE", error);
  int waited = wait_for_server (imap->etpan->imap_stream, timeout_seconds, stop, wake_fd);
  *changed = waited == MAILSTREAM_IDLE_HASDATA;
  /* DONE also reads what the server said (EXISTS...) and the tagged OK;
   * a dead server shows up here as a stream error. */
  r = mailimap_idle_done (imap->etpan);
  if (r != MAILIMAP_NO_ERROR)
    return fail (imap, r, GU_ERROR_TEMPFAIL, "IDLE", error);
  if (waited == MAILSTREAM_IDLE_ERROR)
    return fail (imap, MAILIMAP_ERROR_STREAM, GU_ERROR_TEMPFAIL, "IDLE", error);
  return TRUE;
}

gboolean
gu_imap_idle (GuImap *imap, int timeout_seconds, const volatile int *stop, gboolean *changed,
              GError **error)
{
  return idle (imap, timeout_seconds, stop, -1, changed, error);
}

gboolean
gu_imap_idle_fd (GuImap *imap, int timeout_seconds, int wake_fd, gboolean *changed, GError **error)
{
  return idle (imap, timeout_seconds, NULL, wake_fd, changed, error);
}
