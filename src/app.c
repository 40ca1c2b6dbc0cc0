/* What every command shares: loading the config, the call and the store,
 * and turning errors into one line and an exit status. */
#include "config.h"

#include <stdio.h>

#include "commands.h"
#include "util/error.h"

gboolean
gu_app_load (GuApp *app, gboolean want_store, GError **error)
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
    {
      app->call = gu_call_load (app->cfg->call_file, NULL, error);
      if (app->call == NULL)
        return FALSE;
    }
  if (want_store && app->store == NULL)
    {
      app->store = gu_store_open (app->cfg->database, app->cfg->blobs, error);
      if (app->store == NULL)
        return FALSE;
      gu_store_set_busy_timeout (app->store, app->cfg->busy_timeout_seconds * 1000);
    }
  if (want_store && app->classifier == NULL)
    app->classifier = gu_classifier_new (app->call, app->cfg);
  return TRUE;
}

int
gu_app_fail (GError *error)
{
  int status = gu_error_exit_status (error);
  fprintf (stderr, "guichet: %s\n", error->message);
  g_error_free (error);
  return status;
}

gboolean
gu_app_parse_options (GOptionContext *ctx, int *argc, char ***argv)
{
  g_autoptr (GError) error = NULL;
  if (!g_option_context_parse (ctx, argc, argv, &error))
    {
      fprintf (stderr, "guichet: %s (see --help)\n", error->message);
      return FALSE;
    }
  return TRUE;
}

void
gu_app_clear (GuApp *app)
{
  g_clear_pointer (&app->classifier, gu_classifier_free);
  g_clear_pointer (&app->store, gu_store_close);
  g_clear_pointer (&app->call, gu_call_free);
  g_clear_pointer (&app->cfg, gu_config_free);
  g_clear_pointer (&app->config_path, g_free);
}
