/* What every command shares: loading what it needs, reading its options,
 * and turning errors into one line and an exit status. */
#include "config.h"

#include <stdio.h>

#include "cli/cli.h"
#include "util/error.h"

static gboolean
load_config (GuApp *app, GError **error)
{
  if (app->cfg == NULL)
    {
      g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
      app->cfg = gu_config_load (app->config_path, problems, error);
      if (app->cfg == NULL)
        return FALSE;
      for (guint i = 0; i < problems->len; i++)
        g_warning ("%s", (const char *) g_ptr_array_index (problems, i));
    }
  if (app->call == NULL)
    app->call = gu_call_load (app->cfg->call_file, NULL, error);
  return app->call != NULL;
}

static gboolean
open_store (GuApp *app, GError **error)
{
  if (app->store != NULL)
    return TRUE;
  app->store = gu_store_open (app->cfg->database, app->cfg->blobs, error);
  if (app->store == NULL)
    return FALSE;
  gu_store_set_busy_timeout (app->store, app->cfg->busy_timeout_seconds * 1000);
  return TRUE;
}

/* Filters enabled but not all there: guichet would tell applicants their
 * pieces are missing. It refuses to start instead (exit 78), as
 * check-config says why. */
static gboolean
classifier_ready (const GuApp *app, GError **error)
{
  g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  gu_classifier_check (app->cfg, problems);
  if (problems->len == 0)
    return TRUE;
  g_set_error (error, GU_ERROR, GU_ERROR_SETUP, "text extraction is not ready: %s%s (guichet check-config)",
               (const char *) g_ptr_array_index (problems, 0), problems->len > 1 ? ", and more" : "");
  return FALSE;
}

gboolean
gu_app_load (GuApp *app, GuNeeds needs, GError **error)
{
  app->needs = needs;
  if (needs == GU_NEEDS_NOTHING)
    return TRUE;
  if (!load_config (app, error))
    return FALSE;
  if ((needs & GU_NEEDS_STORE) && (!gu_app_enter_state (app, error) || !open_store (app, error)))
    return FALSE;
  if ((needs & GU_NEEDS_CLASSIFIER) && app->classifier == NULL)
    {
      if (!classifier_ready (app, error))
        return FALSE;
      app->classifier = gu_classifier_new (app->call, app->cfg);
    }
  return TRUE;
}

gboolean
gu_app_reload (GuApp *app, GError **error)
{
  /* The lock goes with the process, not with one config: the new app
   * holds it on, or gives it back when the new config is refused. */
  GuApp fresh = { .config_path = g_strdup (app->config_path), .lock = g_steal_pointer (&app->lock) };
  if (!gu_app_load (&fresh, app->needs, error))
    {
      app->lock = g_steal_pointer (&fresh.lock);
      gu_app_clear (&fresh);
      return FALSE;
    }
  gu_app_clear (app);
  *app = fresh;
  return TRUE;
}

void
gu_app_clear (GuApp *app)
{
  g_clear_pointer (&app->classifier, gu_classifier_free);
  g_clear_pointer (&app->store, gu_store_close);
  g_clear_pointer (&app->call, gu_call_free);
  g_clear_pointer (&app->cfg, gu_config_free);
  g_clear_pointer (&app->lock, gu_state_lock_release);
  g_clear_pointer (&app->config_path, g_free);
}

int
gu_app_fail (GError *error)
{
  int status = gu_error_exit_status (error);
  fprintf (stderr, "guichet: %s\n", error->message);
  g_error_free (error);
  return status;
}

void
gu_cli_args_clear (GuCliArgs *args)
{
  if (args->free_options != NULL && args->options != NULL)
    args->free_options (args->options);
  *args = (GuCliArgs) { 0 };
}

gboolean
gu_cli_parse_options (GOptionContext *ctx, int *argc, char ***argv)
{
  g_autoptr (GError) error = NULL;
  if (!g_option_context_parse (ctx, argc, argv, &error))
    {
      fprintf (stderr, "guichet: %s (see --help)\n", error->message);
      return FALSE;
    }
  return TRUE;
}

gboolean
gu_cli_parse (GuCliArgs *args, const char *parameter, const GOptionEntry *entries)
{
  g_autoptr (GOptionContext) ctx = g_option_context_new (parameter);
  if (entries != NULL)
    g_option_context_add_main_entries (ctx, entries, NULL);
  return gu_cli_parse_options (ctx, &args->argc, &args->argv);
}
