/* Queuing the one reply a message deserves (doc/ARCHITECTURE.md, "Replies"), in
 * intake's transaction: which kind, to whom, whether it must be
 * suppressed (and why), composed now and stored in the outbox, so that a
 * reply exists exactly when the message does. Also matches bounces to the
 * reply they bounce. */
#ifndef GU_PIPELINE_ANSWER_H
#define GU_PIPELINE_ANSWER_H

#include "pipeline/intake.h"

gboolean gu_answer_message (GuIntake *intake, const GuMessage *msg, const GuReceipt *receipt,
                            GuIntakeResult *result, GError **error);

/* A bounce of one of our replies marks it bounced (with the diagnostic);
 * anything else is left alone. */
gboolean gu_answer_match_bounce (GuIntake *intake, const GuMessage *msg, gint64 message_row,
                                 GError **error);

/* The Message-ID of an outbox row comes from its dedupe key, so that a
 * resend after a crash carries the same one and a reply to it names the
 * key; the domain is that of our From. Returns "guichet.HEX@domain"
 * (without <>), newly allocated. */
char *gu_answer_message_id (const char *dedupe_key, const char *from);

#endif
