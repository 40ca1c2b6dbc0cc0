#include "config.h"

#include "util/workqueue.h"

struct GuWorkQueue {
  GThreadPool *pool; /* NULL: jobs run in the caller's thread */
  GMutex lock;
  GCond idle;
  guint pending;     /* jobs pushed and not finished; under lock */
};

typedef struct {
  GuWorkFunc func;
  gpointer data;
  GDestroyNotify destroy;
} Job;

static void
run_job (Job *job, GuWorkQueue *queue)
{
  job->func (job->data);
  if (job->destroy != NULL)
    job->destroy (job->data);
  g_free (job);
  g_mutex_lock (&queue->lock);
  queue->pending--;
  g_cond_broadcast (&queue->idle); /* a waiter may wait for this one job */
  g_mutex_unlock (&queue->lock);
}

static void
pool_run (gpointer job, gpointer queue)
{
  run_job (job, queue);
}

GuWorkQueue *
gu_work_queue_new (guint threads)
{
  GuWorkQueue *queue = g_new0 (GuWorkQueue, 1);
  g_mutex_init (&queue->lock);
  g_cond_init (&queue->idle);
  if (threads == 0)
    threads = CLAMP (g_get_num_processors (), 1, 4);
  /* Exclusive: the threads start now, so a failure shows here and not
   * as a job queued with nothing to run it. */
  g_autoptr (GError) error = NULL;
  queue->pool = g_thread_pool_new (pool_run, queue, (gint) threads, TRUE, &error);
  if (queue->pool == NULL)
    g_warning ("cannot start %u worker thread(s): %s; working in one thread", threads, error->message);
  return queue;
}

void
gu_work_queue_push (GuWorkQueue *queue, GuWorkFunc func, gpointer data, GDestroyNotify destroy)
{
  Job *job = g_new (Job, 1);
  *job = (Job) { func, data, destroy };
  g_mutex_lock (&queue->lock);
  queue->pending++;
  g_mutex_unlock (&queue->lock);
  if (queue->pool == NULL)
    run_job (job, queue);
  else /* an exclusive pool starts no thread here: this cannot fail */
    g_thread_pool_push (queue->pool, job, NULL);
}

void
gu_work_queue_wait (GuWorkQueue *queue)
{
  g_mutex_lock (&queue->lock);
  while (queue->pending > 0)
    g_cond_wait (&queue->idle, &queue->lock);
  g_mutex_unlock (&queue->lock);
}

void
gu_work_queue_wait_for (GuWorkQueue *queue, const gint *done)
{
  g_mutex_lock (&queue->lock);
  while (!g_atomic_int_get (done))
    g_cond_wait (&queue->idle, &queue->lock);
  g_mutex_unlock (&queue->lock);
}

void
gu_work_queue_free (GuWorkQueue *queue)
{
  if (queue == NULL)
    return;
  gu_work_queue_wait (queue);
  if (queue->pool != NULL)
    g_thread_pool_free (queue->pool, FALSE, TRUE);
  g_mutex_clear (&queue->lock);
  g_cond_clear (&queue->idle);
  g_free (queue);
}
