/* The name tables of states.h: the only place a state's name is spelt in
 * C (SQL literals in src/store aside). Indexed by the enum values. */
#include "config.h"

#include <string.h>

#include "core/states.h"

static const char *
name_of (const char *const *names, gsize n, guint value)
{
  return value < n && names[value] != NULL ? names[value] : "unknown";
}

/* Returns the index of text in names, or -1. */
static int
index_of (const char *const *names, gsize n, const char *text)
{
  for (gsize i = 0; text != NULL && i < n; i++)
    if (names[i] != NULL && strcmp (names[i], text) == 0)
      return (int) i;
  return -1;
}

#define NAME_OF(names, value) name_of (names, G_N_ELEMENTS (names), (guint) (value))
#define INDEX_OF(names, text) index_of (names, G_N_ELEMENTS (names), text)

static const char *const role_names[] = {
  [GU_ROLE_APPLICANT] = "applicant",
  [GU_ROLE_STAFF] = "staff",
  [GU_ROLE_AUTOMATIC] = "automatic",
};

static const char *const outcome_names[] = {
  [GU_OUTCOME_STORED] = "stored",
  [GU_OUTCOME_DOSSIER] = "dossier",
  [GU_OUTCOME_QUARANTINED] = "quarantined",
  [GU_OUTCOME_AUTOMATIC] = "automatic",
  [GU_OUTCOME_UNMATCHED] = "unmatched",
  [GU_OUTCOME_NO_DOSSIER] = "no-dossier",
  [GU_OUTCOME_DUPLICATE] = "duplicate",
};

static const char *const status_names[] = {
  [GU_STATUS_INCOMPLETE] = "incomplete",
  [GU_STATUS_COMPLETE] = "complete",
  [GU_STATUS_EARLY] = "early",
  [GU_STATUS_LATE] = "late",
};

static const char *const outbox_state_names[] = {
  [GU_OUTBOX_PENDING] = "pending",
  [GU_OUTBOX_SENT] = "sent",
  [GU_OUTBOX_FAILED] = "failed",
  [GU_OUTBOX_BOUNCED] = "bounced",
  [GU_OUTBOX_SUPPRESSED] = "suppressed",
};

static const char *const reply_kind_names[] = {
  [GU_REPLY_ACK_NEW] = "ack-new",
  [GU_REPLY_ACK_UPDATE] = "ack-update",
  [GU_REPLY_COMPLETE] = "complete",
  [GU_REPLY_LATE] = "late",
  [GU_REPLY_EARLY] = "early",
  [GU_REPLY_HOW_TO_APPLY] = "how-to-apply",
  [GU_REPLY_UNREADABLE] = "unreadable",
  [GU_REPLY_STAFF_RECEIPT] = "staff-receipt",
  [GU_REPLY_STAFF_UNMATCHED] = "staff-unmatched",
  [GU_REPLY_DIGEST] = "digest",
  [GU_REPLY_APPLICANT_NOTICE] = "applicant-notice",
  [GU_REPLY_REMINDER] = "reminder",
  [GU_REPLY_OTHER_SENDER_RECEIPT] = "other-sender-receipt",
};

static const char *const event_kind_names[] = {
  [GU_EVENT_RECEIVED] = "received",
  [GU_EVENT_RECEIVED_REUSED_ID] = "received-reused-message-id",
  [GU_EVENT_QUARANTINED] = "quarantined",
  [GU_EVENT_EMPTY_MESSAGE] = "empty-message",
  [GU_EVENT_SET_ASIDE] = "set-aside",
  [GU_EVENT_SENDER_RECOVERED] = "sender-recovered",
  [GU_EVENT_TRUNCATED] = "truncated",
  [GU_EVENT_DOSSIER_CREATED] = "dossier-created",
  [GU_EVENT_FILED] = "filed",
  [GU_EVENT_NOTE] = "note",
  [GU_EVENT_NOT_FILED] = "not-filed",
  [GU_EVENT_STATUS_CHANGED] = "status-changed",
  [GU_EVENT_REPLY_SUPPRESSED] = "reply-suppressed",
  [GU_EVENT_REPLY_BOUNCED] = "reply-bounced",
  [GU_EVENT_CLASSIFIED_BY_ADMIN] = "classified-by-admin",
  [GU_EVENT_BUDGET_EXCEEDED] = "budget-exceeded",
  [GU_EVENT_PURGED] = "purged",
};

const char *
gu_role_to_string (GuRole role)
{
  return NAME_OF (role_names, role);
}

gboolean
gu_role_from_string (const char *text, GuRole *out)
{
  int i = INDEX_OF (role_names, text);
  return i < 0 ? FALSE : (*out = (GuRole) i, TRUE);
}

const char *
gu_outcome_to_string (GuOutcome outcome)
{
  return NAME_OF (outcome_names, outcome);
}

gboolean
gu_outcome_from_string (const char *text, GuOutcome *out)
{
  int i = INDEX_OF (outcome_names, text);
  return i < 0 ? FALSE : (*out = (GuOutcome) i, TRUE);
}

const char *
gu_dossier_status_to_string (GuDossierStatus status)
{
  return NAME_OF (status_names, status);
}

gboolean
gu_dossier_status_from_string (const char *text, GuDossierStatus *out)
{
  int i = INDEX_OF (status_names, text);
  return i < 0 ? FALSE : (*out = (GuDossierStatus) i, TRUE);
}

const char *
gu_outbox_state_to_string (GuOutboxState state)
{
  return NAME_OF (outbox_state_names, state);
}

gboolean
gu_outbox_state_from_string (const char *text, GuOutboxState *out)
{
  int i = INDEX_OF (outbox_state_names, text);
  return i < 0 ? FALSE : (*out = (GuOutboxState) i, TRUE);
}

const char *
gu_reply_kind_to_string (GuReplyKind kind)
{
  return NAME_OF (reply_kind_names, kind);
}

gboolean
gu_reply_kind_from_string (const char *text, GuReplyKind *out)
{
  int i = INDEX_OF (reply_kind_names, text);
  return i < 0 ? FALSE : (*out = (GuReplyKind) i, TRUE);
}

const char *
gu_event_kind_to_string (GuEventKind kind)
{
  return NAME_OF (event_kind_names, kind);
}

gboolean
gu_event_kind_from_string (const char *text, GuEventKind *out)
{
  int i = INDEX_OF (event_kind_names, text);
  return i < 0 ? FALSE : (*out = (GuEventKind) i, TRUE);
}
