/* export (the CSV of src/dossier/csv.c, which the digest attaches too)
 * and classify (an admin's override of what a document is). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cmd-views.h"
#include "commands.h"
#include "dossier/dossier.h"
#include "pipeline/override.h"
#include "util/error.h"
#include "util/hash.h"

int
gu_cmd_export (GuApp *app, int argc, char **argv)
{
  g_autofree char *format = NULL;
  GOptionEntry entries[] = {
    { "format", 0, 0, G_OPTION_ARG_STRING, &format, "output format (csv, the default)", "csv" },
    { NULL },
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new ("- all dossiers, one row each");
  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!gu_app_parse_options (ctx, &argc, &argv))
    return GU_EXIT_USAGE;
  if ((format != NULL && strcmp (format, "csv") != 0) || argc > 1)
    {
      fprintf (stderr, "guichet: export: only --format csv is known\n");
      return GU_EXIT_USAGE;
    }
  GError *error = NULL;
  if (!gu_app_load (app, TRUE, &error))
    return gu_app_fail (error);
  g_autoptr (GPtrArray) list = gu_store_dossier_list (app->store, app->call->id, NULL, &error);
  if (list == NULL)
    return gu_app_fail (error);
  g_autofree char *csv = gu_dossier_csv (app->call, list);
  fputs (csv, stdout);
  return GU_EXIT_OK;
}

/* Checks the command line of classify; prints why not and returns FALSE. */
static gboolean
check_classify_args (const GuCall *call, int argc, char **argv)
{
  if (argc < 4)
    {
      fprintf (stderr, "guichet: classify REF FILE_SHA256 KEY… (KEY \"none\" clears)\n");
      return FALSE;
    }
  if (!gu_sha256_is_valid (argv[2]))
    {
      fprintf (stderr, "guichet: classify: \"%s\" is not a SHA-256 (64 lower-case hex digits)\n", argv[2]);
      return FALSE;
    }
  for (int i = 3; i < argc; i++)
    if (gu_call_find_piece (call, argv[i]) == NULL && !(argc == 4 && strcmp (argv[i], "none") == 0))
      {
        fprintf (stderr, "guichet: classify: \"%s\" is not a piece of %s\n", argv[i], call->id);
        return FALSE;
      }
  return TRUE;
}

int
gu_cmd_classify (GuApp *app, int argc, char **argv)
{
  g_autoptr (GOptionContext) ctx = g_option_context_new ("REF FILE_SHA256 KEY… - override a classification");
  if (!gu_app_parse_options (ctx, &argc, &argv))
    return GU_EXIT_USAGE;
  GError *error = NULL;
  if (!gu_app_load (app, TRUE, &error))
    return gu_app_fail (error);
  if (!check_classify_args (app->call, argc, argv))
    return GU_EXIT_USAGE;
  const char *const none[] = { NULL };
  const char *const *keys = strcmp (argv[3], "none") == 0 ? none : (const char *const *) argv + 3;
  if (!gu_store_begin (app->store, &error))
    return gu_app_fail (error);
  GuDossierStatus status;
  if (!gu_override_apply (app->call, app->store, argv[1], argv[2], keys, &status, &error)
      || !gu_store_commit (app->store, &error))
    {
      gu_store_rollback (app->store);
      return gu_app_fail (error);
    }
  g_autoptr (GuDossier) d = gu_store_dossier_load (app->store, 0, argv[1], FALSE, &error);
  printf ("%s %s\n", d != NULL ? d->reference : argv[1], gu_dossier_status_to_string (status));
  return GU_EXIT_OK;
}
