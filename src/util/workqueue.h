/* Threads for work whose result is needed later in the same batch, and
 * a way to wait for all of it: the blob store's writes, the intake's
 * content keys (doc/ARCHITECTURE.md, "Speed"). A job touches only what
 * it is given; whoever pushed it waits before reading what it wrote. */
#ifndef GU_UTIL_WORKQUEUE_H
#define GU_UTIL_WORKQUEUE_H

#include <glib.h>

typedef struct GuWorkQueue GuWorkQueue;
typedef void (*GuWorkFunc) (gpointer data);

/* Returns a new queue running jobs on `threads` threads of its own (0:
 * one per core, at most 4). Where no thread can be started, jobs run at
 * once in the caller's thread: slower, never lost. Free with
 * gu_work_queue_free. */
GuWorkQueue *gu_work_queue_new (guint threads);

/* Runs func (data) on one of the queue's threads, then destroy (data)
 * there when destroy is non-NULL. */
void gu_work_queue_push (GuWorkQueue *queue, GuWorkFunc func, gpointer data, GDestroyNotify destroy);

/* Returns once every job pushed so far has finished. What the jobs wrote
 * is then visible to the caller. */
void gu_work_queue_wait (GuWorkQueue *queue);

/* Returns once *done is non-zero: a job's own mark that it finished
 * (set with g_atomic_int_set, before the job returns). */
void gu_work_queue_wait_for (GuWorkQueue *queue, const gint *done);

/* Waits for the jobs, then frees the queue. NULL is ignored. */
void gu_work_queue_free (GuWorkQueue *queue);

#endif
