/* What every command shares: loading the config, the call and the store,
 * and turning errors into one line and an exit status. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "dossier/dossier.h"
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

char *
gu_app_apply_override (const GuCall *call, GuStore *store, const char *reference, const char *sha256,
                       const char *const *keys, GError **error)
{
  g_autoptr (GuDossier) d = gu_store_dossier_load (store, 0, reference, FALSE, error);
  if (d == NULL)
    return NULL;
  gint64 changed = gu_store_dossier_set_pieces (store, d->id, sha256, keys, error);
  if (changed == 0)
    g_set_error (error, GU_ERROR, GU_ERROR_NOT_FOUND, "%s has no document %s", d->reference, sha256);
  if (changed <= 0)
    return NULL;
  g_autoptr (GuDossier) after = gu_store_dossier_load (store, d->id, NULL, FALSE, error);
  if (after == NULL)
    return NULL;
  const char *status = gu_dossier_status (call, after, NULL);
  g_autofree char *joined = g_strjoinv (" ", (char **) keys);
  g_autofree char *detail = g_strdup_printf ("%s -> %s", sha256, *joined ? joined : "none");
  gboolean ok = gu_store_dossier_update (store, d->id, status, NULL, NULL, NULL, error)
                && gu_store_add_event (store, 0, d->id, "classified-by-admin", detail, error)
                && (strcmp (status, d->status) == 0
                    || gu_store_add_event (store, 0, d->id, "status-changed", status, error))
                && gu_store_override_record (store, call->id, d->reference, sha256, keys, error);
  return ok ? g_strdup (status) : NULL;
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
