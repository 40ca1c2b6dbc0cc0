#include "config.h"

#include <string.h>

#include "dossier/dossier.h"
#include "pipeline/filing.h"
#include "pipeline/intake-private.h"
#include "util/error.h"

/* The reference may be in the subject or anywhere in the body. */
static char *
find_reference (const GuCall *call, const GuMessage *msg)
{
  char *ref = gu_dossier_find_reference (call, msg->subject);
  return ref != NULL ? ref : gu_dossier_find_reference (call, msg->body_text);
}

/* Asks the store what each matching rule needs to know. owner strings
 * are returned newly allocated for the caller to free. */
static gboolean
gather_facts (GuIntake *intake, const GuMessage *msg, GuMatchFacts *facts, char **ref_owner,
              char **thread_owner, GError **error)
{
  const char *call_id = intake->call->id;
  memset (facts, 0, sizeof *facts);
  g_autofree char *ref = find_reference (intake->call, msg);
  if (ref != NULL
      && !gu_store_dossier_by_reference (intake->store, call_id, ref, &facts->by_reference, ref_owner, error))
    return FALSE;
  g_autoptr (GPtrArray) ids = g_ptr_array_new ();
  if (msg->in_reply_to != NULL)
    g_ptr_array_add (ids, msg->in_reply_to);
  for (guint i = 0; i < msg->references->len; i++)
    g_ptr_array_add (ids, g_ptr_array_index (msg->references, i));
  g_ptr_array_add (ids, NULL);
  if (!gu_store_dossier_by_reply (intake->store, call_id, (const char *const *) ids->pdata, &facts->by_thread,
                                  thread_owner, error))
    return FALSE;
  facts->reference_owner = *ref_owner;
  facts->thread_owner = *thread_owner;
  return msg->from_addr == NULL
         || gu_store_dossiers_of_applicant (intake->store, call_id, msg->from_addr, &facts->sender_dossiers,
                                            &facts->sender_dossier, error);
}

static char *
reference_of (gint64 seq, gpointer call)
{
  return gu_dossier_format_reference (call, seq);
}

static gboolean
create_dossier (GuIntake *intake, const GuMessage *msg, const GuReceipt *receipt, gint64 *id, GError **error)
{
  g_autofree char *first = gu_store_time_text (receipt->received_at);
  g_autofree char *reference = NULL;
  return gu_store_dossier_create (intake->store, intake->call->id, reference_of, (gpointer) intake->call,
                                  msg->from_addr, msg->from_name, first, id, &reference, error)
         && gu_store_add_event (intake->store, 0, *id, GU_EVENT_DOSSIER_CREATED, reference, error);
}

/* A short account of what the message brought, for the event log. */
static char *
describe_filing (const char *rule, const GuMessage *msg)
{
  GString *s = g_string_new (NULL);
  g_string_append_printf (s, "matched by %s", rule);
  for (guint i = 0; i < msg->documents->len; i++)
    {
      const GuDocument *doc = g_ptr_array_index (msg->documents, i);
      if (doc->flags & GU_DOC_INLINE_IMAGE)
        continue;
      g_string_append_printf (s, "; %s [", doc->filename != NULL ? doc->filename : doc->sha256);
      for (guint k = 0; k < doc->pieces->len; k++)
        g_string_append_printf (s, "%s%s", k ? " " : "", ((GuPieceMatch *) g_ptr_array_index (doc->pieces, k))->key);
      g_string_append (s, doc->pieces->len ? "]" : "unclassified]");
    }
  return g_string_free (s, FALSE);
}

/* Applies what this message says of the applicant, then derives the
 * status again from every document of the dossier. The dossier, as it
 * now stands, goes to the result for the reply. */
static gboolean
refresh_dossier (GuIntake *intake, const GuMessage *msg, gint64 id, gboolean created,
                 GuIntakeResult *result, GError **error)
{
  GuApplicantInfo info = { 0 };
  /* A staff letter speaks of the applicant, not for them: its
   * "Organisme : …" lines are the Region's, and must not rename the
   * dossier's organisation. */
  if (msg->role != GU_ROLE_STAFF)
    gu_dossier_read_applicant (intake->call, msg, &info);
  const char *flags = !info.consortium ? NULL : info.lead_named ? "" : "consortium-without-lead";
  GuDossier *d = gu_store_dossier_load (intake->store, id, NULL, FALSE, error);
  gboolean ok = d != NULL;
  if (ok)
    {
      GuDossierStatus status = gu_dossier_status (intake->call, d, NULL);
      const char *org = info.organisation_stated || (created && d->organisation == NULL) ? info.organisation : NULL;
      ok = gu_store_dossier_update (intake->store, id, status, org, info.legal_category, flags, error);
      if (ok && !created && status != d->status)
        ok = gu_store_add_event (intake->store, 0, id, GU_EVENT_STATUS_CHANGED,
                                 gu_dossier_status_to_string (status), error);
      result->dossier_created = created;
      result->previous_status = d->status;
      d->status = status;
      result->dossier = d;
    }
  gu_applicant_info_clear (&info);
  return ok;
}

static gboolean
file_unmatched (GuIntake *intake, const GuMessage *msg, gint64 row, const GuMatch *m,
                GuIntakeResult *result, GError **error)
{
  result->outcome = msg->role == GU_ROLE_STAFF ? GU_OUTCOME_UNMATCHED : GU_OUTCOME_NO_DOSSIER;
  return gu_store_message_set_dossier (intake->store, row, 0, result->outcome, error)
         && (m->note == NULL || gu_store_add_event (intake->store, row, 0, GU_EVENT_NOT_FILED, m->note, error));
}

gboolean
gu_filing_file_message (GuIntake *intake, const GuMessage *msg, const GuReceipt *receipt,
                        gint64 row, GuIntakeResult *result, GError **error)
{
  GuMatchFacts facts;
  g_autofree char *ref_owner = NULL, *thread_owner = NULL;
  if (!gather_facts (intake, msg, &facts, &ref_owner, &thread_owner, error))
    return FALSE;
  /* A message cut short may have lost its documents with the part not
   * read: it is filed, so that the reply can tell the applicant. */
  gboolean has_documents = gu_dossier_message_has_documents (msg) || msg->truncated != NULL;
  GuMatch m = gu_dossier_match (msg, &facts, has_documents);
  g_autofree char *note = m.note;
  if (m.kind == GU_MATCH_NONE)
    return file_unmatched (intake, msg, row, &m, result, error);
  gint64 id = m.dossier_id;
  if (m.kind == GU_MATCH_NEW && !create_dossier (intake, msg, receipt, &id, error))
    return FALSE;
  g_autofree char *detail = describe_filing (m.rule, msg);
  result->outcome = GU_OUTCOME_DOSSIER;
  return gu_store_message_set_dossier (intake->store, row, id, GU_OUTCOME_DOSSIER, error)
         && gu_store_add_event (intake->store, row, id, GU_EVENT_FILED, detail, error)
         && (note == NULL || gu_store_add_event (intake->store, row, id, GU_EVENT_NOTE, note, error))
         && refresh_dossier (intake, msg, id, m.kind == GU_MATCH_NEW, result, error);
}
