/* src/send: SMTP submission through libcurl (the only module that
 * includes it). One GuSmtp is one connection reused for a batch. */
#ifndef GU_SEND_SEND_H
#define GU_SEND_SEND_H

#include <glib.h>

typedef struct {
  const char *url;          /* smtps://host[:port] or smtp://host[:port] (STARTTLS required
                               except on a loopback host, where it is used when offered;
                               a ";tls=starttls" suffix requires it there too, ";tls=none"
                               stops requiring it elsewhere: util/tls-switch.h) */
  const char *user;         /* NULL: no AUTH */
  const char *password;
  gboolean tls_verify;      /* default TRUE */
  const char *ca_file;      /* NULL: the system store */
  int timeout_seconds;      /* connect and per-transfer; 0: 60 s */
} GuSmtpOptions;

typedef struct GuSmtp GuSmtp;

/* Returns a sender (no connection is made until the first message). The
 * options are copied. Unusable options (a bad URL) do not fail here: every
 * send then fails as GU_SEND_TEMPORARY saying why. Free with gu_smtp_free,
 * which closes the connection. */
GuSmtp *gu_smtp_new (const GuSmtpOptions *opts);
void gu_smtp_free (GuSmtp *smtp);

typedef enum {
  GU_SEND_OK,         /* accepted: reply holds the server's final answer */
  GU_SEND_TEMPORARY,  /* 4xx, or no answer (connection refused, timeout): retry later */
  GU_SEND_PERMANENT,  /* 5xx, or an unusable envelope address: final, do not retry
                         (but a refused AUTH or STARTTLS is TEMPORARY: configuration) */
} GuSendResult;

/* Sends one message (CRLF line ends, already dot-safe for curl) from
 * envelope_from ("" for the null sender) to one recipient, in its own
 * transaction on the shared connection. *reply receives the server's
 * answer or curl's error as one line (newly allocated). */
GuSendResult gu_smtp_send (GuSmtp *smtp, const char *envelope_from, const char *recipient,
                           GBytes *message, char **reply);

#endif
