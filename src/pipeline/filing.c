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

/* The message ids a message answers: In-Reply-To, then References,
 * NULL-terminated, borrowed from msg. */
static GPtrArray *
answered_ids (const GuMessage *msg)
{
  GPtrArray *ids = g_ptr_array_new ();
  if (msg->in_reply_to != NULL)
    g_ptr_array_add (ids, msg->in_reply_to);
  for (guint i = 0; i < msg->references->len; i++)
    g_ptr_array_add (ids, g_ptr_array_index (msg->references, i));
  g_ptr_array_add (ids, NULL);
  return ids;
}

/* A staff letter naming no reference: the author of the letter it
 * forwards, when that address is the applicant of exactly one dossier. */
static gboolean
find_by_author (GuIntake *intake, const GuMessage *msg, gint64 *id, char **evidence, GError **error)
{
  g_autoptr (GPtrArray) authors = gu_dossier_forwarded_authors (msg->body_text);
  for (guint i = 0; i < authors->len && *id == 0; i++)
    {
      const char *author = g_ptr_array_index (authors, i);
      guint count;
      gint64 one;
      if (g_ascii_strcasecmp (author, msg->from_addr != NULL ? msg->from_addr : "") == 0)
        continue;
      if (!gu_store_dossiers_of_applicant (intake->store, intake->call->id, author, &count, &one, error))
        return FALSE;
      if (count == 1)
        *id = one, *evidence = g_strdup_printf ("the forwarded letter is from %s", author);
    }
  return TRUE;
}

/* …else the organisation its subject or text names, when exactly one
 * dossier's is named (doc/ARCHITECTURE.md). */
static gboolean
find_by_organisation (GuIntake *intake, const GuMessage *msg, gint64 *id, char **evidence, GError **error)
{
  g_autoptr (GPtrArray) names = gu_store_dossier_organisations (intake->store, intake->call->id, error);
  if (names == NULL)
    return FALSE;
  g_autofree char *text = g_strconcat (msg->subject != NULL ? msg->subject : "", "\n",
                                       msg->body_text != NULL ? msg->body_text : "", NULL);
  g_autofree char *text_key = gu_dossier_organisation_key (intake->call, text);
  const GuDossierName *found = NULL;
  guint matches = 0;
  for (guint i = 0; i < names->len; i++)
    {
      const GuDossierName *n = g_ptr_array_index (names, i);
      g_autofree char *key = gu_dossier_organisation_key (intake->call, n->organisation);
      if (gu_dossier_text_names (text_key, key))
        found = n, matches++;
    }
  if (matches == 1)
    {
      *id = found->id;
      *evidence = g_strdup_printf ("the letter names \"%s\", the organisation of %s", found->organisation,
                                   found->reference);
    }
  return TRUE;
}

/* Asks the store what each matching rule needs to know. owner strings
 * are returned newly allocated for the caller to free, and so is
 * *evidence (why a staff letter was filed by author or organisation). */
static gboolean
gather_facts (GuIntake *intake, const GuMessage *msg, GuMatchFacts *facts, char **ref_owner,
              char **thread_owner, char **evidence, GError **error)
{
  const char *call_id = intake->call->id;
  memset (facts, 0, sizeof *facts);
  g_autofree char *ref = find_reference (intake->call, msg);
  if (ref != NULL
      && !gu_store_dossier_by_reference (intake->store, call_id, ref, &facts->by_reference, ref_owner, error))
    return FALSE;
  g_autoptr (GPtrArray) ids = answered_ids (msg);
  if (!gu_store_dossier_by_reply (intake->store, call_id, (const char *const *) ids->pdata, &facts->by_thread,
                                  thread_owner, error))
    return FALSE;
  facts->reference_owner = *ref_owner;
  facts->thread_owner = *thread_owner;
  /* A colleague: the same organisation's domain as the dossier's applicant. */
  facts->reference_colleague = gu_dossier_same_organisation (intake->call, msg->from_addr, *ref_owner);
  facts->thread_colleague = gu_dossier_same_organisation (intake->call, msg->from_addr, *thread_owner);
  if (msg->role == GU_ROLE_STAFF && facts->by_reference == 0 && facts->by_thread == 0
      && (!find_by_author (intake, msg, &facts->by_author, evidence, error)
          || (facts->by_author == 0 && !find_by_organisation (intake, msg, &facts->by_organisation, evidence, error))))
    return FALSE;
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
describe_filing (const char *rule, const char *evidence, const GuMessage *msg)
{
  GString *s = g_string_new (NULL);
  g_string_append_printf (s, "matched by %s", rule);
  if (evidence != NULL)
    g_string_append_printf (s, " (%s)", evidence);
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
refresh_dossier (GuIntake *intake, const GuMessage *msg, gint64 id, gboolean created, gboolean other_sender,
                 GuIntakeResult *result, GError **error)
{
  GuApplicantInfo info = { 0 };
  /* A staff letter speaks of the applicant, not for them: its
   * "Organisme : …" lines are the Region's, and must not rename the
   * dossier's organisation; nor may another sender's. */
  if (msg->role != GU_ROLE_STAFF && !other_sender)
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

static gboolean file_parked_letter (GuIntake *intake, const GuMessage *msg, gint64 dossier_id,
                                    GuIntakeResult *result, GError **error);

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
  g_autofree char *ref_owner = NULL, *thread_owner = NULL, *evidence = NULL;
  if (!gather_facts (intake, msg, &facts, &ref_owner, &thread_owner, &evidence, error))
    return FALSE;
  /* A message cut short may have lost its documents with the part not
   * read: it is filed, so that the reply can tell the applicant. */
  gboolean has_documents = gu_dossier_message_has_documents (msg) || msg->truncated != NULL
                           || msg->links->len > 0; /* documents behind a link (issue 13) */
  GuMatch m = gu_dossier_match (msg, &facts, has_documents);
  g_autofree char *note = m.note;
  if (m.kind == GU_MATCH_NONE)
    return file_unmatched (intake, msg, row, &m, result, error);
  gint64 id = m.dossier_id;
  if (m.kind == GU_MATCH_NEW && !create_dossier (intake, msg, receipt, &id, error))
    return FALSE;
  gboolean by_evidence = m.rule != NULL && (strcmp (m.rule, "author") == 0 || strcmp (m.rule, "organisation") == 0);
  g_autofree char *colleague = m.colleague ? g_strdup_printf ("a colleague: %s shares the applicant's domain",
                                                              msg->from_addr) : NULL;
  g_autofree char *detail = describe_filing (m.rule, by_evidence ? evidence : colleague, msg);
  result->outcome = GU_OUTCOME_DOSSIER;
  return gu_store_message_set_dossier (intake->store, row, id, GU_OUTCOME_DOSSIER, error)
         && gu_store_add_event (intake->store, row, id, GU_EVENT_FILED, detail, error)
         && (note == NULL || gu_store_add_event (intake->store, row, id, GU_EVENT_NOTE, note, error))
         && (!m.other_sender || gu_store_message_mark_other_sender (intake->store, row, TRUE, error))
         && file_parked_letter (intake, msg, id, result, error)
         && refresh_dossier (intake, msg, id, m.kind == GU_MATCH_NEW, m.other_sender, result, error);
}

/* Derives a dossier's status again after a message came or went, and
 * records a change. */
static gboolean
rederive_status (GuStore *store, const GuCall *call, gint64 id, GError **error)
{
  g_autoptr (GuDossier) d = gu_store_dossier_load (store, id, NULL, FALSE, error);
  if (d == NULL)
    return FALSE;
  GuDossierStatus status = gu_dossier_status (call, d, NULL);
  return gu_store_dossier_update (store, id, status, NULL, NULL, NULL, error)
         && (status == d->status
             || gu_store_add_event (store, 0, id, GU_EVENT_STATUS_CHANGED, gu_dossier_status_to_string (status),
                                    error));
}

gboolean
gu_filing_move_message (GuStore *store, const GuCall *call, gint64 message_row, gint64 dossier_id,
                        const char *why, GError **error)
{
  GuStoredMessage m;
  if (!gu_store_message_get (store, message_row, NULL, NULL, &m, error))
    return FALSE;
  gint64 from = m.dossier_id;
  g_autofree char *detail = g_strdup_printf ("message %s (%s) %s", m.message_id, m.subject != NULL ? m.subject : "",
                                             why);
  g_autofree char *sender = g_steal_pointer (&m.sender);
  GuRole role = m.role;
  gu_stored_message_clear (&m);
  /* Not a note: the digest lists the notes as mail from another sender. */
  if (from == dossier_id)
    {
      g_autofree char *again = g_strdup_printf ("%s; it was in this dossier already", detail);
      return gu_store_add_event (store, message_row, dossier_id, GU_EVENT_FILED, again, error);
    }
  /* Its documents are marked as from another sender in the new dossier
   * when the message is neither its applicant's nor a colleague's. */
  g_autoptr (GuDossier) to = gu_store_dossier_load (store, dossier_id, NULL, FALSE, error);
  if (to == NULL)
    return FALSE;
  gboolean other = role == GU_ROLE_APPLICANT && sender != NULL && g_ascii_strcasecmp (sender, to->applicant) != 0
                   && !gu_dossier_same_organisation (call, sender, to->applicant);
  g_autofree char *left = g_strdup_printf ("%s; it left this dossier", detail);
  return gu_store_message_set_dossier (store, message_row, dossier_id, GU_OUTCOME_DOSSIER, error)
         && gu_store_message_mark_other_sender (store, message_row, other, error)
         && gu_store_add_event (store, message_row, dossier_id, GU_EVENT_FILED, detail, error)
         && (from == 0 || gu_store_add_event (store, message_row, from, GU_EVENT_FILED, left, error))
         && (from == 0 || rederive_status (store, call, from, error));
}

/* A staff member's answer to our request for a reference, naming one:
 * the letter that was parked goes to the dossier it names. The caller
 * derives the status once both are in. */
static gboolean
file_parked_letter (GuIntake *intake, const GuMessage *msg, gint64 dossier_id, GuIntakeResult *result,
                    GError **error)
{
  if (msg->role != GU_ROLE_STAFF)
    return TRUE;
  g_autoptr (GPtrArray) ids = answered_ids (msg);
  gint64 parked;
  if (!gu_store_parked_by_reply (intake->store, (const char *const *) ids->pdata, &parked, error))
    return FALSE;
  if (parked == 0)
    return TRUE;
  g_autofree char *why = g_strdup_printf ("filed by the staff answer %s", msg->message_id);
  result->filed_row = parked;
  return gu_filing_move_message (intake->store, intake->call, parked, dossier_id, why, error);
}
