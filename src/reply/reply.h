/* src/reply: the answers guichet writes (GMime for composing; text from
 * templates, never from C). */
#ifndef GU_REPLY_REPLY_H
#define GU_REPLY_REPLY_H

#include <glib.h>

#include "core/call.h"
#include "core/types.h"

/* The kinds of reply are GuReplyKind (core/states.h): one per message
 * that touched a dossier (or asked how to apply, or came from staff), each
 * with a template templates/LANG/KIND.txt. GU_REPLY_DIGEST is not composed
 * here but by src/reply/digest.h. */

/* What a reply says. Strings are borrowed for the duration of the call. */
typedef struct {
  GuReplyKind kind;
  const GuCall *call;
  const GuMessage *message;      /* the message being answered (applicant's or staff's) */
  GDateTime *received_at;        /* its receipt time (server) */
  const GuDossier *dossier;      /* NULL for how-to-apply and staff-unmatched */
  GPtrArray *missing;            /* keys of missing required pieces (may be empty) */
  const char *from;              /* our From: "Fabrique d'Initiatives <fabrique@example.org>" */
  const char *to;                /* the sender's address (Reply-To honoured by the caller) */
  const char *message_id;        /* the reply's Message-ID, without <> */
  const char *templates_dir;     /* folder holding fr/ and en/ (a call may override) */
  /* A staff answer that filed a parked letter: that letter's subject,
   * receipt time and documents (GuDossierDocument*); NULL otherwise. */
  const char *filed_subject;
  GDateTime *filed_received_at;
  GPtrArray *filed_documents;
  /* [limits] max_message_bytes: the size stated when a message gave
   * download links instead of attachments (message->links); 0: none stated. */
  guint64 max_message_bytes;
  /* An applicant-notice: the documents someone else added to the
   * dossier (GuDossierDocument*), who ("Mairie de Yvetot", an address;
   * NULL when not known) and whether by the Region's staff. */
  GPtrArray *added_documents;
  const char *added_by;
  gboolean added_by_staff;
  /* A staff receipt: the applicant is told of what was filed. */
  gboolean applicant_told;
  /* A mail that answers no message of its recipient (message NULL: a
   * notice): the Message-ID of our earlier mail to them that it follows
   * in their thread, or NULL. Such a mail is "Auto-Submitted:
   * auto-generated" (RFC 3834), not auto-replied. */
  const char *follows_id;
  /* A reminder: whole days from its day to the call's closing day. */
  int days_left;
} GuReplyContext;

/* Composes the reply: a complete RFC 5322 message, CRLF line ends,
 * text/plain UTF-8 quoted-printable (lines <= 76), headers RFC 2047
 * encoded, no untrusted text in a header without CR/LF removed; headers
 * From, To, Subject ("[REF] …" from the template's first line "Subject:"),
 * Date, Message-ID, In-Reply-To and References (the applicant's; with
 * no message, follows_id), Auto-Submitted: auto-replied (auto-generated
 * with no message), X-Loop (our address), MIME-Version.
 * Returns the bytes (new GBytes) and *subject (newly allocated, decoded),
 * or NULL with error (a missing or broken template). */
GBytes *gu_reply_compose (const GuReplyContext *ctx, char **subject, GError **error);

/* "14 février 2020 à 10 h 12" (fr) or "14 February 2020 at 10:12" (en),
 * in the call's time zone. Newly allocated. */
char *gu_reply_format_time (const GuCall *call, GDateTime *t);

#endif
