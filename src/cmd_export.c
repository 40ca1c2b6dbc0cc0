/* export (CSV, RFC 4180: CRLF, quoted where needed, a header row, UTF-8,
 * one row per dossier, one column per piece of the call) and classify (an
 * admin's override of what a document is). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cmd-views.h"
#include "commands.h"
#include "dossier/dossier.h"
#include "util/error.h"
#include "util/hash.h"

static void
csv_field (GString *row, const char *value)
{
  if (row->len > 0)
    g_string_append_c (row, ',');
  if (value == NULL)
    return;
  if (strpbrk (value, ",\"\r\n") == NULL)
    {
      g_string_append (row, value);
      return;
    }
  g_string_append_c (row, '"');
  for (const char *p = value; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (row, '"');
      g_string_append_c (row, *p);
    }
  g_string_append_c (row, '"');
}

static void
print_row (GString *row)
{
  g_string_append (row, "\r\n");
  fputs (row->str, stdout);
  g_string_truncate (row, 0);
}

/* The names of the documents that satisfy key, "; "-separated, late ones
 * marked: what an officer scanning the sheet wants in the cell. */
static char *
documents_for (const GuDossier *d, const char *key)
{
  GString *s = g_string_new (NULL);
  for (guint i = 0; i < d->documents->len; i++)
    {
      const GuDossierDocument *doc = g_ptr_array_index (d->documents, i);
      for (guint k = 0; k < doc->pieces->len; k++)
        if (strcmp (((GuPieceMatch *) g_ptr_array_index (doc->pieces, k))->key, key) == 0)
          {
            const char *name = doc->archive_path ? doc->archive_path : doc->filename ? doc->filename : doc->sha256;
            g_string_append_printf (s, "%s%s%s", s->len ? "; " : "", name, doc->flags & GU_DOC_LATE ? " (late)" : "");
          }
    }
  return g_string_free (s, FALSE);
}

static void
print_dossier_row (const GuCall *call, const GuDossier *d, GString *row)
{
  g_autoptr (GPtrArray) missing = g_ptr_array_new ();
  gu_dossier_status (call, d, missing);
  g_ptr_array_add (missing, NULL);
  g_autofree char *missing_text = g_strjoinv (" ", (char **) missing->pdata);
  g_autofree char *received = gu_view_local_time (call, d->first_received_at);
  g_autofree char *updated = gu_view_local_time (call, d->updated_at);
  csv_field (row, d->reference);
  csv_field (row, d->status);
  csv_field (row, d->applicant);
  csv_field (row, d->applicant_name);
  csv_field (row, d->organisation);
  csv_field (row, d->legal_category);
  csv_field (row, received);
  csv_field (row, updated);
  csv_field (row, missing_text);
  for (guint i = 0; i < call->pieces->len; i++)
    {
      g_autofree char *docs = documents_for (d, ((GuPiece *) g_ptr_array_index (call->pieces, i))->key);
      csv_field (row, docs);
    }
  print_row (row);
}

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
  g_autoptr (GString) row = g_string_new (NULL);
  static const char *const fixed[] = { "reference", "status", "applicant", "applicant_name", "organisation",
                                       "legal_category", "received_at", "updated_at", "missing" };
  for (gsize i = 0; i < G_N_ELEMENTS (fixed); i++)
    csv_field (row, fixed[i]);
  for (guint i = 0; i < app->call->pieces->len; i++)
    csv_field (row, ((GuPiece *) g_ptr_array_index (app->call->pieces, i))->key);
  print_row (row);
  for (guint i = 0; i < list->len; i++)
    print_dossier_row (app->call, g_ptr_array_index (list, i), row);
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
  g_autofree char *status = gu_app_apply_override (app->call, app->store, argv[1], argv[2], keys, &error);
  if (status == NULL || !gu_store_commit (app->store, &error))
    {
      gu_store_rollback (app->store);
      return gu_app_fail (error);
    }
  g_autoptr (GuDossier) d = gu_store_dossier_load (app->store, 0, argv[1], FALSE, &error);
  printf ("%s %s\n", d != NULL ? d->reference : argv[1], status);
  return GU_EXIT_OK;
}
