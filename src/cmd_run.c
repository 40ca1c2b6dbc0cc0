/* run: the daemon (src/daemon), with this command line's configuration;
 * SIGHUP loads the config and the call file again. */
#include "config.h"

#include <stdio.h>

#include "commands.h"
#include "daemon/daemon.h"
#include "util/error.h"

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
  GuApp fresh = { .config_path = g_strdup (app->config_path) };
  if (!gu_app_load (&fresh, TRUE, error))
    {
      gu_app_clear (&fresh);
      return FALSE;
    }
  gu_app_clear (app);
  *app = fresh;
  *world = world_of (app);
  return TRUE;
}

int
gu_cmd_run (GuApp *app, int argc, char **argv)
{
  gboolean once = FALSE;
  GOptionEntry entries[] = {
    { "once", 0, 0, G_OPTION_ARG_NONE, &once, "process what is there, send the outbox, and exit", NULL },
    { NULL },
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new ("- the daemon");
  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!gu_app_parse_options (ctx, &argc, &argv))
    return GU_EXIT_USAGE;
  GError *error = NULL;
  if (!gu_app_load (app, TRUE, &error))
    return gu_app_fail (error);
  if (app->cfg->imap_url == NULL)
    {
      fprintf (stderr, "guichet: [imap] url is not set in %s\n", app->config_path);
      return GU_EXIT_ERROR;
    }
  GuDaemonOptions opts = { .world = world_of (app), .once = once, .reload = reload_app, .reload_data = app };
  if (!gu_daemon_run (&opts, &error))
    return gu_app_fail (error);
  return GU_EXIT_OK;
}
