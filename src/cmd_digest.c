/* digest: the admins' daily digest of one day (default yesterday in the
 * call's time zone). --stdout prints the composed message and touches
 * nothing; otherwise the day is claimed, the digest queued for each
 * [digest] recipient and the outbox delivered now. A day already sent
 * is said so, and not sent again. */
#include "config.h"

#include <stdio.h>

#include "commands.h"
#include "pipeline/delivery.h"
#include "pipeline/digest.h"
#include "util/error.h"

static int
print_digest (GuApp *app, const char *day)
{
  GError *error = NULL;
  g_autoptr (GBytes) bytes = gu_digest_build (app->store, app->cfg, app->call, day, NULL, &error);
  if (bytes == NULL)
    return gu_app_fail (error);
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);
  fwrite (data, 1, len, stdout);
  return fflush (stdout) == 0 ? GU_EXIT_OK : GU_EXIT_ERROR;
}

static int
send_digest (GuApp *app, const char *day)
{
  GError *error = NULL;
  gboolean queued;
  if (!gu_digest_queue (app->store, app->cfg, app->call, day, &queued, &error))
    return gu_app_fail (error);
  if (!queued)
    {
      printf ("digest of %s: already sent, not sent again\n", day);
      return GU_EXIT_OK;
    }
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  GuDeliveryCounts counts;
  if (!gu_delivery_run (app->store, app->cfg, now, &counts, &error))
    return gu_app_fail (error);
  printf ("digest of %s queued; outbox: %u sent, %u to retry, %u failed\n", day, counts.sent, counts.retry,
          counts.failed);
  return GU_EXIT_OK;
}

int
gu_cmd_digest (GuApp *app, int argc, char **argv)
{
  gboolean to_stdout = FALSE;
  g_autofree char *date = NULL;
  GOptionEntry entries[] = {
    { "stdout", 0, 0, G_OPTION_ARG_NONE, &to_stdout, "print the message; send and record nothing", NULL },
    { "date", 0, 0, G_OPTION_ARG_STRING, &date, "the day (default: yesterday)", "YYYY-MM-DD" },
    { NULL },
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new ("- build (and send) the daily digest");
  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!gu_app_parse_options (ctx, &argc, &argv))
    return GU_EXIT_USAGE;
  if (argc > 1)
    {
      fprintf (stderr, "guichet: digest: unexpected argument \"%s\"\n", argv[1]);
      return GU_EXIT_USAGE;
    }
  GError *error = NULL;
  if (!gu_app_load (app, TRUE, &error))
    return gu_app_fail (error);
  if (date == NULL)
    {
      g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
      date = gu_digest_yesterday (app->call, now);
    }
  return to_stdout ? print_digest (app, date) : send_digest (app, date);
}
