/* src/send internals shared with its tests: how an SMTP URL is read. */
#ifndef GU_SEND_SEND_PRIVATE_H
#define GU_SEND_SEND_PRIVATE_H

#include <glib.h>

/* Reads url: smtps:// or smtp://, with a host, and maybe the ";tls="
 * switch of util/tls-switch.h (removed before curl sees the URL):
 * smtp://localhost:2525/;tls=starttls makes STARTTLS mandatory on a
 * loopback host too, smtp://mx.example.org;tls=none lets a host off
 * loopback go without it. Sets *curl_url (newly allocated) to the URL
 * given to curl and *tls_required to whether the connection must be
 * encrypted: smtps:// always; smtp:// off loopback unless ;tls=none, on
 * loopback with ;tls=starttls. FALSE with GU_ERROR_CONFIG on any other
 * URL, and for ;tls=none on smtps://. */
gboolean gu_smtp_url_policy (const char *url, char **curl_url, gboolean *tls_required,
                             GError **error);

/* TRUE for localhost, 127.0.0.0/8, ::1 and ::ffff:127.0.0.0/104, as
 * written in a URL (IPv6 with or without brackets). */
gboolean gu_smtp_host_is_loopback (const char *host);

#endif
