/* src/util/workqueue: every job runs, on another thread, and the waits
 * return only once what was waited for is done. */
#include "config.h"

#include <glib.h>

#include "util/workqueue.h"

typedef struct {
  gint runs;
  gint on_caller;  /* jobs that ran in the caller's thread */
  GThread *caller;
} Count;

static void
count_job (gpointer data)
{
  Count *c = data;
  g_atomic_int_inc (&c->runs);
  if (g_thread_self () == c->caller)
    g_atomic_int_inc (&c->on_caller);
}

static void
test_all_jobs_run (void)
{
  Count c = { 0, 0, g_thread_self () };
  GuWorkQueue *q = gu_work_queue_new (3);
  for (int i = 0; i < 1000; i++)
    gu_work_queue_push (q, count_job, &c, NULL);
  gu_work_queue_wait (q);
  g_assert_cmpint (g_atomic_int_get (&c.runs), ==, 1000);
  g_assert_cmpint (g_atomic_int_get (&c.on_caller), ==, 0);
  /* Free waits for what is still queued. */
  for (int i = 0; i < 100; i++)
    gu_work_queue_push (q, count_job, &c, NULL);
  gu_work_queue_free (q);
  g_assert_cmpint (c.runs, ==, 1100);
}

typedef struct {
  gint done;
  int value;
} Slow;

static void
slow_job (gpointer data)
{
  Slow *s = data;
  g_usleep (50 * 1000);
  s->value = 42;
  g_atomic_int_set (&s->done, 1);
}

static void
destroy_slow (gpointer data)
{
  g_free (data);
}

/* wait_for returns once that one job has marked itself done, whatever
 * else is still queued; destroy runs after the job. */
static void
test_wait_for_one (void)
{
  GuWorkQueue *q = gu_work_queue_new (1);
  Slow first = { 0, 0 };
  gu_work_queue_push (q, slow_job, &first, NULL);
  for (int i = 0; i < 3; i++)
    gu_work_queue_push (q, slow_job, g_new0 (Slow, 1), destroy_slow);
  gu_work_queue_wait_for (q, &first.done);
  g_assert_cmpint (first.value, ==, 42); /* written before done was set */
  gu_work_queue_free (q);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/workqueue/all-jobs-run", test_all_jobs_run);
  g_test_add_func ("/workqueue/wait-for-one", test_wait_for_one);
  return g_test_run ();
}
