/* outbox: what replies exist and where they stand, one line each, or as
 * JSON (a contract). */
#include "config.h"

#include "cli/cli.h"
#include "cli/output.h"
#include "util/error.h"

typedef struct {
  gboolean json;
} OutboxOptions;

static int
outbox_parse (GuCliArgs *args)
{
  OutboxOptions *o = g_new0 (OutboxOptions, 1);
  args->options = o;
  args->free_options = g_free;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &o->json, "print JSON", NULL },
    { NULL },
  };
  return gu_cli_parse (args, "- replies: pending, sent, failed", entries) ? GU_EXIT_OK : GU_EXIT_USAGE;
}

static int
outbox_run (GuApp *app, const GuCliArgs *args)
{
  const OutboxOptions *o = args->options;
  GError *error = NULL;
  g_autoptr (GPtrArray) rows = gu_store_outbox_list (app->store, &error);
  if (rows == NULL)
    return gu_app_fail (error);
  if (o->json)
    gu_output_outbox_json (rows);
  else
    for (guint i = 0; i < rows->len; i++)
      gu_output_outbox_row (g_ptr_array_index (rows, i));
  return GU_EXIT_OK;
}

const GuCommand gu_cmd_outbox = { outbox_parse, outbox_run };
