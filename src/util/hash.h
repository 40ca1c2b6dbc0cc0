/* SHA-256 through GnuTLS (4x GLib's GChecksum on CPUs with SHA
 * instructions: see LIBRARIES.md, "Speed facts"). */
#ifndef GU_UTIL_HASH_H
#define GU_UTIL_HASH_H

#include <glib.h>

/* Writes the lower-case hex SHA-256 of data into out (65 bytes, NUL-terminated). */
void gu_sha256_hex (const void *data, gsize len, char out[65]);

/* Incremental hashing, for streams. */
typedef struct GuSha256 GuSha256;
/* Returns a new hasher; gu_sha256_finish frees it. */
GuSha256 *gu_sha256_new (void);
void gu_sha256_update (GuSha256 *h, const void *data, gsize len);
/* Writes the hex digest into out and frees h. */
void gu_sha256_finish (GuSha256 *h, char out[65]);

/* TRUE when s is 64 lower-case hex digits. */
gboolean gu_sha256_is_valid (const char *s);

#endif
