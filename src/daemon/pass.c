/* One pass over the source, in batches (one FETCH round trip each),
 * each batch with a group commit (doc/ARCHITECTURE.md, "Storage"): every
 * message is parsed, classified and has its blobs written with no lock
 * held, the workers parsing ahead on every core and the filters of
 * several messages running at once; the blobs are made
 * durable together; the messages are recorded in one transaction, each
 * in a savepoint of it; the committed ones are handed back to the source
 * to be moved, every MOVE_EVERY messages and at the end of the pass. The
 * next batch is fetched once this one is prepared, and
 * parsed on the workers while this one is recorded and moved: its own
 * transaction comes after, so it sees this one's rows. */
#include "config.h"

#include "daemon/daemon-private.h"

#define FETCH_BATCH 50

/* A batch on its way through: the items prepared (NULL where the message
 * needs no transaction) and where each message is to be moved. */
typedef struct {
  GPtrArray *batch;      /* of GuSourceMessage*, borrowed */
  GPtrArray *items;      /* of GuIntakeItem*, parallel to the prefix of batch prepared */
  GPtrArray *done;       /* of GuSourceMessage*: to the processed folder */
  GPtrArray *quarantined;
} Batch;

static void
log_result (const GuSourceMessage *m, const GuIntakeResult *result)
{
  g_autofree char *line = gu_intake_result_line (result);
  g_info ("%s: %s", m->label, line);
}

/* Hands a fetched batch to the parse workers and the hasher: they work
 * on it while the main thread goes on with the batch before. */
static void
prefetch_all (GuIntake *intake, GPtrArray *batch)
{
  for (guint i = 0; i < batch->len; i++)
    {
      GuSourceMessage *m = g_ptr_array_index (batch, i);
      if (m->raw != NULL)
        gu_intake_prefetch (intake, m->raw);
    }
}

/* The slow half, message by message, until one cannot be prepared (its
 * error is the batch's; those before it still go on). */
static gboolean
prepare_all (GuIntake *intake, Batch *b, GError **error)
{
  prefetch_all (intake, b->batch); /* (when the batch before did not) */
  gboolean ok = TRUE;
  for (guint i = 0; ok && i < b->batch->len && !gu_signals_stop_requested (); i++)
    {
      GuSourceMessage *m = g_ptr_array_index (b->batch, i);
      GuIntakeItem *item = NULL;
      GuIntakeResult result = { 0 };
      if (m->raw == NULL)
        g_info ("%s came back empty; left for the next pass", m->label);
      else if (!(ok = gu_intake_prepare (intake, m->raw, &item, &result, error)))
        break;
      else if (item == NULL)
        {
          log_result (m, &result); /* a duplicate: nothing to record, only to move */
          g_ptr_array_add (b->done, m);
        }
      g_ptr_array_add (b->items, item);
      gu_intake_result_clear (&result);
    }
  gu_intake_forget_prefetched (intake);
  /* The filters finish before the batch's transaction takes the lock. */
  gu_intake_wait_prepared (intake);
  return ok;
}

/* The quick half: one transaction for the batch. Only when it commits
 * are its messages added to where they are to be moved. */
static gboolean
record_all (GuIntake *intake, Batch *b, GError **error)
{
  GuStore *store = gu_intake_store (intake);
  g_autoptr (GPtrArray) done = g_ptr_array_new ();
  g_autoptr (GPtrArray) quarantined = g_ptr_array_new ();
  guint to_record = 0;
  for (guint i = 0; i < b->items->len; i++)
    to_record += g_ptr_array_index (b->items, i) != NULL;
  if (to_record == 0)
    return TRUE;
  if (!gu_store_batch_open (store, error))
    return FALSE;
  gboolean ok = TRUE;
  for (guint i = 0; ok && i < b->items->len; i++)
    {
      GuIntakeItem *item = g_ptr_array_index (b->items, i);
      GuSourceMessage *m = g_ptr_array_index (b->batch, i);
      if (item == NULL)
        continue;
      GuReceipt receipt = { .mailbox = m->mailbox, .uidvalidity = m->uidvalidity, .uid = m->uid,
                            .received_at = m->received_at };
      GuIntakeResult result;
      if ((ok = gu_intake_record (intake, item, &receipt, &result, error)))
        {
          log_result (m, &result);
          g_ptr_array_add (result.outcome == GU_OUTCOME_QUARANTINED ? quarantined : done, m);
        }
      gu_intake_result_clear (&result);
    }
  /* What recorded before a failure still commits; that failure is the
   * one reported. */
  g_autoptr (GError) commit_error = NULL;
  if (!gu_store_batch_commit (store, ok ? error : &commit_error))
    return FALSE;
  g_ptr_array_extend (b->done, done, NULL, NULL);
  g_ptr_array_extend (b->quarantined, quarantined, NULL, NULL);
  return ok;
}

/* The next batch, fetched while this one is prepared and parsed ahead
 * while this one is stored; NULL (with *next_error) when it could not
 * be fetched, an empty array at the end or on a stop. */
static GPtrArray *
fetch_ahead (GuSource *source, GuIntake *intake, GError **next_error)
{
  if (gu_signals_stop_requested ())
    return g_ptr_array_new ();
  GPtrArray *next = gu_source_fetch_batch (source, FETCH_BATCH, next_error);
  if (next != NULL)
    prefetch_all (intake, next);
  return next;
}

/* Messages committed and not yet moved, across batches: one MOVE for
 * several batches (each is a round trip, and work for the server). A
 * crash before it only means they are seen again, recognised by their
 * SHA-256, and moved then (doc/ARCHITECTURE.md, "Storage", rule 3). */
typedef struct {
  GPtrArray *batches;     /* of GPtrArray* of GuSourceMessage*: kept for the messages below */
  GPtrArray *done;        /* of GuSourceMessage*, borrowed: to the processed folder */
  GPtrArray *quarantined; /* the same, to the quarantine folder */
} Moves;

#define MOVE_EVERY 250 /* messages; and at the end of each pass */

static void
moves_init (Moves *mv)
{
  mv->batches = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  mv->done = g_ptr_array_new ();
  mv->quarantined = g_ptr_array_new ();
}

static void
moves_clear (Moves *mv)
{
  g_ptr_array_unref (mv->done);
  g_ptr_array_unref (mv->quarantined);
  g_ptr_array_unref (mv->batches);
}

/* Takes batch, whose processed messages b added to mv: their raw bytes
 * are no longer needed. */
static void
moves_keep (Moves *mv, GPtrArray *batch)
{
  for (guint i = 0; i < batch->len; i++)
    g_clear_pointer (&((GuSourceMessage *) g_ptr_array_index (batch, i))->raw, g_bytes_unref);
  g_ptr_array_add (mv->batches, batch);
}

static gboolean
moves_flush (GuSource *source, Moves *mv, GError **error)
{
  gboolean ok = gu_source_mark_done (source, mv->done, error)
                && gu_source_mark_quarantined (source, mv->quarantined, error);
  g_ptr_array_set_size (mv->done, 0);
  g_ptr_array_set_size (mv->quarantined, 0);
  g_ptr_array_set_size (mv->batches, 0);
  return ok;
}

/* Prepares and records batch, adding what committed to mv; fetches the
 * batch after it into *next meanwhile (see fetch_ahead). */
static gboolean
process_batch (GuSource *source, GuIntake *intake, GPtrArray *batch, Moves *mv, GPtrArray **next,
               GError **next_error, guint *processed, GError **error)
{
  Batch b = { .batch = batch,
              .items = g_ptr_array_new_with_free_func ((GDestroyNotify) gu_intake_item_free),
              .done = g_ptr_array_new (), .quarantined = g_ptr_array_new () };
  GuStore *store = gu_intake_store (intake);
  gu_store_batch_start (store);
  g_autoptr (GError) later_error = NULL;
  gboolean ok = prepare_all (intake, &b, error);
  *next = ok ? fetch_ahead (source, intake, next_error) : NULL;
  ok = record_all (intake, &b, ok ? error : &later_error) && ok;
  gu_store_batch_abort (store); /* ends the deferral; nothing left to undo once committed */
  *processed += b.done->len + b.quarantined->len;
  g_ptr_array_extend (mv->done, b.done, NULL, NULL);
  g_ptr_array_extend (mv->quarantined, b.quarantined, NULL, NULL);
  g_ptr_array_unref (b.items);
  g_ptr_array_unref (b.done);
  g_ptr_array_unref (b.quarantined);
  return ok;
}

gboolean
gu_daemon_pass (GuSource *source, GuIntake *intake, GuSender *sender, guint *processed, GError **error)
{
  *processed = 0;
  guint waiting = 0;
  if (!gu_source_list_new (source, &waiting, error)
      || !gu_store_record_poll (gu_intake_store (intake), waiting, error))
    return FALSE;
  if (waiting > 0)
    g_debug ("%u message(s) waiting", waiting);
  Moves mv;
  moves_init (&mv);
  GPtrArray *batch = gu_source_fetch_batch (source, FETCH_BATCH, error);
  gboolean ok = batch != NULL;
  while (ok && batch->len > 0 && !gu_signals_stop_requested ())
    {
      GPtrArray *next = NULL;
      g_autoptr (GError) next_error = NULL;
      guint before = *processed;
      ok = process_batch (source, intake, batch, &mv, &next, &next_error, processed, error);
      moves_keep (&mv, g_steal_pointer (&batch));
      if (*processed > before && sender != NULL)
        gu_sender_kick (sender); /* their replies are committed */
      batch = next;
      if (ok && mv.done->len + mv.quarantined->len >= MOVE_EVERY)
        ok = moves_flush (source, &mv, error);
      if (ok && batch == NULL)
        {
          g_propagate_error (error, g_steal_pointer (&next_error));
          ok = FALSE;
        }
    }
  /* What was fetched ahead and not processed (a stop, a failure) is
   * fetched again next pass. */
  gu_intake_forget_prefetched (intake);
  if (batch != NULL)
    g_ptr_array_unref (batch);
  /* What committed is moved even when a later step failed; that failure
   * is the one reported. */
  g_autoptr (GError) move_error = NULL;
  gboolean moved = moves_flush (source, &mv, ok ? error : &move_error);
  moves_clear (&mv);
  return ok && moved;
}
