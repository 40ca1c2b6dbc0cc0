/* Content-addressed blob store: blobs/sha256/ab/cd/abcd…(64 hex). A blob
 * is written once (temp file, fsync, rename, fsync of the folder) and
 * never changed, so writing the same bytes twice is a no-op. */
#ifndef GU_STORE_BLOBS_H
#define GU_STORE_BLOBS_H

#include <glib.h>

typedef struct GuBlobs GuBlobs;

/* Opens (creating) the blob folder. Returns a new handle: free with
 * gu_blobs_free. */
GuBlobs *gu_blobs_open (const char *dir, GError **error);
void gu_blobs_free (GuBlobs *blobs);

/* Stores data under its SHA-256, written to sha_out (65 bytes). When
 * known_sha256 is non-NULL it is trusted as the hash (the caller just
 * computed it). Failures to write are GU_ERROR_TEMPFAIL. */
gboolean gu_blobs_put (GuBlobs *blobs, GBytes *data, const char *known_sha256,
                       char sha_out[65], GError **error);

/* Group commit. After gu_blobs_defer, gu_blobs_put writes each new blob
 * to a temporary file only (nothing synced, no blob visible under its
 * name); gu_blobs_settle then makes their bytes durable (one syncfs),
 * renames them, makes the renames durable (a second syncfs), and ends
 * the deferral. Call it before the
 * transaction that names them commits: a crash before it leaves only
 * temporary files, and the messages are fetched again. gu_blobs_discard
 * ends a deferral whose transaction will not happen (the temporary
 * files are removed). Without a deferral, each put is durable at once. */
void gu_blobs_defer (GuBlobs *blobs);
gboolean gu_blobs_settle (GuBlobs *blobs, GError **error);
void gu_blobs_discard (GuBlobs *blobs);

/* Returns a new GBytes with the blob, or NULL (GU_ERROR_NOT_FOUND). */
GBytes *gu_blobs_get (GuBlobs *blobs, const char *sha256, GError **error);

/* Re-hashes the blob; FALSE with GU_ERROR_CORRUPT or NOT_FOUND when bad. */
gboolean gu_blobs_verify (GuBlobs *blobs, const char *sha256, GError **error);

/* Returns the path of a blob (newly allocated), whether or not it exists. */
char *gu_blobs_path (GuBlobs *blobs, const char *sha256);

#endif
