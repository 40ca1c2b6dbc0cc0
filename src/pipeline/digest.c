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
day_bounds (const GuCall *call, const char *day, GDate *date, char **start, char **end, GError **error)
{
  int y, m, d;
  char extra;
  g_autoptr (GDateTime) first = NULL;
  if (day != NULL && sscanf (day, "%4d-%2d-%2d%c", &y, &m, &d, &extra) == 3 && strlen (day) == 10)
    first = g_date_time_new (call->tz, y, m, d, 0, 0, 0);
  if (first != NULL && date != NULL)
    g_date_set_dmy (date, (GDateDay) d, (GDateMonth) m, (GDateYear) y);
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

/* The dossier as it stood before the instant end (store UTC text, which
 * compares as text): its documents received before end. FALSE when it
 * did not exist yet. The view borrows from d; free view->documents (a
 * plain array) after use. Its receipts are all of d's: a dossier whose
 * first messages came before the window and a later one inside it is
 * seen by the later one's light (derive from d->receipts too once they
 * are loaded everywhere, issue 14). */
static gboolean
view_at (const GuDossier *d, const char *end, GuDossier *view)
{
  if (d->first_received_at == NULL || strcmp (d->first_received_at, end) >= 0)
    return FALSE;
  *view = *d;
  view->documents = g_ptr_array_new ();
  for (guint i = 0; i < d->documents->len; i++)
    {
      GuDossierDocument *doc = g_ptr_array_index (d->documents, i);
      if (doc->received_at != NULL && strcmp (doc->received_at, end) < 0)
        g_ptr_array_add (view->documents, doc);
    }
  return TRUE;
}

static void
count_status (GuDossierStatus status, gint64 *early, gint64 *incomplete, gint64 *complete, gint64 *late)
{
  switch (status)
    {
    case GU_STATUS_EARLY: (*early)++; break;
    case GU_STATUS_INCOMPLETE: (*incomplete)++; break;
    case GU_STATUS_COMPLETE: (*complete)++; break;
    case GU_STATUS_LATE: (*late)++; break;
    }
}

/* Of the missing keys, those a document holds that did not count: a late
 * one, else one received before the window (the other reason the status
 * rules leave a document out; GU_DOC_EARLY once issue 14 flags them). */
static void
split_marks (const GuDossier *view, GPtrArray *missing, GuDigestItem *item)
{
  g_autoptr (GPtrArray) late = g_ptr_array_new (), early = g_ptr_array_new ();
  for (guint k = 0; k < missing->len; k++)
    {
      const char *key = g_ptr_array_index (missing, k);
      gboolean is_late = FALSE, is_early = FALSE;
      for (guint j = 0; j < view->documents->len; j++)
        {
          const GuDossierDocument *doc = g_ptr_array_index (view->documents, j);
          if (gu_piece_find (doc->pieces, key) == NULL)
            continue;
          if (doc->flags & GU_DOC_LATE)
            is_late = TRUE;
          else
            is_early = TRUE;
        }
      if (is_late || is_early)
        g_ptr_array_add (is_late ? late : early, g_strdup (key));
    }
  g_ptr_array_add (late, NULL);
  g_ptr_array_add (early, NULL);
  item->late_keys = (char **) g_ptr_array_steal (late, NULL);
  item->early_keys = (char **) g_ptr_array_steal (early, NULL);
}

/* One row of the matrix: an incomplete dossier as it stood (view). */
static GuDigestItem *
missing_item (const GuDossier *view, GPtrArray *missing)
{
  GuDigestItem *item = gu_digest_item_new ();
  for (guint j = 0; j < view->documents->len; j++)
    {
      const GuDossierDocument *doc = g_ptr_array_index (view->documents, j);
      if (item->at == NULL || strcmp (doc->received_at, item->at) > 0)
        {
          g_free (item->at);
          item->at = g_strdup (doc->received_at);
        }
    }
  item->reference = g_strdup (view->reference);
  item->who = g_strdup (view->applicant);
  item->what = g_strdup (view->organisation);
  item->state = g_strdup (gu_dossier_status_to_string (GU_STATUS_INCOMPLETE));
  item->keys = g_new0 (char *, missing->len + 1);
  for (guint k = 0; k < missing->len; k++)
    item->keys[k] = g_strdup (g_ptr_array_index (missing, k));
  split_marks (view, missing, item);
  return item;
}

/* Most advanced first (fewest pieces missing), then oldest: the
 * dossiers come in reference order, and the sort is stable. */
static gint
by_advance (gconstpointer a, gconstpointer b)
{
  guint na = g_strv_length ((*(GuDigestItem *const *) a)->keys);
  guint nb = g_strv_length ((*(GuDigestItem *const *) b)->keys);
  return na < nb ? -1 : na > nb;
}

/* The counts at the end of the day and of the day before, and every
 * dossier incomplete at the end of the day with its marks, from the
 * loaded dossiers: the status rules live in src/dossier, not in SQL. */
static void
add_standing (const GuCall *call, GPtrArray *dossiers, const char *start, const char *end,
              GuDigestFacts *f)
{
  f->early = f->incomplete = f->complete = f->late = 0;
  for (guint i = 0; i < dossiers->len; i++)
    {
      const GuDossier *d = g_ptr_array_index (dossiers, i);
      GuDossier view;
      if (view_at (d, start, &view))
        {
          count_status (gu_dossier_status (call, &view, NULL),
                        &f->prev_early, &f->prev_incomplete, &f->prev_complete, &f->prev_late);
          g_ptr_array_unref (view.documents);
        }
      if (!view_at (d, end, &view))
        continue;
      g_autoptr (GPtrArray) missing = g_ptr_array_new ();
      GuDossierStatus status = gu_dossier_status (call, &view, missing);
      count_status (status, &f->early, &f->incomplete, &f->complete, &f->late);
      if (status == GU_STATUS_INCOMPLETE && missing->len > 0)
        g_ptr_array_add (f->missing, missing_item (&view, missing));
      g_ptr_array_unref (view.documents);
    }
  g_ptr_array_sort (f->missing, by_advance);
}

/* The local calendar day of an instant (store UTC text). */
static gboolean
local_date (const GuCall *call, const char *utc, GDate *out)
{
  g_autoptr (GDateTime) t = utc != NULL ? g_date_time_new_from_iso8601 (utc, NULL) : NULL;
  if (t == NULL)
    return FALSE;
  g_autoptr (GDateTime) local = g_date_time_to_timezone (t, call->tz);
  g_date_set_dmy (out, g_date_time_get_day_of_month (local), g_date_time_get_month (local),
                  g_date_time_get_year (local));
  return TRUE;
}

/* New dossiers per day, from the opening day to the digest's day (or the
 * closing day, when the call is closed). */
static void
add_chart (const GuCall *call, GPtrArray *dossiers, const GDate *day, GuDigestFacts *f)
{
  GDate first, last;
  g_date_set_dmy (&first, g_date_time_get_day_of_month (call->opens), g_date_time_get_month (call->opens),
                  g_date_time_get_year (call->opens));
  g_date_set_dmy (&last, g_date_time_get_day_of_month (call->closes), g_date_time_get_month (call->closes),
                  g_date_time_get_year (call->closes));
  if (g_date_compare (day, &last) < 0)
    last = *day;
  if (g_date_compare (&first, &last) > 0)
    return;
  char text[16];
  g_date_strftime (text, sizeof text, "%Y-%m-%d", &first);
  f->chart_first = g_strdup (text);
  g_array_set_size (f->per_day, (guint) g_date_days_between (&first, &last) + 1);
  for (guint i = 0; i < dossiers->len; i++)
    {
      const GuDossier *d = g_ptr_array_index (dossiers, i);
      GDate at;
      if (!local_date (call, d->first_received_at, &at))
        continue;
      gint n = g_date_days_between (&first, &at);
      if (n >= 0 && (guint) n < f->per_day->len)
        g_array_index (f->per_day, gint64, n)++;
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
  GDate date;
  if (!day_bounds (call, day, &date, &start, &end, error))
    return NULL;
  g_autofree char *deadline = gu_store_time_text (call->closes_end);
  g_autoptr (GuDigestFacts) facts = gu_digest_facts_new (day);
  if (!gu_store_digest_facts (store, call->id, start, end, deadline, facts, error)
      || !gu_store_reminders_of_day (store, call->id, day, facts->reminders, error))
    return NULL;
  g_autoptr (GPtrArray) dossiers = gu_store_dossier_list (store, call->id, NULL, error);
  if (dossiers == NULL)
    return NULL;
  add_standing (call, dossiers, start, end, facts);
  add_chart (call, dossiers, &date, facts);
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
