/* The daemon's parts, internal to src/daemon. */
#ifndef GU_DAEMON_PRIVATE_H
#define GU_DAEMON_PRIVATE_H

#include "daemon/daemon.h"
#include "pipeline/intake.h"

/* --- signals.c: SIGTERM, SIGINT and SIGHUP as flags plus a self-pipe
 * whose read end becomes readable when one arrives, for waits to poll. */

/* Installs the handlers, saving the previous ones; clears the flags. */
gboolean gu_signals_install (GError **error);
/* Restores the previous handlers and closes the pipe. */
void gu_signals_restore (void);
/* The pipe's read end: readable once a signal has arrived since the last
 * gu_signals_take_reload. */
int gu_signals_wake_fd (void);
/* TRUE once SIGTERM or SIGINT arrived (it stays TRUE). */
gboolean gu_signals_stop_requested (void);
/* Empties the pipe, then returns TRUE (once) if SIGHUP arrived. Check
 * gu_signals_stop_requested after it, before waiting: the stop's wake-up
 * may have been emptied with the rest. */
gboolean gu_signals_take_reload (void);
/* g_thread_new with our signals blocked in the new thread, so that their
 * handlers run in the main one. */
GThread *gu_signals_thread_new (const char *name, GThreadFunc func, gpointer data);

/* --- backoff.c: waits between failed passes, and their log. */
typedef struct {
  int seconds;         /* the last wait: 1 s doubling to 5 min; 0 after a success */
  char *last_problem;  /* the last problem logged, so that each is logged once */
} GuBackoff;

/* After a failure: logs error when it differs from the last one, and
 * returns how many seconds to wait before trying again. */
int gu_backoff_failed (GuBackoff *backoff, const GError *error);
/* After a success: the next failure starts over at 1 s and is logged. */
void gu_backoff_succeeded (GuBackoff *backoff);
void gu_backoff_clear (GuBackoff *backoff);

/* --- jobs.c: what the daemon does once a day. */

/* How often the loop looks whether a job is due: [digest] time is given
 * to the minute. */
#define GU_JOBS_TICK_SECONDS 60

typedef struct {
  char *digest_done;   /* the last day whose digest is settled */
} GuJobs;

/* Runs the jobs due at now. Returns TRUE when something joined the
 * outbox. Failures are logged: a job that failed runs again next time. */
gboolean gu_jobs_run (GuJobs *jobs, const GuDaemonWorld *world, GDateTime *now);
void gu_jobs_clear (GuJobs *jobs);

/* --- sender.c: the outbox, sent apart from intake. */
typedef struct GuSender GuSender;

/* Sends what is due now through store; SMTP trouble stays on the rows
 * and the log. */
void gu_sender_deliver (GuStore *store, const GuConfig *cfg);
/* Starts a thread that delivers the outbox at once, then every
 * GU_SENDER_INTERVAL_SECONDS and whenever kicked, with its own copy of
 * the configuration at config_path and its own store connection (SQLite
 * connections are not shared between threads). previous (NULL: none), a
 * sender this one replaces, is told to stop, and the new thread waits for
 * it and frees it: the caller never waits. Returns a new sender; stop
 * with gu_sender_stop. On failure previous is left running. */
GuSender *gu_sender_start (const char *config_path, GuSender *previous, GError **error);
/* Asks for a delivery now (new replies were queued). */
void gu_sender_kick (GuSender *sender);
/* Lets the delivery under way finish (libcurl's timeouts bound it), then
 * joins the thread and frees sender. NULL is allowed. */
void gu_sender_stop (GuSender *sender);

/* Retries are due at whole minutes (gu_delivery_next_attempt). */
#define GU_SENDER_INTERVAL_SECONDS 60

/* --- pass.c: one pass over the source. */

/* Lists the source and puts every message through the pipeline, batch
 * by batch, moving committed messages every so many and at the end.
 * Stops between messages once a stop is requested. sender (NULL: none)
 * is kicked after each batch that committed messages, so that their
 * replies leave while the pass goes on. *processed counts the messages
 * that went through the pipeline. FALSE with error when the pass was
 * cut short: what committed has been moved (unless moving failed), the
 * rest waits for the next pass. */
gboolean gu_daemon_pass (GuSource *source, GuIntake *intake, GuSender *sender, guint *processed,
                         GError **error);

#endif
