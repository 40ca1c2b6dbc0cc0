/* list: the call's dossiers, one line each, or as JSON (a contract). */
#include "config.h"

#include <stdio.h>

#include "cli/cli.h"
#include "cli/output.h"
#include "dossier/dossier.h"
#include "util/error.h"

typedef struct {
  gboolean json;
  gboolean filtered;         /* --status was given */
  GuDossierStatus status;    /* then the one it named */
} ListOptions;

static int
list_parse (GuCliArgs *args)
{
  ListOptions *o = g_new0 (ListOptions, 1);
  args->options = o;
  args->free_options = g_free;
  g_autofree char *status = NULL;
  GOptionEntry entries[] = {
    { "status", 0, 0, G_OPTION_ARG_STRING, &status, "only dossiers with this status", "S" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &o->json, "print JSON", NULL },
    { NULL },
  };
  if (!gu_cli_parse (args, "- list dossiers", entries))
    return GU_EXIT_USAGE;
  o->filtered = status != NULL;
  if (o->filtered && !gu_dossier_status_from_string (status, &o->status))
    {
      fprintf (stderr, "guichet: --status: \"%s\" is not early, late, complete or incomplete\n", status);
      return GU_EXIT_USAGE;
    }
  return GU_EXIT_OK;
}

static int
list_run (GuApp *app, const GuCliArgs *args)
{
  const ListOptions *o = args->options;
  GError *error = NULL;
  g_autoptr (GPtrArray) list = gu_store_dossier_list (app->store, app->call->id, o->filtered ? &o->status : NULL,
                                                      &error);
  if (list == NULL)
    return gu_app_fail (error);
  if (o->json)
    gu_output_dossier_list_json (app->call, list);
  else
    for (guint i = 0; i < list->len; i++)
      gu_output_dossier_row (app->call, g_ptr_array_index (list, i));
  return GU_EXIT_OK;
}

const GuCommand gu_cmd_list = { list_parse, list_run };
