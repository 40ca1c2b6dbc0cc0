/* Text extraction: one filter process per document (filters/), chosen by
 * filters.map and run in a small sandbox with limits. A filter reads the
 * document on stdin and writes UTF-8 text on stdout; a filter that hangs,
 * crashes or blows up costs at most its limits, never the daemon. */
#ifndef GU_CLASSIFY_EXTRACT_H
#define GU_CLASSIFY_EXTRACT_H

#include <glib.h>

typedef struct {
  int timeout_seconds;     /* wall clock; <= 0: 20 s */
  int cpu_seconds;         /* RLIMIT_CPU; <= 0: same as timeout_seconds */
  int memory_mb;           /* RLIMIT_AS (and RLIMIT_FSIZE); <= 0: 512 MB */
  gsize max_output_bytes;  /* stdout cap; 0: 16 MB */
} GuFilterLimits;

/* Defaults for every field (the values named above). */
#define GU_FILTER_LIMITS_INIT { 0, 0, 0, 0 }

/* ---- filters.map ----
 * One rule a line, "KEY FILTER", '#' starts a comment line. KEY is a MIME
 * type as libmagic names it ("application/pdf"), a family wildcard
 * ("text/" followed by "*"), or a file extension with its dot (".pdf"); all matched
 * case-insensitively. FILTER is a file name in the map's folder or an
 * absolute path. */
typedef struct GuFilterMap GuFilterMap;

/* Loads a map; filters are resolved against the map's folder. Returns
 * NULL with GU_ERROR_NOT_FOUND if the file cannot be read, or
 * GU_ERROR_CONFIG ("path:line: why") for a malformed or duplicate rule. */
GuFilterMap *gu_filter_map_load (const char *path, GError **error);
void gu_filter_map_free (GuFilterMap *map);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GuFilterMap, gu_filter_map_free)

/* Returns the path of the filter for a document (owned by map), or NULL
 * when no rule applies. Either argument may be NULL. Order: the exact
 * sniffed type, then the filename's extension, then the type's family
 * wildcard. Generic sniffed types (application/zip, octet-stream: what
 * libmagic often says of OOXML files) are simply absent from the map, so
 * the extension decides for them. */
const char *gu_filter_map_lookup (const GuFilterMap *map, const char *sniffed_type,
                                  const char *filename);

/* A filter exits with this status (EX_DATAERR) when the document cannot
 * be read (encrypted, corrupt, not what its type says), after one line on
 * stderr saying why. */
#define GU_FILTER_EXIT_UNREADABLE 65

/* ---- running a filter ----
 * Runs filter_path with data on stdin and returns its stdout as a newly
 * allocated, valid UTF-8 string (invalid bytes and NULs become U+FFFD).
 *
 * The filter runs in its own session (process group), with an empty
 * environment except PATH=/usr/bin:/bin and LC_ALL=C.UTF-8, cwd "/",
 * umask 077, no core dumps, default signal dispositions, only fds 0, 1, 2
 * open, and the rlimits of limits. stdin is a seekable memory file holding
 * data (filters may read it twice or open /dev/stdin), so there is no
 * stdin/stdout deadlock. stderr is kept (first 2 KB) for the error message.
 *
 * Guarantees: the call returns within timeout_seconds plus a fraction of a
 * second, whatever the filter does: at the deadline the whole process group
 * is killed with SIGKILL and the call stops waiting for stdout even if an
 * escaped process still holds it. When the filter itself exits, leftover
 * processes of its group are killed at once.
 *
 * Output beyond max_output_bytes is not an error: reading stops, the group
 * is killed, and the text read so far is returned with *truncated = TRUE
 * (truncated may be NULL). Errors (GU_ERROR domain):
 *   GU_ERROR_NOT_FOUND   filter_path missing or not executable
 *   GU_ERROR_LIMIT       wall-clock timeout or CPU limit (SIGXCPU)
 *   GU_ERROR_UNREADABLE  the filter exited GU_FILTER_EXIT_UNREADABLE: the
 *                        document itself cannot be read (encrypted,
 *                        corrupt); the message is its first stderr line
 *   GU_ERROR_FAILED      any other nonzero exit, death by a signal (a
 *                        crash, malloc failing under RLIMIT_AS), exec
 *                        failure: the filter's trouble, not the document's
 *   GU_ERROR_TEMPFAIL    no pipe, memory file or fork (resources)
 * Thread-safe. The caller must not set SIGCHLD to SIG_IGN (the child is
 * reaped here with waitpid). */
char *gu_filter_run (const char *filter_path, GBytes *data, const GuFilterLimits *limits,
                     gboolean *truncated, GError **error);

#endif
