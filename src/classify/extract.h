/* Text extraction: one filter process per document (filters/), chosen by
 * filters.map and run behind walls (util/walls.h) with limits. A filter
 * reads the document on stdin and writes UTF-8 text on stdout; a filter
 * that hangs, crashes, blows up or is taken over by its document costs at
 * most its limits, never the daemon, and reaches none of its files. */
#ifndef GU_CLASSIFY_EXTRACT_H
#define GU_CLASSIFY_EXTRACT_H

#include <glib.h>

typedef struct {
  int timeout_seconds;     /* wall clock; <= 0: 20 s */
  int cpu_seconds;         /* RLIMIT_CPU; <= 0: same as timeout_seconds */
  int memory_mb;           /* RLIMIT_AS (and RLIMIT_FSIZE); <= 0: 512 MB */
  gsize max_output_bytes;  /* stdout cap; 0: 16 MB */
  int max_pages;           /* GU_FILTER_MAX_PAGES in the filter's environment,
                            * for filters that read page by page (OCR);
                            * <= 0: not set */
} GuFilterLimits;

/* Defaults for every field (the values named above). */
#define GU_FILTER_LIMITS_INIT { 0, 0, 0, 0, 0 }

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

/* Appends to problems (of char*) one line for each filter of map that is
 * missing or not executable, and for each program a filter script names
 * on a "# requires: prog…" line that is not in /usr/bin or /bin. */
void gu_filter_map_check (const GuFilterMap *map, GPtrArray *problems);

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

/* A document locked by a password (a PDF that needs a user password, an
 * encrypted OOXML file, an ODF file with encrypted parts, a .doc or .xls
 * with the encryption flag): the filter exits GU_FILTER_EXIT_UNREADABLE
 * and its first stderr line starts with this prefix, then says why
 * ("protected: PDF protected by a password"). Classify flags such a
 * document GU_DOC_PROTECTED with GU_DOC_UNREADABLE, the rest of the line
 * as its reason. */
#define GU_FILTER_PROTECTED_PREFIX "protected:"

/* Text read from an image by OCR (filters/ocr): the filter's first line
 * is exactly this marker, then the text, pages separated by form feeds
 * (each page, the last included, ends with one). Classify drops the
 * marker line and says "content(ocr):" in the evidence, always with the
 * page, so that a person knows the text was read from an image. The
 * marker stays in the document's text: classifying that text again gives
 * the same evidence. */
#define GU_FILTER_OCR_MARKER "[ocr]"

/* ---- running a filter ----
 * Runs filter_path with data on stdin and returns its stdout as a newly
 * allocated, valid UTF-8 string (invalid bytes and NULs become U+FFFD).
 *
 * The filter runs in its own session (process group), with an empty
 * environment except PATH=/usr/bin:/bin, LC_ALL=C.UTF-8, TMPDIR (and
 * GU_FILTER_MAX_PAGES when limits->max_pages > 0), cwd
 * "/", umask 077, no core dumps, default signal dispositions, only fds 0,
 * 1, 2 open, and the rlimits of limits. TMPDIR is a folder made for this
 * run (under g_get_tmp_dir ()) and removed with all it holds afterwards.
 * The walls (GU_WALLS_FILTER, doc/ARCHITECTURE.md, "Walls") let it read
 * and execute the system folders (/usr, /bin, /lib..., a few files of
 * /etc) and the filter's own folder, write /dev/null and its TMPDIR, and
 * nothing else: no network, no /proc, nothing of guichet's. The walls the
 * kernel lacks are left out (logged once); a filter never runs without
 * the ones it has. stdin is a seekable memory file holding
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
 *   GU_ERROR_TEMPFAIL    no pipe, memory file, temporary folder or fork
 *                        (resources)
 * Thread-safe. The caller must not set SIGCHLD to SIG_IGN (the child is
 * reaped here with waitpid). */
char *gu_filter_run (const char *filter_path, GBytes *data, const GuFilterLimits *limits,
                     gboolean *truncated, GError **error);

#endif
