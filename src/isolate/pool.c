/* The daemon's side of the parse workers: starts them (posix_spawn of a
 * fresh executable, not a fork of our memory), hands them jobs, reads
 * their answers, and replaces a worker that dies or overruns. Jobs are
 * queued and run on every worker at once, each worker holding a few
 * behind the one it parses so that it goes on while we are busy
 * elsewhere (storing the batch before);
 * each caller waits for its own job and, meanwhile, collects whatever
 * the others finish. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "isolate/isolate-private.h"
#include "isolate/isolate.h"
#include "util/error.h"
#include "util/workqueue.h"

#define WORKER_NAME "guichet-parse"

/* Jobs a worker holds at once: the one it parses and those sent behind
 * it. Each is a sealed memfd copy of a raw message in the socket's queue
 * (a fetch batch bounds them). */
#define WORKER_DEPTH 2

typedef struct {
  pid_t pid;          /* 0: not running */
  int sock;           /* -1 when not running */
  GuParseJob *job;    /* the job it works on, or NULL: idle */
  GQueue behind;      /* of GuParseJob*: sent after job, each to start when the one before is answered */
  gint64 deadline;    /* monotonic µs by which it must answer job */
} Worker;

struct GuParseJob {
  GBytes *raw;
  char raw_sha256[GU_SHA256_HEX_LEN + 1];
  GVariant *request;
  gboolean done;
  GuMessage *message;  /* when done: the answer, or NULL with error */
  GError *error;
  gint hashed;         /* set once message's documents are hashed (a hasher thread) */
};

struct GuParserPool {
  GuLimits limits;
  guint size;
  Worker *workers;
  GQueue pending;      /* of GuParseJob*, not yet on a worker */
  /* The documents of each answer are hashed here, off the caller's
   * thread, while it waits for or works on other messages. */
  GuWorkQueue *hashers;
};

char *
gu_parser_worker_path (GError **error)
{
  const char *env = g_getenv ("GUICHET_PARSE_WORKER");
  if (env != NULL && *env != '\0')
    {
      if (g_file_test (env, G_FILE_TEST_IS_EXECUTABLE))
        return g_strdup (env);
      g_set_error (error, GU_ERROR, GU_ERROR_TEMPFAIL,
                   "no parse worker: GUICHET_PARSE_WORKER names %s, which is not an executable", env);
      return NULL;
    }
  /* A build tree: the worker is built next to guichet. */
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  if (self != NULL)
    {
      g_autofree char *dir = g_path_get_dirname (self);
      g_autofree char *beside = g_build_filename (dir, WORKER_NAME, NULL);
      if (g_file_test (beside, G_FILE_TEST_IS_EXECUTABLE))
        return g_steal_pointer (&beside);
    }
  char *installed = g_build_filename (GU_LIBEXECDIR, WORKER_NAME, NULL);
  if (g_file_test (installed, G_FILE_TEST_IS_EXECUTABLE))
    return installed;
  /* A temporary failure: mail waits in the mailbox (Postfix defers a
   * piped message) until the installation is mended. */
  g_set_error (error, GU_ERROR, GU_ERROR_TEMPFAIL,
               "no parse worker: %s is missing (install guichet, or set GUICHET_PARSE_WORKER)",
               installed);
  g_free (installed);
  return NULL;
}

GuParserPool *
gu_parser_pool_new (guint size, const GuLimits *limits)
{
  GuParserPool *pool = g_new0 (GuParserPool, 1);
  pool->limits = *limits;
  pool->size = size > 0 ? size : MAX (1, g_get_num_processors ());
  pool->workers = g_new0 (Worker, pool->size);
  for (guint i = 0; i < pool->size; i++)
    {
      pool->workers[i].sock = -1;
      g_queue_init (&pool->workers[i].behind);
    }
  g_queue_init (&pool->pending);
  pool->hashers = gu_work_queue_new (0);
  return pool;
}

static void
job_free (GuParseJob *job)
{
  g_bytes_unref (job->raw);
  g_clear_pointer (&job->request, g_variant_unref);
  g_clear_pointer (&job->message, gu_message_free);
  g_clear_error (&job->error);
  g_free (job);
}

/* ---- starting and ending workers ---- */

static gboolean
is_sanitizer_build (void)
{
#if defined(__SANITIZE_ADDRESS__)
  return TRUE;
#else
  return FALSE;
#endif
}

/* The worker's whole environment: a locale, and the sanitizers' and
 * GLib's debugging switches when we run under them. */
static GStrv
worker_environment (void)
{
  static const char *const passed[] = { "UBSAN_OPTIONS", "LSAN_OPTIONS", "G_DEBUG", "MALLOC_CHECK_" };
  GPtrArray *env = g_ptr_array_new ();
  g_ptr_array_add (env, g_strdup ("LC_ALL=C.UTF-8"));
  for (gsize i = 0; i < G_N_ELEMENTS (passed); i++)
    if (g_getenv (passed[i]) != NULL)
      g_ptr_array_add (env, g_strdup_printf ("%s=%s", passed[i], g_getenv (passed[i])));
  if (g_getenv ("ASAN_OPTIONS") != NULL)
    g_ptr_array_add (env, g_strdup_printf ("ASAN_OPTIONS=%s", g_getenv ("ASAN_OPTIONS")));
  g_ptr_array_add (env, NULL);
  return (GStrv) g_ptr_array_free (env, FALSE);
}

/* Spawns path with child_sock as its fd 3, stdin and stdout on
 * /dev/null, stderr shared (its complaints reach our log), in its own
 * session (a terminal's ^C is ours to handle), default signals. */
static int
spawn_worker (const char *path, int child_sock, const GuLimits *limits, pid_t *pid)
{
  g_autofree char *memory = g_strdup_printf ("%u", limits->parser_memory_mb);
  char *argv[] = { (char *) path, (char *) "--memory-mb", memory, NULL };
  g_auto (GStrv) envp = worker_environment ();
  posix_spawn_file_actions_t fa;
  posix_spawnattr_t attr;
  sigset_t all, none;
  sigfillset (&all);
  sigemptyset (&none);
  posix_spawn_file_actions_init (&fa);
  posix_spawn_file_actions_addopen (&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen (&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_adddup2 (&fa, child_sock, GU_WIRE_WORKER_FD);
  posix_spawn_file_actions_addclosefrom_np (&fa, GU_WIRE_WORKER_FD + 1);
  posix_spawnattr_init (&attr);
  posix_spawnattr_setflags (&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSID);
  posix_spawnattr_setsigdefault (&attr, &all);
  posix_spawnattr_setsigmask (&attr, &none);
  int rc = posix_spawn (pid, path, &fa, &attr, argv, envp);
  posix_spawn_file_actions_destroy (&fa);
  posix_spawnattr_destroy (&attr);
  return rc;
}

static gboolean
worker_start (GuParserPool *pool, Worker *w, GError **error)
{
  g_autofree char *path = gu_parser_worker_path (error);
  if (path == NULL)
    return FALSE;
  int sv[2];
  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
    {
      g_set_error (error, GU_ERROR, GU_ERROR_TEMPFAIL, "socketpair: %s", g_strerror (errno));
      return FALSE;
    }
  int rc = spawn_worker (path, sv[1], &pool->limits, &w->pid);
  close (sv[1]);
  if (rc != 0)
    {
      close (sv[0]);
      w->pid = 0;
      g_set_error (error, GU_ERROR, GU_ERROR_TEMPFAIL, "starting the parse worker %s: %s", path,
                   g_strerror (rc));
      return FALSE;
    }
  w->sock = sv[0];
  return TRUE;
}

/* The resident memory a worker may reach before we kill it. RLIMIT_AS
 * is the worker's hard stop; this watch is what remains of it under
 * AddressSanitizer, whose shadow memory defeats RLIMIT_AS and whose
 * quarantine and redzones inflate the resident size. */
static guint64
rss_limit_mb (const GuLimits *limits)
{
  return is_sanitizer_build () ? 2 * (guint64) limits->parser_memory_mb + 256 : limits->parser_memory_mb;
}

/* The resident size of pid in MiB (0 when unknown). */
static guint64
resident_mb (pid_t pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/statm", (int) pid);
  g_autofree char *text = NULL;
  unsigned long long size, resident;
  if (!g_file_get_contents (path, &text, NULL, NULL)
      || sscanf (text, "%llu %llu", &size, &resident) != 2)
    return 0;
  return (guint64) resident * (guint64) sysconf (_SC_PAGESIZE) / (1024 * 1024);
}

/* Says how a worker ended, for the quarantine reason. Newly allocated. */
static char *
describe_end (int status, const struct rusage *ru, const GuLimits *limits)
{
  long peak_mb = ru->ru_maxrss / 1024;
  if (WIFSIGNALED (status) && WTERMSIG (status) == SIGXCPU)
    return g_strdup_printf ("parser overran its CPU limit (%u s)", limits->parser_seconds);
  /* Under RLIMIT_AS an allocation fails and GLib aborts: near the limit,
   * that is what happened. */
  if (limits->parser_memory_mb > 0 && (guint64) peak_mb * 4 >= (guint64) limits->parser_memory_mb * 3)
    return g_strdup_printf ("parser overran its memory limit (%u MiB)", limits->parser_memory_mb);
  if (WIFSIGNALED (status))
    return g_strdup_printf ("parser crashed: signal %d (%s), peak memory %ld MiB of %u",
                            WTERMSIG (status), g_strsignal (WTERMSIG (status)), peak_mb,
                            limits->parser_memory_mb);
  return g_strdup_printf ("parser died: exit status %d, peak memory %ld MiB of %u",
                          WIFEXITED (status) ? WEXITSTATUS (status) : -1, peak_mb,
                          limits->parser_memory_mb);
}

/* Waits for pid, giving it grace_ms to end by itself (an idle worker
 * whose socket closed exits; LeakSanitizer may take a moment), then
 * kills it. */
static void
reap (pid_t pid, int grace_ms, int *status, struct rusage *ru)
{
  for (int waited = 0; waited < grace_ms; waited += 10)
    {
      pid_t r = wait4 (pid, status, WNOHANG, ru);
      if (r == pid || (r < 0 && errno != EINTR))
        return;
      g_usleep (10 * 1000);
    }
  kill (pid, SIGKILL);
  while (wait4 (pid, status, 0, ru) < 0 && errno == EINTR)
    ;
}

/* Ends w and returns how it ended, newly allocated. kill_it: at once
 * (it is mid-message, or broke the protocol); else it may finish. */
static char *
worker_end (GuParserPool *pool, Worker *w, gboolean kill_it)
{
  if (w->sock >= 0)
    close (w->sock);
  w->sock = -1;
  if (w->pid <= 0)
    return g_strdup ("parser was not running");
  if (kill_it)
    kill (w->pid, SIGKILL);
  int status = 0;
  struct rusage ru = { 0 };
  reap (w->pid, kill_it ? 0 : 5000, &status, &ru);
  w->pid = 0;
  return describe_end (status, &ru, &pool->limits);
}

void
gu_parser_pool_free (GuParserPool *pool)
{
  if (pool == NULL)
    return;
  gu_work_queue_free (pool->hashers); /* they may be reading jobs freed below */
  for (guint i = 0; i < pool->size; i++)
    {
      Worker *w = &pool->workers[i];
      gboolean busy = w->job != NULL;
      if (busy)
        job_free (w->job);
      g_queue_clear_full (&w->behind, (GDestroyNotify) job_free);
      if (w->pid <= 0)
        continue;
      g_autofree char *end = worker_end (pool, w, busy);
      if (!busy && !g_str_has_prefix (end, "parser died: exit status 0"))
        g_warning ("parse worker: %s", end);
    }
  g_queue_clear_full (&pool->pending, (GDestroyNotify) job_free);
  g_free (pool->workers);
  g_free (pool);
}

/* ---- jobs ---- */

static void
job_fail (GuParseJob *job, const char *raw_reason)
{
  GuMessage *msg = gu_message_new ();
  msg->raw_sha256 = g_strdup (job->raw_sha256);
  msg->raw_size = g_bytes_get_size (job->raw);
  msg->message_id = g_strdup_printf ("%s@guichet.invalid", job->raw_sha256);
  msg->message_id_derived = TRUE;
  msg->parse_error = g_strdup (raw_reason);
  job->message = msg;
  job->done = TRUE;
  job->hashed = 1; /* no document to hash */
}

static void
job_error (GuParseJob *job, GError *error)
{
  job->error = error;
  job->done = TRUE;
  job->hashed = 1;
}

static guint
wall_seconds (const GuLimits *limits)
{
  return MAX (10u, 2 * limits->parser_seconds);
}

static void dispatch (GuParserPool *pool);

GuParseJob *
gu_parser_pool_submit (GuParserPool *pool, GBytes *raw, const char *raw_sha256,
                       const GuParseOptions *opts)
{
  GuParseJob *job = g_new0 (GuParseJob, 1);
  job->raw = g_bytes_ref (raw);
  g_strlcpy (job->raw_sha256, raw_sha256 != NULL ? raw_sha256 : "", sizeof job->raw_sha256);
  job->request = g_variant_ref_sink (
    gu_wire_request_new (opts, &pool->limits, job->raw_sha256, 0, g_bytes_get_size (raw)));
  g_queue_push_tail (&pool->pending, job);
  dispatch (pool); /* an idle worker starts now, not at the next finish */
  return job;
}

static gboolean
send_job (Worker *w, GuParseJob *job, GError **error)
{
  int fd = gu_wire_memfd_new ("guichet-raw", error);
  if (fd < 0)
    return FALSE;
  gsize len;
  const void *data = g_bytes_get_data (job->raw, &len);
  gboolean ok = gu_wire_append (fd, data, len, TRUE, NULL, error)
                && gu_wire_send (w->sock, fd, g_variant_ref (job->request), error);
  close (fd);
  return ok;
}

/* Puts job on w, starting it (or a fresh one, once, if the idle one had
 * died). Settles the job when no worker can take it. */
static void
start_job (GuParserPool *pool, Worker *w, GuParseJob *job)
{
  GError *error = NULL;
  for (int attempt = 0; attempt < 2; attempt++)
    {
      if (w->pid <= 0 && !worker_start (pool, w, &error))
        break;
      if (send_job (w, job, &error))
        {
          w->job = job;
          w->deadline = g_get_monotonic_time () + (gint64) wall_seconds (&pool->limits) * G_USEC_PER_SEC;
          return;
        }
      if (!g_error_matches (error, GU_ERROR, GU_ERROR_NOT_FOUND))
        break;
      g_clear_error (&error);
      g_free (worker_end (pool, w, TRUE));
    }
  job_error (job, error);
}

/* Sends job behind w's current one. A send that fails leaves it first
 * in line: the worker's trouble shows with its current job. */
static void
queue_behind (GuParserPool *pool, Worker *w, GuParseJob *job)
{
  g_autoptr (GError) error = NULL;
  if (send_job (w, job, &error))
    g_queue_push_tail (&w->behind, job);
  else
    g_queue_push_head (&pool->pending, job);
}

static void
dispatch (GuParserPool *pool)
{
  for (guint i = 0; i < pool->size && !g_queue_is_empty (&pool->pending); i++)
    if (pool->workers[i].job == NULL)
      start_job (pool, &pool->workers[i], g_queue_pop_head (&pool->pending));
  /* Then behind the busy ones, one each in turn. */
  for (guint depth = 1; depth < WORKER_DEPTH; depth++)
    for (guint i = 0; i < pool->size && !g_queue_is_empty (&pool->pending); i++)
      {
        Worker *w = &pool->workers[i];
        if (w->job != NULL && w->sock >= 0 && g_queue_get_length (&w->behind) < depth)
          queue_behind (pool, w, g_queue_pop_head (&pool->pending));
      }
}

/* After w's current job is settled: the first job behind it becomes
 * current (the worker started it when it answered), or, when w is being
 * ended, those behind go back first in line, in order, for another. */
static void
advance (GuParserPool *pool, Worker *w, gboolean ending)
{
  w->job = NULL;
  if (ending)
    {
      while (!g_queue_is_empty (&w->behind))
        g_queue_push_head (&pool->pending, g_queue_pop_tail (&w->behind));
      return;
    }
  w->job = g_queue_pop_head (&w->behind);
  if (w->job != NULL)
    w->deadline = g_get_monotonic_time () + (gint64) wall_seconds (&pool->limits) * G_USEC_PER_SEC;
}

static guint
answer_document_cap (const GuLimits *limits)
{
  return 4 * limits->message_max_documents + limits->archive_max_entries + 64;
}

/* On a hasher thread: nothing else touches job->message until
 * gu_parse_job_finish has seen job->hashed. */
static void
hash_answer (gpointer data)
{
  GuParseJob *job = data;
  gu_wire_hash_documents (job->message);
  g_atomic_int_set (&job->hashed, 1);
}

/* Reads w's answer into its job. A worker that closed its socket died
 * mid-message; one that answered nonsense is not trusted again. */
static void
collect (GuParserPool *pool, Worker *w)
{
  GuParseJob *job = w->job;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) mapping = NULL;
  g_autoptr (GVariant) answer = NULL;
  if (gu_wire_receive (w->sock, 0, G_VARIANT_TYPE_VARDICT, &mapping, &answer, &error))
    job->message = gu_wire_answer_read (answer, mapping, job->raw_sha256, g_bytes_get_size (job->raw),
                                        answer_document_cap (&pool->limits), &error);
  if (job->message != NULL)
    {
      job->done = TRUE;
      gu_work_queue_push (pool->hashers, hash_answer, job, NULL);
      advance (pool, w, FALSE);
      return;
    }
  advance (pool, w, TRUE);
  /* Killed either way: a worker that closed its socket may not have
   * ended (a dead one's status is kept for wait4 all the same). */
  gboolean died = g_error_matches (error, GU_ERROR, GU_ERROR_NOT_FOUND);
  g_autofree char *end = worker_end (pool, w, TRUE);
  g_autofree char *reason = died ? g_steal_pointer (&end) : g_strdup (error->message);
  g_warning ("parse worker, a message of %" G_GSIZE_FORMAT " bytes: %s", g_bytes_get_size (job->raw), reason);
  job_fail (job, reason);
}

static void
overrun (GuParserPool *pool, Worker *w, const char *why)
{
  GuParseJob *job = w->job;
  advance (pool, w, TRUE);
  g_free (worker_end (pool, w, TRUE));
  g_autofree char *reason = g_strdup_printf ("parser overran %s", why);
  g_warning ("parse worker, a message of %" G_GSIZE_FORMAT " bytes: %s", g_bytes_get_size (job->raw), reason);
  job_fail (job, reason);
}

/* Waits until some busy worker answers or overruns, and settles it. */
static void
wait_for_workers (GuParserPool *pool)
{
  struct pollfd fds[pool->size];
  Worker *owner[pool->size];
  nfds_t n = 0;
  gint64 now = g_get_monotonic_time (), next = G_MAXINT64;
  for (guint i = 0; i < pool->size; i++)
    {
      Worker *w = &pool->workers[i];
      if (w->job == NULL)
        continue;
      fds[n] = (struct pollfd) { .fd = w->sock, .events = POLLIN };
      owner[n++] = w;
      next = MIN (next, w->deadline);
    }
  if (n == 0)
    return;
  /* Wake at least every 100 ms to watch the workers' memory. */
  int timeout = (int) CLAMP ((next - now) / 1000 + 1, 0, 100);
  if (poll (fds, n, timeout) < 0 && errno != EINTR)
    {
      g_warning ("poll: %s", g_strerror (errno)); /* ENOMEM: breathe, then try again */
      g_usleep (10 * 1000);
      return;
    }
  now = g_get_monotonic_time ();
  for (nfds_t i = 0; i < n; i++)
    {
      if (fds[i].revents != 0)
        collect (pool, owner[i]);
      else if (now >= owner[i]->deadline)
        {
          g_autofree char *why = g_strdup_printf ("its time: no answer within %u s",
                                                  wall_seconds (&pool->limits));
          overrun (pool, owner[i], why);
        }
      else if (pool->limits.parser_memory_mb > 0
               && resident_mb (owner[i]->pid) > rss_limit_mb (&pool->limits))
        {
          g_autofree char *why = g_strdup_printf ("its memory limit (%u MiB)",
                                                  pool->limits.parser_memory_mb);
          overrun (pool, owner[i], why);
        }
    }
}

/* The answer was read before the message's hash was known (the daemon
 * hashes it while a worker parses): the hash is set now, and a derived
 * Message-ID derived again from it. */
static void
settle_raw_sha256 (GuMessage *msg, const char *raw_sha256)
{
  if (raw_sha256 == NULL || g_strcmp0 (msg->raw_sha256, raw_sha256) == 0)
    return;
  g_free (msg->raw_sha256);
  msg->raw_sha256 = g_strdup (raw_sha256);
  if (msg->message_id_derived)
    {
      g_free (msg->message_id);
      msg->message_id = g_strdup_printf ("%s@guichet.invalid", raw_sha256);
    }
}

GuMessage *
gu_parse_job_finish (GuParserPool *pool, GuParseJob *job, const char *raw_sha256, GError **error)
{
  while (!job->done)
    {
      dispatch (pool);
      if (!job->done)
        wait_for_workers (pool);
    }
  /* The worker that freed up starts on the next job while our caller
   * works on this one. */
  dispatch (pool);
  gu_work_queue_wait_for (pool->hashers, &job->hashed);
  GuMessage *msg = g_steal_pointer (&job->message);
  if (msg == NULL)
    g_propagate_error (error, g_steal_pointer (&job->error));
  else
    settle_raw_sha256 (msg, raw_sha256);
  job_free (job);
  return msg;
}
