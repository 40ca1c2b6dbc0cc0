/* Delivering the outbox: each pending reply due now goes out over one
 * SMTP connection; the answer decides its state. Replies leave from the
 * outbox only (doc/ARCHITECTURE.md, crash-safety rule 5): a crash between sending
 * and recording means at worst one resend, with the same Message-ID. */
#ifndef GU_PIPELINE_DELIVERY_H
#define GU_PIPELINE_DELIVERY_H

#include "core/conf.h"
#include "send/send.h"
#include "store/store.h"

typedef struct {
  guint sent;
  guint retry;     /* temporary failures, left pending with a later attempt */
  guint failed;    /* permanent (5xx) or given up after three days */
} GuDeliveryCounts;

/* Sends every reply due at now. Returns FALSE only when the store fails
 * (error set); SMTP trouble is recorded on the rows. */
gboolean gu_delivery_run (GuStore *store, const GuConfig *cfg, GDateTime *now, GuDeliveryCounts *counts,
                          GError **error);
/* The same, stopping between two replies once *stop (read atomically)
 * is non-zero: a daemon asked to stop waits for one SMTP transaction at
 * most, not for the whole batch. The replies left stay pending. */
gboolean gu_delivery_run_until (GuStore *store, const GuConfig *cfg, GDateTime *now, const gint *stop,
                                GuDeliveryCounts *counts, GError **error);
/* The same over *smtp, a connection kept from one run to the next by a
 * caller that delivers often (the sender thread): opened here when
 * *smtp is NULL and there is something to send; the caller frees it
 * with gu_smtp_free. (libcurl opens it again if the server closed it.) */
gboolean gu_delivery_run_on (GuStore *store, const GuConfig *cfg, GuSmtp **smtp, GDateTime *now,
                             const gint *stop, GuDeliveryCounts *counts, GError **error);

/* When to try again after the attempts-th failure: 1 min doubling to 6 h. */
GDateTime *gu_delivery_next_attempt (GDateTime *now, int attempts);

#endif
