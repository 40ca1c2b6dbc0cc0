/* The daemon's pass over a Maildir: the same pipeline as IMAP, the file's
 * mtime as receipt time, the file moved to .Traités (or .Quarantaine)
 * after its transaction commits. */
#include "config.h"

#include <string.h>

#include "pipeline/intake.h"
#include "run.h"
#include "source/maildir.h"
#include "source/source.h"
#include "util/error.h"

static gboolean
process_entry (GuApp *app, GuIntake *intake, const char *root, const GuMaildirEntry *e, GError **error)
{
  g_autoptr (GBytes) raw = gu_source_read_file (e->path, error);
  if (raw == NULL)
    return FALSE;
  /* A Maildir has no UIDs: like a file given to ingest, the message is
   * known by its SHA-256 alone. */
  GuReceipt receipt = { .received_at = e->received };
  GuIntakeResult result;
  if (!gu_intake_process (intake, raw, &receipt, &result, error))
    {
      gu_intake_result_clear (&result);
      return FALSE;
    }
  g_autofree char *line = gu_intake_result_line (&result);
  g_info ("%s: %s", e->name, line);
  gboolean quarantined = g_strcmp0 (result.outcome, "quarantined") == 0;
  gu_intake_result_clear (&result);
  return gu_maildir_move (root, e, quarantined ? app->cfg->imap_quarantine_folder
                                               : app->cfg->imap_processed_folder, error);
}

gboolean
gu_run_maildir_pass (GuApp *app, GError **error)
{
  const char *root = app->cfg->imap_url + strlen ("maildir:");
  g_autoptr (GPtrArray) pending = gu_maildir_pending (root, error);
  if (pending == NULL)
    return FALSE;
  GuIntake intake = { .store = app->store, .cfg = app->cfg, .call = app->call, .classifier = app->classifier };
  for (guint i = 0; i < pending->len && !gu_run_stopping (); i++)
    if (!process_entry (app, &intake, root, g_ptr_array_index (pending, i), error))
      return FALSE;
  return TRUE;
}
