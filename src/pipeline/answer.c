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
  /* Someone else's documents went to the dossier by its reference: they
   * get a receipt that says so, and nothing of the dossier's contents. */
  if (gu_dossier_from_other_sender (intake->call, msg, result->dossier))
    return *kind = GU_REPLY_OTHER_SENDER_RECEIPT, TRUE;
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
    /* The first message inside the window of a dossier opened early is,
     * for the applicant, their application: a full acknowledgement. */
    *kind = result->dossier_created || result->previous_status == GU_STATUS_EARLY ? GU_REPLY_ACK_NEW
                                                                                   : GU_REPLY_ACK_UPDATE;
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
suppression_reason (const GuMailer *m, const char *to, const char *at, char **reason, GError **error)
{
  *reason = NULL;
  if (to == NULL || *to == '\0' || strchr (to, '@') == NULL)
    return *reason = g_strdup ("no address to answer"), TRUE;
  g_autofree char *own_address = gu_address_of_mailbox (m->cfg->smtp_from);
  if (own_address != NULL && g_ascii_strcasecmp (to, own_address) == 0)
    return *reason = g_strdup ("our own address"), TRUE;
  const GuConfig *cfg = m->cfg;
  g_autoptr (GDateTime) t = g_date_time_new_from_iso8601 (at, NULL);
  g_autoptr (GDateTime) day = g_date_time_add_days (t, -1);
  g_autoptr (GDateTime) window = g_date_time_add_minutes (t, -cfg->smtp_reply_window_minutes);
  g_autofree char *day_text = gu_store_time_text (day);
  g_autofree char *window_text = gu_store_time_text (window);
  gint64 in_day, in_window;
  if (!gu_store_replies_since (m->store, to, day_text, &in_day, error)
      || !gu_store_replies_since (m->store, to, window_text, &in_window, error))
    return FALSE;
  if (in_day >= cfg->smtp_max_replies_per_address_per_day)
    *reason = g_strdup_printf ("daily cap of %d replies to %s reached", cfg->smtp_max_replies_per_address_per_day,
                               to);
  else if (in_window >= cfg->smtp_max_replies_per_window)
    *reason = g_strdup_printf ("%d replies to %s in %d minutes already", cfg->smtp_max_replies_per_window, to,
                               cfg->smtp_reply_window_minutes);
  return TRUE;
}

/* The parked letter a staff answer filed, for its receipt. */
static gboolean
load_filed_letter (GuIntake *intake, gint64 row, GuStoredMessage *m, GPtrArray **documents, GDateTime **at,
                   GError **error)
{
  if (!gu_store_message_get (intake->store, row, NULL, NULL, m, error))
    return FALSE;
  *documents = gu_store_message_documents (intake->store, row, error);
  *at = m->received_at != NULL ? g_date_time_new_from_iso8601 (m->received_at, NULL) : NULL;
  return *documents != NULL;
}

/* Composes ctx into row (its raw_sha256 and subject), or records in
 * row->last_error why it could not be: a reply that cannot be written
 * (a broken template, an address we cannot answer) must never hold the
 * message back; it is recorded as suppressed, with the reason, for the
 * admin to see. */
gboolean
gu_answer_compose_row (const GuMailer *m, const GuReplyContext *ctx, GuOutboxRow *row, GError **error)
{
  GError *local = NULL;
  g_autoptr (GBytes) bytes = gu_reply_compose (ctx, &row->subject, &local);
  if (bytes == NULL)
    {
      g_warning ("%s to %s not composed: %s", gu_reply_kind_to_string (ctx->kind), row->recipient, local->message);
      row->last_error = g_strdup_printf ("could not compose the reply: %s", local->message);
      g_error_free (local);
      return TRUE;
    }
  char sha[65];
  if (!gu_store_put_blob (m->store, bytes, NULL, sha, error))
    return FALSE;
  row->raw_sha256 = g_strdup (sha);
  return TRUE;
}

static GuMailer
mailer_of (GuIntake *intake)
{
  return (GuMailer) { intake->store, intake->cfg, intake->call };
}

static gboolean
compose_into (GuIntake *intake, const GuMessage *msg, const GuReceipt *receipt, GuIntakeResult *result,
              GuReplyKind kind, gboolean applicant_told, GuOutboxRow *row, GError **error)
{
  g_autoptr (GPtrArray) missing = g_ptr_array_new ();
  if (result->dossier != NULL)
    gu_dossier_status (intake->call, result->dossier, missing);
  GuStoredMessage filed = { 0 };
  g_autoptr (GPtrArray) filed_documents = NULL;
  g_autoptr (GDateTime) filed_at = NULL;
  if (result->filed_row != 0 && !load_filed_letter (intake, result->filed_row, &filed, &filed_documents, &filed_at,
                                                    error))
    return gu_stored_message_clear (&filed), FALSE;
  GuReplyContext ctx = {
    .kind = kind, .call = intake->call, .message = msg, .received_at = receipt->received_at,
    .dossier = result->dossier, .missing = missing, .from = intake->cfg->smtp_from, .to = row->recipient,
    .message_id = row->smtp_message_id, .templates_dir = intake->call->templates_dir,
    .filed_subject = filed.subject, .filed_received_at = filed_at, .filed_documents = filed_documents,
    .applicant_told = applicant_told,
    .max_message_bytes = intake->cfg->limits.max_message_bytes,
  };
  GuMailer m = mailer_of (intake);
  gboolean ok = gu_answer_compose_row (&m, &ctx, row, error);
  gu_stored_message_clear (&filed);
  return ok;
}

GuOutboxRow *
gu_answer_new_row (const GuMailer *m, GuReplyKind kind, const char *key, const char *recipient, const char *at,
                   GError **error)
{
  g_autoptr (GuOutboxRow) row = g_new0 (GuOutboxRow, 1);
  row->dedupe_key = g_strdup (key);
  row->kind = kind;
  row->recipient = gu_text_one_line (recipient);
  row->smtp_message_id = gu_answer_message_id (key, m->cfg->smtp_from);
  if (!suppression_reason (m, row->recipient, at, &row->last_error, error))
    return NULL;
  return g_steal_pointer (&row);
}

gboolean
gu_answer_queue_row (const GuMailer *m, GuOutboxRow *row, const char *at, gint64 message_row, gint64 dossier_id,
                     gint64 *outbox_id, GError **error)
{
  gint64 id;
  if (outbox_id == NULL)
    outbox_id = &id;
  if (row->raw_sha256 != NULL && !gu_store_reply_counted (m->store, row->recipient, at, error))
    return FALSE;
  if (row->subject == NULL)
    row->subject = g_strdup ("");
  if (!gu_store_outbox_add (m->store, row, message_row, dossier_id, outbox_id, error))
    return FALSE;
  return row->last_error == NULL
         || gu_store_add_event (m->store, message_row, dossier_id, GU_EVENT_REPLY_SUPPRESSED, row->last_error,
                                error);
}

/* Who wrote the letter staff forwarded inline: the name written before
 * the address, else the address; NULL when the body forwards nothing
 * inline, or forwards the applicant's own mail. Newly allocated. */
static char *
letter_author (const char *body, const GuDossier *d)
{
  g_autofree char *name = NULL, *address = NULL;
  if (!gu_dossier_forwarded_author (body, &name, &address))
    return NULL;
  if (address != NULL && d->applicant != NULL && g_ascii_strcasecmp (address, d->applicant) == 0)
    return NULL;
  return name != NULL ? g_steal_pointer (&name) : g_steal_pointer (&address);
}

static guint
count_shown (GPtrArray *documents)
{
  guint n = 0;
  for (guint i = 0; i < documents->len; i++)
    if (gu_doc_is_shown (((GuDossierDocument *) g_ptr_array_index (documents, i))->flags))
      n++;
  return n;
}

/* The documents of stored message row, added to those in *docs (a new
 * array when NULL), and who wrote the letter it forwards (unless
 * *author is known already). */
static gboolean
add_letter (const GuMailer *m, gint64 row, const GuDossier *d, GPtrArray **docs, char **author, GError **error)
{
  GuStoredMessage letter;
  if (!gu_store_message_get (m->store, row, NULL, NULL, &letter, error))
    return FALSE;
  if (*author == NULL)
    *author = letter_author (letter.body_text, d);
  gu_stored_message_clear (&letter);
  GPtrArray *more = gu_store_message_documents (m->store, row, error);
  if (more == NULL)
    return FALSE;
  if (*docs == NULL)
    *docs = more;
  else
    g_ptr_array_extend_and_steal (*docs, more);
  return TRUE;
}

/* The applicant-notice of what staff (other_sender NULL), or another
 * sender (who, as shown), filed in d: the documents of the stored
 * messages rows (0-terminated), as received at received_at; *notice is
 * NULL when none is due (staff's with [staff] notify_applicant false,
 * or nothing to show). The row is keyed key and not queued yet. */
static gboolean
prepare_notice (const GuMailer *m, const GuDossier *d, const gint64 *rows, const char *key, GDateTime *received_at,
                const char *at, const char *other_sender, GuOutboxRow **notice, GError **error)
{
  *notice = NULL;
  if (d == NULL || m->cfg->smtp_from == NULL || (other_sender == NULL && !m->cfg->staff_notify_applicant))
    return TRUE;
  g_autofree char *author = g_strdup (other_sender);
  g_autoptr (GPtrArray) docs = NULL;
  for (const gint64 *r = rows; *r != 0; r++)
    if (!add_letter (m, *r, d, &docs, &author, error))
      return FALSE;
  if (docs == NULL || count_shown (docs) == 0)
    return TRUE;
  g_autoptr (GuOutboxRow) row = gu_answer_new_row (m, GU_REPLY_APPLICANT_NOTICE, key, d->applicant, at, error);
  g_autofree char *follows = NULL;
  if (row == NULL || (row->last_error == NULL
                      && !gu_store_outbox_last_to (m->store, d->id, row->recipient, &follows, error)))
    return FALSE;
  if (row->last_error == NULL)
    {
      g_autoptr (GPtrArray) missing = g_ptr_array_new ();
      gu_dossier_status (m->call, d, missing);
      GuReplyContext ctx = {
        .kind = GU_REPLY_APPLICANT_NOTICE, .call = m->call, .received_at = received_at,
        .dossier = d, .missing = missing, .from = m->cfg->smtp_from, .to = row->recipient,
        .message_id = row->smtp_message_id, .templates_dir = m->call->templates_dir,
        .added_documents = docs, .added_by = author, .added_by_staff = other_sender == NULL, .follows_id = follows,
      };
      if (!gu_answer_compose_row (m, &ctx, row, error))
        return FALSE;
    }
  *notice = g_steal_pointer (&row);
  return TRUE;
}

gboolean
gu_answer_notify_filing (const GuMailer *m, gint64 message_row, const GuDossier *d, GDateTime *now,
                         GError **error)
{
  GuStoredMessage letter;
  if (!gu_store_message_get (m->store, message_row, NULL, NULL, &letter, error))
    return FALSE;
  gboolean staff = letter.row != 0 && letter.role == GU_ROLE_STAFF;
  g_autofree char *key = g_strdup_printf ("notice:%s:%s", letter.raw_sha256, d->reference);
  /* The notice says when the letter came; the rate limits count now. */
  g_autoptr (GDateTime) received = letter.received_at != NULL ? g_date_time_new_from_iso8601 (letter.received_at, NULL)
                                                              : NULL;
  gu_stored_message_clear (&letter);
  if (!staff)
    return TRUE;
  g_autofree char *at = gu_store_time_text (now);
  const gint64 rows[] = { message_row, 0 };
  g_autoptr (GuOutboxRow) notice = NULL;
  return prepare_notice (m, d, rows, key, received != NULL ? received : now, at, NULL, &notice, error)
         && (notice == NULL || gu_answer_queue_row (m, notice, at, message_row, d->id, NULL, error));
}

/* Who sent msg, as the applicant is told: "Name (address)", or the
 * address. Newly allocated. */
static char *
sender_shown (const GuMessage *msg)
{
  if (msg->from_name != NULL && *msg->from_name != '\0' && strchr (msg->from_name, '@') == NULL)
    return g_strdup_printf ("%s (%s)", msg->from_name, msg->from_addr);
  return g_strdup (msg->from_addr);
}

gboolean
gu_answer_message (GuIntake *intake, const GuMessage *msg, const GuReceipt *receipt,
                   GuIntakeResult *result, GError **error)
{
  if (intake->cfg->smtp_from == NULL)
    return TRUE;
  GuMailer m = mailer_of (intake);
  g_autofree char *at = gu_store_time_text (receipt->received_at);
  gint64 dossier_id = result->dossier != NULL ? result->dossier->id : 0;
  /* A staff letter in a dossier, or another sender's documents: its
   * applicant is told, and the receipt says so. */
  g_autoptr (GuOutboxRow) notice = NULL;
  g_autofree char *notice_key = g_strdup_printf ("notice:%s", msg->raw_sha256);
  const gint64 rows[] = { result->message_row, result->filed_row, 0 };
  g_autofree char *other = gu_dossier_from_other_sender (intake->call, msg, result->dossier)
                               ? sender_shown (msg) : NULL;
  if ((msg->role == GU_ROLE_STAFF || other != NULL)
      && !prepare_notice (&m, result->dossier, rows, notice_key, receipt->received_at, at, other, &notice, error))
    return FALSE;
  GuReplyKind kind;
  if (choose_kind (intake, msg, receipt, result, &kind))
    {
      g_autofree char *key = g_strdup_printf ("reply:%s", msg->raw_sha256);
      g_autoptr (GuOutboxRow) row = gu_answer_new_row (&m, kind, key, msg->reply_to != NULL ? msg->reply_to
                                                                                           : msg->from_addr, at, error);
      gboolean told = notice != NULL && notice->raw_sha256 != NULL;
      if (row == NULL
          || (row->last_error == NULL && !compose_into (intake, msg, receipt, result, kind, told, row, error))
          || !gu_answer_queue_row (&m, row, at, result->message_row, dossier_id, NULL, error))
        return FALSE;
    }
  return notice == NULL || gu_answer_queue_row (&m, notice, at, result->message_row, dossier_id, NULL, error);
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
