/* The types that pipeline stages hand to each other. Stages never include
 * each other's headers: parse produces a GuMessage, unpack appends
 * GuDocuments to it, classify fills their pieces, store persists it. */
#ifndef GU_CORE_TYPES_H
#define GU_CORE_TYPES_H

#include <glib.h>

#include "core/states.h"

#define GU_SHA256_HEX_LEN 64

/* Document flags: a bit set, stored as an integer and shown as words. */
typedef enum {
  GU_DOC_INLINE_IMAGE = 1 << 0, /* an image with a Content-ID: a logo, not a piece */
  GU_DOC_UNREADABLE   = 1 << 1, /* encrypted, corrupt, refused: see reason */
  GU_DOC_ARCHIVE      = 1 << 2, /* an archive whose entries follow as children */
  GU_DOC_TRUNCATED    = 1 << 3, /* content cut at a limit (archive entry, size) */
  GU_DOC_INLINE       = 1 << 4, /* came as an inline part (a PDF sent inline) */
  GU_DOC_FROM_FORWARD = 1 << 5, /* found inside a forwarded message/rfc822 */
  GU_DOC_LATE         = 1 << 6, /* arrived after the call's deadline */
  GU_DOC_EMPTY        = 1 << 7, /* 0 bytes; an archive: read to the end, held no file */
  GU_DOC_EARLY        = 1 << 8, /* arrived before the call opened */
  GU_DOC_PROTECTED    = 1 << 9, /* password-protected (an archive, a PDF, an Office file):
                                 * kept, not read; set with GU_DOC_UNREADABLE */
  GU_DOC_REPAIRED     = 1 << 10, /* its MIME part was broken (headers running into the
                                  * body) and recovered as mail readers do; the raw
                                  * message, kept as ever, holds it as sent */
  GU_DOC_OTHER_SENDER = 1 << 11, /* filed by the reference or thread its message gave,
                                  * from another sender than the dossier's applicant
                                  * (and no colleague of theirs): shown as such */
} GuDocFlags;

/* Returns a newly allocated space-separated list of flag names ("" when
 * none); free with g_free. */
char *gu_doc_flags_to_string (guint flags);

/* TRUE for a document shown to people as received (views, receipts): not
 * a logo, and not an archive shown through its entries. An archive that
 * could not be read (wholly) or held no file is shown itself: it is the
 * only trace of what the applicant sent. */
gboolean gu_doc_is_shown (guint flags);

/* The state of doc/ARCHITECTURE.md's `show --json` pieces that the flags say
 * ("protected", "unreadable", "empty"), a static string, or NULL when none
 * applies. */
const char *gu_doc_state (guint flags);

/* TRUE for a document that counts towards completeness: received inside
 * the window (neither GU_DOC_EARLY nor GU_DOC_LATE). */
gboolean gu_doc_counts (guint flags);

/* One piece key a document satisfies, with the evidence that says why
 * (`filename:"budget"`, `content:"phase d'étude" sheet 2`, `admin`). */
typedef struct {
  char *key;
  char *evidence;
} GuPieceMatch;

/* Returns the match for key in pieces (of GuPieceMatch*), borrowed, or
 * NULL when none. */
const GuPieceMatch *gu_piece_find (GPtrArray *pieces, const char *key);

typedef struct {
  char *filename;        /* decoded name, a label: never a file system path; may be NULL */
  char *archive_path;    /* entry name inside its archive, a label only; NULL for parts */
  char *declared_type;   /* Content-Type as sent, lower case, e.g. "application/octet-stream" */
  char *sniffed_type;    /* libmagic's answer, NULL until sniffed */
  GBytes *content;       /* the decoded bytes (possibly cut at a limit) */
  char sha256[GU_SHA256_HEX_LEN + 1]; /* of content, lower-case hex */
  guint flags;           /* GuDocFlags */
  char *unreadable_reason; /* set with GU_DOC_UNREADABLE: "encrypted", "corrupt: …", … */
  int parent;            /* index in GuMessage.documents of the archive holding it, or -1 */
  int depth;             /* 0 for a MIME part, 1 for an archive entry, … */
  char *text;            /* extracted UTF-8 text, NULL when none (set by classify) */
  GPtrArray *pieces;     /* of GuPieceMatch*, set by classify */
} GuDocument;

/* Returns a new zeroed document with parent -1; free with gu_document_free. */
GuDocument *gu_document_new (void);
void gu_document_free (GuDocument *doc);
/* Sets content and its SHA-256; takes its own reference to bytes. */
void gu_document_set_content (GuDocument *doc, GBytes *bytes);
/* The same, sha256 left empty, for a caller that hashes elsewhere (on
 * another thread) with gu_document_hash. */
void gu_document_set_content_unhashed (GuDocument *doc, GBytes *bytes);
/* Sets sha256 from content (empty content when there is none). */
void gu_document_hash (GuDocument *doc);

/* From now on, gu_document_set_content leaves sha256 empty: for the
 * parse worker, whose documents are hashed by the daemon that receives
 * them (it believes no hash of the worker's), so that every byte is
 * hashed once. */
void gu_documents_defer_hashing (void);
void gu_document_add_piece (GuDocument *doc, const char *key, const char *evidence);

/* A link to a file-transfer or cloud service (the call's [links]) found
 * in a message's body: recorded, never fetched. */
typedef struct {
  char *url;   /* as written, one line, valid UTF-8 */
  char *host;  /* lower case, e.g. "wetransfer.com" */
} GuLink;

/* Frees a GuLink (a GDestroyNotify for arrays of them). */
void gu_link_free (gpointer link);

/* A parsed message. Strings are UTF-8, NULL when the header was absent.
 * Addresses are bare (local@domain), lower-cased domain. */
typedef struct {
  char *raw_sha256;       /* hex SHA-256 of the raw bytes as received */
  gsize raw_size;
  char *message_id;       /* without <>; derived from raw_sha256 when absent */
  gboolean message_id_derived;
  char *from_addr;
  char *from_name;        /* display name, no control characters */
  char *from_recovered;   /* NULL when From gave from_addr as GMime read it; else where
                           * it came from: "From (repaired)", "Sender", "Reply-To",
                           * "Return-Path" */
  char *from_raw;         /* with from_recovered or no_usable_sender: the From header
                           * as written, one line, no control characters; NULL when absent */
  gboolean no_usable_sender; /* automatic only because no header held an address:
                              * set aside for a person (the digest lists it) */
  char *reply_to;         /* bare address from Reply-To, or NULL */
  char *return_path;      /* "" for Return-Path: <>, NULL when absent */
  GPtrArray *to;          /* of char* bare addresses (To and Cc) */
  char *subject;          /* RFC 2047 decoded */
  char *in_reply_to;      /* without <> */
  GPtrArray *references;  /* of char*, without <> */
  GDateTime *date;        /* Date header, NULL when absent or unparseable */
  char *auth_results;     /* Authentication-Results headers joined with "\n" */
  GuRole role;
  char *automatic_reason; /* why role is automatic, e.g. "Auto-Submitted: auto-replied" */
  gboolean is_bounce;     /* DSN or a non-standard bounce */
  char *bounced_message_id; /* the Message-ID a bounce names, when found */
  char *body_text;        /* UTF-8 body, from text/plain else stripped text/html */
  GPtrArray *documents;   /* of GuDocument*, in document order */
  char *parse_error;      /* set when the message could not be made sense of */
  char *truncated;        /* set when part of the MIME tree was not read, saying why
                           * ("nesting deeper than 64 levels"); the rest was read */
  GPtrArray *overruns;    /* of char*: per-message budgets ([limits] message_*) this
                           * message exceeded, one line each saying which and what was
                           * left unread; empty when none */
  GPtrArray *links;       /* of GuLink*: download links in body_text, found in the
                           * daemon's process by pipeline (never set by parse, so
                           * not on the wire); empty when none */
} GuMessage;

/* Returns a new empty message; free with gu_message_free. */
GuMessage *gu_message_new (void);
void gu_message_free (GuMessage *msg);
/* Appends doc to msg->documents (which takes ownership) and returns its index. */
int gu_message_add_document (GuMessage *msg, GuDocument *doc);

/* A dossier as the store knows it: what views show and what the status
 * is derived from. Times are ISO 8601 UTC strings as stored. */
typedef struct {
  gint64 id;
  char *filename;
  char *archive_path;
  char *sha256;
  gint64 size;
  char *sniffed_type;
  guint flags;             /* GuDocFlags; GU_DOC_LATE for a piece after the deadline */
  char *unreadable_reason;
  GPtrArray *pieces;       /* of GuPieceMatch* */
  GuRole source;           /* the role of its message: applicant or staff */
  char *received_at;       /* its message's receipt time */
} GuDossierDocument;

typedef struct {
  char *message_id;
  char *received_at;
  GuRole role;
  GuOutcome outcome;
  char *subject;
  GPtrArray *links;        /* of GuLink*: its download links, loaded with a full
                            * dossier; NULL when not loaded */
} GuDossierMessage;

typedef struct {
  char *at;
  GuEventKind kind;
  char *detail;
} GuDossierEvent;

typedef struct {
  gint64 id;
  char *reference;
  GuDossierStatus status;  /* as stored: derived when the dossier last changed */
  char *applicant;
  char *applicant_name;
  char *organisation;
  char *legal_category;
  char *flags;             /* space-separated words */
  char *first_received_at;
  char *updated_at;
  GPtrArray *documents;    /* of GuDossierDocument* */
  GPtrArray *messages;     /* of GuDossierMessage* */
  GPtrArray *events;       /* of GuDossierEvent* */
  GPtrArray *receipts;     /* of char*: its messages' receipt times (ISO UTC), in
                            * time order; always loaded: status needs them */
} GuDossier;

/* Returns a new empty dossier with empty arrays; free with gu_dossier_free. */
GuDossier *gu_dossier_new (void);
void gu_dossier_free (GuDossier *dossier);
/* Returns a new document (empty pieces array), owned by the caller until
 * added to a dossier's documents. */
GuDossierDocument *gu_dossier_document_new (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GuMessage, gu_message_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GuDossier, gu_dossier_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GuDocument, gu_document_free)

#endif
