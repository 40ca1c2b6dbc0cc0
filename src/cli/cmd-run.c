/* run: the daemon (src/daemon), with this command line's configuration;
 * SIGHUP loads the config and the call file again. */
#include "config.h"

#include <stdio.h>

#include "cli/cli.h"
#include "daemon/daemon.h"
#include "util/error.h"

typedef struct {
  gboolean once;
} RunOptions;

static GuDaemonWorld
world_of (const GuApp *app)
{
  return (GuDaemonWorld) { .cfg = app->cfg, .call = app->call, .store = app->store,
                           .classifier = app->classifier };
}

/* A new config and call file; a broken new one keeps the old. */
static gboolean
reload_app (gpointer data, GuDaemonWorld *world, GError **error)
{
  GuApp *app = data;
  if (!gu_app_reload (app, error))
    return FALSE;
  *world = world_of (app);
  return TRUE;
}

static int
run_parse (GuCliArgs *args)
{
  /* One daemon per state folder, never as root. */
  gu_app_claim_state (GU_STATE_DAEMON, "run");
  RunOptions *o = g_new0 (RunOptions, 1);
  args->options = o;
  args->free_options = g_free;
  GOptionEntry entries[] = {
    { "once", 0, 0, G_OPTION_ARG_NONE, &o->once, "process what is there, send the outbox, and exit", NULL },
    { NULL },
  };
  return gu_cli_parse (args, "- the daemon", entries) ? GU_EXIT_OK : GU_EXIT_USAGE;
}

static int
run_run (GuApp *app, const GuCliArgs *args)
{
  const RunOptions *o = args->options;
  if (app->cfg->imap_url == NULL)
    {
      fprintf (stderr, "guichet: [imap] url is not set in %s\n", app->config_path);
      return GU_EXIT_ERROR;
    }
  GuDaemonOptions opts = { .world = world_of (app), .once = o->once, .reload = reload_app, .reload_data = app };
  GError *error = NULL;
  if (!gu_daemon_run (&opts, &error))
    return gu_app_fail (error);
  return GU_EXIT_OK;
}

const GuCommand gu_cmd_run = { run_parse, run_run };
