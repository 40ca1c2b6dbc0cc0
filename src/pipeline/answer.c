#include "config.h"

#include <string.h>

#include "dossier/dossier.h"
#include "pipeline/answer.h"
#include "pipeline/intake-private.h"
#include "reply/reply.h"
#include "util/address.h"
#include "util/error.h"
#include "util/hash.h"
#include "util/text.h"

static gboolean
message_has_unreadable (const GuMessage *msg)
{
  for (guint i = 0; i < msg->documents->len; i++)
    if (((GuDocument *) g_ptr_array_index (msg->documents, i))->flags & GU_DOC_UNREADABLE)
      return TRUE;
  return FALSE;
}

/* Staff get a receipt naming the dossier their letter went to, or a
 * request for the reference when it was parked; never an applicant's
 * acknowledgement, which would speak to them of "your application". */
static gboolean
choose_staff_kind (const GuIntakeResult *result, GuReplyKind *kind)
{
  if (result->dossier != NULL)
    *kind = GU_REPLY_STAFF_RECEIPT;
  else if (result->outcome == GU_OUTCOME_UNMATCHED)
    *kind = GU_REPLY_STAFF_UNMATCHED;
  else
    return FALSE;
  return TRUE;
}

/* Which reply, in the order a programme officer would put it: the window
 * first (nothing else matters when the call is closed), then documents
 * that could not be read, then the state of the dossier. FALSE: none. */
static gboolean
choose_kind (GuIntake *intake, const GuMessage *msg, const GuReceipt *receipt,
             const GuIntakeResult *result, GuReplyKind *kind)
{
  if (msg->role == GU_ROLE_STAFF)
    return choose_staff_kind (result, kind);
  if (result->outcome == GU_OUTCOME_NO_DOSSIER && msg->role == GU_ROLE_APPLICANT)
    return *kind = GU_REPLY_HOW_TO_APPLY, TRUE;
  if (result->dossier == NULL)
    return FALSE;
  GuDossierStatus status = result->dossier->status;
  gboolean became_complete = status == GU_STATUS_COMPLETE
                             && (result->dossier_created || result->previous_status != GU_STATUS_COMPLETE);
  if (status == GU_STATUS_EARLY)
    *kind = GU_REPLY_EARLY;
  else if (gu_call_window_position (intake->call, receipt->received_at) == GU_WINDOW_LATE)
    *kind = GU_REPLY_LATE;
  else if (message_has_unreadable (msg))
    *kind = GU_REPLY_UNREADABLE;
  else if (became_complete)
    *kind = GU_REPLY_COMPLETE;
  else
    *kind = result->dossier_created ? GU_REPLY_ACK_NEW : GU_REPLY_ACK_UPDATE;
  return TRUE;
}

char *
gu_answer_message_id (const char *dedupe_key, const char *from)
{
  char sha[65];
  gu_sha256_hex (dedupe_key, strlen (dedupe_key), sha);
  g_autofree char *ours = gu_address_of_mailbox (from);
  const char *at = ours != NULL ? strrchr (ours, '@') : NULL;
  return g_strdup_printf ("guichet.%.32s@%s", sha, at != NULL ? at + 1 : "guichet.invalid");
}

/* Sets *reason to why a reply to to must not go (newly allocated), or
 * NULL when it may. Counts are taken at the message's receipt time at,
 * so that replay decides alike. */
static gboolean
suppression_reason (GuIntake *intake, const char *to, const char *at, char **reason, GError **error)
{
  *reason = NULL;
  if (to == NULL || *to == '\0' || strchr (to, '@') == NULL)
    return *reason = g_strdup ("no address to answer"), TRUE;
  if (intake->own_address != NULL && g_ascii_strcasecmp (to, intake->own_address) == 0)
    return *reason = g_strdup ("our own address"), TRUE;
  const GuConfig *cfg = intake->cfg;
  g_autoptr (GDateTime) t = g_date_time_new_from_iso8601 (at, NULL);
  g_autoptr (GDateTime) day = g_date_time_add_days (t, -1);
  g_autoptr (GDateTime) window = g_date_time_add_minutes (t, -cfg->smtp_reply_window_minutes);
  g_autofree char *day_text = gu_store_time_text (day);
  g_autofree char *window_text = gu_store_time_text (window);
  gint64 in_day, in_window;
  if (!gu_store_replies_since (intake->store, to, day_text, &in_day, error)
      || !gu_store_replies_since (intake->store, to, window_text, &in_window, error))
    return FALSE;
  if (in_day >= cfg->smtp_max_replies_per_address_per_day)
    *reason = g_strdup_printf ("daily cap of %d replies to %s reached", cfg->smtp_max_replies_per_address_per_day,
                               to);
  else if (in_window >= cfg->smtp_max_replies_per_window)
    *reason = g_strdup_printf ("%d replies to %s in %d minutes already", cfg->smtp_max_replies_per_window, to,
                               cfg->smtp_reply_window_minutes);
  return TRUE;
}

static gboolean
compose_into (GuIntake *intake, const GuMessage *msg, const GuReceipt *receipt, GuIntakeResult *result,
              GuReplyKind kind, GuOutboxRow *row, GError **error)
{
  g_autoptr (GPtrArray) missing = g_ptr_array_new ();
  if (result->dossier != NULL)
    gu_dossier_status (intake->call, result->dossier, missing);
  GuReplyContext ctx = {
    .kind = kind, .call = intake->call, .message = msg, .received_at = receipt->received_at,
    .dossier = result->dossier, .missing = missing, .from = intake->cfg->smtp_from, .to = row->recipient,
    .message_id = row->smtp_message_id, .templates_dir = intake->call->templates_dir,
  };
  GError *local = NULL;
  g_autoptr (GBytes) bytes = gu_reply_compose (&ctx, &row->subject, &local);
  if (bytes == NULL)
    {
      /* A reply that cannot be written (a broken template, an address we
       * cannot answer) must never hold the message back: it is recorded
       * as suppressed, with the reason, for the admin to see. */
      g_warning ("reply to %s not composed: %s", row->recipient, local->message);
      row->last_error = g_strdup_printf ("could not compose the reply: %s", local->message);
      g_error_free (local);
      return TRUE;
    }
  char sha[65];
  if (!gu_store_put_blob (intake->store, bytes, NULL, sha, error))
    return FALSE;
  row->raw_sha256 = g_strdup (sha);
  return TRUE;
}

gboolean
gu_answer_message (GuIntake *intake, const GuMessage *msg, const GuReceipt *receipt,
                   GuIntakeResult *result, GError **error)
{
  GuReplyKind kind;
  if (intake->cfg->smtp_from == NULL || !choose_kind (intake, msg, receipt, result, &kind))
    return TRUE;
  g_autofree char *at = gu_store_time_text (receipt->received_at);
  g_autofree char *key = g_strdup_printf ("reply:%s", msg->raw_sha256);
  g_autoptr (GuOutboxRow) row = g_new0 (GuOutboxRow, 1);
  row->dedupe_key = g_strdup (key);
  row->kind = kind;
  row->recipient = gu_text_one_line (msg->reply_to != NULL ? msg->reply_to : msg->from_addr);
  row->smtp_message_id = gu_answer_message_id (key, intake->cfg->smtp_from);
  if (!suppression_reason (intake, row->recipient, at, &row->last_error, error))
    return FALSE;
  if (row->last_error == NULL && !compose_into (intake, msg, receipt, result, kind, row, error))
    return FALSE;
  if (row->raw_sha256 != NULL && !gu_store_reply_counted (intake->store, row->recipient, at, error))
    return FALSE;
  if (row->subject == NULL)
    row->subject = g_strdup ("");
  gint64 dossier_id = result->dossier != NULL ? result->dossier->id : 0;
  gint64 outbox_id;
  if (!gu_store_outbox_add (intake->store, row, result->message_row, dossier_id, &outbox_id, error))
    return FALSE;
  return row->last_error == NULL
         || gu_store_add_event (intake->store, result->message_row, dossier_id, GU_EVENT_REPLY_SUPPRESSED,
                                row->last_error, error);
}

/* The line of a bounce that says why, for the digest. */
static char *
bounce_diagnostic (const GuMessage *msg)
{
  const char *body = msg->body_text != NULL ? msg->body_text : "";
  const char *diag = strstr (body, "Diagnostic-Code:");
  const char *start = diag != NULL ? diag : body;
  while (*start == '\n' || *start == ' ')
    start++;
  gsize len = strcspn (start, "\n");
  g_autofree char *line = g_strndup (start, MIN (len, 200));
  return gu_text_one_line (line);
}

gboolean
gu_answer_match_bounce (GuIntake *intake, const GuMessage *msg, gint64 message_row, GError **error)
{
  if (!msg->is_bounce || msg->bounced_message_id == NULL)
    return TRUE;
  g_autofree char *diagnostic = bounce_diagnostic (msg);
  gint64 id;
  if (!gu_store_outbox_bounced (intake->store, msg->bounced_message_id, diagnostic, &id, error))
    return FALSE;
  if (id == 0)
    return TRUE;
  g_autofree char *detail = g_strdup_printf ("reply %s bounced: %s", msg->bounced_message_id, diagnostic);
  return gu_store_add_event (intake->store, message_row, 0, GU_EVENT_REPLY_BOUNCED, detail, error);
}
