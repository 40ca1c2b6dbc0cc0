/* send: delivers the outbox's due replies now, once, as the daemon's
 * outbox step would. */
#include "config.h"

#include <stdio.h>

#include "cli/cli.h"
#include "pipeline/delivery.h"
#include "util/error.h"

static int
send_parse (GuCliArgs *args)
{
  return gu_cli_parse (args, "- try the outbox once now", NULL) ? GU_EXIT_OK : GU_EXIT_USAGE;
}

static int
send_run (GuApp *app, const GuCliArgs *args G_GNUC_UNUSED)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  GuDeliveryCounts counts;
  GError *error = NULL;
  if (!gu_delivery_run (app->store, app->cfg, now, &counts, &error))
    return gu_app_fail (error);
  printf ("%u sent, %u to retry, %u failed\n", counts.sent, counts.retry, counts.failed);
  return GU_EXIT_OK;
}

const GuCommand gu_cmd_send = { send_parse, send_run };
