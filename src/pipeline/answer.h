/* Queuing the one reply a message deserves (doc/ARCHITECTURE.md, "Replies"), in
 * intake's transaction: which kind, to whom, whether it must be
 * suppressed (and why), composed now and stored in the outbox, so that a
 * reply exists exactly when the message does. Also matches bounces to the
 * reply they bounce. */
#ifndef GU_PIPELINE_ANSWER_H
#define GU_PIPELINE_ANSWER_H

#include "pipeline/intake.h"
#include "reply/reply.h"

gboolean gu_answer_message (GuIntake *intake, const GuMessage *msg, const GuReceipt *receipt,
                            GuIntakeResult *result, GError **error);

/* A bounce of one of our replies marks it bounced (with the diagnostic);
 * anything else is left alone. */
gboolean gu_answer_match_bounce (GuIntake *intake, const GuMessage *msg, gint64 message_row,
                                 GError **error);

/* What queuing a mail needs (intake has it; so do `guichet file` and
 * the reminders): borrowed. */
typedef struct {
  GuStore *store;
  const GuConfig *cfg;
  const GuCall *call;
} GuMailer;

/* A new outbox row (not queued yet) of kind to recipient, keyed key,
 * with the Message-ID the key gives; row->last_error says why it must
 * not go (the rate limits of doc/ARCHITECTURE.md, "Replies", counted at
 * at, store time text), NULL when it may. NULL with error when the
 * store failed. */
GuOutboxRow *gu_answer_new_row (const GuMailer *m, GuReplyKind kind, const char *key, const char *recipient,
                                const char *at, GError **error);

/* Composes ctx into row (its raw_sha256 in the blob store, and its
 * subject), or, when it cannot be written (a broken template), records
 * why in row->last_error: a mail that cannot be written never holds
 * anything back; it is queued suppressed, for the admin to see. */
gboolean gu_answer_compose_row (const GuMailer *m, const GuReplyContext *ctx, GuOutboxRow *row, GError **error);

/* Counts row against its recipient's rate limits at at (when it will
 * go), adds it to the outbox (*outbox_id: its id, 0 when its dedupe key
 * was there already; outbox_id may be NULL) and says in the events why
 * it will not go, when it will not. */
gboolean gu_answer_queue_row (const GuMailer *m, GuOutboxRow *row, const char *at, gint64 message_row,
                              gint64 dossier_id, gint64 *outbox_id, GError **error);

/* After an admin filed (or moved) message_row into d (`guichet file`):
 * when it is a staff letter, d's applicant is told, as when staff file
 * one themselves ([staff] notify_applicant); at now. Inside the
 * caller's transaction. */
gboolean gu_answer_notify_filing (const GuMailer *m, gint64 message_row, const GuDossier *d, GDateTime *now,
                                  GError **error);

/* The Message-ID of an outbox row comes from its dedupe key, so that a
 * resend after a crash carries the same one and a reply to it names the
 * key; the domain is that of our From. Returns "guichet.HEX@domain"
 * (without <>), newly allocated. */
char *gu_answer_message_id (const char *dedupe_key, const char *from);

#endif
