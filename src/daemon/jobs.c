/* The daily jobs. Today the digest: once [digest] time has passed, the
 * previous day's digest joins the outbox, and the sender sends it; and
 * on a reminder day, once [reminders] time has passed, the reminders
 * (`guichet remind`). A job runs only after a pass that went through, so that
 * what it reports includes the mail that was waiting. */
#include "config.h"

#include "daemon/daemon-private.h"
#include "pipeline/digest.h"
#include "pipeline/remind.h"
#include "util/error.h"

/* Queues yesterday's digest when due. The store's claim makes it once a
 * day across restarts; digest_done spares a transaction a pass. */
static gboolean
queue_digest (GuJobs *jobs, const GuDaemonWorld *world, GDateTime *now)
{
  g_autofree char *day = gu_digest_due (world->cfg, world->call, now);
  if (day == NULL || g_strcmp0 (day, jobs->digest_done) == 0)
    return FALSE;
  g_autoptr (GError) error = NULL;
  gboolean queued = FALSE;
  if (!gu_digest_queue (world->store, world->cfg, world->call, day, &queued, &error))
    g_warning ("digest of %s: %s", day, error->message);
  else if (queued)
    g_message ("digest of %s queued", day);
  /* A busy database is tried again next time; anything else would fail
   * again and be logged every time. */
  if (!g_error_matches (error, GU_ERROR, GU_ERROR_TEMPFAIL))
    {
      g_free (jobs->digest_done);
      jobs->digest_done = g_steal_pointer (&day);
    }
  return queued;
}

/* Queues today's reminders when due (src/pipeline/remind.h): the store
 * records the day, and the other days cost nothing. */
static gboolean
queue_reminders (const GuDaemonWorld *world, GDateTime *now)
{
  g_autoptr (GError) error = NULL;
  guint queued = 0;
  if (!gu_remind_daily (world->store, world->cfg, world->call, now, &queued, &error))
    g_warning ("reminders: %s", error->message);
  else if (queued > 0)
    g_message ("%u reminders queued", queued);
  return queued > 0;
}

gboolean
gu_jobs_run (GuJobs *jobs, const GuDaemonWorld *world, GDateTime *now)
{
  gboolean digest = queue_digest (jobs, world, now);
  return queue_reminders (world, now) || digest;
}

void
gu_jobs_clear (GuJobs *jobs)
{
  g_clear_pointer (&jobs->digest_done, g_free);
}
