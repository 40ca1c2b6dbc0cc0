/* src/store: the only module that speaks SQL. A GuStore is one SQLite
 * connection (WAL, busy_timeout, foreign keys, synchronous=FULL) plus the
 * blob store. Every writing transaction is BEGIN IMMEDIATE. SQLITE_BUSY
 * past the timeout, a full disk and I/O errors are GU_ERROR_TEMPFAIL. */
#ifndef GU_STORE_STORE_H
#define GU_STORE_STORE_H

#include <glib.h>

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

/* The schema version (PRAGMA user_version). */
int gu_store_schema_version (GuStore *store);

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

/* Duplicate lookups. Return the message row id, 0 when none, -1 on error. */
gint64 gu_store_find_message_by_raw (GuStore *store, const char *raw_sha256, GError **error);
gint64 gu_store_find_message_by_content (GuStore *store, const char *message_id,
                                         const char *sender, const char *content_key,
                                         GError **error);
/* TRUE when a stored message already has this Message-ID. */
gboolean gu_store_message_id_known (GuStore *store, const char *message_id);

/* Inserts the message row. outcome is one of DESIGN.md's words ("stored",
 * "quarantined", "automatic", …); error_text may be NULL. Returns the new
 * row id, or -1 with error set. */
gint64 gu_store_insert_message (GuStore *store, const GuMessage *msg, const GuReceipt *receipt,
                                const char *outcome, const char *error_text,
                                const char *content_key, GError **error);

/* Inserts msg's documents (their blobs must already be stored) and their
 * piece matches, keeping parent links. */
gboolean gu_store_insert_documents (GuStore *store, gint64 message_row, const GuMessage *msg,
                                    GError **error);

gboolean gu_store_add_event (GuStore *store, gint64 message_row, gint64 dossier_id,
                             const char *kind, const char *detail, GError **error);

/* A stored raw message, as replay needs it. */
typedef struct {
  char *raw_sha256;
  char *received_at;   /* ISO 8601 UTC */
  char *mailbox;       /* may be NULL */
  guint32 uidvalidity;
  guint32 uid;
} GuStoredRaw;

void gu_stored_raw_free (GuStoredRaw *raw);

/* Returns every stored message in receipt order (then insertion order),
 * as a new array of GuStoredRaw* owning its elements. */
GPtrArray *gu_store_list_raw_messages (GuStore *store, GError **error);

/* Returns the filenames (or "<no-name:type>") of a message's documents
 * that came from MIME parts (not from archives), in document order, as a
 * new array of strings. */
GPtrArray *gu_store_message_part_names (GuStore *store, gint64 message_row, GError **error);

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

/* Formats t as the store's time text (UTC, "2020-02-14T09:12:00Z").
 * Returns a newly allocated string. */
char *gu_store_time_text (GDateTime *t);

#endif
