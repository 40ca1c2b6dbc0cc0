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

/* The store intake writes to (borrowed): the daemon records its polls
 * there (`guichet status`). */
GuStore *gu_intake_store (const GuIntake *intake);

typedef struct {
  GuOutcome outcome;         /* what became of the message */
  gint64 message_row;        /* 0 for a duplicate */
  GuDossier *dossier;        /* the dossier the message touched, as it stands
                              * after it (status included), or NULL */
  gboolean dossier_created;  /* the message opened that dossier */
  GuDossierStatus previous_status; /* its status before, unless dossier_created */
  gint64 filed_row;          /* a staff answer naming a reference: the parked
                              * letter it filed in the dossier, else 0 */
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

/* gu_intake_process in its two halves, for the daemon's group commit:
 * gu_intake_prepare does the slow part with no lock held (hash,
 * duplicate by raw bytes, blobs, parse) and gives an item, or NULL with
 * result already final (a duplicate); the item's documents are then
 * classified on a thread of the intake's (filters run for several
 * messages at once). gu_intake_record is the transaction (a savepoint
 * inside gu_store_batch_open); it waits for the item's classification
 * first, but a caller that holds a batch should call
 * gu_intake_wait_prepared before it takes the write lock, so that no
 * filter runs under it. Between the two, the blobs of a batch are made
 * durable together. FALSE with error as gu_intake_process. Free items
 * with gu_intake_item_free (which waits for its classification). */
typedef struct GuIntakeItem GuIntakeItem;
gboolean gu_intake_prepare (GuIntake *intake, GBytes *raw, GuIntakeItem **item, GuIntakeResult *result,
                            GError **error);
gboolean gu_intake_record (GuIntake *intake, GuIntakeItem *item, const GuReceipt *receipt,
                           GuIntakeResult *result, GError **error);
void gu_intake_item_free (GuIntakeItem *item);
/* Returns once every prepared item is classified. */
void gu_intake_wait_prepared (GuIntake *intake);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GuIntakeItem, gu_intake_item_free)

/* Hands raw to the parse workers ahead of its gu_intake_process, so
 * that a batch is parsed on every core while the messages before it are
 * classified and stored. raw must be the same GBytes (by address) later
 * given to gu_intake_process, and stay alive until then; every
 * prefetched message must be processed (or the intake freed). */
void gu_intake_prefetch (GuIntake *intake, GBytes *raw);

/* Ends the prefetched jobs that were not processed (a batch cut short
 * by a stop or an error); their messages will be fetched again. */
void gu_intake_forget_prefetched (GuIntake *intake);

/* Returns the line doc/ARCHITECTURE.md's `ingest` contract prints for a result:
 * "REF STATUS" or "- OUTCOME". Newly allocated. */
char *gu_intake_result_line (const GuIntakeResult *result);

#endif
