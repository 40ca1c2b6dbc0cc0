/* The walls (src/util/walls), each tried from a forked child: the child
 * puts them up, makes the calls a taken-over filter or parser would,
 * writes "call=errno" lines to a pipe and ends with _exit (LeakSanitizer
 * needs ptrace and /proc, both walled off in a filter). The Landlock
 * checks need a kernel with Landlock: without it they are skipped, with
 * the reason (test-walls.sh asserts the end-to-end outcome anyway). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"
#include "util/error.h"
#include "util/walls.h"

typedef struct {
  char *outside;   /* a folder of the test's: not granted */
  char *writable;  /* the private folder of FILTER */
  char *secret;    /* a file in outside */
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->outside = gu_test_tmpdir ();
  f->writable = gu_test_tmpdir ();
  f->secret = gu_test_write (f->outside, "secret", "password\n", 0600);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  gu_test_rmtree (f->outside);
  gu_test_rmtree (f->writable);
  g_free (f->outside);
  g_free (f->writable);
  g_free (f->secret);
}

static gboolean
have_landlock (void)
{
  g_autofree char *walls = gu_walls_describe ();
  return g_str_has_prefix (walls, "landlock: ABI ");
}

static const char *const system_paths[] = { "/usr", "/bin", "/lib", "/lib64", "/etc/ld.so.cache", NULL };

/* ---- running a child ---- */

typedef void (*ChildBody) (int out, const Fixture *f);

/* Records the outcome of one call: 0, or the errno it failed with. */
static void
report (int out, const char *what, long rc)
{
  dprintf (out, "%s=%d\n", what, rc < 0 ? errno : 0);
}

typedef struct {
  GHashTable *errnos;  /* call -> errno as a string */
  int status;          /* waitpid status */
} Outcome;

static void
outcome_clear (Outcome *o)
{
  g_hash_table_unref (o->errnos);
}

static Outcome
in_child (ChildBody body, const Fixture *f)
{
  int fds[2];
  g_assert_cmpint (pipe (fds), ==, 0);
  pid_t pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      close (fds[0]);
      body (fds[1], f);
      _exit (0);
    }
  close (fds[1]);
  GString *text = g_string_new (NULL);
  char buf[4096];
  for (ssize_t n; (n = read (fds[0], buf, sizeof buf)) != 0;)
    if (n > 0)
      g_string_append_len (text, buf, n);
    else
      g_assert_cmpint (errno, ==, EINTR);
  close (fds[0]);
  Outcome o = { g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free), 0 };
  g_assert_cmpint (waitpid (pid, &o.status, 0), ==, pid);
  g_auto (GStrv) lines = g_strsplit (text->str, "\n", -1);
  for (char **l = lines; *l != NULL; l++)
    {
      char *eq = strchr (*l, '=');
      if (eq != NULL)
        g_hash_table_insert (o.errnos, g_strndup (*l, eq - *l), g_strdup (eq + 1));
    }
  g_string_free (text, TRUE);
  return o;
}

static void
assert_errno (const Outcome *o, const char *what, int expected)
{
  const char *got = g_hash_table_lookup (o->errnos, what);
  if (got == NULL)
    g_error ("%s: no outcome from the child", what);
  if (atoi (got) != expected)
    g_error ("%s: errno %s (%s), expected %d (%s)", what, got, g_strerror (atoi (got)), expected,
             g_strerror (expected));
}

static void
child_fail (int out, const char *why)
{
  dprintf (out, "walls=%s\n", why);
  _exit (3);
}

/* ---- FILTER ---- */

static void
filter_body (int out, const Fixture *f)
{
  g_autofree char *inside = g_build_filename (f->writable, "mine", NULL);
  g_autofree char *beside = g_build_filename (f->outside, "pwned", NULL);
  GError *error = NULL;
  GuWalls *walls = gu_walls_prepare (GU_WALLS_FILTER, system_paths, f->writable, &error);
  if (walls == NULL)
    child_fail (out, error->message);
  report (out, "apply", gu_walls_apply_in_child (walls) == 0 ? 0 : -1);
  report (out, "no_new_privs", prctl (PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1 ? 0 : -1);
  report (out, "socket-inet", socket (AF_INET, SOCK_STREAM, 0));
  report (out, "socket-inet6", socket (AF_INET6, SOCK_DGRAM, 0));
  report (out, "socket-netlink", socket (AF_NETLINK, SOCK_RAW, 0));
  report (out, "socket-packet", socket (AF_PACKET, SOCK_RAW, 0));
  report (out, "socket-unix", socket (AF_UNIX, SOCK_STREAM, 0));
#if defined(__x86_64__)
  /* the x32 number of socket: the same rules, not a way around them */
  report (out, "socket-x32", syscall (0x40000000 | SYS_socket, AF_INET, SOCK_STREAM, 0));
#endif
  report (out, "ptrace", ptrace (PTRACE_TRACEME, 0, NULL, NULL));
  report (out, "unshare", unshare (CLONE_NEWUSER));
  report (out, "chroot", chroot ("/"));
  report (out, "kill-everyone", kill (-1, 0));
  report (out, "clone3", syscall (SYS_clone3, NULL, 0));
  report (out, "read-system", open ("/etc/ld.so.cache", O_RDONLY | O_CLOEXEC));
  report (out, "read-outside", open (f->secret, O_RDONLY | O_CLOEXEC));
  report (out, "read-proc", open ("/proc/self/status", O_RDONLY | O_CLOEXEC));
  report (out, "write-inside", open (inside, O_WRONLY | O_CREAT | O_CLOEXEC, 0600));
  report (out, "write-outside", open (beside, O_WRONLY | O_CREAT | O_CLOEXEC, 0600));
  report (out, "chmod-inside", chmod (inside, 0644));
  report (out, "write-dev-null", open ("/dev/null", O_WRONLY | O_TRUNC | O_CLOEXEC));
  gu_walls_free (walls);
  /* and it may still run a program: scripts run pdftotext */
  execl ("/bin/sh", "sh", "-c", "exit 42", (char *) NULL);
  report (out, "exec", -1);
}

static void
test_filter (Fixture *f, gconstpointer data)
{
  Outcome o = in_child (filter_body, f);
  g_assert_true (WIFEXITED (o.status));
  g_assert_cmpint (WEXITSTATUS (o.status), ==, 42);
  assert_errno (&o, "apply", 0);
  assert_errno (&o, "no_new_privs", 0);
  assert_errno (&o, "socket-inet", EACCES);
  assert_errno (&o, "socket-inet6", EACCES);
  assert_errno (&o, "socket-netlink", EACCES);
  assert_errno (&o, "socket-packet", EACCES);
  assert_errno (&o, "socket-unix", 0);
#if defined(__x86_64__)
  assert_errno (&o, "socket-x32", EACCES);
#endif
  assert_errno (&o, "ptrace", EPERM);
  assert_errno (&o, "unshare", EPERM);
  assert_errno (&o, "chroot", EPERM);
  assert_errno (&o, "kill-everyone", EPERM);
  assert_errno (&o, "clone3", ENOSYS);
  assert_errno (&o, "read-system", 0);
  assert_errno (&o, "write-inside", 0);
  assert_errno (&o, "chmod-inside", EPERM);
  assert_errno (&o, "write-dev-null", 0);
  if (!have_landlock ())
    {
      g_test_skip ("this kernel has no Landlock: files not walled off");
      outcome_clear (&o);
      return;
    }
  assert_errno (&o, "read-outside", EACCES);
  assert_errno (&o, "read-proc", EACCES);
  assert_errno (&o, "write-outside", EACCES);
  outcome_clear (&o);
}

/* ---- PARSER ---- */

static void
parser_body (int out, const Fixture *f)
{
  g_autofree char *inside = g_build_filename (f->writable, "file", NULL);
  g_autofree char *created = g_build_filename (f->writable, "new", NULL);
  int pair[2];
  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0
      || !g_file_set_contents (inside, "x", 1, NULL))
    child_fail (out, "setup");
  const char *const reads[] = { "/usr", "/lib", "/lib64", "/etc/ld.so.cache", f->writable, NULL };
  GError *error = NULL;
  if (!gu_walls_confine_self (GU_WALLS_PARSER, reads, &error))
    child_fail (out, error->message);
  report (out, "read", open (inside, O_RDONLY | O_CLOEXEC));
  report (out, "read-outside", open (f->secret, O_RDONLY | O_CLOEXEC));
  report (out, "open-wronly", open (inside, O_WRONLY | O_CLOEXEC));
  report (out, "open-rdwr", openat (AT_FDCWD, inside, O_RDWR | O_CLOEXEC));
  report (out, "open-creat", openat (AT_FDCWD, created, O_RDONLY | O_CREAT | O_CLOEXEC, 0600));
  report (out, "open-trunc", open (inside, O_RDONLY | O_TRUNC | O_CLOEXEC));
  report (out, "creat", creat (created, 0600));
  report (out, "unlink", unlink (inside));
  report (out, "rename", rename (inside, created));
  report (out, "mkdir", mkdir (created, 0700));
  report (out, "symlink", symlink (inside, created));
  report (out, "truncate", truncate (inside, 0));
  report (out, "socket-unix", socket (AF_UNIX, SOCK_STREAM, 0));
  report (out, "socketpair", socketpair (AF_UNIX, SOCK_STREAM, 0, (int[2]) { 0, 0 }));
  report (out, "setuid", setuid (getuid ()));
  report (out, "sendmsg", send (pair[0], "hello", 5, 0));
  char got[8];
  report (out, "recvmsg", recv (pair[1], got, sizeof got, 0));
  int mem = memfd_create ("test", MFD_CLOEXEC);
  report (out, "memfd_create", mem);
  report (out, "ftruncate", ftruncate (mem, 4096));
  report (out, "write", write (mem, "text", 4));
  void *map = mmap (NULL, 4096, PROT_READ, MAP_SHARED, mem, 0);
  report (out, "mmap", map == MAP_FAILED ? -1 : 0);
  execl ("/bin/sh", "sh", "-c", "exit 42", (char *) NULL);
  report (out, "exec", -1);
}

static void
test_parser (Fixture *f, gconstpointer data)
{
  Outcome o = in_child (parser_body, f);
  g_assert_true (WIFEXITED (o.status));
  if (WEXITSTATUS (o.status) != 0)
    g_error ("the child could not wall itself in: %s", (char *) g_hash_table_lookup (o.errnos, "walls"));
  assert_errno (&o, "exec", EACCES);
  assert_errno (&o, "read", 0);
  const char *denied[] = { "open-wronly", "open-rdwr", "open-creat", "open-trunc", "creat", "unlink",
                           "rename", "mkdir", "symlink", "truncate", "socket-unix", "socketpair" };
  for (guint i = 0; i < G_N_ELEMENTS (denied); i++)
    assert_errno (&o, denied[i], EACCES);
  assert_errno (&o, "setuid", EPERM);
  const char *allowed[] = { "sendmsg", "recvmsg", "memfd_create", "ftruncate", "write", "mmap" };
  for (guint i = 0; i < G_N_ELEMENTS (allowed); i++)
    assert_errno (&o, allowed[i], 0);
  if (have_landlock ())
    assert_errno (&o, "read-outside", EACCES);
  else
    g_test_skip ("this kernel has no Landlock: files not walled off");
  outcome_clear (&o);
}

/* Landlock walls the calling thread only: a process with two is refused
 * rather than half walled. */
static gpointer
wait_forever (gpointer data)
{
  for (;;)
    pause ();
  return NULL;
}

static void
threads_body (int out, const Fixture *f)
{
  g_thread_unref (g_thread_new ("idle", wait_forever, NULL));
  GError *error = NULL;
  gboolean ok = gu_walls_confine_self (GU_WALLS_PARSER, system_paths, &error);
  dprintf (out, "confined=%d\n", ok);
  dprintf (out, "code=%d\n", error != NULL ? error->code : -1);
}

static void
test_parser_threads (Fixture *f, gconstpointer data)
{
  Outcome o = in_child (threads_body, f);
  g_assert_cmpstr (g_hash_table_lookup (o.errnos, "confined"), ==, "0");
  g_assert_cmpint (atoi (g_hash_table_lookup (o.errnos, "code")), ==, GU_ERROR_FAILED);
  outcome_clear (&o);
}

/* A walled parser ends as any process does: under AddressSanitizer,
 * LeakSanitizer then stops the world with ptrace and reads /proc. */
static void
exit_body (int out, const Fixture *f)
{
  GError *error = NULL;
  if (!gu_walls_confine_self (GU_WALLS_PARSER, system_paths, &error))
    child_fail (out, error->message);
  close (out);
  exit (0);
}

static void
test_parser_exit (Fixture *f, gconstpointer data)
{
  Outcome o = in_child (exit_body, f);
  g_assert_true (WIFEXITED (o.status));
  g_assert_cmpint (WEXITSTATUS (o.status), ==, 0);
  outcome_clear (&o);
}

/* ---- the rest ---- */

static void
test_describe (Fixture *f, gconstpointer data)
{
  g_autofree char *walls = gu_walls_describe ();
  g_auto (GStrv) lines = g_strsplit (walls, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), >=, 3);
  g_assert_true (g_str_has_prefix (lines[0], "landlock: "));
  g_assert_true (g_str_has_prefix (lines[1], "seccomp: "));
  g_assert_true (g_str_has_prefix (lines[2], "no_new_privs: "));
}

static void
harden_body (int out, const Fixture *f)
{
  gu_walls_harden_process ();
  dprintf (out, "dumpable=%d\n", prctl (PR_GET_DUMPABLE, 0, 0, 0, 0));
  mode_t old = umask (0);
  dprintf (out, "umask=%o\n", (unsigned) old);
}

static void
test_harden (Fixture *f, gconstpointer data)
{
  Outcome o = in_child (harden_body, f);
  g_assert_cmpstr (g_hash_table_lookup (o.errnos, "dumpable"), ==, "0");
  g_assert_cmpstr (g_hash_table_lookup (o.errnos, "umask"), ==, "77");
  outcome_clear (&o);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/walls/filter", test_filter);
  ADD ("/walls/parser", test_parser);
  ADD ("/walls/parser/threads", test_parser_threads);
  ADD ("/walls/parser/exit", test_parser_exit);
  ADD ("/walls/describe", test_describe);
  ADD ("/walls/harden", test_harden);
#undef ADD
  return g_test_run ();
}
