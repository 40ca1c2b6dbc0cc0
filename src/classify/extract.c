#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "classify/extract.h"
#include "util/error.h"
#include "util/walls.h"

/* ---- filters.map ---- */

struct GuFilterMap {
  GHashTable *rules; /* lower-case key -> filter path */
};

/* The programs a filter script names on a "# requires: a b" line, each
 * looked for where the filter's PATH (/usr/bin:/bin) finds it. */
static void
check_requirements (const char *filter, GPtrArray *problems)
{
  g_autofree char *text = NULL;
  if (!g_file_get_contents (filter, &text, NULL, NULL) || g_str_has_prefix (text, "\177ELF"))
    return;
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  for (char **line = lines; *line != NULL; line++)
    {
      if (!g_str_has_prefix (*line, "# requires:"))
        continue;
      g_auto (GStrv) names = g_strsplit_set (*line + strlen ("# requires:"), " \t", -1);
      for (char **name = names; *name != NULL; name++)
        {
          if (**name == '\0')
            continue;
          g_autofree char *usr = g_build_filename ("/usr/bin", *name, NULL);
          g_autofree char *bin = g_build_filename ("/bin", *name, NULL);
          if (!g_file_test (usr, G_FILE_TEST_IS_EXECUTABLE) && !g_file_test (bin, G_FILE_TEST_IS_EXECUTABLE))
            g_ptr_array_add (problems, g_strdup_printf ("filter %s needs %s, which is not installed", filter, *name));
        }
    }
}

void
gu_filter_map_check (const GuFilterMap *map, GPtrArray *problems)
{
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter it;
  gpointer filter;
  g_hash_table_iter_init (&it, map->rules);
  while (g_hash_table_iter_next (&it, NULL, &filter))
    {
      if (!g_hash_table_add (seen, filter))
        continue;
      if (!g_file_test (filter, G_FILE_TEST_IS_EXECUTABLE))
        g_ptr_array_add (problems, g_strdup_printf ("filter %s is missing or not executable", (char *) filter));
      else
        check_requirements (filter, problems);
    }
}

void
gu_filter_map_free (GuFilterMap *map)
{
  if (map == NULL)
    return;
  g_hash_table_unref (map->rules);
  g_free (map);
}

static gboolean
valid_key (const char *key)
{
  if (key[0] == '.')
    return key[1] != '\0' && strchr (key, '/') == NULL;
  const char *slash = strchr (key, '/');
  return slash != NULL && slash != key && slash[1] != '\0' && strchr (slash + 1, '/') == NULL;
}

/* A filter name is a plain file name of the map's folder (no "..": a map
 * cannot point outside its folder by accident) or an absolute path. */
static char *
resolve_filter (const char *dir, const char *name)
{
  if (g_path_is_absolute (name))
    return g_strdup (name);
  if (strchr (name, '/') != NULL || strcmp (name, "..") == 0 || strcmp (name, ".") == 0)
    return NULL;
  return g_build_filename (dir, name, NULL);
}

static gboolean
parse_rule (GuFilterMap *map, const char *dir, char *line, GError **error)
{
  g_auto (GStrv) fields = g_strsplit_set (g_strstrip (line), " \t", -1);
  g_autoptr (GPtrArray) words = g_ptr_array_new ();
  for (char **f = fields; *f != NULL; f++)
    if (**f != '\0')
      g_ptr_array_add (words, *f);
  if (words->len != 2)
    {
      g_set_error (error, GU_ERROR, GU_ERROR_CONFIG, "expected \"KEY FILTER\", got %u words", words->len);
      return FALSE;
    }
  g_autofree char *key = g_ascii_strdown (words->pdata[0], -1);
  if (!valid_key (key))
    {
      g_set_error (error, GU_ERROR, GU_ERROR_CONFIG, "\"%s\" is neither a type nor an .extension", key);
      return FALSE;
    }
  char *path = resolve_filter (dir, words->pdata[1]);
  if (path == NULL)
    {
      g_set_error (error, GU_ERROR, GU_ERROR_CONFIG, "filter \"%s\" must be a plain name or an absolute path",
                   (char *) words->pdata[1]);
      return FALSE;
    }
  if (g_hash_table_contains (map->rules, key))
    {
      g_free (path);
      g_set_error (error, GU_ERROR, GU_ERROR_CONFIG, "\"%s\" is mapped twice", key);
      return FALSE;
    }
  g_hash_table_insert (map->rules, g_steal_pointer (&key), path);
  return TRUE;
}

GuFilterMap *
gu_filter_map_load (const char *path, GError **error)
{
  g_autofree char *text = NULL;
  GError *local = NULL;
  if (!g_file_get_contents (path, &text, NULL, &local))
    {
      g_set_error (error, GU_ERROR, GU_ERROR_NOT_FOUND, "filter map: %s", local->message);
      g_error_free (local);
      return NULL;
    }
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr (GuFilterMap) map = g_new0 (GuFilterMap, 1);
  map->rules = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *start = lines[i] + strspn (lines[i], " \t\r");
      if (*start == '\0' || *start == '#')
        continue;
      if (!parse_rule (map, dir, lines[i], &local))
        {
          g_set_error (error, GU_ERROR, GU_ERROR_CONFIG, "%s:%u: %s", path, i + 1, local->message);
          g_error_free (local);
          return NULL;
        }
    }
  return g_steal_pointer (&map);
}

static const char *
lookup_extension (const GuFilterMap *map, const char *filename)
{
  g_autofree char *base = g_path_get_basename (filename);
  const char *dot = strrchr (base, '.');
  if (dot == NULL || dot == base || dot[1] == '\0')
    return NULL;
  g_autofree char *key = g_ascii_strdown (dot, -1);
  return g_hash_table_lookup (map->rules, key);
}

static const char *
lookup_family (const GuFilterMap *map, const char *type)
{
  const char *slash = strchr (type, '/');
  if (slash == NULL)
    return NULL;
  g_autofree char *family = g_ascii_strdown (type, slash - type);
  g_autofree char *key = g_strconcat (family, "/*", NULL);
  return g_hash_table_lookup (map->rules, key);
}

const char *
gu_filter_map_lookup (const GuFilterMap *map, const char *sniffed_type, const char *filename)
{
  const char *found = NULL;
  g_autofree char *type = NULL;
  if (sniffed_type != NULL)
    {
      /* libmagic may append "; charset=..." when asked for more. */
      type = g_ascii_strdown (sniffed_type, strcspn (sniffed_type, "; \t"));
      found = g_hash_table_lookup (map->rules, type);
    }
  if (found == NULL && filename != NULL)
    found = lookup_extension (map, filename);
  if (found == NULL && type != NULL)
    found = lookup_family (map, type);
  return found;
}

/* ---- running a filter ---- */

enum { ERR_KEEP = 2048, READ_CHUNK = 65536, POLL_TICK_MS = 50 };

typedef struct {
  /* prepared before fork: the child only makes system calls */
  const char *path;
  char *const *argv;
  char *const *envp;
  int in_fd, out_fd, err_fd;
  struct rlimit cpu, mem;
  const GuWalls *walls;
} ChildSpec;

typedef struct {
  pid_t pid;
  int pidfd;  /* readable once the child exits; -1 where the kernel has none */
  int out_fd, err_fd;
  gint64 deadline;
  gsize max_out;
  GByteArray *out;
  GString *err;
  gboolean exited, reaped, timed_out, truncated;
  int status;
} Run;

static void
set_error_errno (GError **error, const char *what)
{
  int err = errno;
  g_set_error (error, GU_ERROR, GU_ERROR_TEMPFAIL, "filter: %s: %s", what, g_strerror (err));
}

/* Moves fd above 2, so that dup2 onto 0..2 in the child never meets
 * itself (a daemon started with stdin closed gets fd 0 from pipe()). */
static int
high_fd (int fd)
{
  if (fd < 0 || fd > 2)
    return fd;
  int moved = fcntl (fd, F_DUPFD_CLOEXEC, 3);
  close (fd);
  return moved;
}

static gboolean
write_all (int fd, const guint8 *data, gsize len)
{
  while (len > 0)
    {
      ssize_t n = write (fd, data, len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      data += n;
      len -= (gsize) n;
    }
  return TRUE;
}

/* stdin is a memory file rather than a pipe: nothing to feed while
 * reading, and filters can seek it (pdftotext, antiword need to). Sets
 * *out to its descriptor, holding data, read from the start. */
static gboolean
input_fd (GBytes *data, int *out, GError **error)
{
  int fd = memfd_create ("guichet-filter-input", MFD_CLOEXEC);
  if (fd < 0)
    {
      g_autofree char *name = NULL;
      fd = g_file_open_tmp ("guichet-filter-XXXXXX", &name, NULL);
      if (fd >= 0)
        {
          g_unlink (name);
          fcntl (fd, F_SETFD, FD_CLOEXEC);
        }
    }
  gsize len = 0;
  const guint8 *bytes = data != NULL ? g_bytes_get_data (data, &len) : NULL;
  if (fd < 0 || !write_all (fd, bytes, len) || lseek (fd, 0, SEEK_SET) != 0)
    {
      set_error_errno (error, "cannot store the input");
      if (fd >= 0)
        close (fd);
      return FALSE;
    }
  *out = high_fd (fd);
  if (*out < 0)
    {
      set_error_errno (error, "cannot move the input");
      return FALSE;
    }
  return TRUE;
}

static void
child_reset_signals (void)
{
  struct sigaction dfl;
  memset (&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; sig++)
    if (sig != SIGKILL && sig != SIGSTOP)
      sigaction (sig, &dfl, NULL);  /* glibc's reserved ones fail: fine */
  sigset_t none;
  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
}

static void
child_close_from_3 (void)
{
  if (close_range (3, ~0U, 0) == 0)
    return;
  struct rlimit nofile;
  int top = getrlimit (RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur != RLIM_INFINITY
    ? (int) MIN (nofile.rlim_cur, 65536) : 65536;
  for (int fd = 3; fd < top; fd++)
    close (fd);
}

/* Between fork and exec: async-signal-safe calls only (the daemon has
 * threads; malloc or GLib here could deadlock). The limits are set while
 * the child may still raise a hard limit as root; the walls go up while
 * the ruleset descriptor is open, before the descriptors are closed. A
 * filter never runs without the walls its parent prepared. */
static G_GNUC_NORETURN void
child_exec (const ChildSpec *spec)
{
  static const struct rlimit no_core = { 0, 0 };
  static const char walls_refused[] = "the kernel refused the filter's walls\n";
  if (setsid () < 0
      || dup2 (spec->in_fd, 0) < 0 || dup2 (spec->out_fd, 1) < 0 || dup2 (spec->err_fd, 2) < 0)
    _exit (126);
  if (setrlimit (RLIMIT_CPU, &spec->cpu) != 0 || setrlimit (RLIMIT_AS, &spec->mem) != 0
      || setrlimit (RLIMIT_FSIZE, &spec->mem) != 0 || setrlimit (RLIMIT_CORE, &no_core) != 0)
    _exit (126);
  umask (077);
  if (chdir ("/") != 0)
    _exit (126);
  if (gu_walls_apply_in_child (spec->walls) != 0)
    {
      ssize_t told = write (2, walls_refused, sizeof walls_refused - 1);
      (void) told;
      _exit (126);
    }
  child_close_from_3 ();
  child_reset_signals ();
  execve (spec->path, spec->argv, spec->envp);
  _exit (127);
}

static void
limits_resolve (const GuFilterLimits *in, GuFilterLimits *out)
{
  *out = in != NULL ? *in : (GuFilterLimits) GU_FILTER_LIMITS_INIT;
  if (out->timeout_seconds <= 0)
    out->timeout_seconds = 20;
  if (out->cpu_seconds <= 0)
    out->cpu_seconds = out->timeout_seconds;
  if (out->memory_mb <= 0)
    out->memory_mb = 512;
  if (out->max_output_bytes == 0)
    out->max_output_bytes = 16 << 20;
}

static gboolean
spawn (Run *run, const char *path, GBytes *data, const GuFilterLimits *lim, const GuWalls *walls,
       const char *tmp_dir, GError **error)
{
  char *argv[] = { (char *) path, NULL };
  g_autofree char *tmp_var = g_strconcat ("TMPDIR=", tmp_dir, NULL);
  g_autofree char *pages_var = lim->max_pages > 0 ? g_strdup_printf ("GU_FILTER_MAX_PAGES=%d", lim->max_pages) : NULL;
  char *envp[] = { (char *) "PATH=/usr/bin:/bin", (char *) "LC_ALL=C.UTF-8", tmp_var, pages_var, NULL };
  int out_pipe[2] = { -1, -1 }, err_pipe[2] = { -1, -1 };
  int in_fd;
  if (!input_fd (data, &in_fd, error))
    return FALSE;
  if (pipe2 (out_pipe, O_CLOEXEC) != 0 || pipe2 (err_pipe, O_CLOEXEC) != 0)
    {
      set_error_errno (error, "pipe");
      close (in_fd);
      for (int i = 0; i < 2; i++)
        if (out_pipe[i] >= 0)
          close (out_pipe[i]);
      return FALSE;
    }
  rlim_t mem = (rlim_t) lim->memory_mb << 20;
  ChildSpec spec = {
    .path = path, .argv = argv, .envp = envp,
    .in_fd = in_fd, .out_fd = high_fd (out_pipe[1]), .err_fd = high_fd (err_pipe[1]),
    .cpu = { (rlim_t) lim->cpu_seconds, (rlim_t) lim->cpu_seconds + 1 },
    .mem = { mem, mem },
    .walls = walls,
  };
  run->pid = fork ();
  if (run->pid == 0)
    child_exec (&spec);
  int fork_errno = errno;
  close (spec.in_fd);
  close (spec.out_fd);
  close (spec.err_fd);
  if (run->pid < 0)
    {
      close (out_pipe[0]);
      close (err_pipe[0]);
      errno = fork_errno;
      set_error_errno (error, "fork");
      return FALSE;
    }
  run->out_fd = out_pipe[0];
  run->err_fd = err_pipe[0];
  run->pidfd = (int) syscall (SYS_pidfd_open, run->pid, 0);
  return TRUE;
}

static void
close_fd (int *fd)
{
  if (*fd >= 0)
    close (*fd);
  *fd = -1;
}

static void
kill_group (Run *run)
{
  /* Only while the child is unreaped: its pid, hence the group id, cannot
   * have been reused by an unrelated process. */
  if (!run->reaped)
    kill (-run->pid, SIGKILL);
}

static void
reap (Run *run)
{
  while (!run->reaped)
    {
      if (waitpid (run->pid, &run->status, 0) == run->pid)
        run->reaped = run->exited = TRUE;
      else if (errno != EINTR)
        {
          run->status = W_EXITCODE (127, 0);
          run->reaped = run->exited = TRUE;
        }
    }
}

/* Notices the child's exit without reaping it (WNOWAIT), kills what is
 * left of its group (a grandchild holding stdout), then reaps. */
static void
check_exit (Run *run)
{
  siginfo_t info;
  memset (&info, 0, sizeof info);
  if (waitid (P_PID, (id_t) run->pid, &info, WEXITED | WNOHANG | WNOWAIT) != 0 || info.si_pid != run->pid)
    return;
  run->exited = TRUE;
  kill_group (run);
  reap (run);
}

static void
read_out (Run *run)
{
  guint8 buf[READ_CHUNK];
  ssize_t n = read (run->out_fd, buf, sizeof buf);
  if (n < 0 && (errno == EINTR || errno == EAGAIN))
    return;
  if (n <= 0)
    {
      close_fd (&run->out_fd);
      return;
    }
  gsize room = run->max_out - run->out->len;
  g_byte_array_append (run->out, buf, (guint) MIN ((gsize) n, room));
  if ((gsize) n > room)
    {
      run->truncated = TRUE;
      close_fd (&run->out_fd);
      kill_group (run);
    }
}

static void
read_err (Run *run)
{
  char buf[4096];
  ssize_t n = read (run->err_fd, buf, sizeof buf);
  if (n < 0 && (errno == EINTR || errno == EAGAIN))
    return;
  if (n <= 0)
    {
      close_fd (&run->err_fd);
      return;
    }
  if (run->err->len < ERR_KEEP)
    g_string_append_len (run->err, buf, MIN ((gsize) n, ERR_KEEP - run->err->len));
}

/* Waits for stdout and stderr to close and the child to exit, or the
 * deadline. The child's pidfd wakes us at its exit, also when an
 * escaped process still holds the pipes or when the pipes close a moment
 * before the exit; without a pidfd, a short tick notices it. */
static void
collect (Run *run)
{
  while (run->out_fd >= 0 || run->err_fd >= 0 || !run->exited)
    {
      gint64 left_ms = (run->deadline - g_get_monotonic_time ()) / 1000;
      if (left_ms <= 0)
        {
          run->timed_out = TRUE;
          return;
        }
      if (!run->exited)
        check_exit (run);
      if (run->exited && run->out_fd < 0 && run->err_fd < 0)
        return;
      gboolean watch_exit = !run->exited && run->pidfd >= 0;
      struct pollfd fds[3] = { { run->out_fd, POLLIN, 0 }, { run->err_fd, POLLIN, 0 },
                               { watch_exit ? run->pidfd : -1, POLLIN, 0 } };
      int tick = (int) MIN (left_ms, G_MAXINT);
      if (!run->exited && !watch_exit)
        tick = run->out_fd < 0 && run->err_fd < 0 ? 1 : MIN (tick, POLL_TICK_MS);
      int n = poll (fds, 3, tick);
      if (n <= 0)
        continue;
      if (fds[0].revents != 0)
        read_out (run);
      if (fds[1].revents != 0)
        read_err (run);
    }
}

static const char *
first_line (GString *s)
{
  g_strstrip (s->str);
  char *nl = strchr (s->str, '\n');
  if (nl != NULL)
    *nl = '\0';
  return s->str;
}

static gboolean
check_status (const Run *run, const char *path, const GuFilterLimits *lim, GError **error)
{
  g_autofree char *name = g_path_get_basename (path);
  if (run->timed_out)
    g_set_error (error, GU_ERROR, GU_ERROR_LIMIT, "filter %s timed out after %d s", name, lim->timeout_seconds);
  else if (run->truncated)
    return TRUE;  /* killed by us at the output cap */
  else if (WIFSIGNALED (run->status) && WTERMSIG (run->status) == SIGXCPU)
    g_set_error (error, GU_ERROR, GU_ERROR_LIMIT, "filter %s exceeded %d s of CPU", name, lim->cpu_seconds);
  else if (WIFSIGNALED (run->status))
    g_set_error (error, GU_ERROR, GU_ERROR_FAILED, "filter %s killed by signal %d (%s)", name,
                 WTERMSIG (run->status), g_strsignal (WTERMSIG (run->status)));
  else if (WEXITSTATUS (run->status) == GU_FILTER_EXIT_UNREADABLE)
    g_set_error (error, GU_ERROR, GU_ERROR_UNREADABLE, "%s", first_line (run->err));
  else if (WEXITSTATUS (run->status) != 0)
    g_set_error (error, GU_ERROR, GU_ERROR_FAILED, "filter %s exited with status %d: %s", name,
                 WEXITSTATUS (run->status), first_line (run->err));
  else
    return TRUE;
  return FALSE;
}

/* ---- the filter's walls and its private folder ---- */

/* What a filter may read and execute besides its own folder: programs,
 * libraries, the loader's cache, alternatives, fonts, the time zone, the
 * devices shell tools read. Not /etc as a whole, /home, /proc, /tmp,
 * guichet's state or config. */
static const char *const filter_system_paths[] = {
  "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32",
  "/etc/ld.so.cache", "/etc/alternatives", "/etc/fonts", "/etc/localtime",
  "/dev/zero", "/dev/random", "/dev/urandom",
};

/* Returns the walls of one run of filter_path, which may write in
 * tmp_dir only (newly allocated). */
static GuWalls *
filter_walls (const char *filter_path, const char *tmp_dir, GError **error)
{
  g_autofree char *filter_dir = g_path_get_dirname (filter_path);
  /* A filters folder of symbolic links: the files they point to. */
  g_autofree char *real = realpath (filter_path, NULL);
  g_autofree char *real_dir = real != NULL ? g_path_get_dirname (real) : NULL;
  const char *paths[G_N_ELEMENTS (filter_system_paths) + 3];
  gsize n = 0;
  for (gsize i = 0; i < G_N_ELEMENTS (filter_system_paths); i++)
    paths[n++] = filter_system_paths[i];
  paths[n++] = filter_dir;  /* the filter and what it sources (input.sh) */
  if (real_dir != NULL)
    paths[n++] = real_dir;
  paths[n] = NULL;
  GError *local = NULL;
  GuWalls *walls = gu_walls_prepare (GU_WALLS_FILTER, paths, tmp_dir, &local);
  if (walls == NULL)
    {
      /* a filter never runs unwalled: no walls, no text */
      g_set_error (error, GU_ERROR, local->code == GU_ERROR_TEMPFAIL ? GU_ERROR_TEMPFAIL : GU_ERROR_FAILED,
                   "filter: %s", local->message);
      g_error_free (local);
    }
  return walls;
}

/* Returns a new folder of the temporary folder only this run may write
 * in (its TMPDIR), or NULL. */
static char *
private_tmp_dir (GError **error)
{
  char *dir = g_build_filename (g_get_tmp_dir (), "guichet-filter-XXXXXX", NULL);
  if (g_mkdtemp_full (dir, 0700) == NULL)
    {
      set_error_errno (error, "cannot make a private temporary folder");
      g_free (dir);
      return NULL;
    }
  return dir;
}

enum { REMOVE_MAX_DEPTH = 64 };

/* Removes name in folder dir_fd and everything beneath it, following no
 * symbolic link. A folder the filter made unreadable (mkdir mode 0) is
 * ours: it is opened up first. Returns FALSE if something stayed. */
static gboolean
remove_tree_at (int dir_fd, const char *name, int depth)
{
  if (unlinkat (dir_fd, name, 0) == 0 || errno == ENOENT)
    return TRUE;
  if ((errno != EISDIR && errno != EPERM) || depth >= REMOVE_MAX_DEPTH)
    return FALSE;
  int fd = openat (dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 && errno == EACCES && fchmodat (dir_fd, name, 0700, 0) == 0)
    fd = openat (dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  DIR *dir = fd >= 0 ? fdopendir (fd) : NULL;
  if (dir == NULL)
    {
      if (fd >= 0)
        close (fd);
      return FALSE;
    }
  gboolean all = TRUE;
  fchmod (fd, 0700);  /* a folder left without write permission */
  for (struct dirent *e; (e = readdir (dir)) != NULL;)
    if (strcmp (e->d_name, ".") != 0 && strcmp (e->d_name, "..") != 0)
      all = remove_tree_at (fd, e->d_name, depth + 1) && all;
  closedir (dir);
  return unlinkat (dir_fd, name, AT_REMOVEDIR) == 0 && all;
}

static void
remove_private_tmp_dir (const char *dir)
{
  if (!remove_tree_at (AT_FDCWD, dir, 0))
    g_warning ("filter: cannot remove all of its temporary folder %s", dir);
}

char *
gu_filter_run (const char *filter_path, GBytes *data, const GuFilterLimits *limits,
               gboolean *truncated, GError **error)
{
  GuFilterLimits lim;
  limits_resolve (limits, &lim);
  if (truncated != NULL)
    *truncated = FALSE;
  if (filter_path == NULL || access (filter_path, X_OK) != 0 || g_file_test (filter_path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, GU_ERROR, GU_ERROR_NOT_FOUND, "no executable filter %s",
                   filter_path != NULL ? filter_path : "(none)");
      return NULL;
    }
  g_autofree char *tmp_dir = private_tmp_dir (error);
  if (tmp_dir == NULL)
    return NULL;
  g_autoptr (GuWalls) walls = filter_walls (filter_path, tmp_dir, error);
  Run run = { .pidfd = -1, .out_fd = -1, .err_fd = -1, .max_out = lim.max_output_bytes };
  run.deadline = g_get_monotonic_time () + (gint64) lim.timeout_seconds * G_USEC_PER_SEC;
  if (walls == NULL || !spawn (&run, filter_path, data, &lim, walls, tmp_dir, error))
    {
      remove_private_tmp_dir (tmp_dir);
      return NULL;
    }
  run.out = g_byte_array_new ();
  run.err = g_string_new (NULL);
  collect (&run);
  kill_group (&run);
  reap (&run);
  close_fd (&run.out_fd);
  close_fd (&run.err_fd);
  close_fd (&run.pidfd);
  remove_private_tmp_dir (tmp_dir);
  char *text = NULL;
  if (check_status (&run, filter_path, &lim, error))
    {
      text = run.out->len > 0 ? g_utf8_make_valid ((const char *) run.out->data, run.out->len) : g_strdup ("");
      if (truncated != NULL)
        *truncated = run.truncated;
    }
  g_byte_array_unref (run.out);
  g_string_free (run.err, TRUE);
  return text;
}
