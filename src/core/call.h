/* A call for projects, read from a GKeyFile (schemas/NAME.call). Nothing
 * about a particular call lives in C: pieces, labels, patterns and phrases
 * all come from the file. */
#ifndef GU_CORE_CALL_H
#define GU_CORE_CALL_H

#include <glib.h>

typedef struct {
  char *key;                 /* contract key, e.g. "budget_etude" */
  char *label;               /* in the call's language */
  char *short_label;         /* "short" in the call file: a column header of a few
                                characters (the digest's matrix); the label when absent */
  gboolean required;
  char **filename_patterns;  /* folded words/phrases looked for in file names */
  char **content_phrases;    /* folded phrases looked for in extracted text */
  char **exclude_phrases;    /* folded; a match in name or text vetoes the piece */
  char **filename_patterns_text; /* the same lists as written in the call file, */
  char **content_phrases_text;   /* index for index, for evidence a person reads */
} GuPiece;

/* The words guichet reads applicants' mail and documents with: they
 * belong to the call's language and country, not to C. Each list is
 * folded (gu_text_fold) and NULL-terminated, empty when the call file's
 * [vocabulary] section does not give it. */
typedef struct {
  char **heading_words;       /* may stand before a heading's subject: articles,
                               * possessives, "partie", "annexe" */
  char **organisation_labels; /* "Structure : …" lines naming the organisation */
  char **category_labels;     /* "Statut juridique : …" lines naming its category */
  char **lead_labels;         /* "Chef de file : …": a consortium names its lead */
  char **consortium_words;    /* in a body or a category: a consortium applies */
  char **webmail_domains;     /* addresses there name no organisation */
  char **legal_form_words;    /* "association", "sas", "commune de": left out when
                               * organisation names are compared */
} GuVocabulary;

/* Who handles the dossiers: an acknowledgement from an administration
 * must name the service, its postal and email addresses and telephone
 * (Code des relations entre le public et l'administration, L112-11 and
 * R112-5). Strings from the call file, NULL when not given. */
/* [links]: which links in a body are file-transfer or cloud services
 * (doc/guichet-call.5). Lower case; empty lists when the section is absent. */
typedef struct {
  char **hosts;        /* "wetransfer.com": that host or one under it; "filesender.": a
                          host starting so */
  char **share_paths;  /* "/s/": a path starting so, then a token, on any host
                          (Nextcloud and ownCloud shares live on their owners' hosts) */
} GuLinkRules;

typedef struct {
  char *name;
  char *postal_address;      /* may hold newlines */
  char *email;
  char *phone;
} GuService;

typedef enum {
  GU_IMPLICIT_NONE,          /* silence gives no decision */
  GU_IMPLICIT_REJECTION,     /* silence means rejection (subsidies: CRPA L231-4) */
  GU_IMPLICIT_ACCEPTANCE,
} GuImplicitDecision;

/* What silence means, which the acknowledgement must state, with the
 * time limits and means of appeal where silence decides (R112-5). */
typedef struct {
  GuImplicitDecision implicit;
  int after_months;          /* silence this long from the complete dossier */
  char *appeal;              /* the appeal paragraph, NULL when not given */
} GuDecision;

typedef struct {
  char *path;
  char *id;                  /* file basename without .call, e.g. "fabrique-initiatives" */
  char *name;
  char *short_name;          /* "short_name": the name in reply subjects; name when absent */
  char *reference_prefix;    /* "FI" */
  int reference_year;        /* 2020: year in references FI-2020-0001 */
  char *language;            /* "fr" */
  char *timezone_name;       /* "Europe/Paris" */
  char *templates_dir;       /* reply templates (LANG/KIND.txt): "templates" key, relative to
                                the call file, default the installed ones */
  GTimeZone *tz;
  GDateTime *opens;          /* first instant of the opening day, local time */
  GDateTime *closes;         /* the closing day at 00:00 local: that day is on time */
  GDateTime *closes_end;     /* first instant after the window (next day 00:00 local) */
  char **eligible_categories;
  GuVocabulary vocabulary;
  GuService service;
  GuDecision decision;
  GPtrArray *pieces;         /* of GuPiece*, in file order */
  int retention_days;        /* "retention_days": how long after the window closes a
                                dossier's personal data is kept (guichet purge); 0: no limit */
  GuLinkRules links;         /* [links]: download links that stand for attachments */
} GuCall;

/* Loads a call file. Problems that a person should fix but that do not
 * prevent use are appended to problems (may be NULL). Returns NULL with
 * error set when the file is unusable. Free with gu_call_free. */
GuCall *gu_call_load (const char *path, GPtrArray *problems, GError **error);
void gu_call_free (GuCall *call);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GuCall, gu_call_free)

/* TRUE when folded is one of words (a GuVocabulary list). */
gboolean gu_vocabulary_has (char *const *words, const char *folded);

/* Returns the piece with that key (owned by call) or NULL. */
const GuPiece *gu_call_find_piece (const GuCall *call, const char *key);

typedef enum {
  GU_WINDOW_EARLY,
  GU_WINDOW_ON_TIME,
  GU_WINDOW_LATE,
} GuWindowPosition;

/* Where a receipt instant falls relative to the call's window, decided in
 * the call's time zone. */
GuWindowPosition gu_call_window_position (const GuCall *call, GDateTime *received);

/* Returns utc_text (the store's UTC time) as ISO 8601 in the call's time
 * zone with its offset ("2020-02-03T09:30:00+01:00"), newly allocated;
 * a copy of utc_text when it does not parse. */
char *gu_call_local_time (const GuCall *call, const char *utc_text);

#endif
