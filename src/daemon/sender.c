/* The outbox, sent by a thread of its own: a slow or unreachable SMTP
 * server (libcurl waits out its timeouts, reply after reply) must not
 * hold up intake. The thread shares nothing with the loop but its
 * control block: it has its own store connection and its own copy of the
 * configuration, read from the same file, so that a reload never waits
 * for it. SQLite's locking (WAL, busy_timeout, short write transactions
 * on each side) keeps the two connections out of each other's way. */
#include "config.h"

#include "daemon/daemon-private.h"
#include "pipeline/delivery.h"

struct GuSender {
  GuConfig *cfg;         /* this thread's own copy */
  GuStore *store;        /* this thread's own connection */
  GuSmtp *smtp;          /* kept from one delivery to the next; NULL until needed */
  GuSender *previous;    /* the sender this one replaces: joined before the first delivery */
  GThread *thread;
  GMutex lock;           /* guards what follows */
  GCond cond;
  gboolean kicked;
  gboolean quit;
  gint stop;             /* set with quit, read by the delivery between replies */
};

/* Delivers what is due over *smtp (NULL: a connection for this delivery
 * only); stops between replies once *stop is set (NULL: never). */
static void
deliver (GuStore *store, const GuConfig *cfg, GuSmtp **smtp, const gint *stop)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  GuDeliveryCounts counts;
  g_autoptr (GError) error = NULL;
  gboolean ok = smtp != NULL ? gu_delivery_run_on (store, cfg, smtp, now, stop, &counts, &error)
                             : gu_delivery_run_until (store, cfg, now, stop, &counts, &error);
  if (!ok)
    g_warning ("outbox: %s", error->message);
  else if (counts.sent + counts.retry + counts.failed > 0)
    g_message ("outbox: %u sent, %u to retry, %u failed", counts.sent, counts.retry, counts.failed);
}

void
gu_sender_deliver (GuStore *store, const GuConfig *cfg)
{
  deliver (store, cfg, NULL, NULL);
}

static void
join_and_free (GuSender *sender)
{
  g_thread_join (sender->thread);
  if (sender->smtp != NULL)
    gu_smtp_free (sender->smtp);
  gu_store_close (sender->store);
  gu_config_free (sender->cfg);
  g_mutex_clear (&sender->lock);
  g_cond_clear (&sender->cond);
  g_free (sender);
}

static gpointer
sender_main (gpointer data)
{
  GuSender *sender = data;
  /* Two senders at once could both send a reply before either records
   * it: the one being replaced ends its delivery first. */
  if (sender->previous != NULL)
    join_and_free (g_steal_pointer (&sender->previous));
  g_mutex_lock (&sender->lock);
  while (!sender->quit)
    {
      sender->kicked = FALSE;
      g_mutex_unlock (&sender->lock);
      /* One connection for the thread's life: a delivery a batch costs
       * no new connection and TLS handshake. */
      deliver (sender->store, sender->cfg, &sender->smtp, &sender->stop);
      g_mutex_lock (&sender->lock);
      gint64 deadline = g_get_monotonic_time () + GU_SENDER_INTERVAL_SECONDS * G_TIME_SPAN_SECOND;
      while (!sender->quit && !sender->kicked)
        if (!g_cond_wait_until (&sender->cond, &sender->lock, deadline))
          break;
    }
  g_mutex_unlock (&sender->lock);
  return NULL;
}

static void
request (GuSender *sender, gboolean *what)
{
  g_mutex_lock (&sender->lock);
  *what = TRUE;
  if (what == &sender->quit)
    g_atomic_int_set (&sender->stop, 1);
  g_cond_signal (&sender->cond);
  g_mutex_unlock (&sender->lock);
}

GuSender *
gu_sender_start (const char *config_path, GuSender *previous, GError **error)
{
  g_autoptr (GuConfig) cfg = gu_config_load (config_path, NULL, error);
  if (cfg == NULL)
    return NULL;
  /* Opened here rather than in the thread: opening runs the migrations'
   * one-time set-up, which is not meant to race with another thread. */
  GuStore *store = gu_store_open (cfg->database, cfg->blobs, error);
  if (store == NULL)
    return NULL;
  gu_store_set_busy_timeout (store, cfg->busy_timeout_seconds * 1000);
  GuSender *sender = g_new0 (GuSender, 1);
  sender->cfg = g_steal_pointer (&cfg);
  sender->store = store;
  g_mutex_init (&sender->lock);
  g_cond_init (&sender->cond);
  if (previous != NULL)
    {
      request (previous, &previous->quit);
      sender->previous = previous;
    }
  sender->thread = gu_signals_thread_new ("outbox", sender_main, sender);
  return sender;
}

void
gu_sender_kick (GuSender *sender)
{
  request (sender, &sender->kicked);
}

void
gu_sender_stop (GuSender *sender)
{
  if (sender == NULL)
    return;
  request (sender, &sender->quit);
  join_and_free (sender);
}
