/* src/pipeline: one message through every stage, the same code path for
 * `ingest`, `replay` and the daemon: raw blob first, then parse, sniff,
 * unpack, and one transaction that stores it all. */
#ifndef GU_PIPELINE_INTAKE_H
#define GU_PIPELINE_INTAKE_H

#include <glib.h>

#include "classify/classify.h"
#include "core/call.h"
#include "core/conf.h"
#include "store/store.h"

typedef struct {
  GuStore *store;
  const GuConfig *cfg;
  const GuCall *call;
  GuClassifier *classifier;  /* NULL: documents are not classified */
} GuIntake;

typedef struct {
  char *outcome;      /* "duplicate", "quarantined", "automatic", "stored", … */
  char *reference;    /* dossier reference when a dossier was touched, else NULL */
  char *status;       /* that dossier's status after the message */
  gint64 message_row; /* 0 for a duplicate */
  GuDossier *dossier; /* the dossier as it stands after the message, or NULL */
  char *previous_status; /* its status before, NULL when it was created */
  char *reply_kind;   /* the reply queued, or NULL */
} GuIntakeResult;

void gu_intake_result_clear (GuIntakeResult *result);

/* Processes one raw message. Returns FALSE only when the message could
 * not be stored (error set; GU_ERROR_TEMPFAIL means retry later): a
 * message that cannot be parsed is still stored, as "quarantined". The
 * result's strings are newly allocated: free with gu_intake_result_clear.
 * The line `ingest` prints is gu_intake_result_line. */
gboolean gu_intake_process (GuIntake *intake, GBytes *raw, const GuReceipt *receipt,
                            GuIntakeResult *result, GError **error);

/* Returns the line doc/ARCHITECTURE.md's `ingest` contract prints for a result:
 * "REF STATUS" or "- OUTCOME". Newly allocated. */
char *gu_intake_result_line (const GuIntakeResult *result);

#endif
