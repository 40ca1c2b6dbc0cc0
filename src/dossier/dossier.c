#include "config.h"

#include <string.h>

#include "dossier/dossier.h"
#include "util/text.h"

char *
gu_dossier_format_reference (const GuCall *call, gint64 seq)
{
  return g_strdup_printf ("%s-%d-%04" G_GINT64_FORMAT, call->reference_prefix, call->reference_year, seq);
}

char *
gu_dossier_find_reference (const GuCall *call, const char *text)
{
  if (text == NULL)
    return NULL;
  g_autofree char *prefix = g_regex_escape_string (call->reference_prefix, -1);
  g_autofree char *pattern = g_strdup_printf ("(?<![A-Za-z0-9])%s[-_ ]?%d[-_ ]?(\\d{1,6})(?!\\d)", prefix,
                                              call->reference_year);
  g_autoptr (GRegex) re = g_regex_new (pattern, G_REGEX_CASELESS | G_REGEX_OPTIMIZE, 0, NULL);
  g_autoptr (GMatchInfo) info = NULL;
  if (re == NULL || !g_regex_match (re, text, 0, &info))
    return NULL;
  g_autofree char *digits = g_match_info_fetch (info, 1);
  return gu_dossier_format_reference (call, g_ascii_strtoll (digits, NULL, 10));
}

gboolean
gu_dossier_message_has_documents (const GuMessage *msg)
{
  for (guint i = 0; i < msg->documents->len; i++)
    {
      const GuDocument *doc = g_ptr_array_index (msg->documents, i);
      if (!(doc->flags & GU_DOC_INLINE_IMAGE) && doc->parent < 0)
        return TRUE;
    }
  return FALSE;
}

static gboolean
owned_by (const GuMessage *msg, const char *owner)
{
  return msg->role == GU_ROLE_STAFF
         || (owner != NULL && msg->from_addr != NULL && g_ascii_strcasecmp (owner, msg->from_addr) == 0);
}

static const char *
domain_of (const char *address)
{
  const char *at = address != NULL ? strrchr (address, '@') : NULL;
  return at != NULL && at[1] != '\0' ? at + 1 : NULL;
}

gboolean
gu_dossier_same_organisation (const GuCall *call, const char *address, const char *owner)
{
  const char *a = domain_of (address), *b = domain_of (owner);
  if (a == NULL || b == NULL || g_ascii_strcasecmp (a, b) != 0)
    return FALSE;
  g_autofree char *folded = gu_text_fold (a);
  return !gu_vocabulary_has (call->vocabulary.webmail_domains, folded);
}

gboolean
gu_dossier_from_other_sender (const GuCall *call, const GuMessage *msg, const GuDossier *d)
{
  if (msg->role != GU_ROLE_APPLICANT || d == NULL || d->applicant == NULL || msg->from_addr == NULL)
    return FALSE;
  return g_ascii_strcasecmp (msg->from_addr, d->applicant) != 0
         && !gu_dossier_same_organisation (call, msg->from_addr, d->applicant);
}

/* A reference or thread to dossier id (rule) that is not the sender's:
 * followed when the message has documents to file, which are marked;
 * else said in the note. */
static void
follow_other (GuMatch *m, GString *note, const GuMessage *msg, gint64 id, const char *rule, gboolean has_documents)
{
  if (has_documents)
    {
      *m = (GuMatch) { GU_MATCH_EXISTING, id, rule, NULL, .other_sender = TRUE };
      g_string_append_printf (note, "from another sender, %s: filed by the %s it gives, its documents marked "
                              "as from another sender", msg->from_addr != NULL ? msg->from_addr : "unknown", rule);
    }
  else
    g_string_append_printf (note, "%s of another applicant's dossier not followed: no document to file", rule);
}

GuMatch
gu_dossier_match (const GuMessage *msg, const GuMatchFacts *facts, gboolean has_documents)
{
  GuMatch m = { .kind = GU_MATCH_NONE };
  GString *note = g_string_new (NULL);
  gboolean ref_owned = facts->by_reference > 0 && owned_by (msg, facts->reference_owner);
  gboolean ref_colleague = facts->by_reference > 0 && !ref_owned && facts->reference_colleague;
  gboolean thread_owned = facts->by_thread > 0 && owned_by (msg, facts->thread_owner);
  gboolean thread_colleague = facts->by_thread > 0 && !thread_owned && facts->thread_colleague;
  if (ref_owned || ref_colleague)
    m = (GuMatch) { GU_MATCH_EXISTING, facts->by_reference, "reference", NULL, .colleague = ref_colleague };
  else if (thread_owned || thread_colleague)
    m = (GuMatch) { GU_MATCH_EXISTING, facts->by_thread, "thread", NULL, .colleague = thread_colleague };
  else if (facts->by_reference > 0)
    follow_other (&m, note, msg, facts->by_reference, "reference", has_documents);
  else if (facts->by_thread > 0)
    follow_other (&m, note, msg, facts->by_thread, "thread", has_documents);
  if (m.kind == GU_MATCH_NONE && facts->sender_dossiers == 1 && msg->role != GU_ROLE_STAFF)
    m = (GuMatch) { GU_MATCH_EXISTING, facts->sender_dossier, "sender", NULL };
  if (m.kind == GU_MATCH_NONE && msg->role == GU_ROLE_STAFF && facts->by_author > 0)
    m = (GuMatch) { GU_MATCH_EXISTING, facts->by_author, "author", NULL };
  if (m.kind == GU_MATCH_NONE && msg->role == GU_ROLE_STAFF && facts->by_organisation > 0)
    m = (GuMatch) { GU_MATCH_EXISTING, facts->by_organisation, "organisation", NULL };
  /* Staff never create dossiers (doc/ARCHITECTURE.md): unmatched, they are parked. */
  if (m.kind == GU_MATCH_NONE && has_documents && msg->role == GU_ROLE_APPLICANT)
    m = (GuMatch) { GU_MATCH_NEW, 0, "new", NULL };
  m.note = g_string_free (note, note->len == 0);
  return m;
}

/* Where the dossier stands against the window: at its first message
 * that did not come before it (doc/ARCHITECTURE.md: early while nothing
 * of it arrived inside the window). Without receipts (a dossier built by
 * hand), its first receipt says. */
static GuWindowPosition
dossier_position (const GuCall *call, const GuDossier *dossier)
{
  for (guint i = 0; dossier->receipts != NULL && i < dossier->receipts->len; i++)
    {
      g_autoptr (GDateTime) t = g_date_time_new_from_iso8601 (g_ptr_array_index (dossier->receipts, i), NULL);
      GuWindowPosition pos = t != NULL ? gu_call_window_position (call, t) : GU_WINDOW_ON_TIME;
      if (pos != GU_WINDOW_EARLY)
        return pos;
    }
  if (dossier->receipts != NULL && dossier->receipts->len > 0)
    return GU_WINDOW_EARLY;
  g_autoptr (GDateTime) first = g_date_time_new_from_iso8601 (dossier->first_received_at, NULL);
  return first != NULL ? gu_call_window_position (call, first) : GU_WINDOW_ON_TIME;
}

GuDossierStatus
gu_dossier_status (const GuCall *call, const GuDossier *dossier, GPtrArray *missing)
{
  GuWindowPosition pos = dossier_position (call, dossier);
  gboolean complete = TRUE;
  for (guint i = 0; i < call->pieces->len; i++)
    {
      const GuPiece *piece = g_ptr_array_index (call->pieces, i);
      gboolean have = FALSE;
      for (guint j = 0; j < dossier->documents->len && !have; j++)
        {
          const GuDossierDocument *doc = g_ptr_array_index (dossier->documents, j);
          have = gu_doc_counts (doc->flags) && gu_piece_find (doc->pieces, piece->key) != NULL;
        }
      if (piece->required && !have)
        {
          complete = FALSE;
          if (missing != NULL)
            g_ptr_array_add (missing, piece->key);
        }
    }
  if (pos == GU_WINDOW_EARLY)
    return GU_STATUS_EARLY;
  if (pos == GU_WINDOW_LATE)
    return GU_STATUS_LATE;
  return complete ? GU_STATUS_COMPLETE : GU_STATUS_INCOMPLETE;
}

/* Splits "  Structure : Tiers-lieu du Bocage" into its folded label and
 * its value (newly allocated, trimmed). FALSE when the line is not one. */
static gboolean
split_label_line (const char *line, char **folded_label, char **value)
{
  const char *colon = strchr (line, ':');
  if (colon == NULL || colon - line > 40 || colon == line)
    return FALSE;
  g_autofree char *label = g_strndup (line, (gsize) (colon - line));
  *folded_label = gu_text_fold (label);
  *value = g_strstrip (g_strdup (colon + 1));
  if (**folded_label == '\0' || **value == '\0' || strlen (*value) > 200)
    {
      g_clear_pointer (folded_label, g_free);
      g_clear_pointer (value, g_free);
      return FALSE;
    }
  return TRUE;
}

static char *
category_of (const GuCall *call, const char *value)
{
  g_autofree char *folded = gu_text_fold (value);
  for (char **c = call->eligible_categories; c != NULL && *c; c++)
    {
      g_autofree char *cat = gu_text_fold (*c);
      if (*cat && (strstr (folded, cat) != NULL))
        return g_strdup (*c);
    }
  return NULL;
}

/* "Label : value" lines an applicant writes at the top of a mail, with
 * labels from the call's vocabulary. */
static void
read_body_line (const GuCall *call, const char *line, GuApplicantInfo *info)
{
  const GuVocabulary *v = &call->vocabulary;
  g_autofree char *label = NULL, *value = NULL;
  if (!split_label_line (line, &label, &value))
    return;
  if (gu_vocabulary_has (v->lead_labels, label))
    info->lead_named = TRUE;
  if (info->organisation == NULL && gu_vocabulary_has (v->organisation_labels, label))
    info->organisation = gu_text_one_line (value);
  if (info->legal_category == NULL && gu_vocabulary_has (v->category_labels, label))
    info->legal_category = category_of (call, value);
}

static char *
organisation_from_sender (const GuCall *call, const char *address)
{
  const char *at = address != NULL ? strrchr (address, '@') : NULL;
  if (at == NULL || at[1] == '\0')
    return NULL;
  g_autofree char *folded = gu_text_fold (at + 1);
  if (gu_vocabulary_has (call->vocabulary.webmail_domains, folded))
    return NULL;
  return g_ascii_strdown (at + 1, -1);
}

/* TRUE when folded text holds one of the call's consortium words. */
static gboolean
names_consortium (const GuCall *call, const char *folded)
{
  for (char **w = call->vocabulary.consortium_words; w != NULL && *w != NULL; w++)
    if (strstr (folded, *w) != NULL)
      return TRUE;
  return FALSE;
}

void
gu_dossier_read_applicant (const GuCall *call, const GuMessage *msg, GuApplicantInfo *info)
{
  memset (info, 0, sizeof *info);
  if (msg->body_text != NULL)
    {
      g_auto (GStrv) lines = g_strsplit (msg->body_text, "\n", 200);
      for (char **l = lines; *l; l++)
        read_body_line (call, *l, info);
      g_autofree char *folded = gu_text_fold (msg->body_text);
      info->consortium = names_consortium (call, folded);
    }
  if (info->legal_category != NULL)
    {
      g_autofree char *cat = gu_text_fold (info->legal_category);
      info->consortium = info->consortium || gu_vocabulary_has (call->vocabulary.consortium_words, cat);
    }
  info->organisation_stated = info->organisation != NULL;
  if (info->organisation == NULL)
    info->organisation = organisation_from_sender (call, msg->from_addr);
}

void
gu_applicant_info_clear (GuApplicantInfo *info)
{
  g_clear_pointer (&info->organisation, g_free);
  g_clear_pointer (&info->legal_category, g_free);
}
