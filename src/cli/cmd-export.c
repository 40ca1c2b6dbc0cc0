/* export: every dossier, one row each, as the CSV of src/dossier/csv.c
 * (the one the digest attaches). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "dossier/dossier.h"
#include "util/error.h"

static int
export_parse (GuCliArgs *args)
{
  g_autofree char *format = NULL;
  GOptionEntry entries[] = {
    { "format", 0, 0, G_OPTION_ARG_STRING, &format, "output format (csv, the default)", "csv" },
    { NULL },
  };
  if (!gu_cli_parse (args, "- all dossiers, one row each", entries))
    return GU_EXIT_USAGE;
  if ((format != NULL && strcmp (format, "csv") != 0) || args->argc > 1)
    {
      fprintf (stderr, "guichet: export: only --format csv is known\n");
      return GU_EXIT_USAGE;
    }
  return GU_EXIT_OK;
}

static int
export_run (GuApp *app, const GuCliArgs *args G_GNUC_UNUSED)
{
  GError *error = NULL;
  g_autoptr (GPtrArray) list = gu_store_dossier_list (app->store, app->call->id, NULL, &error);
  if (list == NULL)
    return gu_app_fail (error);
  g_autofree char *csv = gu_dossier_csv (app->call, list);
  fputs (csv, stdout);
  return GU_EXIT_OK;
}

const GuCommand gu_cmd_export = { export_parse, export_run };
