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

/* The original authors of the messages body forwards inline: the first
 * address of each block of "Label: value" lines (three or more) such as
 * every mail client writes above what it forwards, whatever its
 * language (Outlook's "De : … Envoyé : … À : … Objet : …", Gmail's,
 * Apple Mail's, Thunderbird's), in the order they come; quoting ("> ")
 * and Outlook's bold stars are read through. Returns a new array of
 * normalised addresses (possibly empty). */
GPtrArray *gu_dossier_forwarded_authors (const char *body);

/* The author of the first message body forwards inline (see above):
 * *address (normalised) and *name, the name written before it ("Mairie
 * de Yvetot" of "De : Mairie de Yvetot [mailto:…]"; NULL when none),
 * both newly allocated; either pointer may be NULL. FALSE (nothing set)
 * when body forwards nothing inline. */
gboolean gu_dossier_forwarded_author (const char *body, char **name, char **address);

/* text as organisation names are compared (doc/ARCHITECTURE.md, "Which
 * dossier a message belongs to"): folded (accents, case, punctuation
 * away) and without the call's legal_form_words ("association", "commune
 * de"). Returns the words separated by single spaces, newly allocated. */
char *gu_dossier_organisation_key (const GuCall *call, const char *text);

/* TRUE when text_key (an organisation key of a whole text) holds
 * organisation_key as whole words. A key shorter than five characters
 * never matches: it would name too much. */
gboolean gu_dossier_text_names (const char *text_key, const char *organisation_key);

/* Which dossier a message goes to (doc/ARCHITECTURE.md, "Which dossier a message
 * belongs to"), given what the store found for each rule. */
typedef struct {
  gint64 by_reference;        /* dossier named by a reference, 0 if none */
  const char *reference_owner;/* its applicant */
  gint64 by_thread;           /* dossier of a reply of ours it answers, 0 if none */
  const char *thread_owner;
  guint sender_dossiers;      /* how many dossiers the sender has in this call */
  gint64 sender_dossier;      /* the one, when exactly one */
  gint64 by_author;           /* staff: the only dossier of the forwarded letter's author */
  gint64 by_organisation;     /* staff: the only dossier whose organisation the text names */
  gboolean reference_colleague; /* the sender shares reference_owner's own domain
                                 * (gu_dossier_same_organisation) */
  gboolean thread_colleague;    /* … thread_owner's */
} GuMatchFacts;

typedef enum {
  GU_MATCH_EXISTING,   /* add to dossier_id */
  GU_MATCH_NEW,        /* create a dossier */
  GU_MATCH_NONE,       /* nothing to file and no dossier: no-dossier */
} GuMatchKind;

typedef struct {
  GuMatchKind kind;
  gint64 dossier_id;
  const char *rule;    /* "reference", "thread", "sender", "author", "organisation",
                        * "new": for the event */
  char *note;          /* for the event (the digest lists it): a message from
                        * another sender filed by the reference or thread it
                        * gives, or why one was not followed; or NULL */
  gboolean colleague;    /* filed by the reference or thread of a colleague's
                          * dossier (the same organisation domain) */
  gboolean other_sender; /* filed by the reference or thread of the dossier of
                          * someone else: its documents are marked
                          * GU_DOC_OTHER_SENDER, the applicant is told */
} GuMatch;

/* Decides (doc/ARCHITECTURE.md, "Which dossier a message belongs to").
 * A reference, else a thread, is followed from its dossier's applicant,
 * from a colleague of theirs (the same domain, not a webmail one) and
 * from staff; from anyone else, when the message has documents to file:
 * they go to that dossier all the same, marked as from another sender
 * (a message naming an existing dossier never opens a second one).
 * Then the sender's only dossier; a staff message is else filed by the
 * author of the letter it forwards, then by the organisation it names.
 * A message without documents creates no dossier. note is newly
 * allocated. */
GuMatch gu_dossier_match (const GuMessage *msg, const GuMatchFacts *facts, gboolean has_documents);

/* TRUE when address and owner (bare addresses) share one domain that is
 * not one of the call's webmail_domains: colleagues of one organisation
 * (the same address counts too). */
gboolean gu_dossier_same_organisation (const GuCall *call, const char *address, const char *owner);

/* TRUE when msg, filed in dossier d, comes from another sender than its
 * applicant: an applicant's message from neither the applicant nor a
 * colleague of theirs (gu_dossier_same_organisation). */
gboolean gu_dossier_from_other_sender (const GuCall *call, const GuMessage *msg, const GuDossier *d);

/* TRUE when msg carries something to file: a document that is neither an
 * archive's container nor a signature logo. */
gboolean gu_dossier_message_has_documents (const GuMessage *msg);

/* Derives a dossier's status from its receipts and its documents
 * (doc/ARCHITECTURE.md): early while none of its messages came inside the
 * window, late when the first that did not come before it came after it,
 * else complete when every required piece has an on-time document (early
 * and late ones never count), else incomplete. Appends the keys of
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
