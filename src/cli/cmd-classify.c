/* classify: an admin's override of what a document is
 * (src/pipeline/override.c), recorded so that replay applies it again. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "dossier/dossier.h"
#include "pipeline/override.h"
#include "util/error.h"
#include "util/hash.h"

static int
classify_parse (GuCliArgs *args)
{
  return gu_cli_parse (args, "REF FILE_SHA256 KEY… - override a classification", NULL) ? GU_EXIT_OK
                                                                                        : GU_EXIT_USAGE;
}

/* Checks the operands against the call's pieces, once it is loaded;
 * prints why not and returns FALSE. */
static gboolean
check_operands (const GuCall *call, int argc, char **argv)
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

static int
classify_run (GuApp *app, const GuCliArgs *args)
{
  char **argv = args->argv;
  if (!check_operands (app->call, args->argc, argv))
    return GU_EXIT_USAGE;
  const char *const none[] = { NULL };
  const char *const *keys = strcmp (argv[3], "none") == 0 ? none : (const char *const *) argv + 3;
  GError *error = NULL;
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

const GuCommand gu_cmd_classify = { classify_parse, classify_run };
