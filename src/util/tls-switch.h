/* The ";tls=" switch of guichet's imap:// and smtp:// URLs, one spelling
 * for both (guichet.conf(5)). Without it, the loopback rule holds: a
 * loopback host (a local MTA, a test server) may be spoken to in plain
 * text, any other host only after STARTTLS. The switch overrides the
 * rule for one URL. */
#ifndef GU_UTIL_TLS_SWITCH_H
#define GU_UTIL_TLS_SWITCH_H

#include <glib.h>

typedef enum {
  GU_TLS_SWITCH_ABSENT,    /* no switch: the loopback rule */
  GU_TLS_SWITCH_NONE,      /* ";tls=none": STARTTLS not required, even off loopback */
  GU_TLS_SWITCH_STARTTLS,  /* ";tls=starttls": STARTTLS required, even on loopback;
                            * ";tls=required", SMTP's first spelling, still means it */
} GuTlsSwitch;

/* Splits the last ";tls=MODE" (or "?tls=MODE") and all that follows it
 * off url: *rest receives the URL without it (newly allocated) and
 * *mode the switch; MODE is compared without regard to case. FALSE with
 * GU_ERROR_CONFIG, naming the modes, for any other MODE. */
gboolean gu_tls_switch_split (const char *url, char **rest, GuTlsSwitch *mode, GError **error);

#endif
