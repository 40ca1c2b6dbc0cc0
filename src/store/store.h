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

gboolean gu_store_begin (GuStore *store, GError **error);
gboolean gu_store_commit (GuStore *store, GError **error);
void gu_store_rollback (GuStore *store);

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
gboolean gu_store_find_message_by_content (GuStore *store, const char *message_id,
                                           const char *sender, const char *content_key,
                                           gint64 *row, GError **error);
/* *known: whether a stored message already has this Message-ID. */
gboolean gu_store_message_id_known (GuStore *store, const char *message_id, gboolean *known,
                                    GError **error);

/* Inserts the message row with its outcome (GU_OUTCOME_STORED until
 * filing says more); error_text may be NULL. *row receives the new row id. */
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

/* *count: automatic replies to address at or after since (ISO UTC text). */
gboolean gu_store_replies_since (GuStore *store, const char *address, const char *since, gint64 *count,
                                 GError **error);
/* Counts one reply to address at the time at. */
gboolean gu_store_reply_counted (GuStore *store, const char *address, const char *at, GError **error);

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
 * call_id: everything but facts->missing, which the caller derives from
 * the dossiers. deadline is the first instant after the call's window.
 * All times ISO UTC text. */
gboolean gu_store_digest_facts (GuStore *store, const char *call_id, const char *start, const char *end,
                                const char *deadline, GuDigestFacts *facts, GError **error);

/* Claims day (YYYY-MM-DD) for its digest, so that it is queued once even
 * across restarts: *claimed is FALSE when the day was already claimed.
 * Run it in the transaction that queues the digest: a rollback gives the
 * day back. */
gboolean gu_store_digest_claim (GuStore *store, const char *day, gboolean *claimed, GError **error);

/* Records the first outbox row of day's digest. */
gboolean gu_store_digest_set_outbox (GuStore *store, const char *day, gint64 outbox_id, GError **error);

/* Formats t as the store's time text (UTC, "2020-02-14T09:12:00Z").
 * Returns a newly allocated string. */
char *gu_store_time_text (GDateTime *t);

#endif
