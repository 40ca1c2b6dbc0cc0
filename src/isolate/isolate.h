/* src/isolate: parsing, sniffing and unpacking of what strangers send,
 * done in separate worker processes that can reach nothing (see
 * doc/ARCHITECTURE.md, "Processes and threads"). The daemon, `ingest`
 * and `replay` never run GMime, libmagic or libarchive on a message in
 * their own memory: they hand the raw bytes to a worker and read back a
 * GuMessage, distrusting every byte of it.
 *
 * A worker is the executable guichet-parse, exec'd fresh (never a fork of
 * our memory), found as $GUICHET_PARSE_WORKER, else next to the running
 * program (a build tree), else in $(pkglibexecdir). It talks over a
 * SOCK_SEQPACKET socketpair: one packet with a sealed memfd each way. */
#ifndef GU_ISOLATE_ISOLATE_H
#define GU_ISOLATE_ISOLATE_H

#include <glib.h>

#include "core/conf.h"
#include "core/types.h"
#include "parse/parse.h"

typedef struct GuParserPool GuParserPool;
typedef struct GuParseJob GuParseJob;

/* Returns a new pool of up to size workers (0: one per core), started
 * lazily. limits is copied (the worker's memory and CPU per message,
 * and what unpack may read). Free with gu_parser_pool_free, which ends
 * every worker. Never fails: a worker that cannot start is an error of
 * the jobs that needed it. */
GuParserPool *gu_parser_pool_new (guint size, const GuLimits *limits);
void gu_parser_pool_free (GuParserPool *pool);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GuParserPool, gu_parser_pool_free)

/* Returns the path of the worker executable that will be run, newly
 * allocated, or NULL with GU_ERROR_TEMPFAIL when there is none (an
 * installation to mend; mail waits meanwhile). */
char *gu_parser_worker_path (GError **error);

/* Queues raw for parsing with opts (copied) and starts it on an idle
 * worker if there is one. raw_sha256 is its lower-case hex SHA-256, or
 * NULL when the caller computes it meanwhile and gives it to
 * gu_parse_job_finish. raw is referenced until the job finishes. Returns
 * the job, owned by the pool until gu_parse_job_finish. */
GuParseJob *gu_parser_pool_submit (GuParserPool *pool, GBytes *raw, const char *raw_sha256,
                                   const GuParseOptions *opts);

/* Waits for job (running other queued jobs meanwhile, on every worker)
 * and returns its message: parsed, sniffed and unpacked, documents with
 * content and SHA-256 computed here, strings valid UTF-8. A worker that
 * crashed, overran its limits or answered nonsense costs that message
 * only: it comes back with parse_error saying so ("parser crashed:
 * signal 11") and the worker is replaced. Returns NULL with
 * GU_ERROR_TEMPFAIL (no worker executable, no memory file, socket or
 * process) when the message was not parsed at all and must be tried
 * again. raw_sha256 (NULL: the one given to submit) becomes the
 * message's, and its Message-ID's where that is derived. Frees job
 * either way. The message is new: free with gu_message_free. */
GuMessage *gu_parse_job_finish (GuParserPool *pool, GuParseJob *job, const char *raw_sha256, GError **error);

/* The worker's side: serves requests on fd until it closes. Initialises
 * the libraries, then confines the process (walls; address space: what
 * it holds now plus memory_mb, 0 for no limit) before it reads anything.
 * Returns the process exit status. Used by guichet-parse's main() and by
 * the tests' stand-in workers; hook, when not NULL, sees each raw message
 * before it is parsed. */
int gu_parse_worker_serve (int fd, guint memory_mb, void (*hook) (GBytes *raw));

#endif
