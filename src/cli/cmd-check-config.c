/* check-config: the config and the call file checked, one line per
 * problem on stdout. It loads the config itself (main.c loads nothing
 * for it): unknown keys are errors here, warnings everywhere else. The
 * walls this machine can put around filters and parsers go to stderr,
 * one line each: they are facts, not problems, and stdout stays empty
 * for a good configuration. */
#include "config.h"

#include <stdio.h>

#include "cli/cli.h"
#include "isolate/isolate.h"
#include "util/error.h"
#include "util/walls.h"

static int
check_config_parse (GuCliArgs *args)
{
  if (!gu_cli_parse (args, "- validate the config and the call file", NULL))
    return GU_EXIT_USAGE;
  if (args->argc > 1)
    {
      fprintf (stderr, "guichet: check-config takes no arguments\n");
      return GU_EXIT_USAGE;
    }
  return GU_EXIT_OK;
}

static void
print_walls (void)
{
  g_autofree char *walls = gu_walls_describe ();
  g_auto (GStrv) lines = g_strsplit (walls, "\n", -1);
  for (char **line = lines; *line != NULL; line++)
    fprintf (stderr, "walls: %s\n", *line);
}

static int
check_config_run (GuApp *app, const GuCliArgs *args G_GNUC_UNUSED)
{
  print_walls ();
  g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  GError *error = NULL;
  g_autoptr (GuConfig) cfg = gu_config_load (app->config_path, problems, &error);
  if (cfg == NULL)
    return gu_app_fail (error);
  gu_config_check (cfg, problems);
  gu_classifier_check (cfg, problems);
  /* Without its parse worker guichet reads no mail at all. */
  g_autoptr (GError) no_worker = NULL;
  g_autofree char *worker = gu_parser_worker_path (&no_worker);
  if (worker != NULL)
    fprintf (stderr, "parse worker: %s\n", worker);
  else
    g_ptr_array_add (problems, g_strdup (no_worker->message));
  for (guint i = 0; i < problems->len; i++)
    printf ("%s\n", (const char *) g_ptr_array_index (problems, i));
  return problems->len == 0 ? GU_EXIT_OK : GU_EXIT_ERROR;
}

const GuCommand gu_cmd_check_config = { check_config_parse, check_config_run };
