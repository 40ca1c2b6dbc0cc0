/* replay: the database rebuilt from the stored raw messages
 * (src/pipeline/replay.c); the old one is kept, and named. */
#include "config.h"

#include <stdio.h>

#include "cli/cli.h"
#include "pipeline/replay.h"
#include "util/error.h"

static int
replay_parse (GuCliArgs *args)
{
  /* Alone: it swaps the database under whoever else has it open. */
  gu_app_claim_state (GU_STATE_REBUILD, "replay");
  return gu_cli_parse (args, "- rebuild the database from stored raw messages", NULL) ? GU_EXIT_OK
                                                                                      : GU_EXIT_USAGE;
}

static int
replay_run (GuApp *app, const GuCliArgs *args G_GNUC_UNUSED)
{
  GError *error = NULL;
  guint replayed;
  g_autofree char *backup = NULL;
  if (!gu_replay_database (&app->store, app->cfg, app->call, app->classifier, &replayed, &backup, &error))
    return gu_app_fail (error);
  printf ("replayed %u messages; previous database kept as %s\n", replayed, backup);
  return GU_EXIT_OK;
}

const GuCommand gu_cmd_replay = { replay_parse, replay_run };
