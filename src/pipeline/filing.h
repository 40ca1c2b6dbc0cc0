/* Filing a stored message into a dossier, inside intake's transaction:
 * matching (store lookups + dossier rules), creation, applicant details,
 * and the status derived again from every document. */
#ifndef GU_PIPELINE_FILING_H
#define GU_PIPELINE_FILING_H

#include "pipeline/intake.h"

/* Files msg (already inserted as message_row) and sets result's outcome,
 * and its dossier when one was touched. */
gboolean gu_filing_file_message (GuIntake *intake, const GuMessage *msg, const GuReceipt *receipt,
                                 gint64 message_row, GuIntakeResult *result, GError **error);

/* Files the stored message message_row in dossier_id (moving it out of
 * the one it was in, whose status is derived again), recording why
 * ("filed by the admin", "filed by the staff answer <id>") in the events
 * of both; inside the caller's transaction. The caller derives the
 * status of dossier_id. */
gboolean gu_filing_move_message (GuStore *store, const GuCall *call, gint64 message_row, gint64 dossier_id,
                                 const char *why, GError **error);

#endif
