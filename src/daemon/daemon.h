/* src/daemon: `guichet run`. Watches the call's mailbox through a
 * GuSourceDriver (IMAP or a Maildir) and puts every message through the
 * same pipeline as `ingest`; only once a message's transaction has
 * committed is it moved out of the inbox. Then it runs the daily jobs and
 * waits for new mail: IDLE where the server has it, else a poll. The
 * outbox is sent by a thread of its own (its own store connection, its
 * own copy of the configuration), so that a slow SMTP server never holds
 * up intake; with once it is sent in line before returning. Trouble
 * with the source means retrying with backoff, logged once per change of
 * state. SIGTERM and SIGINT finish the current message and stop; SIGHUP
 * reloads the configuration. The waits end at once on a signal (a
 * self-pipe): nothing polls. */
#ifndef GU_DAEMON_DAEMON_H
#define GU_DAEMON_DAEMON_H

#include <glib.h>

#include "classify/classify.h"
#include "core/call.h"
#include "core/conf.h"
#include "source/source.h"
#include "store/store.h"

/* What the daemon works with, all owned by the caller. */
typedef struct {
  const GuConfig *cfg;
  const GuCall *call;
  GuStore *store;
  GuClassifier *classifier;  /* NULL: documents are not classified */
} GuDaemonWorld;

/* Loads the configuration and the call file again (on SIGHUP) into
 * *world. After a TRUE return the daemon no longer touches the old world
 * (the function may have freed it); FALSE with error keeps it running. */
typedef gboolean (*GuDaemonReloadFunc) (gpointer data, GuDaemonWorld *world, GError **error);

typedef struct {
  GuDaemonWorld world;
  gboolean once;                  /* one pass, the daily jobs, the outbox, then return */
  const GuSourceDriver *driver;   /* NULL: the one the [imap] url names */
  GuDaemonReloadFunc reload;      /* NULL: SIGHUP changes nothing */
  gpointer reload_data;
} GuDaemonOptions;

/* Runs the daemon. Handles SIGTERM, SIGINT and SIGHUP for its duration
 * (the previous handlers are restored on return). Without once, runs
 * until SIGTERM or SIGINT and returns TRUE; FALSE with error only when it
 * could not start. With once, returns FALSE with the error that cut the
 * pass short (GU_ERROR_TEMPFAIL for what may pass), else TRUE. */
gboolean gu_daemon_run (const GuDaemonOptions *options, GError **error);

#endif
