/* digest: the admins' daily digest of one day (default yesterday in the
 * call's time zone). --stdout prints the composed message and touches
 * nothing; otherwise the day is claimed, the digest queued for each
 * [digest] recipient and the outbox delivered now. A day already sent
 * is said so, and not sent again. */
#include "config.h"

#include <stdio.h>

#include "cli/cli.h"
#include "pipeline/delivery.h"
#include "pipeline/digest.h"
#include "util/error.h"

typedef struct {
  gboolean to_stdout;
  char *date;  /* --date as given, or NULL */
} DigestOptions;

static void
digest_options_free (gpointer data)
{
  DigestOptions *o = data;
  g_free (o->date);
  g_free (o);
}

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

static int
digest_parse (GuCliArgs *args)
{
  DigestOptions *o = g_new0 (DigestOptions, 1);
  args->options = o;
  args->free_options = digest_options_free;
  GOptionEntry entries[] = {
    { "stdout", 0, 0, G_OPTION_ARG_NONE, &o->to_stdout, "print the message; send and record nothing", NULL },
    { "date", 0, 0, G_OPTION_ARG_STRING, &o->date, "the day (default: yesterday)", "YYYY-MM-DD" },
    { NULL },
  };
  if (!gu_cli_parse (args, "- build (and send) the daily digest", entries))
    return GU_EXIT_USAGE;
  if (args->argc > 1)
    {
      fprintf (stderr, "guichet: digest: unexpected argument \"%s\"\n", args->argv[1]);
      return GU_EXIT_USAGE;
    }
  return GU_EXIT_OK;
}

static int
digest_run (GuApp *app, const GuCliArgs *args)
{
  const DigestOptions *o = args->options;
  g_autofree char *yesterday = NULL;
  if (o->date == NULL)
    {
      g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
      yesterday = gu_digest_yesterday (app->call, now);
    }
  const char *day = o->date != NULL ? o->date : yesterday;
  return o->to_stdout ? print_digest (app, day) : send_digest (app, day);
}

const GuCommand gu_cmd_digest = { digest_parse, digest_run };
