/* The parse worker: reads raw messages from its socket, parses, sniffs
 * and unpacks them, answers with the GuMessage. It loads its libraries,
 * then walls itself in (no_new_privs, Landlock, seccomp, an address-space
 * limit) before the first byte of mail reaches it: from then on it can
 * read system libraries and nothing else, write nowhere, reach no
 * network, start no program. A message that takes it over finds nothing
 * to take. */
#include "config.h"

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <sys/resource.h>
#include <unistd.h>

#include "isolate/isolate-private.h"
#include "isolate/isolate.h"
#include "parse/parse.h"
#include "unpack/unpack.h"
#include "util/error.h"
#include "util/sniff.h"
#include "util/walls.h"

/* What the worker may read once walled: its libraries, the loader's
 * cache, gconv modules and zoneinfo under /usr, the local time zone. */
static const char *const parser_read_paths[] = {
  "/usr", "/lib", "/lib64", "/lib32", "/etc/ld.so.cache", "/etc/localtime", NULL,
};

/* Loads what would otherwise load lazily, after the walls are up:
 * libmagic's database (the walls let /usr be read, but loading it here
 * keeps the first message as cheap as the others). */
static void
load_libraries (void)
{
  /* The same locale as guichet's: libarchive converts entry names with
   * it (under "C", a non-ASCII name would be lost). */
  setlocale (LC_ALL, "");
  setlocale (LC_CTYPE, "C.UTF-8");
  gu_parse_init ();
  g_free (gu_sniff_type ("", 0));
  gu_documents_defer_hashing ();
}

static void
sniff_documents (GuMessage *msg)
{
  for (guint i = 0; i < msg->documents->len; i++)
    {
      GuDocument *doc = g_ptr_array_index (msg->documents, i);
      if (doc->sniffed_type != NULL || doc->content == NULL)
        continue;
      gsize len;
      const void *data = g_bytes_get_data (doc->content, &len);
      doc->sniffed_type = gu_sniff_type (data, len);
    }
}

/* RLIMIT_CPU counts from the process's start: each message gets the
 * CPU seconds used so far plus its own. The parent's wall-clock limit
 * covers a worker that would undo this. */
static void
limit_cpu_for_message (guint seconds)
{
  struct rusage ru;
  struct rlimit rl;
  if (seconds == 0 || getrusage (RUSAGE_SELF, &ru) != 0 || getrlimit (RLIMIT_CPU, &rl) != 0)
    return;
  rlim_t used = (rlim_t) (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + 1);
  rl.rlim_cur = used + seconds;
  if (rl.rlim_max != RLIM_INFINITY && rl.rlim_cur > rl.rlim_max)
    rl.rlim_cur = rl.rlim_max;
  setrlimit (RLIMIT_CPU, &rl);
}

static GuMessage *
parse_request (GBytes *raw, const char *raw_sha256, const GuParseOptions *opts,
               const GuLimits *limits)
{
  GuMessage *msg = gu_parse_message_hashed (raw, raw_sha256, opts);
  if (msg->parse_error == NULL)
    {
      sniff_documents (msg);
      gu_unpack_message (msg, limits);
    }
  return msg;
}

static gboolean
answer (int sock, const GuMessage *msg, GError **error)
{
  int fd = gu_wire_memfd_new ("guichet-answer", error);
  if (fd < 0)
    return FALSE;
  GVariant *variant = gu_wire_answer_new (msg, fd, error);
  gboolean ok = variant != NULL && gu_wire_send (sock, fd, variant, error);
  close (fd);
  return ok;
}

/* One request, one answer. FALSE when the socket is closed or broken. */
static gboolean
serve_one (int sock, void (*hook) (GBytes *raw), GError **error)
{
  g_autoptr (GBytes) mapping = NULL;
  g_autoptr (GVariant) request = NULL;
  if (!gu_wire_receive (sock, -1, G_VARIANT_TYPE_VARDICT, &mapping, &request, error))
    return FALSE;
  GuParseOptions opts;
  GuLimits limits;
  g_auto (GStrv) staff_addresses = NULL, staff_domains = NULL;
  const char *raw_sha256;
  g_autoptr (GBytes) raw = NULL;
  if (!gu_wire_request_read (request, mapping, &opts, &limits, &staff_addresses, &staff_domains,
                             &raw_sha256, &raw, error))
    return FALSE;
  limit_cpu_for_message (limits.parser_seconds);
  if (hook != NULL)
    hook (raw);
  /* An empty hash: the daemon hashes the message while we parse it. */
  g_autoptr (GuMessage) msg = parse_request (raw, *raw_sha256 != '\0' ? raw_sha256 : NULL, &opts, &limits);
  return answer (sock, msg, error);
}

#if !defined(__SANITIZE_ADDRESS__)
/* Our size once the libraries are in, in bytes (statm counts pages). */
static guint64
address_space_now (void)
{
  unsigned long long pages = 0;
  FILE *f = fopen ("/proc/self/statm", "r");
  if (f != NULL)
    {
      if (fscanf (f, "%llu", &pages) != 1)
        pages = 0;
      fclose (f);
    }
  return (guint64) pages * (guint64) sysconf (_SC_PAGESIZE);
}
#endif

/* AddressSanitizer reserves terabytes of shadow memory: under it only
 * the pool's watch on the resident size bounds the worker. */
static void
limit_address_space (guint memory_mb)
{
#if defined(__SANITIZE_ADDRESS__)
  (void) memory_mb;
#else
  if (memory_mb == 0)
    return;
  guint64 limit = address_space_now () + (guint64) memory_mb * 1024 * 1024;
  struct rlimit rl = { (rlim_t) limit, (rlim_t) limit };
  if (setrlimit (RLIMIT_AS, &rl) != 0)
    g_printerr ("guichet-parse: RLIMIT_AS: %s\n", g_strerror (errno));
#endif
}

int
gu_parse_worker_serve (int sock, guint memory_mb, void (*hook) (GBytes *raw))
{
  g_autoptr (GError) error = NULL;
  load_libraries ();
  limit_address_space (memory_mb);
  gu_walls_harden_process ();
  if (!gu_walls_confine_self (GU_WALLS_PARSER, parser_read_paths, &error))
    {
      g_printerr ("guichet-parse: cannot wall itself in: %s\n", error->message);
      return 71; /* EX_OSERR: never parse unwalled */
    }
  while (serve_one (sock, hook, &error))
    ;
  gu_parse_shutdown ();
  if (g_error_matches (error, GU_ERROR, GU_ERROR_NOT_FOUND))
    return 0; /* the daemon closed the socket: done */
  g_printerr ("guichet-parse: %s\n", error->message);
  return 1;
}
