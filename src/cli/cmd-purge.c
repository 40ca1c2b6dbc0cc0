/* purge: data protection (RGPD). Deletes the personal data of a closed
 * call's dossiers: their raw messages, documents, replies and everything
 * naming their applicants, keeping only how many there were per status
 * and per day (`export --anonymised`). It rewrites what every other
 * command reads, so it runs alone, like replay (store/lock.h). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "util/error.h"

typedef struct {
  char *call;    /* --call ID */
  char *before;  /* --before YYYY-MM-DD, or NULL */
  gboolean dry_run;
} PurgeOptions;

static void
purge_options_free (gpointer p)
{
  PurgeOptions *o = p;
  g_free (o->call);
  g_free (o->before);
  g_free (o);
}

static int
purge_parse (GuCliArgs *args)
{
  PurgeOptions *o = g_new0 (PurgeOptions, 1);
  args->options = o;
  args->free_options = purge_options_free;
  gu_app_claim_state (GU_STATE_REBUILD, "purge");
  GOptionEntry entries[] = {
    { "call", 0, 0, G_OPTION_ARG_STRING, &o->call, "the call (its file's name without .call)", "ID" },
    { "before", 0, 0, G_OPTION_ARG_STRING, &o->before,
      "dossiers whose every message came before this day (default: all, once retention_days passed)",
      "YYYY-MM-DD" },
    { "dry-run", 0, 0, G_OPTION_ARG_NONE, &o->dry_run, "list what would go, delete nothing", NULL },
    { NULL },
  };
  if (!gu_cli_parse (args, "- delete a closed call's personal data", entries))
    return GU_EXIT_USAGE;
  if (o->call == NULL || args->argc > 1)
    {
      fprintf (stderr, "guichet: purge needs --call ID and no operand (see --help)\n");
      return GU_EXIT_USAGE;
    }
  return GU_EXIT_OK;
}

/* The call named id: the configured one, or a call file beside it. */
static GuCall *
find_call (const GuApp *app, const char *id, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (app->cfg->call_file);
  g_autofree char *name = g_strconcat (id, ".call", NULL);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  if (strcmp (id, app->call->id) != 0 && (strchr (id, '/') != NULL || !g_file_test (path, G_FILE_TEST_IS_REGULAR)))
    {
      g_set_error (error, GU_ERROR, GU_ERROR_NOT_FOUND, "no call \"%s\": neither [call] file (%s) nor %s",
                   id, app->call->id, path);
      return NULL;
    }
  return gu_call_load (strcmp (id, app->call->id) == 0 ? app->cfg->call_file : path, NULL, error);
}

/* The call's day of a UTC time, for the anonymised counts. */
static char *
day_of (const char *utc, gpointer data)
{
  g_autofree char *local = gu_call_local_time (data, utc);
  return g_strndup (local, 10);
}

/* Where the cut falls (UTC text, newly allocated): the start of --before
 * in the call's time zone, or now once retention_days have passed since
 * the window closed. NULL with *kept_until set (newly allocated) when
 * the retention has not passed; NULL with error on a bad request. */
static char *
cut_of (const GuCall *call, const PurgeOptions *o, GDateTime *now, char **kept_until, GError **error)
{
  if (o->before != NULL)
    {
      int y, m, d;
      char extra;
      g_autoptr (GDateTime) t = NULL;
      if (sscanf (o->before, "%4d-%2d-%2d%c", &y, &m, &d, &extra) == 3)
        t = g_date_time_new (call->tz, y, m, d, 0, 0, 0);
      if (t == NULL)
        {
          g_set_error (error, GU_ERROR, GU_ERROR_USAGE, "--before \"%s\" is not a day (YYYY-MM-DD)", o->before);
          return NULL;
        }
      return gu_store_time_text (t);
    }
  if (call->retention_days <= 0)
    {
      g_set_error (error, GU_ERROR, GU_ERROR_USAGE,
                   "give --before DAY, or set retention_days in the call file %s", call->path);
      return NULL;
    }
  g_autoptr (GDateTime) until = g_date_time_add_days (call->closes_end, call->retention_days);
  if (g_date_time_compare (now, until) < 0)
    {
      *kept_until = g_date_time_format (until, "%Y-%m-%d");
      return NULL;
    }
  return gu_store_time_text (now);
}

static void
print_result (const GuPurgeResult *r, gboolean dry_run)
{
  for (guint i = 0; dry_run && i < r->dossiers->len; i++)
    {
      const GuPurgedDossier *d = g_ptr_array_index (r->dossiers, i);
      printf ("%s\t%s\t%s\t%" G_GINT64_FORMAT " documents\n", d->reference, d->status, d->first_received_at,
              d->documents);
    }
  printf ("%s %u dossiers, %" G_GINT64_FORMAT " messages (%" G_GINT64_FORMAT " in no dossier), %" G_GINT64_FORMAT
          " documents",
          dry_run ? "would delete" : "deleted", r->dossiers->len, r->messages, r->unfiled_messages, r->documents);
  if (!dry_run)
    printf (", %" G_GINT64_FORMAT " stored files; kept their counts per status and day", r->blobs);
  printf ("\n");
}

/* Copies a replay kept aside still hold what was purged. */
static void
warn_old_copies (const char *database)
{
  g_autofree char *dir = g_path_get_dirname (database);
  g_autofree char *base = g_path_get_basename (database);
  g_autofree char *prefix = g_strconcat (base, ".before-replay-", NULL);
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    if (g_str_has_prefix (name, prefix))
      g_warning ("%s/%s, kept by an earlier replay, still holds what was purged: delete it", dir, name);
}

static int
purge_run (GuApp *app, const GuCliArgs *args)
{
  const PurgeOptions *o = args->options;
  GError *error = NULL;
  g_autoptr (GuCall) call = find_call (app, o->call, &error);
  if (call == NULL)
    return gu_app_fail (error);
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  if (g_date_time_compare (now, call->closes_end) < 0)
    {
      g_autofree char *closes = g_date_time_format (call->closes, "%Y-%m-%d");
      g_set_error (&error, GU_ERROR, GU_ERROR_FAILED,
                   "call %s is open until %s included: refusing to purge an open call", call->id, closes);
      return gu_app_fail (error);
    }
  g_autofree char *kept_until = NULL;
  g_autofree char *before = cut_of (call, o, now, &kept_until, &error);
  if (before == NULL && kept_until != NULL)
    {
      printf ("call %s: personal data kept until %s (retention_days %d): nothing to purge yet\n", call->id,
              kept_until, call->retention_days);
      return GU_EXIT_OK;
    }
  if (before == NULL)
    return gu_app_fail (error);
  GuPurgeResult r;
  if (!gu_store_purge (app->store, call->id, before, o->dry_run, day_of, call, &r, &error))
    {
      gu_purge_result_clear (&r);
      return gu_app_fail (error);
    }
  print_result (&r, o->dry_run);
  gu_purge_result_clear (&r);
  if (!o->dry_run)
    warn_old_copies (app->cfg->database);
  return GU_EXIT_OK;
}

const GuCommand gu_cmd_purge = { purge_parse, purge_run };
