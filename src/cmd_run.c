/* run: the daemon. Watches the call's mailbox (IMAP, or a Maildir) and
 * puts every message through the same pipeline as `ingest`; only once a
 * message's transaction has committed is it moved out of the inbox. Then
 * it sends the outbox and waits: IDLE where the server has it, else a
 * poll. Connection trouble means reconnecting with backoff, logged once
 * per change of state; SIGTERM and SIGINT finish the current message and
 * exit 0; SIGHUP reloads the config and the call file. Once a day, at
 * [digest] time, the previous day's digest joins the outbox. */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "pipeline/delivery.h"
#include "pipeline/digest.h"
#include "pipeline/intake.h"
#include "run.h"
#include "util/error.h"

static volatile sig_atomic_t stop_requested;
static volatile sig_atomic_t reload_requested;
/* Set by every signal we handle: what IDLE and sleeps watch. */
static volatile sig_atomic_t wake_requested;

static void
on_stop (int sig)
{
  stop_requested = 1;
  wake_requested = 1;
}

static void
on_reload (int sig)
{
  reload_requested = 1;
  wake_requested = 1;
}

static void
install_signals (void)
{
  struct sigaction sa = { 0 };
  sa.sa_handler = on_stop;
  sigemptyset (&sa.sa_mask);
  sigaction (SIGTERM, &sa, NULL);
  sigaction (SIGINT, &sa, NULL);
  sa.sa_handler = on_reload;
  sigaction (SIGHUP, &sa, NULL);
}

gboolean
gu_run_stopping (void)
{
  return stop_requested != 0;
}

const volatile int *
gu_run_wake_flag (void)
{
  /* sig_atomic_t is int on every platform we build on. */
  G_STATIC_ASSERT (sizeof (sig_atomic_t) == sizeof (int));
  wake_requested = stop_requested || reload_requested;
  return (const volatile int *) &wake_requested;
}

/* Sleeps up to seconds, waking early when asked to stop or reload. */
void
gu_run_sleep (int seconds)
{
  for (int i = 0; i < seconds * 10 && !stop_requested && !reload_requested; i++)
    g_usleep (G_USEC_PER_SEC / 10);
}

/* A new config and call file on SIGHUP; a broken new one keeps the old. */
static void
reload_app (GuApp *app)
{
  reload_requested = 0;
  GuApp fresh = { .config_path = g_strdup (app->config_path) };
  g_autoptr (GError) error = NULL;
  if (!gu_app_load (&fresh, TRUE, &error))
    {
      g_warning ("reload failed, keeping the running configuration: %s", error->message);
      gu_app_clear (&fresh);
      return;
    }
  gu_app_clear (app);
  *app = fresh;
  g_message ("configuration reloaded from %s", app->config_path);
}

/* Sends what is due; SMTP trouble stays on the rows. */
static void
deliver_outbox (GuApp *app)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  GuDeliveryCounts counts;
  g_autoptr (GError) error = NULL;
  if (!gu_delivery_run (app->store, app->cfg, now, &counts, &error))
    g_warning ("outbox: %s", error->message);
  else if (counts.sent + counts.retry + counts.failed > 0)
    g_message ("outbox: %u sent, %u to retry, %u failed", counts.sent, counts.retry, counts.failed);
}

/* Queues yesterday's digest once [digest] time has passed; the normal
 * delivery then sends it. The store's claim makes it once a day across
 * restarts; *done (the last day settled) spares a transaction a pass. */
static void
queue_digest (GuApp *app, char **done)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *day = gu_digest_due (app->cfg, app->call, now);
  if (day == NULL || g_strcmp0 (day, *done) == 0)
    return;
  g_autoptr (GError) error = NULL;
  int queued = gu_digest_queue (app->store, app->cfg, app->call, day, &error);
  if (queued < 0)
    g_warning ("digest of %s: %s", day, error->message);
  else if (queued > 0)
    g_message ("digest of %s queued", day);
  /* A busy database is tried again next pass; anything else would fail
   * again and be logged every pass. */
  if (queued >= 0 || !g_error_matches (error, GU_ERROR, GU_ERROR_TEMPFAIL))
    {
      g_free (*done);
      *done = g_steal_pointer (&day);
    }
}

static int
run_loop (GuApp *app, gboolean once)
{
  GuRunState state = { 0 };
  g_autofree char *digest_done = NULL;
  while (!stop_requested)
    {
      if (reload_requested)
        reload_app (app);
      g_autoptr (GError) error = NULL;
      gboolean maildir = g_str_has_prefix (app->cfg->imap_url, "maildir:");
      gboolean ok = maildir ? gu_run_maildir_pass (app, &error) : gu_run_imap_pass (app, &state, &error);
      if (ok)
        {
          queue_digest (app, &digest_done);
          deliver_outbox (app);
        }
      if (once)
        {
          gu_run_state_clear (&state);
          return ok ? GU_EXIT_OK : gu_app_fail (g_steal_pointer (&error));
        }
      if (!ok)
        gu_run_backoff (&state, error);
      else if (maildir)
        gu_run_sleep (app->cfg->imap_poll_seconds);
      else
        gu_run_imap_wait (app, &state);
    }
  gu_run_state_clear (&state);
  g_message ("stopped");
  return GU_EXIT_OK;
}

int
gu_cmd_run (GuApp *app, int argc, char **argv)
{
  gboolean once = FALSE;
  GOptionEntry entries[] = {
    { "once", 0, 0, G_OPTION_ARG_NONE, &once, "process what is there, send the outbox, and exit", NULL },
    { NULL },
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new ("- the daemon");
  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!gu_app_parse_options (ctx, &argc, &argv))
    return GU_EXIT_USAGE;
  GError *error = NULL;
  if (!gu_app_load (app, TRUE, &error))
    return gu_app_fail (error);
  if (app->cfg->imap_url == NULL)
    {
      fprintf (stderr, "guichet: [imap] url is not set in %s\n", app->config_path);
      return GU_EXIT_ERROR;
    }
  install_signals ();
  return run_loop (app, once);
}
