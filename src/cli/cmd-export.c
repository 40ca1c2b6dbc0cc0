/* export: every dossier, one row each, as the CSV of src/dossier/csv.c
 * (the one the digest attaches); with --anonymised, statistics without
 * a person in them: how many dossiers per day of first receipt and
 * status, those `guichet purge` deleted included. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "dossier/dossier.h"
#include "util/error.h"

typedef struct {
  gboolean anonymised;
} ExportOptions;

static int
export_parse (GuCliArgs *args)
{
  g_autofree char *format = NULL;
  ExportOptions *o = g_new0 (ExportOptions, 1);
  args->options = o;
  args->free_options = g_free;
  GOptionEntry entries[] = {
    { "format", 0, 0, G_OPTION_ARG_STRING, &format, "output format (csv, the default)", "csv" },
    { "anonymised", 0, 0, G_OPTION_ARG_NONE, &o->anonymised,
      "counts per day and status, without personal data", NULL },
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
compare_keys (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* Adds rows (GuPurgedDossier*) to counts, keyed "day\tstatus"; live rows
 * carry a UTC time, turned into the call's day. */
static void
add_counts (GHashTable *counts, const GuCall *call, GPtrArray *rows, gboolean live)
{
  for (guint i = 0; i < rows->len; i++)
    {
      const GuPurgedDossier *d = g_ptr_array_index (rows, i);
      g_autofree char *local = live ? gu_call_local_time (call, d->first_received_at) : NULL;
      char *key = g_strdup_printf ("%.10s\t%s", live ? local : d->first_received_at, d->status);
      gint64 *sum = g_hash_table_lookup (counts, key);
      if (sum == NULL)
        {
          sum = g_new0 (gint64, 2);
          g_hash_table_insert (counts, g_strdup (key), sum);
        }
      g_free (key);
      sum[0] += d->count;
      sum[1] += d->documents;
    }
}

static int
export_anonymised (GuApp *app)
{
  GError *error = NULL;
  g_autoptr (GPtrArray) live = gu_store_anonymous_counts (app->store, app->call->id, FALSE, &error);
  g_autoptr (GPtrArray) purged = live != NULL ? gu_store_anonymous_counts (app->store, app->call->id, TRUE, &error)
                                              : NULL;
  if (purged == NULL)
    return gu_app_fail (error);
  g_autoptr (GHashTable) counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  add_counts (counts, app->call, live, TRUE);
  add_counts (counts, app->call, purged, FALSE);
  g_autofree gpointer *keys = g_hash_table_get_keys_as_array (counts, NULL);
  guint n = g_hash_table_size (counts);
  qsort (keys, n, sizeof *keys, compare_keys);
  printf ("call,day,status,dossiers,documents\r\n");
  for (guint i = 0; i < n; i++)
    {
      const gint64 *sum = g_hash_table_lookup (counts, keys[i]);
      g_auto (GStrv) parts = g_strsplit (keys[i], "\t", 2);
      printf ("%s,%s,%s,%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT "\r\n", app->call->id, parts[0], parts[1],
              sum[0], sum[1]);
    }
  return GU_EXIT_OK;
}

static int
export_run (GuApp *app, const GuCliArgs *args)
{
  const ExportOptions *o = args->options;
  if (o != NULL && o->anonymised)
    return export_anonymised (app);
  GError *error = NULL;
  g_autoptr (GPtrArray) list = gu_store_dossier_list (app->store, app->call->id, NULL, &error);
  if (list == NULL)
    return gu_app_fail (error);
  g_autofree char *csv = gu_dossier_csv (app->call, list);
  fputs (csv, stdout);
  return GU_EXIT_OK;
}

const GuCommand gu_cmd_export = { export_parse, export_run };
