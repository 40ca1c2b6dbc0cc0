#include "config.h"

#include <stdio.h>
#include <string.h>

#include "dossier/dossier.h"
#include "pipeline/answer.h"
#include "pipeline/digest.h"
#include "reply/digest.h"
#include "util/error.h"
#include "util/hash.h"

char *
gu_digest_yesterday (const GuCall *call, GDateTime *now)
{
  g_autoptr (GDateTime) local = g_date_time_to_timezone (now, call->tz);
  g_autoptr (GDateTime) before = g_date_time_add_days (local, -1);
  return g_date_time_format (before, "%Y-%m-%d");
}

/* The day's bounds [start, end) as store time text, from local midnights
 * (a day of 23 or 25 hours when the clocks change). */
static gboolean
day_bounds (const GuCall *call, const char *day, char **start, char **end, GError **error)
{
  int y, m, d;
  char extra;
  g_autoptr (GDateTime) first = NULL;
  if (day != NULL && sscanf (day, "%4d-%2d-%2d%c", &y, &m, &d, &extra) == 3 && strlen (day) == 10)
    first = g_date_time_new (call->tz, y, m, d, 0, 0, 0);
  if (first == NULL)
    {
      g_set_error (error, GU_ERROR, GU_ERROR_USAGE, "\"%s\" is not a day (YYYY-MM-DD)", day != NULL ? day : "");
      return FALSE;
    }
  g_autoptr (GDateTime) next = g_date_time_add_days (first, 1);
  *start = gu_store_time_text (first);
  *end = gu_store_time_text (next);
  return TRUE;
}

/* Every incomplete dossier with its missing pieces, from the loaded
 * dossiers: the status rules live in src/dossier, not in SQL. */
static void
add_missing (const GuCall *call, GPtrArray *dossiers, GuDigestFacts *facts)
{
  for (guint i = 0; i < dossiers->len; i++)
    {
      const GuDossier *d = g_ptr_array_index (dossiers, i);
      g_autoptr (GPtrArray) missing = g_ptr_array_new ();
      if (gu_dossier_status (call, d, missing) != GU_STATUS_INCOMPLETE || missing->len == 0)
        continue;
      GuDigestItem *item = gu_digest_item_new ();
      item->reference = g_strdup (d->reference);
      item->who = g_strdup (d->applicant);
      item->what = g_strdup (d->organisation);
      item->state = g_strdup (gu_dossier_status_to_string (d->status));
      item->keys = g_new0 (char *, missing->len + 1);
      for (guint k = 0; k < missing->len; k++)
        item->keys[k] = g_strdup (g_ptr_array_index (missing, k));
      g_ptr_array_add (facts->missing, item);
    }
}

static char *
digest_message_id (const char *day, const char *from)
{
  g_autofree char *key = g_strdup_printf ("digest:%s", day);
  return gu_answer_message_id (key, from);
}

static GBytes *
compose (const GuConfig *cfg, const GuCall *call, const GuDigestFacts *facts, const char *csv,
         char **subject, GError **error)
{
  if (cfg->smtp_from == NULL)
    {
      g_set_error (error, GU_ERROR, GU_ERROR_CONFIG, "digest: [smtp] from is not set");
      return NULL;
    }
  g_autofree char *message_id = digest_message_id (facts->day, cfg->smtp_from);
  GuDigestContext ctx = {
    .call = call, .facts = facts, .csv = csv, .from = cfg->smtp_from,
    .to = (const char *const *) cfg->digest_recipients, .message_id = message_id,
    .templates_dir = call->templates_dir,
  };
  return gu_reply_compose_digest (&ctx, subject, error);
}

GBytes *
gu_digest_build (GuStore *store, const GuConfig *cfg, const GuCall *call, const char *day, char **subject,
                 GError **error)
{
  g_autofree char *start = NULL, *end = NULL;
  if (!day_bounds (call, day, &start, &end, error))
    return NULL;
  g_autofree char *deadline = gu_store_time_text (call->closes_end);
  g_autoptr (GuDigestFacts) facts = gu_digest_facts_new (day);
  if (!gu_store_digest_facts (store, call->id, start, end, deadline, facts, error))
    return NULL;
  g_autoptr (GPtrArray) dossiers = gu_store_dossier_list (store, call->id, NULL, error);
  if (dossiers == NULL)
    return NULL;
  add_missing (call, dossiers, facts);
  g_autofree char *csv = gu_dossier_csv (call, dossiers);
  return compose (cfg, call, facts, csv, subject, error);
}

/* Stores the digest once and adds one outbox row per recipient: the
 * outbox sends to one address a row. Records the first row on the day. */
static gboolean
queue_rows (GuStore *store, const GuConfig *cfg, const GuCall *call, const char *day, GError **error)
{
  g_autofree char *subject = NULL;
  g_autoptr (GBytes) bytes = gu_digest_build (store, cfg, call, day, &subject, error);
  char sha[65];
  if (bytes == NULL || !gu_store_put_blob (store, bytes, NULL, sha, error))
    return FALSE;
  gint64 first = 0;
  for (char **r = cfg->digest_recipients; *r != NULL; r++)
    {
      g_autoptr (GuOutboxRow) row = g_new0 (GuOutboxRow, 1);
      row->recipient = g_strstrip (g_strdup (*r));
      row->dedupe_key = g_strdup_printf ("digest:%s:%s", day, row->recipient);
      row->kind = GU_REPLY_DIGEST;
      row->subject = g_strdup (subject != NULL ? subject : "");
      row->smtp_message_id = digest_message_id (day, cfg->smtp_from);
      row->raw_sha256 = g_strdup (sha);
      gint64 id;
      if (!gu_store_outbox_add (store, row, 0, 0, &id, error))
        return FALSE;
      if (first == 0)
        first = id;
    }
  return gu_store_digest_set_outbox (store, day, first, error);
}

gboolean
gu_digest_queue (GuStore *store, const GuConfig *cfg, const GuCall *call, const char *day, gboolean *queued,
                 GError **error)
{
  *queued = FALSE;
  if (cfg->digest_recipients == NULL || cfg->digest_recipients[0] == NULL)
    {
      g_set_error (error, GU_ERROR, GU_ERROR_CONFIG, "digest: [digest] recipients is not set");
      return FALSE;
    }
  if (!gu_store_begin (store, error))
    return FALSE;
  gboolean claimed;
  if (!gu_store_digest_claim (store, day, &claimed, error)
      || (claimed && (!queue_rows (store, cfg, call, day, error) || !gu_store_commit (store, error))))
    {
      gu_store_rollback (store);
      return FALSE;
    }
  /* A day already claimed: nothing was written. */
  if (!claimed)
    gu_store_rollback (store);
  *queued = claimed;
  return TRUE;
}

char *
gu_digest_due (const GuConfig *cfg, const GuCall *call, GDateTime *now)
{
  if (cfg->digest_recipients == NULL || cfg->digest_recipients[0] == NULL)
    return NULL;
  /* check-config rejects a bad time; the documented default stands in. */
  int hour = 8, minute = 0;
  if (cfg->digest_time != NULL && sscanf (cfg->digest_time, "%d:%d", &hour, &minute) != 2)
    hour = 8, minute = 0;
  g_autoptr (GDateTime) local = g_date_time_to_timezone (now, call->tz);
  if (g_date_time_get_hour (local) * 60 + g_date_time_get_minute (local) < hour * 60 + minute)
    return NULL;
  return gu_digest_yesterday (call, now);
}
