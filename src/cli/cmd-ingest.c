/* ingest: raw messages from files or stdin through the pipeline, as if
 * fetched; the MTA's pipe, so a temporary failure exits 75. */
#include "config.h"

#include <stdio.h>

#include "cli/cli.h"
#include "pipeline/intake.h"
#include "source/source.h"
#include "util/error.h"

typedef struct {
  char *received;  /* --received as given, or NULL */
} IngestOptions;

static void
ingest_options_free (gpointer data)
{
  IngestOptions *o = data;
  g_free (o->received);
  g_free (o);
}

/* --received without an offset is read in the call's time zone, the one
 * a person at the Region thinks in. */
static GDateTime *
parse_received (const char *text, GTimeZone *tz, GError **error)
{
  if (text == NULL)
    return g_date_time_new_now_utc ();
  GDateTime *t = g_date_time_new_from_iso8601 (text, tz);
  if (t == NULL)
    g_set_error (error, GU_ERROR, GU_ERROR_USAGE,
                 "--received: \"%s\" is not an ISO 8601 date and time", text);
  return t;
}

/* Runs one message through the pipeline and prints its line. Returns the
 * exit status this message deserves. */
static int
ingest_one (GuIntake *intake, const char *path, GDateTime *received)
{
  GError *error = NULL;
  g_autoptr (GBytes) raw = gu_source_read_file (path, &error);
  if (raw == NULL)
    return gu_app_fail (error);
  GuReceipt receipt = { .received_at = received };
  GuIntakeResult result;
  if (!gu_intake_process (intake, raw, &receipt, &result, &error))
    {
      gu_intake_result_clear (&result);
      return gu_app_fail (error);
    }
  g_autofree char *line = gu_intake_result_line (&result);
  printf ("%s\n", line);
  fflush (stdout);
  gu_intake_result_clear (&result);
  return GU_EXIT_OK;
}

static int
ingest_parse (GuCliArgs *args)
{
  /* Beside the daemon and other ingests (SQLite orders the writers),
   * refused only during a replay: exit 75, the MTA tries again. */
  gu_app_claim_state (GU_STATE_WRITER, "ingest");
  IngestOptions *o = g_new0 (IngestOptions, 1);
  args->options = o;
  args->free_options = ingest_options_free;
  GOptionEntry entries[] = {
    { "received", 0, 0, G_OPTION_ARG_STRING, &o->received,
      "receipt time, standing for IMAP INTERNALDATE (default: now)", "ISO8601" },
    { NULL },
  };
  return gu_cli_parse (args, "[FILE…|-] - process raw messages", entries) ? GU_EXIT_OK : GU_EXIT_USAGE;
}

static int
ingest_run (GuApp *app, const GuCliArgs *args)
{
  const IngestOptions *o = args->options;
  GError *error = NULL;
  g_autoptr (GDateTime) received = parse_received (o->received, app->call->tz, &error);
  if (received == NULL)
    return gu_app_fail (error);
  g_autoptr (GuIntake) intake = gu_intake_new (app->store, app->cfg, app->call, app->classifier);
  if (args->argc < 2)
    return ingest_one (intake, "-", received);
  int status = GU_EXIT_OK;
  for (int i = 1; i < args->argc; i++)
    {
      int one = ingest_one (intake, args->argv[i], received);
      /* A temporary failure stops at once: the MTA retries the lot. */
      if (one == GU_EXIT_TEMPFAIL)
        return one;
      if (one != GU_EXIT_OK)
        status = one;
    }
  return status;
}

const GuCommand gu_cmd_ingest = { ingest_parse, ingest_run };
