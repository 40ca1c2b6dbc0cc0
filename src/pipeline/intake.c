#include "config.h"

#include <string.h>

#include "pipeline/answer.h"
#include "pipeline/dedupe.h"
#include "pipeline/filing.h"
#include "pipeline/intake-private.h"
#include "unpack/unpack.h"
#include "util/address.h"
#include "util/error.h"
#include "util/hash.h"
#include "util/sniff.h"

GuIntake *
gu_intake_new (GuStore *store, const GuConfig *cfg, const GuCall *call, GuClassifier *classifier)
{
  GuIntake *intake = g_new0 (GuIntake, 1);
  intake->store = store;
  intake->cfg = cfg;
  intake->call = call;
  intake->classifier = classifier;
  intake->own_address = gu_address_of_mailbox (cfg->smtp_from);
  intake->parse_options = (GuParseOptions) {
    .own_address = intake->own_address,
    .staff_addresses = (const char *const *) cfg->staff_addresses,
    .staff_domains = (const char *const *) cfg->staff_domains,
    .trusted_authserv_id = cfg->staff_trusted_authserv_id,
    .staff_unauthenticated = !cfg->staff_require_authentication,
  };
  return intake;
}

void
gu_intake_free (GuIntake *intake)
{
  if (intake == NULL)
    return;
  g_free (intake->own_address);
  g_free (intake);
}

void
gu_intake_result_clear (GuIntakeResult *result)
{
  g_clear_pointer (&result->dossier, gu_dossier_free);
  *result = (GuIntakeResult) { 0 };
}

char *
gu_intake_result_line (const GuIntakeResult *result)
{
  if (result->dossier != NULL)
    return g_strdup_printf ("%s %s", result->dossier->reference,
                            gu_dossier_status_to_string (result->dossier->status));
  return g_strdup_printf ("- %s", gu_outcome_to_string (result->outcome));
}

/* A message over the hard size limit is kept raw but not parsed: parsing
 * is where the cost (and the risk) is. */
static GuMessage *
oversized_message (GBytes *raw, const char *raw_sha256, guint64 limit)
{
  GuMessage *msg = gu_message_new ();
  msg->raw_sha256 = g_strdup (raw_sha256);
  msg->raw_size = g_bytes_get_size (raw);
  msg->message_id = g_strdup_printf ("%s@guichet.invalid", raw_sha256);
  msg->message_id_derived = TRUE;
  msg->parse_error = g_strdup_printf ("message too large: %" G_GSIZE_FORMAT " bytes, limit %" G_GUINT64_FORMAT,
                                      msg->raw_size, limit);
  return msg;
}

static void
sniff_documents (GuMessage *msg)
{
  for (guint i = 0; i < msg->documents->len; i++)
    {
      GuDocument *doc = g_ptr_array_index (msg->documents, i);
      if (doc->sniffed_type != NULL || doc->content == NULL)
        continue;
      gsize len;
      const void *data = g_bytes_get_data (doc->content, &len);
      doc->sniffed_type = gu_sniff_type (data, len);
    }
}

static GuMessage *
parse_stage (GuIntake *intake, GBytes *raw, const char *raw_sha256)
{
  if (g_bytes_get_size (raw) > intake->cfg->limits.max_message_bytes)
    return oversized_message (raw, raw_sha256, intake->cfg->limits.max_message_bytes);
  GuMessage *msg = gu_parse_message_hashed (raw, raw_sha256, &intake->parse_options);
  if (msg->parse_error == NULL)
    {
      sniff_documents (msg);
      gu_unpack_message (msg, &intake->cfg->limits);
      /* Filters are slow: they run before the transaction takes the
       * database's write lock, never inside it. */
      if (intake->classifier != NULL && msg->role != GU_ROLE_AUTOMATIC)
        gu_classify_message (intake->classifier, msg);
    }
  return msg;
}

static gboolean
store_document_blobs (GuIntake *intake, GuMessage *msg, GError **error)
{
  for (guint i = 0; i < msg->documents->len; i++)
    {
      GuDocument *doc = g_ptr_array_index (msg->documents, i);
      char sha[65];
      if (doc->content == NULL)
        {
          g_autoptr (GBytes) empty = g_bytes_new_static ("", 0);
          gu_document_set_content (doc, empty);
        }
      if (!gu_store_put_blob (intake->store, doc->content, doc->sha256, sha, error))
        return FALSE;
    }
  return TRUE;
}

static GuOutcome
choose_outcome (const GuMessage *msg)
{
  if (msg->parse_error != NULL)
    return GU_OUTCOME_QUARANTINED;
  if (msg->role == GU_ROLE_AUTOMATIC)
    return GU_OUTCOME_AUTOMATIC;
  return GU_OUTCOME_STORED;  /* until filing says more */
}

/* Pieces that arrive after the deadline are kept and shown as late; they
 * never complete a dossier (doc/ARCHITECTURE.md). */
static void
flag_late_documents (GuIntake *intake, GuMessage *msg, const GuReceipt *receipt)
{
  if (gu_call_window_position (intake->call, receipt->received_at) != GU_WINDOW_LATE)
    return;
  for (guint i = 0; i < msg->documents->len; i++)
    ((GuDocument *) g_ptr_array_index (msg->documents, i))->flags |= GU_DOC_LATE;
}

static GuEventKind
event_kind (const GuMessage *msg, gboolean reused_id)
{
  if (msg->parse_error != NULL)
    return GU_EVENT_QUARANTINED;
  if (msg->documents->len == 0 && (msg->body_text == NULL || *msg->body_text == '\0'))
    return GU_EVENT_EMPTY_MESSAGE;
  return reused_id ? GU_EVENT_RECEIVED_REUSED_ID : GU_EVENT_RECEIVED;
}

/* A sender recovered from a broken From, or none at all: said in the
 * dossier's events (and so in `show`), or in an event the digest lists
 * as needing a person. from_raw has no control characters (parse). */
static gboolean
note_sender (GuIntake *intake, const GuMessage *msg, gint64 row, const GuIntakeResult *result,
             GError **error)
{
  g_autofree char *raw = msg->from_raw != NULL ? g_strdup_printf ("\"%s\"", msg->from_raw)
                                               : g_strdup ("absent");
  if (msg->no_usable_sender)
    {
      g_autofree char *detail = g_strdup_printf (
        "no usable sender: raw From was %s; no address in Sender, Reply-To or Return-Path", raw);
      return gu_store_add_event (intake->store, row, 0, GU_EVENT_SET_ASIDE, detail, error);
    }
  if (msg->from_recovered == NULL)
    return TRUE;
  g_autofree char *detail = g_strdup_printf ("sender %s recovered from %s: raw From was %s",
                                             msg->from_addr, msg->from_recovered, raw);
  gint64 dossier = result->dossier != NULL ? result->dossier->id : 0;
  return gu_store_add_event (intake->store, row, dossier, GU_EVENT_SENDER_RECOVERED, detail, error);
}

/* A part of the message that was not read (parse: nesting too deep) is
 * said in the dossier's events, and so in `show`; the reply says it too. */
static gboolean
note_truncated (GuIntake *intake, const GuMessage *msg, gint64 row, const GuIntakeResult *result,
                GError **error)
{
  if (msg->truncated == NULL)
    return TRUE;
  gint64 dossier = result->dossier != NULL ? result->dossier->id : 0;
  return gu_store_add_event (intake->store, row, dossier, GU_EVENT_TRUNCATED, msg->truncated, error);
}

/* Inserts the message row, its documents and its first event; then
 * files it, or, when it goes to no dossier, notes what it says. */
static gboolean
record_message (GuIntake *intake, GuMessage *msg, const GuReceipt *receipt, const char *content_key,
                GuIntakeResult *result, GError **error)
{
  gboolean reused;
  gint64 row;
  GuOutcome outcome = choose_outcome (msg);
  flag_late_documents (intake, msg, receipt);
  if (!gu_store_message_id_known (intake->store, msg->message_id, &reused, error)
      || !gu_store_insert_message (intake->store, msg, receipt, outcome, msg->parse_error, content_key, &row,
                                   error)
      || !gu_store_insert_documents (intake->store, row, msg, error)
      || !gu_store_add_event (intake->store, row, 0, event_kind (msg, reused), msg->parse_error, error))
    return FALSE;
  result->message_row = row;
  result->outcome = outcome;
  if (outcome == GU_OUTCOME_STORED)
    return gu_filing_file_message (intake, msg, receipt, row, result, error)
           && note_sender (intake, msg, row, result, error)
           && note_truncated (intake, msg, row, result, error)
           && gu_answer_message (intake, msg, receipt, result, error);
  return note_sender (intake, msg, row, result, error) && note_truncated (intake, msg, row, result, error)
         && gu_answer_match_bounce (intake, msg, row, error);
}

/* The one transaction of doc/ARCHITECTURE.md's crash-safety rule 2. */
static gboolean
store_message (GuIntake *intake, GuMessage *msg, const GuReceipt *receipt, const char *content_key,
               GuIntakeResult *result, GError **error)
{
  if (!gu_store_begin (intake->store, error))
    return FALSE;
  /* Another process may have stored the same bytes while we parsed. */
  gint64 existing;
  gboolean ok = gu_store_find_message_by_raw (intake->store, msg->raw_sha256, &existing, error);
  if (ok && existing != 0)
    {
      gu_store_rollback (intake->store);
      result->outcome = GU_OUTCOME_DUPLICATE;
      return TRUE;
    }
  if (!ok || !record_message (intake, msg, receipt, content_key, result, error)
      || !gu_store_commit (intake->store, error))
    {
      gu_store_rollback (intake->store);
      gu_intake_result_clear (result);
      return FALSE;
    }
  return TRUE;
}

static gboolean
is_content_duplicate (GuIntake *intake, const GuMessage *msg, const char *content_key,
                      gboolean *duplicate, GError **error)
{
  *duplicate = FALSE;
  if (msg->parse_error != NULL || msg->message_id_derived)
    return TRUE;
  gint64 found;
  if (!gu_store_find_message_by_content (intake->store, msg->message_id, msg->from_addr, content_key,
                                         &found, error))
    return FALSE;
  *duplicate = found > 0;
  return TRUE;
}

gboolean
gu_intake_process (GuIntake *intake, GBytes *raw, const GuReceipt *receipt, GuIntakeResult *result,
                   GError **error)
{
  *result = (GuIntakeResult) { 0 };
  gsize len;
  const void *data = g_bytes_get_data (raw, &len);
  /* Hashed once: the duplicate check, the blob and the message share it. */
  char raw_sha[65];
  gu_sha256_hex (data != NULL ? data : "", len, raw_sha);
  gint64 existing;
  if (!gu_store_find_message_by_raw (intake->store, raw_sha, &existing, error))
    return FALSE;
  if (existing != 0)
    {
      result->outcome = GU_OUTCOME_DUPLICATE;
      return TRUE;
    }
  char stored_sha[65];
  if (!gu_store_put_blob (intake->store, raw, raw_sha, stored_sha, error))
    return FALSE;
  g_autoptr (GuMessage) msg = parse_stage (intake, raw, raw_sha);
  char content_key[65];
  gu_dedupe_content_key (data != NULL ? data : "", len, content_key);
  gboolean duplicate;
  if (!is_content_duplicate (intake, msg, content_key, &duplicate, error))
    return FALSE;
  if (duplicate)
    {
      result->outcome = GU_OUTCOME_DUPLICATE;
      return TRUE;
    }
  if (!store_document_blobs (intake, msg, error))
    return FALSE;
  return store_message (intake, msg, receipt, content_key, result, error);
}
