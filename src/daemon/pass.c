/* One pass over the source: every waiting message through the pipeline
 * in its own transaction, in batches (one FETCH round trip each), each
 * batch's committed messages handed back to the source to be moved before
 * the next batch is fetched. */
#include "config.h"

#include "daemon/daemon-private.h"

#define FETCH_BATCH 50

/* Puts one message through the pipeline and files it under where the
 * source is to move it. */
static gboolean
process_message (GuIntake *intake, GuSourceMessage *m, GPtrArray *done, GPtrArray *quarantined,
                 GError **error)
{
  if (m->raw == NULL)
    {
      g_info ("%s came back empty; left for the next pass", m->label);
      return TRUE;
    }
  GuReceipt receipt = { .mailbox = m->mailbox, .uidvalidity = m->uidvalidity, .uid = m->uid,
                        .received_at = m->received_at };
  GuIntakeResult result;
  if (!gu_intake_process (intake, m->raw, &receipt, &result, error))
    {
      gu_intake_result_clear (&result);
      return FALSE;
    }
  g_autofree char *line = gu_intake_result_line (&result);
  g_info ("%s: %s", m->label, line);
  g_ptr_array_add (result.outcome == GU_OUTCOME_QUARANTINED ? quarantined : done, m);
  gu_intake_result_clear (&result);
  return TRUE;
}

static gboolean
process_batch (GuSource *source, GuIntake *intake, GPtrArray *batch, guint *processed, GError **error)
{
  g_autoptr (GPtrArray) done = g_ptr_array_new ();
  g_autoptr (GPtrArray) quarantined = g_ptr_array_new ();
  gboolean ok = TRUE;
  /* The whole batch goes to the parse workers at once: they parse on
   * every core while the main thread classifies and stores in order. */
  for (guint i = 0; i < batch->len; i++)
    {
      GuSourceMessage *m = g_ptr_array_index (batch, i);
      if (m->raw != NULL)
        gu_intake_prefetch (intake, m->raw);
    }
  for (guint i = 0; ok && i < batch->len && !gu_signals_stop_requested (); i++)
    ok = process_message (intake, g_ptr_array_index (batch, i), done, quarantined, error);
  gu_intake_forget_prefetched (intake);
  *processed += done->len + quarantined->len;
  /* What committed is moved even when a later message failed; that
   * failure is the one reported. */
  g_autoptr (GError) move_error = NULL;
  GError **report = ok ? error : &move_error;
  return gu_source_mark_done (source, done, report) && gu_source_mark_quarantined (source, quarantined, report)
         && ok;
}

gboolean
gu_daemon_pass (GuSource *source, GuIntake *intake, guint *processed, GError **error)
{
  *processed = 0;
  guint waiting = 0;
  if (!gu_source_list_new (source, &waiting, error)
      || !gu_store_record_poll (gu_intake_store (intake), waiting, error))
    return FALSE;
  if (waiting > 0)
    g_debug ("%u message(s) waiting", waiting);
  while (!gu_signals_stop_requested ())
    {
      g_autoptr (GPtrArray) batch = gu_source_fetch_batch (source, FETCH_BATCH, error);
      if (batch == NULL)
        return FALSE;
      if (batch->len == 0)
        break;
      if (!process_batch (source, intake, batch, processed, error))
        return FALSE;
    }
  return TRUE;
}
