/* Signals as a self-pipe: the handler sets a flag and writes a byte, so
 * that a wait can poll() the pipe along with its own descriptors (the
 * IMAP socket) and wake at once, where a flag alone would need polling.
 * Handlers are process-wide, so any thread may run one; the sender's
 * thread is made with the signals blocked so that it never does. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <unistd.h>

#include <glib-unix.h>

#include "daemon/daemon-private.h"

static const int handled[] = { SIGTERM, SIGINT, SIGHUP };
static struct sigaction previous[G_N_ELEMENTS (handled)];
static int wake_pipe[2] = { -1, -1 };
static gint stop_flag;
static gint reload_flag;

static void
on_signal (int sig)
{
  int saved = errno;
  g_atomic_int_set (sig == SIGHUP ? &reload_flag : &stop_flag, 1);
  /* A full pipe already holds a wake-up, which is all a byte means. */
  ssize_t written = write (wake_pipe[1], "", 1);
  (void) written;
  errno = saved;
}

static void
close_pipe (void)
{
  for (int i = 0; i < 2; i++)
    if (wake_pipe[i] >= 0)
      {
        close (wake_pipe[i]);
        wake_pipe[i] = -1;
      }
}

gboolean
gu_signals_install (GError **error)
{
  /* Non-blocking: the handler must never wait on a full pipe, nor the
   * drain on an empty one; close-on-exec: filters need not see it. */
  if (!g_unix_open_pipe (wake_pipe, FD_CLOEXEC, error) || !g_unix_set_fd_nonblocking (wake_pipe[0], TRUE, error)
      || !g_unix_set_fd_nonblocking (wake_pipe[1], TRUE, error))
    {
      close_pipe ();
      return FALSE;
    }
  g_atomic_int_set (&stop_flag, 0);
  g_atomic_int_set (&reload_flag, 0);
  struct sigaction sa = { 0 };
  sa.sa_handler = on_signal;
  sigemptyset (&sa.sa_mask);
  /* Blocking reads and writes elsewhere (SQLite, files) carry on; poll()
   * is never restarted, which is what wakes the waits. */
  sa.sa_flags = SA_RESTART;
  for (gsize i = 0; i < G_N_ELEMENTS (handled); i++)
    sigaction (handled[i], &sa, &previous[i]);
  return TRUE;
}

void
gu_signals_restore (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (handled); i++)
    sigaction (handled[i], &previous[i], NULL);
  close_pipe ();
}

int
gu_signals_wake_fd (void)
{
  return wake_pipe[0];
}

gboolean
gu_signals_stop_requested (void)
{
  return g_atomic_int_get (&stop_flag) != 0;
}

gboolean
gu_signals_take_reload (void)
{
  char buf[64];
  while (read (wake_pipe[0], buf, sizeof buf) > 0)
    ;
  return g_atomic_int_compare_and_exchange (&reload_flag, 1, 0);
}

GThread *
gu_signals_thread_new (const char *name, GThreadFunc func, gpointer data)
{
  sigset_t ours, old;
  sigemptyset (&ours);
  for (gsize i = 0; i < G_N_ELEMENTS (handled); i++)
    sigaddset (&ours, handled[i]);
  pthread_sigmask (SIG_BLOCK, &ours, &old);
  GThread *thread = g_thread_new (name, func, data);
  pthread_sigmask (SIG_SETMASK, &old, NULL);
  return thread;
}
