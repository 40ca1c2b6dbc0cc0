/* remind: queues the reminders due on a day (default today in the call's
 * time zone) before the deadline ([reminders] days_before), for cron
 * users and tests; the daemon does it daily. Once per dossier and day:
 * run again, it queues only what was not queued. Prints one line per
 * reminder queued, "REF STATE" (pending, or suppressed with the reason);
 * the outbox sends them (`guichet send`, or the daemon). */
#include "config.h"

#include <stdio.h>

#include "cli/cli.h"
#include "pipeline/remind.h"
#include "util/error.h"

typedef struct {
  char *date;  /* --date as given, or NULL */
} RemindOptions;

static void
remind_options_free (gpointer data)
{
  RemindOptions *o = data;
  g_free (o->date);
  g_free (o);
}

static int
remind_parse (GuCliArgs *args)
{
  RemindOptions *o = g_new0 (RemindOptions, 1);
  args->options = o;
  args->free_options = remind_options_free;
  GOptionEntry entries[] = {
    { "date", 0, 0, G_OPTION_ARG_STRING, &o->date, "the reminder day (default: today)", "YYYY-MM-DD" },
    { NULL },
  };
  if (!gu_cli_parse (args, "- queue the reminders due on a day before the deadline", entries))
    return GU_EXIT_USAGE;
  if (args->argc > 1)
    {
      fprintf (stderr, "guichet: remind: unexpected argument \"%s\"\n", args->argv[1]);
      return GU_EXIT_USAGE;
    }
  return GU_EXIT_OK;
}

static int
remind_run (GuApp *app, const GuCliArgs *args)
{
  const RemindOptions *o = args->options;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *today = NULL;
  if (o->date == NULL)
    {
      g_autoptr (GDateTime) local = g_date_time_to_timezone (now, app->call->tz);
      today = g_date_time_format (local, "%Y-%m-%d");
    }
  const char *day = o->date != NULL ? o->date : today;
  GError *error = NULL;
  int days_before;
  if (!gu_remind_day (app->cfg, app->call, day, &days_before, &error))
    return gu_app_fail (error);
  if (days_before < 0)
    {
      printf ("no reminder due on %s\n", day);
      return GU_EXIT_OK;
    }
  g_autoptr (GPtrArray) queued = NULL;
  if (!gu_remind_queue (app->store, app->cfg, app->call, day, now, &queued, &error))
    return gu_app_fail (error);
  for (guint i = 0; i < queued->len; i++)
    {
      const GuOutboxRow *row = g_ptr_array_index (queued, i);
      if (row->last_error != NULL)
        printf ("%s %s: %s\n", row->dossier_reference, gu_outbox_state_to_string (row->state), row->last_error);
      else
        printf ("%s %s\n", row->dossier_reference, gu_outbox_state_to_string (row->state));
    }
  return fflush (stdout) == 0 ? GU_EXIT_OK : GU_EXIT_ERROR;
}

const GuCommand gu_cmd_remind = { remind_parse, remind_run };
