/* src/store: the only module that speaks SQL. A GuStore is one SQLite
 * connection (WAL, busy_timeout, foreign keys, synchronous=FULL) plus the
 * blob store. Every writing transaction is BEGIN IMMEDIATE. SQLITE_BUSY
 * past the timeout, a full disk and I/O errors are GU_ERROR_TEMPFAIL.
 * States are enums here (core/states.h); their names are the SQL's. A
 * function that finds a row sets an out-parameter to its id, 0 when there
 * is none; the return value only says whether the query worked. */
#ifndef GU_STORE_STORE_H
#define GU_STORE_STORE_H

#include <glib.h>

#include "core/digest.h"
#include "core/types.h"

typedef struct GuStore GuStore;

/* Opens (creating) the database and blob folder and brings the schema up
 * to date. Returns a new store: close with gu_store_close. */
GuStore *gu_store_open (const char *db_path, const char *blob_dir, GError **error);
void gu_store_close (GuStore *store);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GuStore, gu_store_close)

/* How long a writer waits for another one's lock before giving up with
 * GU_ERROR_TEMPFAIL (default 30 s). */
void gu_store_set_busy_timeout (GuStore *store, int milliseconds);

/* Reads the schema version (PRAGMA user_version) into *version. */
gboolean gu_store_schema_version (GuStore *store, int *version, GError **error);

/* One transaction; inside a batch (below), a savepoint of it. */
gboolean gu_store_begin (GuStore *store, GError **error);
gboolean gu_store_commit (GuStore *store, GError **error);
void gu_store_rollback (GuStore *store);

/* Group commit of a batch of messages (doc/ARCHITECTURE.md, "Storage"):
 *   gu_store_batch_start: blobs written from now on are not yet durable
 *     nor visible (gu_blobs_defer); the slow work (parse, filters) runs
 *     with no lock held;
 *   gu_store_batch_open: makes them durable together, then opens one
 *     write transaction, in which each message's begin/commit/rollback
 *     is a savepoint (a message that fails is undone alone); blobs
 *     written inside it (the replies) are deferred in the same way;
 *   gu_store_batch_commit: makes those durable, then commits (one sync
 *     of the database for the batch);
 *   gu_store_batch_abort: undoes whatever is not committed (the
 *     temporary blob files are removed).
 * Only after gu_store_batch_commit may the messages leave the mailbox. */
void gu_store_batch_start (GuStore *store);
gboolean gu_store_batch_open (GuStore *store, GError **error);
gboolean gu_store_batch_commit (GuStore *store, GError **error);
void gu_store_batch_abort (GuStore *store);

/* Blobs: see store/blobs.h for the guarantees. */
gboolean gu_store_put_blob (GuStore *store, GBytes *data, const char *known_sha256,
                            char sha_out[65], GError **error);
/* Returns a new GBytes, or NULL with error set. */
GBytes *gu_store_get_blob (GuStore *store, const char *sha256, GError **error);

/* Where a message came from. mailbox is NULL for files and stdin. */
typedef struct {
  const char *mailbox;
  guint32 uidvalidity;
  guint32 uid;
  GDateTime *received_at;
} GuReceipt;

/* Duplicate lookups: *row is the message row id, 0 when none. */
gboolean gu_store_find_message_by_raw (GuStore *store, const char *raw_sha256, gint64 *row,
                                       GError **error);
/* A stored message with the same Message-ID and sender as a new one: a
 * duplicate if its content key (doc/ARCHITECTURE.md, rule 7) is the same. */
typedef struct {
  gint64 row;
  char *raw_sha256;
  char *content_key; /* "" when not computed yet: computed only when needed */
} GuStoredKey;
void gu_stored_key_free (GuStoredKey *key);
/* Returns a new array of GuStoredKey* (free function set), maybe empty,
 * or NULL with error. */
GPtrArray *gu_store_messages_by_id (GuStore *store, const char *message_id, const char *sender,
                                    GError **error);
/* Records the content key of row, computed late. */
gboolean gu_store_set_content_key (GuStore *store, gint64 row, const char *content_key, GError **error);
/* *known: whether a stored message already has this Message-ID. */
gboolean gu_store_message_id_known (GuStore *store, const char *message_id, gboolean *known,
                                    GError **error);

/* Inserts the message row with its outcome (GU_OUTCOME_STORED until
 * filing says more); error_text may be NULL; content_key "" when it was
 * not needed (no stored message had the same Message-ID and sender). *row
 * receives the new row id. */
gboolean gu_store_insert_message (GuStore *store, const GuMessage *msg, const GuReceipt *receipt,
                                  GuOutcome outcome, const char *error_text,
                                  const char *content_key, gint64 *row, GError **error);

/* Inserts msg's documents (their blobs must already be stored) and their
 * piece matches, keeping parent links. */
gboolean gu_store_insert_documents (GuStore *store, gint64 message_row, const GuMessage *msg,
                                    GError **error);

/* Records an event of the message and/or the dossier (0: none). */
gboolean gu_store_add_event (GuStore *store, gint64 message_row, gint64 dossier_id,
                             GuEventKind kind, const char *detail, GError **error);

/* A stored raw message, as replay needs it. */
typedef struct {
  char *raw_sha256;
  char *received_at;   /* ISO 8601 UTC */
  char *mailbox;       /* may be NULL */
  guint32 uidvalidity;
  guint32 uid;
} GuStoredRaw;

void gu_stored_raw_free (GuStoredRaw *raw);

/* Returns every stored message in the order it was first processed, as a
 * new array of GuStoredRaw* owning its elements. For the daemon that is
 * the receipt order; for messages ingested with --received out of order
 * it is still the order that gave the references, which replay must
 * give again. */
GPtrArray *gu_store_list_raw_messages (GuStore *store, GError **error);

/* Returns the filenames (or "<no-name:type>") of a message's documents
 * that came from MIME parts (not from archives), in document order, as a
 * new array of strings. */
GPtrArray *gu_store_message_part_names (GuStore *store, gint64 message_row, GError **error);

/* ---- dossiers (src/store/dossiers.c) ---- */

/* Looks up a dossier of call_id by reference: *id is its id (0 when none)
 * and, when owner is non-NULL and it exists, *owner its applicant (newly
 * allocated). */
gboolean gu_store_dossier_by_reference (GuStore *store, const char *call_id, const char *reference,
                                        gint64 *id, char **owner, GError **error);
/* The dossier whose outbox holds a reply with one of these Message-IDs
 * (without <>, NULL-terminated). Same out-parameters as above. */
gboolean gu_store_dossier_by_reply (GuStore *store, const char *call_id, const char *const *message_ids,
                                    gint64 *id, char **owner, GError **error);
/* *count: how many dossiers applicant has in call_id; *one: the id when
 * there is exactly one, else 0. */
gboolean gu_store_dossiers_of_applicant (GuStore *store, const char *call_id, const char *applicant,
                                         guint *count, gint64 *one, GError **error);

/* Creates an incomplete dossier with the next sequence number of call_id
 * (numbers are never reused, even after a deletion by hand). reference_of
 * formats the reference from the number. *id receives the new id and
 * *reference the reference (newly allocated). Must run inside a
 * transaction. */
gboolean gu_store_dossier_create (GuStore *store, const char *call_id,
                                  char *(*reference_of) (gint64 seq, gpointer data), gpointer data,
                                  const char *applicant, const char *applicant_name,
                                  const char *first_received_at, gint64 *id, char **reference,
                                  GError **error);

/* Sets the derived and declared fields of a dossier (NULL organisation,
 * legal_category or flags leave the stored value). */
gboolean gu_store_dossier_update (GuStore *store, gint64 id, GuDossierStatus status,
                                  const char *organisation, const char *legal_category,
                                  const char *flags, GError **error);

/* Links a stored message to a dossier (0: none) and sets its outcome. */
gboolean gu_store_message_set_dossier (GuStore *store, gint64 message_row, gint64 dossier_id,
                                       GuOutcome outcome, GError **error);

/* Sets (other TRUE) or clears GU_DOC_OTHER_SENDER on every document of
 * a stored message. */
gboolean gu_store_message_mark_other_sender (GuStore *store, gint64 message_row, gboolean other,
                                             GError **error);

/* Loads a dossier by id (reference NULL) or by reference, with its
 * documents and their pieces; with its messages and events when full.
 * Returns a new GuDossier, or NULL (GU_ERROR_NOT_FOUND when absent). */
GuDossier *gu_store_dossier_load (GuStore *store, gint64 id, const char *reference, gboolean full,
                                  GError **error);

/* Every dossier of call_id (documents loaded, not messages), in
 * reference order, only those with *status when status is non-NULL.
 * Returns a new array of GuDossier*. */
GPtrArray *gu_store_dossier_list (GuStore *store, const char *call_id, const GuDossierStatus *status,
                                  GError **error);

/* Replaces the piece keys of the documents of dossier_id whose content
 * has sha256 (evidence "admin"); *changed: how many documents that was. */
gboolean gu_store_dossier_set_pieces (GuStore *store, gint64 dossier_id, const char *sha256,
                                      const char *const *keys, guint *changed, GError **error);

/* ---- messages filed by a person (src/store/filings.c) ---- */

/* A stored message, as filing by hand needs it. */
typedef struct {
  gint64 row;          /* 0: no such message */
  gint64 dossier_id;   /* 0: none */
  char *message_id;
  char *raw_sha256;
  char *subject;
  char *sender;
  char *received_at;
  GuRole role;
  char *body_text;     /* as stored, or NULL */
} GuStoredMessage;

void gu_stored_message_clear (GuStoredMessage *m);

/* Finds the message with row id row, else Message-ID message_id (the
 * first stored when several share it), else raw SHA-256 raw_sha256 (each
 * may be 0 or NULL); m->row is 0 when there is none. */
gboolean gu_store_message_get (GuStore *store, gint64 row, const char *message_id, const char *raw_sha256,
                               GuStoredMessage *m, GError **error);

/* The parked staff letter (outcome unmatched) that our request for its
 * reference, one of message_ids (NULL-terminated), was about: *row, 0
 * when none. */
gboolean gu_store_parked_by_reply (GuStore *store, const char *const *message_ids, gint64 *row,
                                   GError **error);

/* An admin's filing (`guichet file`), kept for replay. */
typedef struct {
  char *raw_sha256;
  char *reference;
} GuFiling;

void gu_filing_free (GuFiling *f);
gboolean gu_store_filing_record (GuStore *store, const char *call_id, const char *raw_sha256,
                                 const char *reference, GError **error);
/* Every admin filing of call_id in the order made; a new array of GuFiling*. */
GPtrArray *gu_store_filing_list (GuStore *store, const char *call_id, GError **error);

/* The documents of one stored message, with their pieces; a new array
 * of GuDossierDocument*. */
GPtrArray *gu_store_message_documents (GuStore *store, gint64 message_row, GError **error);

/* Download links (src/store/links.c): stores links (of GuLink*, may be
 * NULL) on a message row, in order. */
gboolean gu_store_insert_links (GuStore *store, gint64 message_row, GPtrArray *links, GError **error);
/* Fills the links of each of d's messages (an empty array when it gave
 * none); gu_store_dossier_load does it for a full dossier. */
gboolean gu_store_dossier_load_links (GuStore *store, GuDossier *d, GError **error);

/* A dossier's id, reference and organisation. */
typedef struct {
  gint64 id;
  char *reference;
  char *organisation;
} GuDossierName;

/* The dossiers of call_id that have an organisation; a new array of
 * GuDossierName*. */
GPtrArray *gu_store_dossier_organisations (GuStore *store, const char *call_id, GError **error);

/* ---- outbox and rate limits (src/store/outbox.c) ---- */

typedef struct {
  gint64 id;
  char *dedupe_key;
  GuReplyKind kind;
  char *recipient;
  char *subject;
  char *smtp_message_id;
  char *raw_sha256;        /* the composed message in the blob store; NULL when suppressed */
  GuOutboxState state;
  int attempts;
  char *next_attempt_at;
  char *last_error;
  char *server_reply;
  char *created_at;
  char *sent_at;
  char *dossier_reference; /* NULL when none */
} GuOutboxRow;

void gu_outbox_row_free (GuOutboxRow *row);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GuOutboxRow, gu_outbox_row_free)

/* Adds a reply unless one with the same dedupe key exists (then *id is
 * 0: the message was already answered), else *id is the new row's id.
 * row's id, state, attempts, times and dossier_reference are ignored; the
 * state is pending, or suppressed when raw_sha256 is NULL (last_error
 * then says why). message_row and dossier_id may be 0 (none). */
gboolean gu_store_outbox_add (GuStore *store, const GuOutboxRow *row, gint64 message_row,
                              gint64 dossier_id, gint64 *id, GError **error);

/* Pending replies due at now (ISO UTC text), oldest first, at most limit.
 * Returns a new array of GuOutboxRow*. */
GPtrArray *gu_store_outbox_due (GuStore *store, const char *now, guint limit, GError **error);

/* Every reply, newest last. */
GPtrArray *gu_store_outbox_list (GuStore *store, GError **error);

/* Records a delivery attempt's outcome for row id. */
gboolean gu_store_outbox_update (GuStore *store, gint64 id, GuOutboxState state, int attempts,
                                 const char *next_attempt_at, const char *last_error,
                                 const char *server_reply, gboolean sent_now, GError **error);

/* Marks the reply whose Message-ID is smtp_message_id as bounced with the
 * diagnostic; *id is its id, 0 when there is no such reply. */
gboolean gu_store_outbox_bounced (GuStore *store, const char *smtp_message_id, const char *diagnostic,
                                  gint64 *id, GError **error);

/* Copies state, attempts, times, error and answer of an old row onto the
 * row with the same dedupe key (replay: what was sent stays sent). */
gboolean gu_store_outbox_restore (GuStore *store, const GuOutboxRow *old, GError **error);

/* Inserts an old row (replay) that nothing recreated, as it was, in the
 * dossier of the same reference (a reminder, an admin's filing's
 * notice, a digest: mail that no stored message gives again); a row
 * with its dedupe key already there is left alone. Then restore it. */
gboolean gu_store_outbox_carry (GuStore *store, const GuOutboxRow *old, GError **error);

/* *smtp_message_id: the Message-ID of the latest mail composed for
 * recipient about dossier_id (not a suppressed one), newly allocated, or
 * NULL when there is none: what a notice or a reminder follows in the
 * recipient's thread. */
gboolean gu_store_outbox_last_to (GuStore *store, gint64 dossier_id, const char *recipient,
                                  char **smtp_message_id, GError **error);

/* *count: automatic replies to address at or after since (ISO UTC text). */
gboolean gu_store_replies_since (GuStore *store, const char *address, const char *since, gint64 *count,
                                 GError **error);
/* Counts one reply to address at the time at. */
gboolean gu_store_reply_counted (GuStore *store, const char *address, const char *at, GError **error);

/* *exists: whether the outbox holds a row keyed dedupe_key. */
gboolean gu_store_outbox_has_key (GuStore *store, const char *dedupe_key, gboolean *exists, GError **error);

/* ---- reminders before the deadline (src/store/reminders.c) ---- */

/* *done: whether day's reminders of call_id were queued (a run recorded). */
gboolean gu_store_reminder_day_done (GuStore *store, const char *call_id, const char *day, gboolean *done,
                                     GError **error);
/* Records a run of day's reminders, days_before the closing day, that
 * queued queued of them (added to the day's count). */
gboolean gu_store_reminder_day_record (GuStore *store, const char *call_id, const char *day, int days_before,
                                       guint queued, GError **error);
/* Appends to out (of GuDigestItem*) the reminders of day (YYYY-MM-DD)
 * of call_id, in reference order: at (queued), reference, who
 * (recipient), what (subject), state (outbox state), detail (why it was
 * not sent, if so). For the digest. */
gboolean gu_store_reminders_of_day (GuStore *store, const char *call_id, const char *day, GPtrArray *out,
                                    GError **error);

/* An admin's override, as recorded. */
typedef struct {
  char *reference;
  char *sha256;
  char **keys;        /* NULL-terminated, empty for "none" */
} GuOverride;

void gu_override_free (GuOverride *o);

/* Records an override so that replay can apply it again. */
gboolean gu_store_override_record (GuStore *store, const char *call_id, const char *reference,
                                   const char *sha256, const char *const *keys, GError **error);

/* Every override of call_id in the order given; a new array of
 * GuOverride*. */
GPtrArray *gu_store_override_list (GuStore *store, const char *call_id, GError **error);

typedef struct {
  guint64 messages;
  guint64 documents;
  guint64 blobs_checked;
  guint64 blobs_bad;
} GuStoreCounts;

/* Re-hashes every blob the database refers to. Each problem is appended
 * to problems as a new string. */
gboolean gu_store_verify (GuStore *store, GPtrArray *problems, GuStoreCounts *counts,
                          GError **error);

/* ---- the daily digest (src/store/digest.c) ---- */

/* Fills facts (from gu_digest_facts_new) with the day [start, end) of
 * call_id: everything but the counts, facts->missing and the chart,
 * which the caller derives from the dossiers. deadline is the first
 * instant after the call's window. All times ISO UTC text. */
gboolean gu_store_digest_facts (GuStore *store, const char *call_id, const char *start, const char *end,
                                const char *deadline, GuDigestFacts *facts, GError **error);

/* Claims day (YYYY-MM-DD) for its digest, so that it is queued once even
 * across restarts: *claimed is FALSE when the day was already claimed.
 * Run it in the transaction that queues the digest: a rollback gives the
 * day back. */
gboolean gu_store_digest_claim (GuStore *store, const char *day, gboolean *claimed, GError **error);

/* Records the first outbox row of day's digest. */
gboolean gu_store_digest_set_outbox (GuStore *store, const char *day, gint64 outbox_id, GError **error);

/* ---- monitoring (src/store/status.c) ---- */

/* Records a successful listing of the source, now, with backlog
 * messages waiting (one row, replaced each time). */
gboolean gu_store_record_poll (GuStore *store, guint backlog, GError **error);

/* What `guichet status` reports from the database. Times are the store's
 * UTC text, NULL when there is none. */
typedef struct {
  char *last_poll_at;      /* the daemon's last successful listing */
  gint64 backlog;          /* messages waiting at that listing */
  gint64 outbox_pending;
  gint64 outbox_failed;
  char *oldest_pending_at; /* creation of the oldest pending reply */
  char *last_digest_day;   /* YYYY-MM-DD */
  gint64 quarantined;      /* messages quarantined since the last digest was made */
} GuStoreStatus;

void gu_store_status_clear (GuStoreStatus *s);
/* Fills status (zeroed first; clear it whatever the return). */
gboolean gu_store_status (GuStore *store, GuStoreStatus *status, GError **error);

/* ---- data protection (src/store/purge.c) ---- */

/* A dossier purged (or to be), or a count of anonymous dossiers. */
typedef struct {
  char *reference;         /* NULL in counts */
  char *status;            /* its status's SQL name */
  char *first_received_at; /* UTC time; in purged counts, the call's day (YYYY-MM-DD) */
  gint64 count;            /* dossiers: 1 for one dossier */
  gint64 documents;
} GuPurgedDossier;

void gu_purged_dossier_free (GuPurgedDossier *d);

typedef struct {
  GPtrArray *dossiers;     /* GuPurgedDossier*, in reference order */
  gint64 messages;         /* theirs, and those in no dossier */
  gint64 unfiled_messages; /* of which in no dossier */
  gint64 documents;
  gint64 blobs;            /* blob files removed (0 on a dry run) */
} GuPurgeResult;

void gu_purge_result_clear (GuPurgeResult *r);

/* Deletes, in one transaction, the dossiers of call_id none of whose
 * messages was received at or after before (UTC time text), with their
 * messages, documents, pieces, events, replies, filings, overrides and
 * rate-limit rows, and the messages filed in no dossier received before
 * then; digests made before then lose their text. Keeps in purged_counts
 * how many dossiers (and documents) went per status and per day of first
 * receipt (day_of: the call's day, a new "YYYY-MM-DD", of a UTC time)
 * and their sequence numbers (purged_dossiers), and records a "purged"
 * event. Once committed, removes the blobs no row
 * names any more. With dry_run, only fills result (what would go). Clear
 * result whatever the return. */
gboolean gu_store_purge (GuStore *store, const char *call_id, const char *before, gboolean dry_run,
                         char *(*day_of) (const char *utc, gpointer data), gpointer data,
                         GuPurgeResult *result, GError **error);

/* Anonymous counts of call_id: with purged, the rows purge kept (day,
 * status, count, documents); else one row per dossier still there (its
 * first receipt as UTC time, status, 1, its documents). A new array of
 * GuPurgedDossier* without references. */
GPtrArray *gu_store_anonymous_counts (GuStore *store, const char *call_id, gboolean purged, GError **error);

/* Copies into fresh what no stored message says and `replay` must keep:
 * the counts purge kept, the sequence numbers of the dossiers it deleted
 * and the daemon's last poll, from the database at old_path (migrated:
 * it was open before). */
gboolean gu_store_carry_over (GuStore *fresh, const char *old_path, GError **error);

/* Formats t as the store's time text (UTC, "2020-02-14T09:12:00Z").
 * Returns a newly allocated string. */
char *gu_store_time_text (GDateTime *t);

#endif
