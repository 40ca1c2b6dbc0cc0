/* The loop of `guichet run`: a pass over the source, the daily jobs, a
 * wait for new mail, and on failure a backoff; signals end every wait at
 * once. The outbox is the sender thread's (sender.c), kicked after each
 * batch; with --once, what it has not sent when the pass ends is sent in
 * line before returning. */
#include "config.h"

#include "daemon/daemon-private.h"

typedef struct {
  GuDaemonOptions opts;  /* opts.world is replaced on reload */
  GuIntake *intake;      /* made from opts.world */
  GuSource *source;      /* NULL until opened, and after a reload */
  GuSender *sender;      /* NULL when no thread could be started for --once */
  GuBackoff backoff;
  GuJobs jobs;
} Daemon;

static GuIntake *
intake_of (const GuDaemonWorld *world)
{
  return gu_intake_new (world->store, world->cfg, world->call, world->classifier);
}

static const GuSourceDriver *
source_driver (const Daemon *d)
{
  return d->opts.driver != NULL ? d->opts.driver : gu_source_driver_for_url (d->opts.world.cfg->imap_url);
}

/* Opens the source if needed, then one pass over it. On success, the
 * daily jobs; the sender is told of anything new for the outbox. */
static gboolean
intake_pass (Daemon *d, GError **error)
{
  if (d->source == NULL)
    d->source = gu_source_open (source_driver (d), d->opts.world.cfg, error);
  guint processed = 0;
  gboolean ok = d->source != NULL && gu_daemon_pass (d->source, d->intake, d->sender, &processed, error);
  /* A processed message may have queued a reply. */
  gboolean outbox_news = processed > 0;
  if (ok)
    {
      g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
      outbox_news |= gu_jobs_run (&d->jobs, &d->opts.world, now);
    }
  if (outbox_news && d->sender != NULL)
    gu_sender_kick (d->sender);
  return ok;
}

/* SIGHUP: the source and the intake hold on to the old configuration,
 * so both go before it may, and start again from the new one (or the old
 * one, when the new one is broken). The sender has its own copy: a new
 * one takes over once the old one's delivery is over, without the loop
 * waiting for it. */
static void
reload (Daemon *d)
{
  if (d->opts.reload == NULL)
    return;
  g_clear_pointer (&d->source, gu_source_close);
  g_clear_pointer (&d->intake, gu_intake_free);
  g_autoptr (GError) error = NULL;
  GuDaemonWorld fresh = d->opts.world;
  if (d->opts.reload (d->opts.reload_data, &fresh, &error))
    {
      d->opts.world = fresh;
      g_message ("configuration reloaded from %s", fresh.cfg->path);
      GuSender *sender = gu_sender_start (fresh.cfg->path, d->sender, &error);
      if (sender != NULL)
        d->sender = sender;
      else
        g_warning ("outbox: keeping the running sender: %s", error->message);
    }
  else
    g_warning ("reload failed, keeping the running configuration: %s", error->message);
  d->intake = intake_of (&d->opts.world);
}

static void
wait_for_mail (Daemon *d)
{
  g_autoptr (GError) error = NULL;
  if (!gu_source_wait (d->source, gu_signals_wake_fd (), GU_JOBS_TICK_SECONDS, &error))
    g_info ("waiting for new mail: %s", error->message);
}

static gboolean
run_loop (Daemon *d, GError **error)
{
  d->sender = gu_sender_start (d->opts.world.cfg->path, NULL, error);
  if (d->sender == NULL)
    return FALSE;
  while (!gu_signals_stop_requested ())
    {
      if (gu_signals_take_reload ())
        reload (d);
      g_autoptr (GError) failure = NULL;
      gboolean ok = intake_pass (d, &failure);
      if (gu_signals_stop_requested ())
        break;
      if (ok)
        {
          gu_backoff_succeeded (&d->backoff);
          wait_for_mail (d);
        }
      else
        gu_source_sleep (gu_signals_wake_fd (), gu_backoff_failed (&d->backoff, failure));
    }
  g_message ("stopped");
  return TRUE;
}

/* The sender thread sends replies while the pass goes on; what it has
 * not sent once stopped is sent in line before returning. */
static gboolean
run_once (Daemon *d, GError **error)
{
  g_autoptr (GError) no_thread = NULL;
  d->sender = gu_sender_start (d->opts.world.cfg->path, NULL, &no_thread);
  if (d->sender == NULL)
    g_info ("replies are sent after the pass: %s", no_thread->message);
  gboolean ok = intake_pass (d, error);
  gu_sender_stop (g_steal_pointer (&d->sender));
  if (ok)
    gu_sender_deliver (d->opts.world.store, d->opts.world.cfg);
  return ok;
}

gboolean
gu_daemon_run (const GuDaemonOptions *options, GError **error)
{
  if (!gu_signals_install (error))
    return FALSE;
  Daemon d = { .opts = *options, .intake = intake_of (&options->world) };
  gboolean ok = options->once ? run_once (&d, error) : run_loop (&d, error);
  gu_sender_stop (d.sender);
  gu_source_close (d.source);
  gu_intake_free (d.intake);
  gu_backoff_clear (&d.backoff);
  gu_jobs_clear (&d.jobs);
  gu_signals_restore ();
  return ok;
}
