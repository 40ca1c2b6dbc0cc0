/* Commands that feed messages through the pipeline: ingest, replay, and
 * verify, which checks what they stored. */
#include "config.h"

#include <stdio.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "commands.h"
#include "pipeline/intake.h"
#include "source/source.h"
#include "util/error.h"

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

int
gu_cmd_ingest (GuApp *app, int argc, char **argv)
{
  g_autofree char *received_text = NULL;
  GOptionEntry entries[] = {
    { "received", 0, 0, G_OPTION_ARG_STRING, &received_text,
      "receipt time, standing for IMAP INTERNALDATE (default: now)", "ISO8601" },
    { NULL },
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new ("[FILE…|-] - process raw messages");
  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!gu_app_parse_options (ctx, &argc, &argv))
    return GU_EXIT_USAGE;
  GError *error = NULL;
  if (!gu_app_load (app, TRUE, &error))
    return gu_app_fail (error);
  g_autoptr (GDateTime) received = parse_received (received_text, app->call->tz, &error);
  if (received == NULL)
    return gu_app_fail (error);
  g_autoptr (GuIntake) intake = gu_intake_new (app->store, app->cfg, app->call, app->classifier);
  if (argc < 2)
    return ingest_one (intake, "-", received);
  int status = GU_EXIT_OK;
  for (int i = 1; i < argc; i++)
    {
      int one = ingest_one (intake, argv[i], received);
      /* A temporary failure stops at once: the MTA retries the lot. */
      if (one == GU_EXIT_TEMPFAIL)
        return one;
      if (one != GU_EXIT_OK)
        status = one;
    }
  return status;
}

int
gu_cmd_verify (GuApp *app, int argc, char **argv)
{
  g_autoptr (GOptionContext) ctx = g_option_context_new ("- re-hash every stored blob");
  if (!gu_app_parse_options (ctx, &argc, &argv))
    return GU_EXIT_USAGE;
  GError *error = NULL;
  if (!gu_app_load (app, TRUE, &error))
    return gu_app_fail (error);
  g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  GuStoreCounts counts;
  if (!gu_store_verify (app->store, problems, &counts, &error))
    return gu_app_fail (error);
  for (guint i = 0; i < problems->len; i++)
    fprintf (stderr, "guichet: %s\n", (const char *) g_ptr_array_index (problems, i));
  printf ("%" G_GUINT64_FORMAT " messages, %" G_GUINT64_FORMAT " documents, %" G_GUINT64_FORMAT
          " blobs checked, %" G_GUINT64_FORMAT " bad\n",
          counts.messages, counts.documents, counts.blobs_checked, counts.blobs_bad);
  return counts.blobs_bad == 0 ? GU_EXIT_OK : GU_EXIT_ERROR;
}
