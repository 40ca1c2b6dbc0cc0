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

/* What every message goes through intake with: the store, the
 * configuration, the call and the classifier, and what follows from them
 * once (how parse knows staff and ourselves). */
typedef struct GuIntake GuIntake;

/* Returns a new intake context. store, cfg, call and classifier (NULL:
 * documents are not classified) are borrowed and must outlive it; free
 * with gu_intake_free. The one way to make one: `ingest`, `replay` and
 * the daemon all do. */
GuIntake *gu_intake_new (GuStore *store, const GuConfig *cfg, const GuCall *call, GuClassifier *classifier);
void gu_intake_free (GuIntake *intake);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GuIntake, gu_intake_free)

typedef struct {
  GuOutcome outcome;         /* what became of the message */
  gint64 message_row;        /* 0 for a duplicate */
  GuDossier *dossier;        /* the dossier the message touched, as it stands
                              * after it (status included), or NULL */
  gboolean dossier_created;  /* the message opened that dossier */
  GuDossierStatus previous_status; /* its status before, unless dossier_created */
} GuIntakeResult;

/* Frees what result holds and zeroes it. */
void gu_intake_result_clear (GuIntakeResult *result);

/* Processes one raw message. Returns FALSE only when the message could
 * not be stored (error set; GU_ERROR_TEMPFAIL means retry later): a
 * message that cannot be parsed is still stored, as quarantined. Free
 * the result with gu_intake_result_clear, whatever the return. The line
 * `ingest` prints is gu_intake_result_line. */
gboolean gu_intake_process (GuIntake *intake, GBytes *raw, const GuReceipt *receipt,
                            GuIntakeResult *result, GError **error);

/* Returns the line doc/ARCHITECTURE.md's `ingest` contract prints for a result:
 * "REF STATUS" or "- OUTCOME". Newly allocated. */
char *gu_intake_result_line (const GuIntakeResult *result);

#endif
