/* Walls: no_new_privs, capabilities dropped, Landlock, seccomp. See
 * walls.h for the profiles and doc/ARCHITECTURE.md, "Walls", for why
 * each wall is there. Everything that allocates or opens happens in
 * gu_walls_prepare; gu_walls_apply_in_child makes raw system calls only. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/landlock.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/error.h"
#include "util/walls.h"

/* Debian 12's kernel headers know Landlock ABI 1 and 2 only; the later
 * rights have fixed values (include/uapi/linux/landlock.h). */
#ifndef LANDLOCK_CREATE_RULESET_VERSION
#define LANDLOCK_CREATE_RULESET_VERSION (1U << 0)
#endif
#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER (1ULL << 13)
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV (1ULL << 15)
#endif
#ifndef LANDLOCK_ACCESS_NET_BIND_TCP
#define LANDLOCK_ACCESS_NET_BIND_TCP (1ULL << 0)
#define LANDLOCK_ACCESS_NET_CONNECT_TCP (1ULL << 1)
#endif
#ifndef LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET
#define LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0)
#define LANDLOCK_SCOPE_SIGNAL (1ULL << 1)
#endif
#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#define SYS_landlock_add_rule 445
#define SYS_landlock_restrict_self 446
#endif

/* The ruleset attribute as of ABI 6; the kernel is given the prefix its
 * ABI knows (it refuses a larger size with nonzero fields it lacks). */
typedef struct {
  guint64 handled_access_fs;
  guint64 handled_access_net;  /* ABI 4 */
  guint64 scoped;              /* ABI 6 */
} RulesetAttr;

/* LeakSanitizer stops the world with ptrace from a helper task and reads
 * /proc/self/maps and /proc/self/task at exit: a walled parse worker of a
 * sanitizer build would die there. Filters never carry ASan (it cannot
 * live with their RLIMIT_AS), so only the PARSER profile needs this. */
#if defined(__SANITIZE_ADDRESS__)
#define GU_WALLS_FOR_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define GU_WALLS_FOR_LSAN 1
#endif
#endif
#ifndef GU_WALLS_FOR_LSAN
#define GU_WALLS_FOR_LSAN 0
#endif

struct GuWalls {
  gboolean no_new_privs;
  int ruleset_fd;                    /* -1: no Landlock here */
  const struct sock_fprog *seccomp;  /* cached per profile, never freed; NULL: none */
};

/* ---- what the kernel offers (asked once) ---- */

typedef struct {
  int landlock_abi;  /* 0: none, see landlock_errno */
  int landlock_errno;
  gboolean seccomp;
  int seccomp_errno;
  gboolean no_new_privs;
  int no_new_privs_errno;
} KernelWalls;

static const KernelWalls *
kernel_walls (void)
{
  static KernelWalls k;
  static gsize probed = 0;
  if (g_once_init_enter (&probed))
    {
      long abi = syscall (SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
      k.landlock_abi = abi > 0 ? (int) abi : 0;
      k.landlock_errno = abi > 0 ? 0 : errno;
      k.seccomp = prctl (PR_GET_SECCOMP, 0, 0, 0, 0) >= 0;
      k.seccomp_errno = k.seccomp ? 0 : errno;
      k.no_new_privs = prctl (PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) >= 0;
      k.no_new_privs_errno = k.no_new_privs ? 0 : errno;
      /* Landlock and seccomp filters both need no_new_privs (or
       * CAP_SYS_ADMIN, which we do not count on). */
      if (!k.no_new_privs)
        {
          k.landlock_abi = 0;
          k.landlock_errno = k.no_new_privs_errno;
          k.seccomp = FALSE;
          k.seccomp_errno = k.no_new_privs_errno;
        }
      g_once_init_leave (&probed, 1);
    }
  return &k;
}

static const char *
landlock_missing_reason (int err)
{
  switch (err)
    {
    case ENOSYS:
      return "the kernel has no Landlock (before Linux 5.13, or built without it)";
    case EOPNOTSUPP:
      return "Landlock is disabled (add landlock to the kernel's lsm= boot parameter)";
    default:
      return g_strerror (err);
    }
}

/* Once per process, what could not go up: the rest still does. */
static void
log_missing_once (const KernelWalls *k)
{
  static gsize logged = 0;
  if (!g_once_init_enter (&logged))
    return;
  if (k->landlock_abi == 0)
    g_message ("walls: Landlock not applied: %s; filters and parse workers can read what this user can",
               landlock_missing_reason (k->landlock_errno));
  if (!k->seccomp)
    g_message ("walls: seccomp not applied: %s", g_strerror (k->seccomp_errno));
  if (!k->no_new_privs)
    g_message ("walls: no_new_privs not applied: %s", g_strerror (k->no_new_privs_errno));
  g_once_init_leave (&logged, 1);
}

static void
log_sanitizer_once (void)
{
#if GU_WALLS_FOR_LSAN
  static gsize logged = 0;
  if (g_once_init_enter (&logged))
    {
      g_info ("walls: sanitizer build: ptrace and /proc left open for LeakSanitizer");
      g_once_init_leave (&logged, 1);
    }
#endif
}

/* ---- Landlock ---- */

#define FS_ABI1 ((LANDLOCK_ACCESS_FS_MAKE_SYM << 1) - 1)
#define FS_READ (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR)
#define FS_FILE_ONLY                                                                              \
  (LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_READ_FILE      \
   | LANDLOCK_ACCESS_FS_TRUNCATE | LANDLOCK_ACCESS_FS_IOCTL_DEV)
/* A filter's own temporary folder: files and folders come and go; no
 * device, socket or fifo, nothing executed from there. */
#define FS_PRIVATE_DIR                                                                           \
  (FS_READ | LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_TRUNCATE                          \
   | LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_SYM        \
   | LANDLOCK_ACCESS_FS_REMOVE_FILE | LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REFER)

/* Every right the running ABI knows: what is not granted is denied. */
static guint64
fs_rights (int abi)
{
  guint64 rights = FS_ABI1;
  if (abi >= 2)
    rights |= LANDLOCK_ACCESS_FS_REFER;
  if (abi >= 3)
    rights |= LANDLOCK_ACCESS_FS_TRUNCATE;
  if (abi >= 5)
    rights |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
  return rights;
}

static int
ruleset_new (int abi, GError **error)
{
  RulesetAttr attr = { .handled_access_fs = fs_rights (abi) };
  gsize size = sizeof attr.handled_access_fs;
  if (abi >= 4)
    {
      /* handled with no port allowed: no TCP bind or connect at all */
      attr.handled_access_net = LANDLOCK_ACCESS_NET_BIND_TCP | LANDLOCK_ACCESS_NET_CONNECT_TCP;
      size = G_STRUCT_OFFSET (RulesetAttr, scoped);
    }
  if (abi >= 6)
    {
      attr.scoped = LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET | LANDLOCK_SCOPE_SIGNAL;
      size = sizeof attr;
    }
  int fd = (int) syscall (SYS_landlock_create_ruleset, &attr, size, 0);
  if (fd < 0)
    {
      int err = errno;
      g_set_error (error, GU_ERROR, err == ENOMEM || err == EMFILE || err == ENFILE ? GU_ERROR_TEMPFAIL : GU_ERROR_FAILED,
                   "walls: Landlock ABI %d refused a ruleset: %s", abi, g_strerror (err));
    }
  return fd;
}

/* Grants rights beneath path (or on it, for a file). A path that is not
 * there is skipped: the callers list the usual system folders. */
static gboolean
ruleset_allow (int ruleset, int abi, const char *path, guint64 rights, gboolean must_exist, GError **error)
{
  int fd = open (path, O_PATH | O_CLOEXEC);
  if (fd < 0)
    {
      int err = errno;
      if (!must_exist && (err == ENOENT || err == ENOTDIR || err == EACCES || err == ELOOP))
        return TRUE;
      g_set_error (error, GU_ERROR, err == EMFILE || err == ENFILE ? GU_ERROR_TEMPFAIL : GU_ERROR_FAILED,
                   "walls: %s: %s", path, g_strerror (err));
      return FALSE;
    }
  struct stat st;
  if (fstat (fd, &st) == 0 && !S_ISDIR (st.st_mode))
    rights &= FS_FILE_ONLY;
  struct landlock_path_beneath_attr rule = {
    .allowed_access = rights & fs_rights (abi),
    .parent_fd = fd,
  };
  int rc = (int) syscall (SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &rule, 0);
  int err = errno;
  close (fd);
  if (rc != 0)
    {
      g_set_error (error, GU_ERROR, GU_ERROR_FAILED, "walls: Landlock rule for %s: %s", path, g_strerror (err));
      return FALSE;
    }
  return TRUE;
}

/* The parse worker executes nothing, but the loader maps libraries (and
 * gconv modules, lazily) from these with PROT_EXEC. */
static gboolean
parser_may_execute (const char *path)
{
  return g_str_has_prefix (path, "/lib") || strcmp (path, "/usr") == 0 || g_str_has_prefix (path, "/usr/");
}

static int
landlock_prepare (GuWallsProfile profile, int abi, const char *const *read_paths, const char *writable_dir,
                  GError **error)
{
  int ruleset = ruleset_new (abi, error);
  if (ruleset < 0)
    return -1;
  gboolean ok = TRUE;
  for (const char *const *p = read_paths; ok && p != NULL && *p != NULL; p++)
    {
      gboolean exec = profile == GU_WALLS_FILTER || parser_may_execute (*p);
      ok = ruleset_allow (ruleset, abi, *p, FS_READ | (exec ? LANDLOCK_ACCESS_FS_EXECUTE : 0), FALSE, error);
    }
  /* Shell scripts send what they do not want to /dev/null (O_TRUNC). */
  if (ok && profile == GU_WALLS_FILTER)
    ok = ruleset_allow (ruleset, abi, "/dev/null",
                        LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_TRUNCATE,
                        FALSE, error);
  if (ok && writable_dir != NULL)
    ok = ruleset_allow (ruleset, abi, writable_dir, FS_PRIVATE_DIR, TRUE, error);
  if (ok && GU_WALLS_FOR_LSAN && profile == GU_WALLS_PARSER)
    ok = ruleset_allow (ruleset, abi, "/proc", FS_READ, FALSE, error);
  if (!ok)
    {
      close (ruleset);
      return -1;
    }
  return ruleset;
}

/* ---- seccomp ---- */

typedef struct {
  const char *name;
  int err;
} Denial;

/* Both profiles: calls a text tool never makes and that reach beyond its
 * own process: other processes' memory, the kernel's larger attack
 * surfaces (BPF, perf, io_uring, which would also run socket operations
 * past this filter), keyrings, namespaces and mounts (a way around
 * Landlock's view of the tree), file handles, modules. And file mode,
 * owner and attributes, which Landlock does not cover: a filter run by
 * root owns the system's files. clone3 keeps its flags where a filter
 * cannot look: ENOSYS makes glibc use clone, whose flags are checked. */
static const Denial common_denials[] = {
  { "process_vm_readv", EPERM }, { "process_vm_writev", EPERM },
  { "bpf", EPERM }, { "perf_event_open", EPERM }, { "userfaultfd", EPERM },
  { "io_uring_setup", EPERM }, { "io_uring_enter", EPERM }, { "io_uring_register", EPERM },
  { "keyctl", EPERM }, { "add_key", EPERM }, { "request_key", EPERM },
  { "unshare", EPERM }, { "setns", EPERM },
  { "mount", EPERM }, { "umount2", EPERM }, { "pivot_root", EPERM }, { "chroot", EPERM },
  { "fsopen", EPERM }, { "fsconfig", EPERM }, { "fsmount", EPERM }, { "fspick", EPERM },
  { "move_mount", EPERM }, { "open_tree", EPERM }, { "mount_setattr", EPERM },
  { "name_to_handle_at", EPERM }, { "open_by_handle_at", EPERM },
  { "kexec_load", EPERM }, { "kexec_file_load", EPERM },
  { "init_module", EPERM }, { "finit_module", EPERM }, { "delete_module", EPERM },
  { "chmod", EPERM }, { "fchmod", EPERM }, { "fchmodat", EPERM }, { "fchmodat2", EPERM },
  { "chown", EPERM }, { "fchown", EPERM }, { "lchown", EPERM }, { "fchownat", EPERM },
  { "setxattr", EPERM }, { "lsetxattr", EPERM }, { "fsetxattr", EPERM },
  { "removexattr", EPERM }, { "lremovexattr", EPERM }, { "fremovexattr", EPERM },
  { "clone3", ENOSYS },
};

/* The parse worker talks over the socket it was given and nothing else,
 * runs no program, changes no file. openat2 hides its flags in memory:
 * ENOSYS sends glibc back to openat, whose flags are checked. */
static const Denial parser_denials[] = {
  { "socket", EACCES }, { "socketpair", EACCES }, { "connect", EACCES }, { "bind", EACCES },
  { "listen", EACCES }, { "accept", EACCES }, { "accept4", EACCES },
  { "execve", EACCES }, { "execveat", EACCES },
  { "creat", EACCES }, { "openat2", ENOSYS },
  { "unlink", EACCES }, { "unlinkat", EACCES }, { "rename", EACCES }, { "renameat", EACCES },
  { "renameat2", EACCES }, { "mkdir", EACCES }, { "mkdirat", EACCES }, { "rmdir", EACCES },
  { "link", EACCES }, { "linkat", EACCES }, { "symlink", EACCES }, { "symlinkat", EACCES },
  { "truncate", EACCES }, { "mknod", EACCES }, { "mknodat", EACCES },
  { "setuid", EPERM }, { "setgid", EPERM }, { "setreuid", EPERM }, { "setregid", EPERM },
  { "setresuid", EPERM }, { "setresgid", EPERM }, { "setfsuid", EPERM }, { "setfsgid", EPERM },
  { "setgroups", EPERM },
};

/* A system call newer than this libseccomp is looked up by number. */
static int
syscall_number (const char *name)
{
  int nr = seccomp_syscall_resolve_name (name);
#if defined(__x86_64__)
  if (nr == __NR_SCMP_ERROR && strcmp (name, "fchmodat2") == 0)
    nr = 452;
#endif
  return nr;
}

/* Adds the rule "name with these arguments fails with err". A call this
 * machine does not know of cannot be made on it either: skipped. */
static int
deny (scmp_filter_ctx ctx, const char *name, int err, unsigned int n, const struct scmp_arg_cmp *args)
{
  int nr = syscall_number (name);
  if (nr == __NR_SCMP_ERROR)
    return 0;
  return seccomp_rule_add_array (ctx, SCMP_ACT_ERRNO ((guint32) err), nr, n, args);
}

static int
deny_list (scmp_filter_ctx ctx, const Denial *list, gsize n)
{
  int rc = 0;
  for (gsize i = 0; rc == 0 && i < n; i++)
    rc = deny (ctx, list[i].name, list[i].err, 0, NULL);
  return rc;
}

/* One rule per bit: any of them set in the argument denies the call. */
static int
deny_if_any_bit (scmp_filter_ctx ctx, const char *name, unsigned int arg, const guint64 *bits, gsize n, int err)
{
  int rc = 0;
  for (gsize i = 0; rc == 0 && i < n; i++)
    {
      struct scmp_arg_cmp cmp = { arg, SCMP_CMP_MASKED_EQ, bits[i], bits[i] };
      rc = deny (ctx, name, err, 1, &cmp);
    }
  return rc;
}

static int
add_common_rules (scmp_filter_ctx ctx, GuWallsProfile profile)
{
  static const guint64 namespaces[] = { CLONE_NEWNS, CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC,
                                        CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET };
  int rc = deny_list (ctx, common_denials, G_N_ELEMENTS (common_denials));
  if (rc == 0 && !(GU_WALLS_FOR_LSAN && profile == GU_WALLS_PARSER))
    rc = deny (ctx, "ptrace", EPERM, 0, NULL);
  if (rc == 0)
    rc = deny_if_any_bit (ctx, "clone", 0, namespaces, G_N_ELEMENTS (namespaces), EPERM);
  /* kill(-1): every process of this user, the daemon among them (on a
   * kernel before Landlock ABI 6, which scopes signals). */
  struct scmp_arg_cmp everyone = { 0, SCMP_CMP_MASKED_EQ, 0xffffffffu, 0xffffffffu };
  if (rc == 0)
    rc = deny (ctx, "kill", EPERM, 1, &everyone);
  /* A filter keeps AF_UNIX (local, and scoped by Landlock ABI 6 for
   * abstract names); every other family is the network or a kernel
   * subsystem (netlink, packet, vsock, alg, bluetooth...) it never needs. */
  struct scmp_arg_cmp not_unix = { 0, SCMP_CMP_NE, AF_UNIX, 0 };
  if (rc == 0 && profile == GU_WALLS_FILTER)
    rc = deny (ctx, "socket", EACCES, 1, &not_unix);
  if (rc == 0 && profile == GU_WALLS_FILTER)
    rc = deny (ctx, "socketpair", EACCES, 1, &not_unix);
  return rc;
}

static int
add_parser_rules (scmp_filter_ctx ctx)
{
  static const guint64 writing[] = { O_WRONLY, O_RDWR, O_CREAT, O_TRUNC };
  int rc = deny_list (ctx, parser_denials, G_N_ELEMENTS (parser_denials));
  if (rc == 0)
    rc = deny_if_any_bit (ctx, "open", 1, writing, G_N_ELEMENTS (writing), EACCES);
  if (rc == 0)
    rc = deny_if_any_bit (ctx, "openat", 2, writing, G_N_ELEMENTS (writing), EACCES);
  return rc;
}

/* libseccomp 2.5 exports to a descriptor only: a memory file, read back. */
static gboolean
export_program (scmp_filter_ctx ctx, struct sock_fprog *prog, GError **error)
{
  int fd = memfd_create ("guichet-seccomp", MFD_CLOEXEC);
  if (fd < 0)
    {
      g_set_error (error, GU_ERROR, GU_ERROR_TEMPFAIL, "walls: memory file: %s", g_strerror (errno));
      return FALSE;
    }
  int rc = seccomp_export_bpf (ctx, fd);
  struct stat st;
  gboolean ok = rc == 0 && fstat (fd, &st) == 0 && st.st_size > 0
                && st.st_size % (off_t) sizeof (struct sock_filter) == 0;
  struct sock_filter *code = ok ? g_malloc ((gsize) st.st_size) : NULL;
  ok = ok && pread (fd, code, (gsize) st.st_size, 0) == st.st_size;
  close (fd);
  if (!ok)
    {
      g_free (code);
      g_set_error (error, GU_ERROR, GU_ERROR_FAILED, "walls: cannot export the seccomp program: %s",
                   g_strerror (rc < 0 ? -rc : EIO));
      return FALSE;
    }
  prog->len = (unsigned short) (st.st_size / (off_t) sizeof (struct sock_filter));
  prog->filter = code;
  return TRUE;
}

static gboolean
build_program (GuWallsProfile profile, struct sock_fprog *prog, GError **error)
{
  scmp_filter_ctx ctx = seccomp_init (SCMP_ACT_ALLOW);
  if (ctx == NULL)
    {
      g_set_error (error, GU_ERROR, GU_ERROR_TEMPFAIL, "walls: seccomp_init failed");
      return FALSE;
    }
  /* Another architecture's numbers (int 0x80 on x86_64) would slip past
   * every rule: such a call ends the process. x32 numbers come in under
   * the x86_64 audit arch: they get the same rules. */
  int rc = seccomp_attr_set (ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
#if defined(__x86_64__)
  if (rc == 0)
    rc = seccomp_arch_add (ctx, SCMP_ARCH_X32);
#endif
  if (rc == 0)
    rc = add_common_rules (ctx, profile);
  if (rc == 0 && profile == GU_WALLS_PARSER)
    rc = add_parser_rules (ctx);
  gboolean ok = rc == 0;
  if (!ok)
    g_set_error (error, GU_ERROR, GU_ERROR_FAILED, "walls: seccomp rule: %s", g_strerror (-rc));
  else
    ok = export_program (ctx, prog, error);
  seccomp_release (ctx);
  return ok;
}

/* The program of a profile, built once (it is the same for every run). */
static const struct sock_fprog *
seccomp_program (GuWallsProfile profile, GError **error)
{
  static struct sock_fprog programs[2];
  G_LOCK_DEFINE_STATIC (programs);
  const struct sock_fprog *found = NULL;
  G_LOCK (programs);
  if (programs[profile].filter != NULL || build_program (profile, &programs[profile], error))
    found = &programs[profile];
  G_UNLOCK (programs);
  return found;
}

/* ---- the API ---- */

GuWalls *
gu_walls_prepare (GuWallsProfile profile, const char *const *read_paths, const char *writable_dir,
                  GError **error)
{
  g_return_val_if_fail (profile == GU_WALLS_FILTER || profile == GU_WALLS_PARSER, NULL);
  const KernelWalls *k = kernel_walls ();
  log_missing_once (k);
  if (profile == GU_WALLS_PARSER)
    log_sanitizer_once ();
  GuWalls *walls = g_new0 (GuWalls, 1);
  walls->no_new_privs = k->no_new_privs;
  walls->ruleset_fd = -1;
  if (k->seccomp && (walls->seccomp = seccomp_program (profile, error)) == NULL)
    {
      gu_walls_free (walls);
      return NULL;
    }
  if (k->landlock_abi > 0
      && (walls->ruleset_fd = landlock_prepare (profile, k->landlock_abi, read_paths, writable_dir, error)) < 0)
    {
      gu_walls_free (walls);
      return NULL;
    }
  return walls;
}

/* Drops every capability: a filter run as root keeps root's uid, hence
 * the files root owns, but no power over anyone else's; with
 * no_new_privs, exec gives none back. */
static int
drop_capabilities (void)
{
  struct __user_cap_header_struct header = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct none[_LINUX_CAPABILITY_U32S_3];
  memset (none, 0, sizeof none);
  return (int) syscall (SYS_capset, &header, none);
}

int
gu_walls_apply_in_child (const GuWalls *walls)
{
  if (walls->no_new_privs && prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
    return -errno;
  if (drop_capabilities () != 0)
    return -errno;
  if (walls->ruleset_fd >= 0 && syscall (SYS_landlock_restrict_self, walls->ruleset_fd, 0) != 0)
    return -errno;
  if (walls->seccomp != NULL && prctl (PR_SET_SECCOMP, SECCOMP_MODE_FILTER, walls->seccomp, 0, 0) != 0)
    return -errno;
  return 0;
}

void
gu_walls_free (GuWalls *walls)
{
  if (walls == NULL)
    return;
  if (walls->ruleset_fd >= 0)
    close (walls->ruleset_fd);
  g_free (walls);
}

/* Threads of this process, from /proc (1 when it cannot be read: the
 * count is a safety check, not a wall). */
static guint
thread_count (void)
{
  g_autofree char *status = NULL;
  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 1;
  const char *line = strstr (status, "\nThreads:");
  return line != NULL ? (guint) g_ascii_strtoull (line + strlen ("\nThreads:"), NULL, 10) : 1;
}

gboolean
gu_walls_confine_self (GuWallsProfile profile, const char *const *read_paths, GError **error)
{
  guint threads = thread_count ();
  if (threads > 1)
    {
      g_set_error (error, GU_ERROR, GU_ERROR_FAILED,
                   "walls: %u threads: Landlock would wall the calling one only", threads);
      return FALSE;
    }
  g_autoptr (GuWalls) walls = gu_walls_prepare (profile, read_paths, NULL, error);
  if (walls == NULL)
    return FALSE;
  int rc = gu_walls_apply_in_child (walls);
  if (rc != 0)
    {
      g_set_error (error, GU_ERROR, GU_ERROR_FAILED, "walls: the kernel refused them: %s", g_strerror (-rc));
      return FALSE;
    }
  return TRUE;
}

char *
gu_walls_describe (void)
{
  const KernelWalls *k = kernel_walls ();
  GString *s = g_string_new (NULL);
  if (k->landlock_abi > 0)
    g_string_append_printf (s, "landlock: ABI %d: files%s%s", k->landlock_abi,
                            k->landlock_abi >= 4 ? ", TCP" : "",
                            k->landlock_abi >= 6 ? ", signals and abstract sockets" : "");
  else
    g_string_append_printf (s, "landlock: not applied: %s", landlock_missing_reason (k->landlock_errno));
  if (k->seccomp)
    g_string_append (s, "\nseccomp: system call filters applied");
  else
    g_string_append_printf (s, "\nseccomp: not applied: %s", g_strerror (k->seccomp_errno));
  if (k->no_new_privs)
    g_string_append (s, "\nno_new_privs: applied");
  else
    g_string_append_printf (s, "\nno_new_privs: not applied: %s", g_strerror (k->no_new_privs_errno));
  if (GU_WALLS_FOR_LSAN)
    g_string_append (s, "\nsanitizer build: ptrace and /proc left open to parse workers for LeakSanitizer");
  return g_string_free (s, FALSE);
}

void
gu_walls_harden_process (void)
{
  /* Not dumpable: no core file holding a password, and /proc/<pid>/fd,
   * mem and environ closed to every process without CAP_SYS_PTRACE,
   * filters of the same user included. */
  if (prctl (PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
    g_debug ("walls: PR_SET_DUMPABLE: %s", g_strerror (errno));
  umask (077);
}
