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

#endif
