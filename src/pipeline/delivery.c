#include "config.h"

#include <string.h>

#include "pipeline/delivery.h"
#include "send/send.h"
#include "util/address.h"
#include "util/error.h"

#define BATCH 100
#define GIVE_UP_DAYS 3

GDateTime *
gu_delivery_next_attempt (GDateTime *now, int attempts)
{
  gint64 minutes = 1;
  for (int i = 1; i < attempts && minutes < 360; i++)
    minutes *= 2;
  return g_date_time_add_minutes (now, (int) MIN (minutes, 360));
}

static gboolean
too_old (const GuOutboxRow *row, GDateTime *now)
{
  g_autoptr (GDateTime) created = g_date_time_new_from_iso8601 (row->created_at, NULL);
  return created != NULL && g_date_time_difference (now, created) > (GTimeSpan) GIVE_UP_DAYS * G_TIME_SPAN_DAY;
}

/* Records what the server said about one reply. */
static gboolean
record_result (GuStore *store, const GuOutboxRow *row, GuSendResult result, const char *reply,
               GDateTime *now, GuDeliveryCounts *counts, GError **error)
{
  int attempts = row->attempts + 1;
  if (result == GU_SEND_OK)
    {
      counts->sent++;
      return gu_store_outbox_update (store, row->id, GU_OUTBOX_SENT, attempts, NULL, NULL, reply, TRUE, error);
    }
  if (result == GU_SEND_PERMANENT || too_old (row, now))
    {
      counts->failed++;
      return gu_store_outbox_update (store, row->id, GU_OUTBOX_FAILED, attempts, NULL, reply, NULL, FALSE, error);
    }
  counts->retry++;
  g_autoptr (GDateTime) next = gu_delivery_next_attempt (now, attempts);
  g_autofree char *next_text = gu_store_time_text (next);
  return gu_store_outbox_update (store, row->id, GU_OUTBOX_PENDING, attempts, next_text, reply, NULL, FALSE, error);
}

static GuSmtp *
open_smtp (const GuConfig *cfg)
{
  g_autofree char *password = NULL;
  if (cfg->smtp_password_file != NULL)
    {
      g_autoptr (GError) error = NULL;
      password = gu_config_read_secret (cfg->smtp_password_file, &error);
      if (password == NULL)
        g_warning ("SMTP password: %s", error->message);
    }
  if (password == NULL && g_getenv ("GUICHET_SMTP_PASSWORD") != NULL)
    password = g_strdup (g_getenv ("GUICHET_SMTP_PASSWORD"));
  GuSmtpOptions opts = {
    .url = cfg->smtp_url, .user = cfg->smtp_user, .password = password,
    .tls_verify = cfg->smtp_tls_verify, .ca_file = cfg->smtp_ca_file,
  };
  return gu_smtp_new (&opts);
}

gboolean
gu_delivery_run (GuStore *store, const GuConfig *cfg, GDateTime *now, GuDeliveryCounts *counts,
                 GError **error)
{
  return gu_delivery_run_until (store, cfg, now, NULL, counts, error);
}

/* Sends the replies of one batch over smtp until *stop (NULL: never). */
static gboolean
send_batch (GuStore *store, GuSmtp *smtp, const char *from, GPtrArray *due, GDateTime *now,
            const gint *stop, GuDeliveryCounts *counts, GError **error)
{
  for (guint i = 0; i < due->len && (stop == NULL || !g_atomic_int_get (stop)); i++)
    {
      const GuOutboxRow *row = g_ptr_array_index (due, i);
      g_autoptr (GBytes) message = gu_store_get_blob (store, row->raw_sha256, error);
      if (message == NULL)
        return FALSE;
      g_autofree char *reply = NULL;
      GuSendResult result = gu_smtp_send (smtp, from, row->recipient, message, &reply);
      if (!record_result (store, row, result, reply, now, counts, error))
        return FALSE;
    }
  return TRUE;
}

static guint
attempted (const GuDeliveryCounts *counts)
{
  return counts->sent + counts->retry + counts->failed;
}

gboolean
gu_delivery_run_until (GuStore *store, const GuConfig *cfg, GDateTime *now, const gint *stop,
                       GuDeliveryCounts *counts, GError **error)
{
  GuSmtp *smtp = NULL;
  gboolean ok = gu_delivery_run_on (store, cfg, &smtp, now, stop, counts, error);
  if (smtp != NULL)
    gu_smtp_free (smtp);
  return ok;
}

gboolean
gu_delivery_run_on (GuStore *store, const GuConfig *cfg, GuSmtp **smtp, GDateTime *now, const gint *stop,
                    GuDeliveryCounts *counts, GError **error)
{
  memset (counts, 0, sizeof *counts);
  if (cfg->smtp_url == NULL)
    return TRUE;
  g_autofree char *now_text = gu_store_time_text (now);
  /* No usable From: the null sender (such a From composes no mail anyway). */
  g_autofree char *from = gu_address_of_mailbox (cfg->smtp_from);
  gboolean ok = TRUE;
  /* Batch after batch until nothing is due: a burst of more than one
   * batch must not leave replies waiting for the next pass. Every row
   * sent leaves the due list (sent, failed, or retried later), so a
   * batch that changes nothing ends the loop. */
  while (ok && (stop == NULL || !g_atomic_int_get (stop)))
    {
      g_autoptr (GPtrArray) due = gu_store_outbox_due (store, now_text, BATCH, error);
      if (due == NULL)
        ok = FALSE;
      if (due == NULL || due->len == 0)
        break;
      if (*smtp == NULL)
        *smtp = open_smtp (cfg);
      guint before = attempted (counts);
      ok = send_batch (store, *smtp, from != NULL ? from : "", due, now, stop, counts, error);
      if (due->len < BATCH || attempted (counts) == before)
        break;
    }
  return ok;
}
