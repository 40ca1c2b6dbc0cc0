#include "config.h"

#include <string.h>

#include "pipeline/answer.h"
#include "pipeline/dedupe.h"
#include "pipeline/filing.h"
#include "pipeline/intake-private.h"
#include "pipeline/links.h"
#include "isolate/isolate.h"
#include "util/address.h"
#include "util/error.h"
#include "util/hash.h"

GuIntake *
gu_intake_new (GuStore *store, const GuConfig *cfg, const GuCall *call, GuClassifier *classifier)
{
  GuIntake *intake = g_new0 (GuIntake, 1);
  intake->store = store;
  intake->cfg = cfg;
  intake->call = call;
  intake->classifier = classifier;
  intake->own_address = gu_address_of_mailbox (cfg->smtp_from);
  intake->parsers = gu_parser_pool_new (0, &cfg->limits);
  intake->prefetched = g_hash_table_new (NULL, NULL);
  intake->hashers = gu_work_queue_new (0);
  /* Filters are processes: a message's wait for them leaves its core to
   * another message's. */
  if (classifier != NULL)
    intake->classifiers = gu_work_queue_new (0);
  intake->parse_options = (GuParseOptions) {
    .own_address = intake->own_address,
    .staff_addresses = (const char *const *) cfg->staff_addresses,
    .staff_domains = (const char *const *) cfg->staff_domains,
    .trusted_authserv_id = cfg->staff_trusted_authserv_id,
    .staff_unauthenticated = !cfg->staff_require_authentication,
  };
  return intake;
}

GuStore *
gu_intake_store (const GuIntake *intake)
{
  return intake->store;
}

void
gu_intake_free (GuIntake *intake)
{
  if (intake == NULL)
    return;
  gu_intake_forget_prefetched (intake);
  g_hash_table_unref (intake->prefetched);
  gu_work_queue_free (intake->hashers);
  gu_work_queue_free (intake->classifiers);
  gu_parser_pool_free (intake->parsers);
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

/* A message handed to the workers ahead of its turn: the job parsing it
 * meanwhile, and its hash, computed meanwhile on a thread of
 * intake->hashers. */
typedef struct {
  GBytes *raw;      /* referenced: its address is the key, and must not be reused */
  GuParseJob *job;  /* NULL when the message is not to be parsed (too large) */
  GuWorkQueue *hashers;  /* borrowed */
  gint hashed;           /* set by the hasher once raw_sha256 is written */
  char raw_sha256[GU_SHA256_HEX_LEN + 1];
} Prefetched;

/* On a hasher's thread: reads p->raw, writes p->raw_sha256. */
static void
hash_prefetched (gpointer data)
{
  Prefetched *p = data;
  gsize len;
  const char *bytes = g_bytes_get_data (p->raw, &len);
  gu_sha256_hex (bytes != NULL ? bytes : "", len, p->raw_sha256);
  g_atomic_int_set (&p->hashed, 1);
}

static void
prefetched_free (Prefetched *p)
{
  gu_work_queue_wait_for (p->hashers, &p->hashed); /* the hasher reads p */
  g_bytes_unref (p->raw);
  g_free (p);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Prefetched, prefetched_free)

void
gu_intake_prefetch (GuIntake *intake, GBytes *raw)
{
  if (g_hash_table_contains (intake->prefetched, raw))
    return;
  Prefetched *p = g_new0 (Prefetched, 1);
  p->raw = g_bytes_ref (raw);
  /* The worker parses it before its hash is known: the hash is given
   * to the job's finish (gu_parse_job_finish). */
  if (g_bytes_get_size (raw) <= intake->cfg->limits.max_message_bytes)
    p->job = gu_parser_pool_submit (intake->parsers, raw, NULL, &intake->parse_options);
  p->hashers = intake->hashers;
  gu_work_queue_push (intake->hashers, hash_prefetched, p, NULL);
  g_hash_table_insert (intake->prefetched, raw, p);
}

/* Takes raw's prefetched entry out of the table, or NULL. Free it with
 * prefetched_free; its job is the caller's to finish. */
static Prefetched *
take_prefetched (GuIntake *intake, GBytes *raw)
{
  gpointer value = NULL;
  if (!g_hash_table_steal_extended (intake->prefetched, raw, NULL, &value))
    return NULL;
  return value;
}

/* Parsing, sniffing and unpacking happen in a walled worker process
 * (src/isolate): what comes back is distrusted there. Filters are slow:
 * they run before the transaction takes the database's write lock, never
 * inside it. NULL with error when no worker could take the message (it
 * stays where it is, to be tried again). */
static GuMessage *
parse_stage (GuIntake *intake, GBytes *raw, const char *raw_sha256, GuParseJob *job, GError **error)
{
  if (g_bytes_get_size (raw) > intake->cfg->limits.max_message_bytes)
    return oversized_message (raw, raw_sha256, intake->cfg->limits.max_message_bytes);
  if (job == NULL)
    job = gu_parser_pool_submit (intake->parsers, raw, raw_sha256, &intake->parse_options);
  return gu_parse_job_finish (intake->parsers, job, raw_sha256, error);
}

/* TRUE when msg's documents are to be classified: a parsed message from
 * a person (auto-replies and bounces carry no pieces). */
static gboolean
wants_classifying (const GuIntake *intake, const GuMessage *msg)
{
  return msg->parse_error == NULL && intake->classifier != NULL && msg->role != GU_ROLE_AUTOMATIC;
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

/* Pieces that arrive before the window or after the deadline are kept
 * and shown as early or late; they never complete a dossier
 * (doc/ARCHITECTURE.md). */
static void
flag_documents_outside_window (GuIntake *intake, GuMessage *msg, const GuReceipt *receipt)
{
  GuWindowPosition pos = gu_call_window_position (intake->call, receipt->received_at);
  if (pos == GU_WINDOW_ON_TIME)
    return;
  for (guint i = 0; i < msg->documents->len; i++)
    ((GuDocument *) g_ptr_array_index (msg->documents, i))->flags |= pos == GU_WINDOW_LATE ? GU_DOC_LATE
                                                                                          : GU_DOC_EARLY;
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

/* Each per-message budget that ran out (unpack, classify) is said in
 * the dossier's events, and so in `show`; the digest counts them. */
static gboolean
note_overruns (GuIntake *intake, const GuMessage *msg, gint64 row, const GuIntakeResult *result,
               GError **error)
{
  gint64 dossier = result->dossier != NULL ? result->dossier->id : 0;
  for (guint i = 0; i < msg->overruns->len; i++)
    if (!gu_store_add_event (intake->store, row, dossier, GU_EVENT_BUDGET_EXCEEDED,
                             g_ptr_array_index (msg->overruns, i), error))
      return FALSE;
  return TRUE;
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
  flag_documents_outside_window (intake, msg, receipt);
  if (!gu_store_message_id_known (intake->store, msg->message_id, &reused, error)
      || !gu_store_insert_message (intake->store, msg, receipt, outcome, msg->parse_error, content_key, &row,
                                   error)
      || !gu_store_insert_documents (intake->store, row, msg, error)
      || !gu_links_record (intake, msg, row, error)
      || !gu_store_add_event (intake->store, row, 0, event_kind (msg, reused), msg->parse_error, error))
    return FALSE;
  result->message_row = row;
  result->outcome = outcome;
  if (outcome == GU_OUTCOME_STORED)
    return gu_filing_file_message (intake, msg, receipt, row, result, error)
           && note_sender (intake, msg, row, result, error)
           && note_truncated (intake, msg, row, result, error)
           && note_overruns (intake, msg, row, result, error)
           && gu_answer_message (intake, msg, receipt, result, error);
  return note_sender (intake, msg, row, result, error) && note_truncated (intake, msg, row, result, error)
         && note_overruns (intake, msg, row, result, error)
         && gu_answer_match_bounce (intake, msg, row, error);
}

/* raw's content key into key, unless it is there already. */
static void
content_key_of (GBytes *raw, char key[65])
{
  if (key[0] != '\0')
    return;
  gsize len;
  const char *data = g_bytes_get_data (raw, &len);
  gu_dedupe_content_key (data != NULL ? data : "", len, key);
}

/* The content key of a stored message, computed from its raw blob and
 * recorded the first time one is needed. FALSE with *known FALSE when its
 * blob is gone (purged): it cannot be compared. */
static gboolean
stored_content_key (GuIntake *intake, GuStoredKey *k, gboolean *known, GError **error)
{
  *known = TRUE;
  if (k->content_key[0] != '\0')
    return TRUE;
  GError *local = NULL;
  g_autoptr (GBytes) raw = gu_store_get_blob (intake->store, k->raw_sha256, &local);
  if (raw == NULL)
    {
      *known = FALSE;
      if (g_error_matches (local, GU_ERROR, GU_ERROR_NOT_FOUND))
        {
          g_error_free (local);
          return TRUE;
        }
      g_propagate_error (error, local);
      return FALSE;
    }
  char key[GU_SHA256_HEX_LEN + 1] = "";
  content_key_of (raw, key);
  g_free (k->content_key);
  k->content_key = g_strdup (key);
  return gu_store_set_content_key (intake->store, k->row, key, error);
}

/* The same mail delivered again by another route (rule 7): a stored
 * message with the same Message-ID and sender and the same content key.
 * Keys are computed only here, for the rare message that has such a
 * namesake: every other message's bytes are hashed once. */
static gboolean
is_content_duplicate (GuIntake *intake, const GuMessage *msg, GBytes *raw, char content_key[65],
                      gboolean *duplicate, GError **error)
{
  *duplicate = FALSE;
  if (msg->parse_error != NULL || msg->message_id_derived)
    return TRUE;
  g_autoptr (GPtrArray) same = gu_store_messages_by_id (intake->store, msg->message_id, msg->from_addr, error);
  if (same == NULL)
    return FALSE;
  for (guint i = 0; i < same->len && !*duplicate; i++)
    {
      GuStoredKey *k = g_ptr_array_index (same, i);
      gboolean known;
      if (!stored_content_key (intake, k, &known, error))
        return FALSE;
      content_key_of (raw, content_key);
      *duplicate = known && strcmp (k->content_key, content_key) == 0;
    }
  return TRUE;
}

/* Inside the transaction: the same bytes, or the same mail re-delivered,
 * stored by another process while we parsed, or earlier in this batch. */
static gboolean
is_duplicate (GuIntake *intake, const GuMessage *msg, GBytes *raw, char content_key[65], gboolean *duplicate,
              GError **error)
{
  gint64 existing;
  if (!gu_store_find_message_by_raw (intake->store, msg->raw_sha256, &existing, error))
    return FALSE;
  *duplicate = existing != 0;
  return *duplicate || is_content_duplicate (intake, msg, raw, content_key, duplicate, error);
}

/* The one transaction of doc/ARCHITECTURE.md's crash-safety rule 2.
 * content_key is filled in when the duplicate check needs it. */
static gboolean
store_message (GuIntake *intake, GuMessage *msg, GBytes *raw, const GuReceipt *receipt, char content_key[65],
               GuIntakeResult *result, GError **error)
{
  if (!gu_store_begin (intake->store, error))
    return FALSE;
  gboolean duplicate = FALSE;
  gboolean ok = is_duplicate (intake, msg, raw, content_key, &duplicate, error);
  if (ok && duplicate)
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

/* Hashes raw, or takes its hash and its parse job from its prefetch. */
static GuParseJob *
hash_or_prefetched (GuIntake *intake, GBytes *raw, char raw_sha[65])
{
  g_autoptr (Prefetched) p = take_prefetched (intake, raw);
  if (p != NULL)
    {
      gu_work_queue_wait_for (p->hashers, &p->hashed);
      memcpy (raw_sha, p->raw_sha256, 65);
      return p->job;
    }
  gsize len;
  const char *data = g_bytes_get_data (raw, &len);
  gu_sha256_hex (data != NULL ? data : "", len, raw_sha);
  return NULL;
}

/* A prefetched job whose message turned out a duplicate: its answer is
 * not needed, only its end. */
static void
discard_job (GuIntake *intake, GuParseJob *job)
{
  if (job == NULL)
    return;
  g_autoptr (GError) ignored = NULL;
  gu_message_free (gu_parse_job_finish (intake->parsers, job, NULL, &ignored));
}

void
gu_intake_forget_prefetched (GuIntake *intake)
{
  GHashTableIter it;
  gpointer value;
  g_hash_table_iter_init (&it, intake->prefetched);
  while (g_hash_table_iter_next (&it, NULL, &value))
    {
      Prefetched *p = value;
      discard_job (intake, p->job);
      prefetched_free (p);
      g_hash_table_iter_remove (&it);
    }
}

/* A prepared message. Its classification may still be running on a
 * thread of intake->classifiers: nothing reads msg before classified is
 * set. */
struct GuIntakeItem {
  GuMessage *msg;
  GBytes *raw;              /* for its content key, should the duplicate check need it */
  char content_key[GU_SHA256_HEX_LEN + 1]; /* "" until then */
  GuClassifier *classifier; /* borrowed */
  GuWorkQueue *classifiers; /* borrowed; NULL when not classified on it */
  gint classified;
};

/* On a classifier thread. */
static void
classify_item (gpointer data)
{
  GuIntakeItem *item = data;
  gu_classify_message (item->classifier, item->msg);
  g_atomic_int_set (&item->classified, 1);
}

static void
wait_classified (GuIntakeItem *item)
{
  if (item->classifiers != NULL)
    gu_work_queue_wait_for (item->classifiers, &item->classified);
}

void
gu_intake_item_free (GuIntakeItem *item)
{
  if (item == NULL)
    return;
  wait_classified (item);
  gu_message_free (item->msg);
  g_bytes_unref (item->raw);
  g_free (item);
}

void
gu_intake_wait_prepared (GuIntake *intake)
{
  if (intake->classifiers != NULL)
    gu_work_queue_wait (intake->classifiers);
}

gboolean
gu_intake_prepare (GuIntake *intake, GBytes *raw, GuIntakeItem **item, GuIntakeResult *result,
                   GError **error)
{
  *item = NULL;
  *result = (GuIntakeResult) { 0 };
  /* Hashed once: the duplicate check, the blob and the message share it. */
  char raw_sha[65];
  GuParseJob *job = hash_or_prefetched (intake, raw, raw_sha);
  gint64 existing;
  char stored_sha[65];
  if (!gu_store_find_message_by_raw (intake->store, raw_sha, &existing, error)
      || (existing == 0 && !gu_store_put_blob (intake->store, raw, raw_sha, stored_sha, error)))
    {
      discard_job (intake, job);
      return FALSE;
    }
  if (existing != 0)
    {
      discard_job (intake, job);
      result->outcome = GU_OUTCOME_DUPLICATE;
      return TRUE;
    }
  g_autoptr (GuMessage) msg = parse_stage (intake, raw, raw_sha, job, error);
  if (msg == NULL || !store_document_blobs (intake, msg, error))
    return FALSE;
  GuIntakeItem *it = g_new0 (GuIntakeItem, 1);
  it->raw = g_bytes_ref (raw);
  it->msg = g_steal_pointer (&msg);
  if (wants_classifying (intake, it->msg))
    {
      it->classifier = intake->classifier;
      it->classifiers = intake->classifiers;
      gu_work_queue_push (intake->classifiers, classify_item, it, NULL);
    }
  *item = it;
  return TRUE;
}

gboolean
gu_intake_record (GuIntake *intake, GuIntakeItem *item, const GuReceipt *receipt, GuIntakeResult *result,
                  GError **error)
{
  *result = (GuIntakeResult) { 0 };
  wait_classified (item);
  return store_message (intake, item->msg, item->raw, receipt, item->content_key, result, error);
}

gboolean
gu_intake_process (GuIntake *intake, GBytes *raw, const GuReceipt *receipt, GuIntakeResult *result,
                   GError **error)
{
  g_autoptr (GuIntakeItem) item = NULL;
  if (!gu_intake_prepare (intake, raw, &item, result, error))
    return FALSE;
  return item == NULL || gu_intake_record (intake, item, receipt, result, error);
}
