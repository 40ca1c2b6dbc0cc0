/* SMTP submission through libcurl, the only file that includes it.
 *
 * One easy handle per GuSmtp: curl keeps the connection in the handle's
 * cache between two curl_easy_perform calls, so a batch costs one
 * connection, one TLS handshake, one EHLO and one AUTH. Only the envelope
 * and the body change from one message to the next. */
#include "config.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "send/send-private.h"
#include "send/send.h"
#include "util/error.h"
#include "util/tls-switch.h"

#define DEFAULT_TIMEOUT_SECONDS 60
/* Server lines kept per message: enough for an EHLO answer and the rest. */
#define MAX_LINES 64

struct GuSmtp
{
  CURL *curl;         /* NULL when the options were unusable */
  char *setup_error;  /* then why, reported by every send */
  GPtrArray *lines;   /* the server's answer lines during the current send */
  char errbuf[CURL_ERROR_SIZE];
};

/* The message being read by curl; lives on gu_smtp_send's stack. */
typedef struct
{
  const guint8 *data;
  gsize size;
  gsize offset;
} Upload;

/* curl_global_init is not thread-safe in every build: run it once. */
static gboolean
global_init (GError **error)
{
  static gsize done = 0;
  static CURLcode rc;
  if (g_once_init_enter (&done))
    {
      rc = curl_global_init (CURL_GLOBAL_DEFAULT);
      g_once_init_leave (&done, 1);
    }
  if (rc != CURLE_OK)
    g_set_error (error, GU_ERROR, GU_ERROR_FAILED, "smtp: cannot initialise libcurl: %s",
                 curl_easy_strerror (rc));
  return rc == CURLE_OK;
}

gboolean
gu_smtp_host_is_loopback (const char *host)
{
  g_autofree char *bare = NULL;
  gsize len = strlen (host);
  if (len >= 2 && host[0] == '[' && host[len - 1] == ']')
    host = bare = g_strndup (host + 1, len - 2);
  if (g_ascii_strcasecmp (host, "localhost") == 0 || g_ascii_strcasecmp (host, "localhost.") == 0)
    return TRUE;
  struct in_addr v4;
  if (inet_pton (AF_INET, host, &v4) == 1)
    return (ntohl (v4.s_addr) >> 24) == 127;
  struct in6_addr v6;
  if (inet_pton (AF_INET6, host, &v6) == 1)
    return IN6_IS_ADDR_LOOPBACK (&v6) || (IN6_IS_ADDR_V4MAPPED (&v6) && v6.s6_addr[12] == 127);
  return FALSE;
}

/* Scheme and host as curl's own parser sees them, so that our policy
 * applies to the host curl will really connect to. */
static gboolean
parse_url (const char *url, char **scheme, char **host)
{
  CURLU *u = curl_url ();
  gboolean ok = u != NULL && curl_url_set (u, CURLUPART_URL, url, 0) == CURLUE_OK
                && curl_url_get (u, CURLUPART_SCHEME, scheme, 0) == CURLUE_OK
                && curl_url_get (u, CURLUPART_HOST, host, 0) == CURLUE_OK;
  curl_url_cleanup (u);
  return ok;
}

/* The URL for an error message, without the user:password@ it may hold. */
static char *
url_for_message (const char *url)
{
  const char *start = strstr (url, "://");
  const char *at = start != NULL ? strchr (start + 3, '@') : NULL;
  const char *slash = start != NULL ? strchr (start + 3, '/') : NULL;
  if (at == NULL || (slash != NULL && slash < at))
    return g_strdup (url);
  return g_strdup_printf ("%.*s***%s", (int) (start + 3 - url), url, at);
}

/* Whether STARTTLS is required of a plain smtp:// connection to host. */
static gboolean
starttls_required (GuTlsSwitch tls, const char *host)
{
  if (tls == GU_TLS_SWITCH_ABSENT)
    return !gu_smtp_host_is_loopback (host);
  return tls == GU_TLS_SWITCH_STARTTLS;
}

gboolean
gu_smtp_url_policy (const char *url, char **curl_url, gboolean *tls_required, GError **error)
{
  g_autofree char *shown = url_for_message (url != NULL ? url : "");
  g_autofree char *bare = NULL;
  GuTlsSwitch tls;
  if (!gu_tls_switch_split (url != NULL ? url : "", &bare, &tls, error))
    return g_prefix_error (error, "smtp: %s: ", shown), FALSE;
  char *scheme = NULL, *host = NULL;
  gboolean ok = parse_url (bare, &scheme, &host)
                && (g_ascii_strcasecmp (scheme, "smtp") == 0 || g_ascii_strcasecmp (scheme, "smtps") == 0);
  gboolean smtps = ok && g_ascii_strcasecmp (scheme, "smtps") == 0;
  if (!ok)
    g_set_error (error, GU_ERROR, GU_ERROR_CONFIG,
                 "smtp: invalid URL '%s' (want smtp://host[:port] or smtps://host[:port])", shown);
  else if (smtps && tls == GU_TLS_SWITCH_NONE)
    {
      ok = FALSE;
      g_set_error (error, GU_ERROR, GU_ERROR_CONFIG, "smtp: %s: smtps:// is always TLS; tls=none is for smtp://",
                   shown);
    }
  else
    {
      *tls_required = smtps || starttls_required (tls, host);
      *curl_url = g_steal_pointer (&bare);
    }
  curl_free (scheme);
  curl_free (host);
  return ok;
}

/* curl passes every line the server answers to the header callback; the
 * one matching the final response code becomes the reply. */
static size_t
on_server_line (char *data, size_t size, size_t nmemb, void *user)
{
  GuSmtp *smtp = user;
  size_t len = size * nmemb;
  if (smtp->lines->len >= MAX_LINES)
    g_ptr_array_remove_index (smtp->lines, 0);
  g_ptr_array_add (smtp->lines, g_strchomp (g_strndup (data, len)));
  return len;
}

static size_t
read_message (char *buffer, size_t size, size_t nitems, void *user)
{
  Upload *up = user;
  size_t n = MIN (size * nitems, up->size - up->offset);
  if (n > 0) /* an empty GBytes has no data pointer */
    memcpy (buffer, up->data + up->offset, n);
  up->offset += n;
  return n;
}

/* Keeps the first failure: setting an option only fails on a bad value or
 * a libcurl built without the feature. */
#define SETOPT(rc, curl, opt, val) \
  do { if ((rc) == CURLE_OK) (rc) = curl_easy_setopt ((curl), (opt), (val)); } while (0)

/* TLS: STARTTLS is demanded (CURLUSESSL_ALL) unless the policy allows a
 * plain loopback connection, where it is still used when offered. */
static CURLcode
set_tls_options (CURL *curl, gboolean required, const GuSmtpOptions *opts)
{
  CURLcode rc = CURLE_OK;
  SETOPT (rc, curl, CURLOPT_USE_SSL, (long) (required ? CURLUSESSL_ALL : CURLUSESSL_TRY));
  SETOPT (rc, curl, CURLOPT_SSL_VERIFYPEER, opts->tls_verify ? 1L : 0L);
  SETOPT (rc, curl, CURLOPT_SSL_VERIFYHOST, opts->tls_verify ? 2L : 0L);
  /* ca_file replaces the system's store, as for IMAP (src/source/imap.c):
   * Debian's libcurl would otherwise also load every certificate of
   * /etc/ssl/certs, about 7 MB per connection. */
  if (opts->ca_file != NULL)
    {
      SETOPT (rc, curl, CURLOPT_CAINFO, opts->ca_file);
      SETOPT (rc, curl, CURLOPT_CAPATH, NULL);
    }
  return rc;
}

/* Timeouts bound each wait, not the whole transfer: a large message on a
 * slow link must not fail for taking long while it progresses. */
static CURLcode
set_timeouts (CURL *curl, int seconds)
{
  long s = seconds > 0 ? seconds : DEFAULT_TIMEOUT_SECONDS;
  CURLcode rc = CURLE_OK;
  SETOPT (rc, curl, CURLOPT_CONNECTTIMEOUT, s);
  SETOPT (rc, curl, CURLOPT_SERVER_RESPONSE_TIMEOUT, s);
  SETOPT (rc, curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
  SETOPT (rc, curl, CURLOPT_LOW_SPEED_TIME, s);
  /* Signals are not thread-safe; curl then relies on MSG_NOSIGNAL for
   * SIGPIPE. */
  SETOPT (rc, curl, CURLOPT_NOSIGNAL, 1L);
  return rc;
}

static CURLcode
set_handle_options (GuSmtp *smtp, const char *url, gboolean tls_required, const GuSmtpOptions *opts)
{
  CURL *curl = smtp->curl;
  CURLcode rc = CURLE_OK;
  SETOPT (rc, curl, CURLOPT_URL, url);
#if LIBCURL_VERSION_NUM >= 0x075500
  SETOPT (rc, curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
#endif
  if (opts->user != NULL)
    {
      SETOPT (rc, curl, CURLOPT_USERNAME, opts->user);
      SETOPT (rc, curl, CURLOPT_PASSWORD, opts->password != NULL ? opts->password : "");
    }
  SETOPT (rc, curl, CURLOPT_UPLOAD, 1L);
  SETOPT (rc, curl, CURLOPT_READFUNCTION, read_message);
  SETOPT (rc, curl, CURLOPT_HEADERFUNCTION, on_server_line);
  SETOPT (rc, curl, CURLOPT_HEADERDATA, smtp);
  SETOPT (rc, curl, CURLOPT_ERRORBUFFER, smtp->errbuf);
  /* The protocol trace shows AUTH's base64 password: opt-in, debug only. */
  if (g_getenv ("GUICHET_CURL_VERBOSE") != NULL)
    SETOPT (rc, curl, CURLOPT_VERBOSE, 1L);
  if (rc == CURLE_OK)
    rc = set_tls_options (curl, tls_required, opts);
  if (rc == CURLE_OK)
    rc = set_timeouts (curl, opts->timeout_seconds);
  return rc;
}

static gboolean
setup (GuSmtp *smtp, const GuSmtpOptions *opts, GError **error)
{
  g_autofree char *url = NULL;
  gboolean tls_required = TRUE;
  if (!global_init (error) || !gu_smtp_url_policy (opts->url, &url, &tls_required, error))
    return FALSE;
  smtp->curl = curl_easy_init ();
  if (smtp->curl == NULL)
    {
      g_set_error (error, GU_ERROR, GU_ERROR_FAILED, "smtp: cannot create a libcurl handle");
      return FALSE;
    }
  CURLcode rc = set_handle_options (smtp, url, tls_required, opts);
  if (rc != CURLE_OK)
    {
      g_set_error (error, GU_ERROR, GU_ERROR_CONFIG, "smtp: libcurl refuses an option: %s",
                   curl_easy_strerror (rc));
      g_clear_pointer (&smtp->curl, curl_easy_cleanup);
      return FALSE;
    }
  return TRUE;
}

/* The options and their strings are copied (curl copies what it is given):
 * the caller may free them as soon as this returns. Bad options do not
 * fail here; every send then fails as temporary with the reason, so that
 * nothing is lost before the configuration is fixed. */
GuSmtp *
gu_smtp_new (const GuSmtpOptions *opts)
{
  g_return_val_if_fail (opts != NULL, NULL);
  GuSmtp *smtp = g_new0 (GuSmtp, 1);
  smtp->lines = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;
  if (!setup (smtp, opts, &error))
    smtp->setup_error = g_strdup (error->message);
  return smtp;
}

void
gu_smtp_free (GuSmtp *smtp)
{
  if (smtp == NULL)
    return;
  /* Sends QUIT, whose answer still reaches on_server_line: the lines go
   * after the handle. */
  g_clear_pointer (&smtp->curl, curl_easy_cleanup);
  g_ptr_array_unref (smtp->lines);
  g_free (smtp->setup_error);
  g_free (smtp);
}

/* curl writes addresses into the commands as they are: a CR or LF would
 * inject commands, and brackets would break the syntax. */
static gboolean
address_is_safe (const char *address)
{
  for (const char *p = address; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f || *p == '<' || *p == '>')
      return FALSE;
  return TRUE;
}

/* Turns text into one printable, valid UTF-8 line, blanks collapsed. */
static char *
one_line (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  GString *line = g_string_new (NULL);
  for (const char *p = valid; *p != '\0'; p++)
    {
      gboolean blank = (guchar) *p <= 0x20 || *p == 0x7f;
      if (!blank)
        g_string_append_c (line, *p);
      else if (line->len > 0 && line->str[line->len - 1] != ' ')
        g_string_append_c (line, ' ');
    }
  return g_strchomp (g_string_free (line, FALSE));
}

/* The last server line carrying the final code ("550 5.1.1 ..."), or NULL.
 * Lines after it (the 221 answering QUIT when curl drops a failed
 * connection) are not the answer. */
static const char *
answer_line (GuSmtp *smtp, long code)
{
  char digits[8];
  if (code < 100 || code > 999)
    return NULL;
  g_snprintf (digits, sizeof digits, "%ld", code);
  for (guint i = smtp->lines->len; i > 0; i--)
    {
      const char *line = g_ptr_array_index (smtp->lines, i - 1);
      if (strncmp (line, digits, 3) == 0)
        return line;
    }
  return NULL;
}

/* One line: the server's answer when it decided (2xx, 4xx, 5xx), then
 * curl's reason when curl failed. A failure after another answer (a TLS
 * handshake after "220 Ready to start TLS", a timeout after "354") is
 * curl's reason alone: that answer is not the cause. */
static char *
describe (GuSmtp *smtp, CURLcode rc, long code)
{
  gboolean decisive = code >= 400 || (rc == CURLE_OK && code >= 200);
  const char *answer = decisive ? answer_line (smtp, code) : NULL;
  const char *why = smtp->errbuf[0] != '\0' ? smtp->errbuf : curl_easy_strerror (rc);
  g_autofree char *text = NULL;
  if (rc == CURLE_OK)
    text = answer != NULL ? g_strdup (answer) : g_strdup_printf ("%ld", code);
  else if (answer != NULL)
    text = g_strdup_printf ("%s (%s)", answer, why);
  else
    text = g_strdup (why);
  return one_line (text);
}

/* A 5xx is final: it answers the message (MAIL, RCPT, DATA). A refused
 * AUTH or STARTTLS is about our configuration or the server's: every
 * message would fail the same way, and must wait for the fix, not be
 * dropped. (curl's codes cannot tell a 554 greeting from a 554 after DATA:
 * that one stays final.) */
static GuSendResult
classify (CURLcode rc, long code)
{
  if (rc == CURLE_OK && code >= 200 && code < 300)
    return GU_SEND_OK;
  if (code >= 500 && code < 600 && rc != CURLE_LOGIN_DENIED && rc != CURLE_USE_SSL_FAILED)
    return GU_SEND_PERMANENT;
  return GU_SEND_TEMPORARY;
}

/* Runs one transaction; on return *code holds the final response code (0
 * when the server said nothing). */
static CURLcode
perform (GuSmtp *smtp, Upload *up, long *code)
{
  up->offset = 0;
  smtp->errbuf[0] = '\0';
  g_ptr_array_set_size (smtp->lines, 0);
  CURLcode rc = curl_easy_perform (smtp->curl);
  *code = 0;
  curl_easy_getinfo (smtp->curl, CURLINFO_RESPONSE_CODE, code);
  return rc;
}

/* A cached connection the server dropped while idle can look alive to
 * curl until it is written to; curl does not retry uploads itself. No
 * answer at all on a reused connection means nothing was accepted, so one
 * retry on a new connection cannot deliver twice. */
static CURLcode
perform_with_retry (GuSmtp *smtp, Upload *up, long *code)
{
  CURLcode rc = perform (smtp, up, code);
  long connects = 1;
  curl_easy_getinfo (smtp->curl, CURLINFO_NUM_CONNECTS, &connects);
  if (rc != CURLE_OK && *code == 0 && connects == 0
      && (rc == CURLE_SEND_ERROR || rc == CURLE_RECV_ERROR || rc == CURLE_GOT_NOTHING))
    rc = perform (smtp, up, code);
  return rc;
}

static CURLcode
set_envelope (GuSmtp *smtp, const char *from, struct curl_slist *rcpt, Upload *up)
{
  CURLcode rc = CURLE_OK;
  /* curl sends "<>" as the null sender. */
  SETOPT (rc, smtp->curl, CURLOPT_MAIL_FROM, from[0] != '\0' ? from : "<>");
  SETOPT (rc, smtp->curl, CURLOPT_MAIL_RCPT, rcpt);
  SETOPT (rc, smtp->curl, CURLOPT_READDATA, up);
  SETOPT (rc, smtp->curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t) up->size);
  return rc;
}

/* Neither the recipient list nor the upload outlive the send: the handle
 * must not point at them afterwards. */
static void
clear_envelope (GuSmtp *smtp)
{
  curl_easy_setopt (smtp->curl, CURLOPT_MAIL_RCPT, (struct curl_slist *) NULL);
  curl_easy_setopt (smtp->curl, CURLOPT_READDATA, (void *) NULL);
}

/* message is only read during the call; *reply is the caller's. */
GuSendResult
gu_smtp_send (GuSmtp *smtp, const char *envelope_from, const char *recipient,
              GBytes *message, char **reply)
{
  g_return_val_if_fail (smtp != NULL && envelope_from != NULL && recipient != NULL, GU_SEND_TEMPORARY);
  g_return_val_if_fail (message != NULL && reply != NULL, GU_SEND_TEMPORARY);
  if (smtp->curl == NULL)
    {
      *reply = g_strdup (smtp->setup_error);
      return GU_SEND_TEMPORARY;
    }
  if (recipient[0] == '\0' || !address_is_safe (recipient) || !address_is_safe (envelope_from))
    {
      *reply = g_strdup ("invalid envelope address (empty, or control characters or brackets)");
      return GU_SEND_PERMANENT;
    }
  Upload up = { 0 };
  up.data = g_bytes_get_data (message, &up.size);
  struct curl_slist *rcpt = curl_slist_append (NULL, recipient);
  long code = 0;
  CURLcode rc = set_envelope (smtp, envelope_from, rcpt, &up);
  if (rc == CURLE_OK)
    rc = perform_with_retry (smtp, &up, &code);
  GuSendResult result = classify (rc, code);
  *reply = describe (smtp, rc, code);
  clear_envelope (smtp);
  curl_slist_free_all (rcpt);
  return result;
}
