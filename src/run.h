/* The daemon's parts (src/cmd_run.c, src/run_imap.c, src/run_maildir.c). */
#ifndef GU_RUN_H
#define GU_RUN_H

#include "commands.h"
#include "source/imap.h"

/* What the loop keeps between passes. */
typedef struct {
  GuImap *imap;          /* NULL when not connected */
  char *last_problem;    /* the last error logged, so each is logged once */
  int backoff_seconds;   /* next wait after a failure: 1 s doubling to 5 min */
  guint32 uidvalidity;   /* of the last SELECT, to notice a change */
} GuRunState;

/* TRUE once SIGTERM or SIGINT arrived. */
gboolean gu_run_stopping (void);
/* The flag the signal handlers set (stop or reload), for IDLE to watch;
 * cleared by this call unless a request is still pending. */
const volatile int *gu_run_wake_flag (void);
/* Sleeps, waking early on a signal. */
void gu_run_sleep (int seconds);

/* One pass over the IMAP mailbox: connect if needed, process every
 * message, move what was stored. FALSE with error when the pass could not
 * finish (the messages not yet processed stay for the next one). */
gboolean gu_run_imap_pass (GuApp *app, GuRunState *state, GError **error);
/* Waits for new mail: IDLE (re-issued before 29 minutes) or a poll. */
void gu_run_imap_wait (GuApp *app, GuRunState *state);
void gu_run_imap_disconnect (GuRunState *state);
/* Disconnects and frees what the state holds. */
void gu_run_state_clear (GuRunState *state);
/* After a failed pass: log the problem if it is new, wait, back off. */
void gu_run_backoff (GuRunState *state, const GError *error);

/* One pass over a Maildir (maildir:/path). */
gboolean gu_run_maildir_pass (GuApp *app, GError **error);

#endif
