/* The facts of one day for the admins' digest (doc/ARCHITECTURE.md, "Who uses it"):
 * gathered by src/pipeline from the store and the dossiers, written out
 * by src/reply. A core type because both stages see it. */
#ifndef GU_CORE_DIGEST_H
#define GU_CORE_DIGEST_H

#include <glib.h>

/* One line of a digest list. Which fields are set depends on the list
 * (see GuDigestFacts); the others are NULL. Strings are owned. */
typedef struct {
  char *at;         /* when it happened: ISO 8601 UTC as stored */
  char *reference;  /* the dossier, or NULL */
  char *who;        /* an address: applicant, sender or recipient */
  char *what;       /* the organisation (dossiers) or the subject (mail) */
  char *state;      /* as shown: a dossier's status or a reply's outbox state
                       (the names of core/states.h), never compared */
  char *detail;     /* an error or a reason */
  char **keys;      /* missing piece keys (missing list only) */
  char **late_keys; /* of keys, those only a late document holds (missing list) */
  char **early_keys;/* of keys, those only a document that did not count for
                       another reason holds: received before the window */
} GuDigestItem;

GuDigestItem *gu_digest_item_new (void);
void gu_digest_item_free (GuDigestItem *item);

/* Lists are arrays of GuDigestItem*, owning them, never NULL once made
 * by gu_digest_facts_new. The day is [start, end) in the call's zone. */
typedef struct {
  char *day;                /* YYYY-MM-DD */
  /* Dossiers by status at the end of the day, and at the end of the day
   * before (derived by the caller from the dossiers as they then stood). */
  gint64 early, incomplete, complete, late;
  gint64 prev_early, prev_incomplete, prev_complete, prev_late;
  GPtrArray *created;       /* first received during the day: at, reference,
                               who (applicant), what (organisation), state */
  GPtrArray *completed;     /* became complete during the day: at, reference,
                               who, what, state */
  GPtrArray *missing;       /* every incomplete dossier: at (its last document),
                               reference, who, what, keys, late_keys,
                               early_keys (filled by the caller from the
                               dossiers), most advanced first, then oldest */
  GPtrArray *late_arrivals; /* received during the day after the deadline,
                               filed to a dossier: at, reference, who (sender),
                               what (subject) */
  GPtrArray *unmatched;     /* staff letters still matched to no dossier
                               (all days): at, who, what, detail */
  GPtrArray *quarantined;   /* received during the day and quarantined: at,
                               who, what, detail (the error) */
  GPtrArray *set_aside;     /* received during the day with no usable sender,
                               not filed yet: at, who (the Message-ID), what,
                               detail (the reason) */
  gint64 quarantined_total; /* quarantined messages, all days */
  GPtrArray *undelivered;   /* replies bounced or failed (all days): at,
                               reference, who (recipient), what, state, detail */
  GPtrArray *suppressed;    /* replies not sent during the day: at, reference,
                               who, what, detail (the reason) */
  GPtrArray *unreadable;    /* documents received during the day that could not
                               be read, whatever the reason (flag
                               GU_DOC_UNREADABLE: encrypted, corrupt, "not read:"
                               a budget): at, reference, who (its SHA-256),
                               what (file name), detail (the reason) */
  GPtrArray *other_sender;  /* during the day, a message quoting the reference
                               or thread of another applicant's dossier: at,
                               reference (where it was filed), who (sender),
                               what (subject), detail (the note) */
  GPtrArray *reminders;     /* reminders of the day ([reminders] days_before):
                               at, reference, who (recipient), what (subject),
                               state, detail (why not sent, if so) */
  char *chart_first;        /* YYYY-MM-DD: the day of per_day[0], or NULL */
  GArray *per_day;          /* of gint64: new dossiers per day (call's zone) from
                               chart_first to the digest's day; filled by the
                               caller, empty before the call opens */
} GuDigestFacts;

/* Returns new facts for day with empty lists; free with
 * gu_digest_facts_free. */
GuDigestFacts *gu_digest_facts_new (const char *day);
void gu_digest_facts_free (GuDigestFacts *facts);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GuDigestFacts, gu_digest_facts_free)

#endif
