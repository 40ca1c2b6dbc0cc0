/* src/send internals shared with its tests: how an SMTP URL is read. */
#ifndef GU_SEND_SEND_PRIVATE_H
#define GU_SEND_SEND_PRIVATE_H

#include <glib.h>

/* The suffix that makes STARTTLS mandatory even on a loopback host, e.g.
 * smtp://localhost:2525/;tls=required (it is removed before curl sees the
 * URL). */
#define GU_SMTP_TLS_REQUIRED_SUFFIX ";tls=required"

/* Reads url: smtps:// or smtp://, with a host. Sets *curl_url (newly
 * allocated) to the URL given to curl and *tls_required to whether the
 * connection must be encrypted (always but for plain smtp:// to a loopback
 * host without the suffix). FALSE with GU_ERROR_CONFIG on any other URL. */
gboolean gu_smtp_url_policy (const char *url, char **curl_url, gboolean *tls_required,
                             GError **error);

/* TRUE for localhost, 127.0.0.0/8, ::1 and ::ffff:127.0.0.0/104, as
 * written in a URL (IPv6 with or without brackets). */
gboolean gu_smtp_host_is_loopback (const char *host);

#endif
