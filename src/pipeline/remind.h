/* Reminders before the deadline (doc/ARCHITECTURE.md, "Reminders"): on
 * each day that is [reminders] days_before the call's closing day, one
 * reminder per incomplete dossier to its applicant, saying what is
 * missing and the deadline; once per dossier and day, whatever the
 * restarts and replays (its outbox row is keyed reminder:DAY:REFERENCE);
 * the rate limits of every reply apply. The same code for `guichet
 * remind` and the daemon's daily job. */
#ifndef GU_PIPELINE_REMIND_H
#define GU_PIPELINE_REMIND_H

#include "core/call.h"
#include "core/conf.h"
#include "store/store.h"

/* *days_before: how many days day ("YYYY-MM-DD", else GU_ERROR_USAGE)
 * comes before the call's closing day when that is one of [reminders]
 * days_before and day is inside the window; else -1 (no reminder that
 * day). GU_ERROR_CONFIG for a days_before check-config refuses. */
gboolean gu_remind_day (const GuConfig *cfg, const GuCall *call, const char *day, int *days_before,
                        GError **error);

/* Queues the reminders of day in one transaction: one per dossier of
 * the call that is incomplete (so opened inside the window; for one
 * first sent early, from its first message inside it) and existed by
 * the end of day, and was not reminded that day yet; never to complete,
 * late or early dossiers. They are composed as of now when now falls on
 * day, else as of day at [reminders] time, and counted against the rate
 * limits then. Records the day's run. *queued: a new array of
 * GuOutboxRow* (dossier_reference and state set: pending, or suppressed
 * with last_error), empty when none was due (not a reminder day, or
 * every one already reminded). GU_ERROR_CONFIG without [smtp] from. */
gboolean gu_remind_queue (GuStore *store, const GuConfig *cfg, const GuCall *call, const char *day,
                          GDateTime *now, GPtrArray **queued, GError **error);

/* The daemon's job: when today (the call's zone) is a reminder day,
 * [reminders] time has passed and no run of the day is recorded,
 * queues its reminders. *count: how many were queued (0 when nothing
 * was due). Costs no database access on the other days. */
gboolean gu_remind_daily (GuStore *store, const GuConfig *cfg, const GuCall *call, GDateTime *now,
                          guint *count, GError **error);

#endif
