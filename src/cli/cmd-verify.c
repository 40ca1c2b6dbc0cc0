/* verify: re-hashes every stored blob against the database; what does
 * not match goes to stderr, and the exit status says whether any did. */
#include "config.h"

#include <stdio.h>

#include "cli/cli.h"
#include "util/error.h"

static int
verify_parse (GuCliArgs *args)
{
  return gu_cli_parse (args, "- re-hash every stored blob", NULL) ? GU_EXIT_OK : GU_EXIT_USAGE;
}

static int
verify_run (GuApp *app, const GuCliArgs *args G_GNUC_UNUSED)
{
  g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  GuStoreCounts counts;
  GError *error = NULL;
  if (!gu_store_verify (app->store, problems, &counts, &error))
    return gu_app_fail (error);
  for (guint i = 0; i < problems->len; i++)
    fprintf (stderr, "guichet: %s\n", (const char *) g_ptr_array_index (problems, i));
  printf ("%" G_GUINT64_FORMAT " messages, %" G_GUINT64_FORMAT " documents, %" G_GUINT64_FORMAT
          " blobs checked, %" G_GUINT64_FORMAT " bad\n",
          counts.messages, counts.documents, counts.blobs_checked, counts.blobs_bad);
  return counts.blobs_bad == 0 ? GU_EXIT_OK : GU_EXIT_ERROR;
}

const GuCommand gu_cmd_verify = { verify_parse, verify_run };
