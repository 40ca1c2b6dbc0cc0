/* src/isolate inside: the wire between the pool and its workers.
 *
 * One request or answer is one SOCK_SEQPACKET packet holding a GuWireHeader
 * and one descriptor (SCM_RIGHTS): a memfd sealed against any change,
 * laid out as [payload bytes][padding to 8][GVariant]. For a request the
 * payload is the raw message; for an answer, the documents' contents
 * back to back. The GVariant is a dictionary (a{sv}) of bytestrings and
 * numbers: bytestrings because a worker owes us nothing, not even valid
 * UTF-8, and GVariant reads hostile serialised data safely. */
#ifndef GU_ISOLATE_PRIVATE_H
#define GU_ISOLATE_PRIVATE_H

#include <glib.h>

#include "core/conf.h"
#include "core/types.h"
#include "parse/parse.h"

#define GU_WIRE_MAGIC 0x67755031u /* "guP1" */

typedef struct {
  guint32 magic;
  guint32 reserved;
  guint64 variant_offset;
  guint64 variant_size;
} GuWireHeader;

/* The parse worker's file descriptor number: the socket is dup'ed there. */
#define GU_WIRE_WORKER_FD 3

/* Returns a new empty memfd (close-on-exec, sealable), or -1 with
 * GU_ERROR_TEMPFAIL. */
int gu_wire_memfd_new (const char *name, GError **error);

/* Appends len bytes of data at the end of fd, then pads fd to a multiple
 * of 8 when pad is TRUE. Sets *offset to where data starts. */
gboolean gu_wire_append (int fd, const void *data, gsize len, gboolean pad, guint64 *offset,
                         GError **error);

/* Appends the serialised variant (padded to 8 first), seals fd against
 * writing, growing and shrinking, and sends it with its header on sock.
 * Does not close fd. */
gboolean gu_wire_send (int sock, int fd, GVariant *variant, GError **error);

/* Receives one packet from sock, waiting at most timeout_ms (-1: no
 * limit). Returns the memfd mapped read-only (checked: a memfd, sealed,
 * the variant inside it) as new bytes whose last reference unmaps it,
 * and the variant of type, referencing those bytes (free both). Returns
 * FALSE with GU_ERROR_LIMIT on timeout, GU_ERROR_NOT_FOUND when the
 * peer closed the socket, GU_ERROR_FAILED for anything malformed. */
gboolean gu_wire_receive (int sock, int timeout_ms, const GVariantType *type, GBytes **mapping,
                          GVariant **variant, GError **error);

/* ---- the request: GuParseOptions and limits; the raw message is the payload ---- */

/* Returns a new floating request for raw_size bytes at raw_offset. */
GVariant *gu_wire_request_new (const GuParseOptions *opts, const GuLimits *limits,
                               const char *raw_sha256, guint64 raw_offset, guint64 raw_size);

/* Reads a request: fills opts with strings borrowed from variant (keep it
 * alive) or from the two new string arrays (g_strfreev them), limits
 * (defaults for what the request does not say), *raw_sha256 borrowed,
 * *raw the payload (new bytes over mapping, unref it). */
gboolean gu_wire_request_read (GVariant *variant, GBytes *mapping, GuParseOptions *opts,
                               GuLimits *limits, char ***staff_addresses, char ***staff_domains,
                               const char **raw_sha256, GBytes **raw, GError **error);

/* ---- the answer: a parsed message; documents' contents are the payload ---- */

/* Returns the answer for msg, appending every document's content to fd. */
GVariant *gu_wire_answer_new (const GuMessage *msg, int fd, GError **error);

/* Returns a new message from an answer, distrusting all of it: strings
 * made valid UTF-8 (labels one line), documents' contents sliced from
 * mapping, indexes and sizes checked. raw_sha256 and raw_size are ours,
 * not the worker's. The documents' SHA-256 are left empty for
 * gu_wire_hash_documents (the pool runs it on a thread of its own).
 * NULL with GU_ERROR_FAILED when the answer does not hold together. */
GuMessage *gu_wire_answer_read (GVariant *variant, GBytes *mapping, const char *raw_sha256,
                                gsize raw_size, guint max_documents, GError **error);
/* Computes the SHA-256 of each of msg's documents. */
void gu_wire_hash_documents (GuMessage *msg);

#endif
