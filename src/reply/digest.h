/* The admins' daily digest as a message (src/reply/digest.c). */
#ifndef GU_REPLY_DIGEST_H
#define GU_REPLY_DIGEST_H

#include <glib.h>

#include "core/call.h"
#include "core/digest.h"

/* What the digest says. Everything is borrowed for the call. */
typedef struct {
  const GuCall *call;
  const GuDigestFacts *facts;   /* the day's facts, missing pieces included */
  const char *csv;              /* the CSV export of every dossier, attached */
  const char *from;             /* our From: "Fabrique d'Initiatives <…>" */
  const char *const *to;        /* the recipients, NULL-terminated (none: no To:) */
  const char *message_id;       /* without <> */
  const char *templates_dir;    /* folder holding fr/ and en/ (NULL: installed) */
} GuDigestContext;

/* Composes the digest: multipart/mixed of a multipart/alternative (text/
 * plain from LANG/digest.txt, text/html from LANG/digest.html, both UTF-8
 * quoted-printable, every value HTML-escaped in the latter) and the CSV
 * attached as dossiers-DAY.csv (text/csv, base64). Headers From, To,
 * Subject (the text template's "Subject:" line, RFC 2047), Date,
 * Message-ID, Auto-Submitted: auto-generated. CRLF, lines <= 78.
 * Returns the bytes (new GBytes) and *subject (newly allocated, may be
 * NULL), or NULL with error (a broken template or address). */
GBytes *gu_reply_compose_digest (const GuDigestContext *ctx, char **subject, GError **error);

#endif
