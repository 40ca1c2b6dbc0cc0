/* Administration commands: check-config. */
#include "config.h"

#include <stdio.h>

#include "commands.h"
#include "util/error.h"

int
gu_cmd_check_config (GuApp *app, int argc, char **argv)
{
  g_autoptr (GOptionContext) ctx = g_option_context_new ("- validate the config and the call file");
  if (!gu_app_parse_options (ctx, &argc, &argv))
    return GU_EXIT_USAGE;
  if (argc > 1)
    {
      fprintf (stderr, "guichet: check-config takes no arguments\n");
      return GU_EXIT_USAGE;
    }
  g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  GError *error = NULL;
  g_autoptr (GuConfig) cfg = gu_config_load (app->config_path, problems, &error);
  if (cfg == NULL)
    return gu_app_fail (error);
  gu_config_check (cfg, problems);
  for (guint i = 0; i < problems->len; i++)
    printf ("%s\n", (const char *) g_ptr_array_index (problems, i));
  return problems->len == 0 ? GU_EXIT_OK : GU_EXIT_ERROR;
}
