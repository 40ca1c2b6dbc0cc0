/* src/dossier: which dossier a message belongs to, who the applicant is,
 * and a dossier's status. Pure decisions on core types: the pipeline asks
 * the store for the facts and writes the results back. */
#ifndef GU_DOSSIER_DOSSIER_H
#define GU_DOSSIER_DOSSIER_H

#include <glib.h>

#include "core/call.h"
#include "core/types.h"

/* Returns the first reference of this call found in text ("FI-2020-0007",
 * any case, with or without brackets) in its canonical form, newly
 * allocated, or NULL. */
char *gu_dossier_find_reference (const GuCall *call, const char *text);

/* Returns "PREFIX-YEAR-NNNN" for seq, newly allocated. */
char *gu_dossier_format_reference (const GuCall *call, gint64 seq);

/* What an applicant says about themselves in the body ("Structure : …",
 * "Statut : association"), else what the sender tells. */
typedef struct {
  char *organisation;      /* NULL when neither says */
  gboolean organisation_stated; /* it came from the body, not the sender's domain */
  char *legal_category;    /* one of the call's eligible categories, or NULL */
  gboolean consortium;     /* the applicant is a consortium… */
  gboolean lead_named;     /* …that names its lead applicant (porteur principal) */
} GuApplicantInfo;

void gu_dossier_read_applicant (const GuCall *call, const GuMessage *msg, GuApplicantInfo *info);
void gu_applicant_info_clear (GuApplicantInfo *info);

/* Which dossier a message goes to (doc/ARCHITECTURE.md, "Which dossier a message
 * belongs to"), given what the store found for each rule. */
typedef struct {
  gint64 by_reference;        /* dossier named by a reference, 0 if none */
  const char *reference_owner;/* its applicant */
  gint64 by_thread;           /* dossier of a reply of ours it answers, 0 if none */
  const char *thread_owner;
  guint sender_dossiers;      /* how many dossiers the sender has in this call */
  gint64 sender_dossier;      /* the one, when exactly one */
} GuMatchFacts;

typedef enum {
  GU_MATCH_EXISTING,   /* add to dossier_id */
  GU_MATCH_NEW,        /* create a dossier */
  GU_MATCH_NONE,       /* nothing to file and no dossier: no-dossier */
} GuMatchKind;

typedef struct {
  GuMatchKind kind;
  gint64 dossier_id;
  const char *rule;    /* "reference", "thread", "sender", "new": for the event */
  char *note;          /* why a reference or thread was not followed, or NULL */
} GuMatch;

/* Decides. An applicant's reference or thread to a dossier that is not
 * theirs is not followed (nobody adds pieces to someone else's dossier
 * by quoting its number); a staff message may name any dossier. A message
 * without documents creates no dossier. note is newly allocated. */
GuMatch gu_dossier_match (const GuMessage *msg, const GuMatchFacts *facts, gboolean has_documents);

/* TRUE when msg carries something to file: a document that is neither an
 * archive's container nor a signature logo. */
gboolean gu_dossier_message_has_documents (const GuMessage *msg);

/* Derives a dossier's status from its first receipt and its documents
 * (doc/ARCHITECTURE.md): early, late, else complete when every required
 * piece has an on-time document, else incomplete. Appends the keys of
 * missing required pieces (static strings owned by call) to missing when
 * non-NULL. */
GuDossierStatus gu_dossier_status (const GuCall *call, const GuDossier *dossier, GPtrArray *missing);

/* The dossiers (GuDossier*, documents loaded) as CSV, RFC 4180: a header
 * row, then one row per dossier with its status, missing piece keys and,
 * per piece of the call, the documents that satisfy it (src/dossier/csv.c).
 * Returns the whole text, newly allocated. */
char *gu_dossier_csv (const GuCall *call, GPtrArray *dossiers);

/* Returns value (NULL: empty) as one cell of that CSV, newly allocated:
 * control characters as spaces, a ' before a value a spreadsheet would
 * run as a formula (starting, after blanks, with = + - @ tab or CR; a
 * plain number such as "-3" or "+12.5" stays as it is), quoted when it
 * holds a comma or a double quote. */
char *gu_dossier_csv_cell (const char *value);

#endif
