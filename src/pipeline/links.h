/* Download links inside intake's transaction (issue 13). */
#ifndef GU_PIPELINE_LINKS_H
#define GU_PIPELINE_LINKS_H

#include <glib.h>

#include "pipeline/intake.h"

/* Finds the download links of msg's body by the call's [links] (into
 * msg->links, replacing what was there) and stores them on the message
 * row. Runs in the daemon's process, before filing: a message giving
 * links is an application even without a document. FALSE with error
 * set when the store fails. */
gboolean gu_links_record (GuIntake *intake, GuMessage *msg, gint64 row, GError **error);

#endif
