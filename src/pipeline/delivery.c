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

gboolean
gu_delivery_run_until (GuStore *store, const GuConfig *cfg, GDateTime *now, const gint *stop,
                       GuDeliveryCounts *counts, GError **error)
{
  memset (counts, 0, sizeof *counts);
  g_autofree char *now_text = gu_store_time_text (now);
  g_autoptr (GPtrArray) due = gu_store_outbox_due (store, now_text, BATCH, error);
  if (due == NULL || due->len == 0 || cfg->smtp_url == NULL)
    return due != NULL;
  /* No usable From: the null sender (such a From composes no mail anyway). */
  g_autofree char *from = gu_address_of_mailbox (cfg->smtp_from);
  GuSmtp *smtp = open_smtp (cfg);
  gboolean ok = TRUE;
  for (guint i = 0; ok && i < due->len && (stop == NULL || !g_atomic_int_get (stop)); i++)
    {
      const GuOutboxRow *row = g_ptr_array_index (due, i);
      g_autoptr (GBytes) message = gu_store_get_blob (store, row->raw_sha256, error);
      if (message == NULL)
        {
          ok = FALSE;
          break;
        }
      g_autofree char *reply = NULL;
      GuSendResult result = gu_smtp_send (smtp, from != NULL ? from : "", row->recipient, message, &reply);
      ok = record_result (store, row, result, reply, now, counts, error);
    }
  gu_smtp_free (smtp);
  return ok;
}
