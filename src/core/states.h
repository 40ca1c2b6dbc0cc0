/* The states and kinds that guichet's records carry, as enums. Each has
 * one name table (states.c): the names are those of the database, the
 * JSON and the CLI (doc/ARCHITECTURE.md, "CLI": a contract), and code
 * converts to and from them only at those edges: src/store at the SQL,
 * the commands at their output.
 *
 * Every gu_X_to_string returns a static string ("unknown" for a value
 * outside the enum). Every gu_X_from_string sets *out and returns TRUE
 * when text is exactly one of the names, else returns FALSE and leaves
 * *out alone; text may be NULL. */
#ifndef GU_CORE_STATES_H
#define GU_CORE_STATES_H

#include <glib.h>

/* Who sent a message. */
typedef enum {
  GU_ROLE_APPLICANT,  /* "applicant" */
  GU_ROLE_STAFF,      /* "staff" */
  GU_ROLE_AUTOMATIC,  /* "automatic" */
} GuRole;

const char *gu_role_to_string (GuRole role);
gboolean gu_role_from_string (const char *text, GuRole *out);

/* What became of a message: its row's outcome, and the word `ingest`
 * prints when no dossier was touched ("- OUTCOME"). */
typedef enum {
  GU_OUTCOME_STORED,       /* "stored": inserted, filing not done yet (never final) */
  GU_OUTCOME_DOSSIER,      /* "dossier": filed in a dossier */
  GU_OUTCOME_QUARANTINED,  /* "quarantined": could not be made sense of */
  GU_OUTCOME_AUTOMATIC,    /* "automatic": an auto-reply, a bounce, a list */
  GU_OUTCOME_UNMATCHED,    /* "unmatched": a staff letter parked for its dossier */
  GU_OUTCOME_NO_DOSSIER,   /* "no-dossier": nothing to file and no dossier */
  GU_OUTCOME_DUPLICATE,    /* "duplicate": already stored; no row of its own */
} GuOutcome;

const char *gu_outcome_to_string (GuOutcome outcome);
gboolean gu_outcome_from_string (const char *text, GuOutcome *out);

/* A dossier's status, derived (src/dossier) and stored. */
typedef enum {
  GU_STATUS_INCOMPLETE,  /* "incomplete" */
  GU_STATUS_COMPLETE,    /* "complete": every required piece has an on-time document */
  GU_STATUS_EARLY,       /* "early": nothing of it arrived inside the window yet */
  GU_STATUS_LATE,        /* "late": its first message came after the window */
} GuDossierStatus;

const char *gu_dossier_status_to_string (GuDossierStatus status);
gboolean gu_dossier_status_from_string (const char *text, GuDossierStatus *out);

/* Where a reply stands in the outbox. */
typedef enum {
  GU_OUTBOX_PENDING,     /* "pending": due now or at its next attempt */
  GU_OUTBOX_SENT,        /* "sent" */
  GU_OUTBOX_FAILED,      /* "failed": refused for good, or given up */
  GU_OUTBOX_BOUNCED,     /* "bounced": sent, then a bounce came back */
  GU_OUTBOX_SUPPRESSED,  /* "suppressed": never sent (rate limit, no address…) */
} GuOutboxState;

const char *gu_outbox_state_to_string (GuOutboxState state);
gboolean gu_outbox_state_from_string (const char *text, GuOutboxState *out);

/* The kinds of mail guichet writes: the outbox row's kind. A reply has a
 * template templates/LANG/KIND.txt (src/reply); staff only ever get the
 * staff- kinds. */
typedef enum {
  GU_REPLY_ACK_NEW,         /* "ack-new": a new dossier */
  GU_REPLY_ACK_UPDATE,      /* "ack-update": pieces added, still incomplete */
  GU_REPLY_COMPLETE,        /* "complete": the dossier became complete */
  GU_REPLY_LATE,            /* "late": received after the deadline */
  GU_REPLY_EARLY,           /* "early": the call is not open yet */
  GU_REPLY_HOW_TO_APPLY,    /* "how-to-apply": no attachment, no dossier */
  GU_REPLY_UNREADABLE,      /* "unreadable": documents that could not be read */
  GU_REPLY_STAFF_RECEIPT,   /* "staff-receipt": a staff letter filed in a dossier */
  GU_REPLY_STAFF_UNMATCHED, /* "staff-unmatched": a staff letter parked, its
                             * dossier asked for */
  GU_REPLY_DIGEST,          /* "digest": the admins' daily digest (not a reply to
                             * a message: src/reply/digest.h composes it) */
  GU_REPLY_APPLICANT_NOTICE,/* "applicant-notice": to a dossier's applicant, what
                             * someone else added to it (a staff letter, another
                             * sender's documents) and by whom */
  GU_REPLY_REMINDER,        /* "reminder": before the deadline, to the applicant of
                             * an incomplete dossier ([reminders] days_before) */
  GU_REPLY_OTHER_SENDER_RECEIPT, /* "other-sender-receipt": to someone other than
                             * the applicant (and no colleague of theirs) whose
                             * documents went to a dossier by its reference */
} GuReplyKind;

const char *gu_reply_kind_to_string (GuReplyKind kind);
gboolean gu_reply_kind_from_string (const char *text, GuReplyKind *out);

/* What an event row records; `show` lists them by these names. */
typedef enum {
  GU_EVENT_RECEIVED,             /* "received" */
  GU_EVENT_RECEIVED_REUSED_ID,   /* "received-reused-message-id": a known Message-ID,
                                  * other content (crash-safety rule 7) */
  GU_EVENT_QUARANTINED,          /* "quarantined" */
  GU_EVENT_EMPTY_MESSAGE,        /* "empty-message": no document and no text */
  GU_EVENT_SET_ASIDE,            /* "set-aside": no usable sender; a person decides */
  GU_EVENT_SENDER_RECOVERED,     /* "sender-recovered": from a broken From, or another header */
  GU_EVENT_TRUNCATED,            /* "truncated": part of the MIME tree not read */
  GU_EVENT_DOSSIER_CREATED,      /* "dossier-created" */
  GU_EVENT_FILED,                /* "filed" */
  GU_EVENT_NOTE,                 /* "note": why a reference or thread was not followed */
  GU_EVENT_NOT_FILED,            /* "not-filed" */
  GU_EVENT_STATUS_CHANGED,       /* "status-changed": detail is the new status */
  GU_EVENT_REPLY_SUPPRESSED,     /* "reply-suppressed" */
  GU_EVENT_REPLY_BOUNCED,        /* "reply-bounced" */
  GU_EVENT_CLASSIFIED_BY_ADMIN,  /* "classified-by-admin" */
  GU_EVENT_BUDGET_EXCEEDED,      /* "budget-exceeded": a per-message budget ([limits]
                                  * message_*) ran out; detail is msg->overruns' line */
  GU_EVENT_PURGED,               /* "purged": `guichet purge` deleted personal data; detail
                                  * says how much (no dossier, no message) */
} GuEventKind;

const char *gu_event_kind_to_string (GuEventKind kind);
gboolean gu_event_kind_from_string (const char *text, GuEventKind *out);

#endif
