/* replay (doc/ARCHITECTURE.md, "Storage and crash safety", 9): the
 * database rebuilt from the raw messages of the blob store, in the order
 * they were first processed (the receipt order, for the daemon), through
 * the same intake as ingest so that references come out the same; the
 * admin's overrides applied again, and what became of each reply carried
 * over so that nothing is sent twice. */
#ifndef GU_PIPELINE_REPLAY_H
#define GU_PIPELINE_REPLAY_H

#include <glib.h>

#include "classify/classify.h"
#include "core/call.h"
#include "core/conf.h"
#include "store/store.h"

/* Rebuilds cfg->database as DATABASE.replay from what *store holds, then
 * swaps it in: the old database is renamed DATABASE.before-replay-STAMP
 * (UTC), so it is kept until the new one is complete. *store, the open
 * store of cfg->database, is taken over: it is closed and set to NULL
 * whatever the outcome, since its file is renamed under it. cfg, call
 * and classifier (NULL: documents are not classified) are borrowed. On
 * success *replayed receives the number of messages and *backup the old
 * database's new path (newly allocated). A failure before the swap
 * removes the half-built database and leaves the old one in place. */
gboolean gu_replay_database (GuStore **store, const GuConfig *cfg, const GuCall *call, GuClassifier *classifier,
                             guint *replayed, char **backup, GError **error);

#endif
