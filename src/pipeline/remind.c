#include "config.h"

#include <stdio.h>
#include <string.h>

#include "dossier/dossier.h"
#include "pipeline/answer.h"
#include "pipeline/remind.h"
#include "util/error.h"

/* day ("YYYY-MM-DD") as a date, else GU_ERROR_USAGE. */
static gboolean
parse_day (const char *day, GDate *date, GError **error)
{
  int y, m, d;
  char extra;
  g_date_clear (date, 1);
  if (day != NULL && strlen (day) == 10 && sscanf (day, "%4d-%2d-%2d%c", &y, &m, &d, &extra) == 3
      && g_date_valid_dmy ((GDateDay) d, (GDateMonth) m, (GDateYear) y))
    {
      g_date_set_dmy (date, (GDateDay) d, (GDateMonth) m, (GDateYear) y);
      return TRUE;
    }
  g_set_error (error, GU_ERROR, GU_ERROR_USAGE, "\"%s\" is not a day (YYYY-MM-DD)", day != NULL ? day : "");
  return FALSE;
}

static void
local_date (const GuCall *call, GDateTime *t, GDate *date)
{
  g_autoptr (GDateTime) local = g_date_time_to_timezone (t, call->tz);
  g_date_clear (date, 1);
  g_date_set_dmy (date, (GDateDay) g_date_time_get_day_of_month (local), (GDateMonth) g_date_time_get_month (local),
                  (GDateYear) g_date_time_get_year (local));
}

gboolean
gu_remind_day (const GuConfig *cfg, const GuCall *call, const char *day, int *days_before, GError **error)
{
  *days_before = -1;
  GDate date, opens, closes;
  if (!parse_day (day, &date, error))
    return FALSE;
  g_autoptr (GArray) days = gu_config_reminder_days (cfg->reminders_days_before, error);
  if (days == NULL)
    return FALSE;
  local_date (call, call->opens, &opens);
  local_date (call, call->closes, &closes);
  if (g_date_compare (&date, &opens) < 0 || g_date_compare (&date, &closes) > 0)
    return TRUE;
  int before = g_date_days_between (&date, &closes);
  for (guint i = 0; i < days->len; i++)
    if (g_array_index (days, int, i) == before)
      *days_before = before;
  return TRUE;
}

/* [reminders] time as minutes after midnight (check-config refuses a bad
 * one; the documented default stands in). */
static int
reminder_minutes (const GuConfig *cfg)
{
  int hour, minute;
  if (cfg->reminders_time == NULL || sscanf (cfg->reminders_time, "%d:%d", &hour, &minute) != 2 || hour < 0
      || hour > 23 || minute < 0 || minute > 59)
    hour = 9, minute = 0;
  return hour * 60 + minute;
}

/* The instant the reminders of date are written as of: now when it
 * falls on date, else date at [reminders] time (a past or future day
 * given to `guichet remind --date`). */
static GDateTime *
reminder_instant (const GuConfig *cfg, const GuCall *call, const GDate *date, GDateTime *now)
{
  GDate today;
  local_date (call, now, &today);
  if (g_date_compare (&today, date) == 0)
    return g_date_time_ref (now);
  int minutes = reminder_minutes (cfg);
  return g_date_time_new (call->tz, g_date_get_year (date), g_date_get_month (date), g_date_get_day (date),
                          minutes / 60, minutes % 60, 0);
}

/* The first instant after date, as store time text. */
static char *
end_of (const GuCall *call, const GDate *date)
{
  g_autoptr (GDateTime) start = g_date_time_new (call->tz, g_date_get_year (date), g_date_get_month (date),
                                                 g_date_get_day (date), 0, 0, 0);
  g_autoptr (GDateTime) next = g_date_time_add_days (start, 1);
  return gu_store_time_text (next);
}

/* One dossier's reminder, when it is due: composed and queued, and
 * appended to queued. */
static gboolean
remind_dossier (const GuMailer *m, const GuDossier *d, const char *day, int days_before, GDateTime *at,
                GPtrArray *queued, GError **error)
{
  g_autoptr (GPtrArray) missing = g_ptr_array_new ();
  if (gu_dossier_status (m->call, d, missing) != GU_STATUS_INCOMPLETE)
    return TRUE;
  g_autofree char *key = g_strdup_printf ("reminder:%s:%s", day, d->reference);
  gboolean exists;
  if (!gu_store_outbox_has_key (m->store, key, &exists, error))
    return FALSE;
  if (exists)
    return TRUE;
  g_autofree char *at_text = gu_store_time_text (at);
  g_autoptr (GuOutboxRow) row = gu_answer_new_row (m, GU_REPLY_REMINDER, key, d->applicant, at_text, error);
  g_autofree char *follows = NULL;
  if (row == NULL || (row->last_error == NULL
                      && !gu_store_outbox_last_to (m->store, d->id, row->recipient, &follows, error)))
    return FALSE;
  if (row->last_error == NULL)
    {
      GuReplyContext ctx = {
        .kind = GU_REPLY_REMINDER, .call = m->call, .received_at = at, .dossier = d, .missing = missing,
        .from = m->cfg->smtp_from, .to = row->recipient, .message_id = row->smtp_message_id,
        .templates_dir = m->call->templates_dir, .follows_id = follows, .days_left = days_before,
      };
      if (!gu_answer_compose_row (m, &ctx, row, error))
        return FALSE;
    }
  gint64 id;
  if (!gu_answer_queue_row (m, row, at_text, 0, d->id, &id, error))
    return FALSE;
  row->id = id;
  row->state = row->raw_sha256 != NULL ? GU_OUTBOX_PENDING : GU_OUTBOX_SUPPRESSED;
  row->dossier_reference = g_strdup (d->reference);
  g_ptr_array_add (queued, g_steal_pointer (&row));
  return TRUE;
}

static gboolean
queue_in_transaction (const GuMailer *m, const char *day, const GDate *date, int days_before, GDateTime *now,
                      GPtrArray *queued, GError **error)
{
  g_autoptr (GPtrArray) dossiers = gu_store_dossier_list (m->store, m->call->id, NULL, error);
  if (dossiers == NULL)
    return FALSE;
  g_autoptr (GDateTime) at = reminder_instant (m->cfg, m->call, date, now);
  g_autofree char *end = end_of (m->call, date);
  for (guint i = 0; i < dossiers->len; i++)
    {
      const GuDossier *d = g_ptr_array_index (dossiers, i);
      /* A dossier opened after the day had no reminder due that day. */
      if (d->first_received_at == NULL || strcmp (d->first_received_at, end) >= 0)
        continue;
      if (!remind_dossier (m, d, day, days_before, at, queued, error))
        return FALSE;
    }
  return gu_store_reminder_day_record (m->store, m->call->id, day, days_before, queued->len, error);
}

gboolean
gu_remind_queue (GuStore *store, const GuConfig *cfg, const GuCall *call, const char *day, GDateTime *now,
                 GPtrArray **queued, GError **error)
{
  *queued = NULL;
  int days_before;
  GDate date;
  if (!parse_day (day, &date, error) || !gu_remind_day (cfg, call, day, &days_before, error))
    return FALSE;
  if (cfg->smtp_from == NULL)
    {
      g_set_error (error, GU_ERROR, GU_ERROR_CONFIG, "reminders: [smtp] from is not set");
      return FALSE;
    }
  g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) gu_outbox_row_free);
  if (days_before >= 0)
    {
      GuMailer m = { store, cfg, call };
      if (!gu_store_begin (store, error))
        return FALSE;
      if (!queue_in_transaction (&m, day, &date, days_before, now, rows, error) || !gu_store_commit (store, error))
        {
          gu_store_rollback (store);
          return FALSE;
        }
    }
  *queued = g_steal_pointer (&rows);
  return TRUE;
}

gboolean
gu_remind_daily (GuStore *store, const GuConfig *cfg, const GuCall *call, GDateTime *now, guint *count,
                 GError **error)
{
  *count = 0;
  if (cfg->smtp_from == NULL || cfg->reminders_days_before == NULL || *cfg->reminders_days_before == '\0')
    return TRUE;
  g_autoptr (GDateTime) local = g_date_time_to_timezone (now, call->tz);
  if (g_date_time_get_hour (local) * 60 + g_date_time_get_minute (local) < reminder_minutes (cfg))
    return TRUE;
  g_autofree char *day = g_date_time_format (local, "%Y-%m-%d");
  int days_before;
  gboolean done;
  if (!gu_remind_day (cfg, call, day, &days_before, error))
    return FALSE;
  if (days_before < 0)
    return TRUE;
  if (!gu_store_reminder_day_done (store, call->id, day, &done, error))
    return FALSE;
  if (done)
    return TRUE;
  g_autoptr (GPtrArray) queued = NULL;
  if (!gu_remind_queue (store, cfg, call, day, now, &queued, error))
    return FALSE;
  *count = queued->len;
  return TRUE;
}
