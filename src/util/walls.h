/* Walls: what a process that reads hostile input may still reach
 * (doc/ARCHITECTURE.md, "Walls"). Three kernel features, none of which
 * needs a privilege: no_new_privs, a Landlock ruleset (which files it may
 * read, execute or write; no TCP; no signal or abstract socket outside)
 * and a seccomp filter (system calls it has no business making). Each is
 * applied when the running kernel has it; what it lacks is logged once
 * and the rest still goes up.
 *
 * Two ways to use them:
 *   - a parent starting a child (fork + exec): gu_walls_prepare before the
 *     fork (it allocates and opens), gu_walls_apply_in_child between fork
 *     and exec (raw system calls only), gu_walls_free in the parent;
 *   - a process walling itself in: gu_walls_confine_self, once its
 *     libraries are loaded. */
#ifndef GU_UTIL_WALLS_H
#define GU_UTIL_WALLS_H

#include <glib.h>

typedef enum {
  /* A text filter (filters/): may read and execute read_paths, read and
   * write /dev/null and its own writable_dir; no sockets but AF_UNIX, no
   * ptrace, mounts, namespaces, keyrings, BPF, io_uring, no changing a
   * file's mode, owner or attributes. It may exec (scripts run
   * pdftotext). */
  GU_WALLS_FILTER,
  /* The parse worker: may read read_paths (and execute under /usr and
   * /lib*, which only the loader does), write nowhere; on top of the
   * FILTER denials, no socket at all, no exec, no open for writing, no
   * change to any file name, mode or owner, no set*id. memfd_create,
   * mmap, ftruncate, write and sendmsg/recvmsg on inherited descriptors
   * still work. */
  GU_WALLS_PARSER,
} GuWallsProfile;

/* Walls prepared in a parent for one child: a Landlock ruleset
 * descriptor (when the kernel has Landlock) and a seccomp BPF program. */
typedef struct GuWalls GuWalls;

/* Returns walls for profile, newly allocated (free with gu_walls_free).
 * read_paths: NULL-terminated folders and files the process may read (a
 * path that does not exist is skipped); writable_dir: one folder it may
 * create, write and remove files in, or NULL. Missing kernel features are
 * left out (logged once), not errors. Fails with GU_ERROR_TEMPFAIL when
 * a descriptor or memory file cannot be had, GU_ERROR_FAILED when the
 * kernel refuses a ruleset it said it supports. Thread-safe. */
GuWalls *gu_walls_prepare (GuWallsProfile profile, const char *const *read_paths,
                           const char *writable_dir, GError **error);

/* Puts walls up on the calling thread, for good: no_new_privs, every
 * capability dropped (a filter run by root keeps root's files but no
 * power over others'), Landlock, seccomp. Only raw system calls:
 * async-signal-safe, for the child between fork and exec (the ruleset
 * descriptor must still be open: call it before closing descriptors;
 * it is close-on-exec). Returns 0, or -errno of the first call the
 * kernel refused (then the caller must not go on to run anything). */
int gu_walls_apply_in_child (const GuWalls *walls);

void gu_walls_free (GuWalls *walls);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GuWalls, gu_walls_free)

/* Prepares and applies walls (no writable folder) to this whole process.
 * It must have one thread (Landlock walls the calling thread only): else
 * GU_ERROR_FAILED. The same errors as gu_walls_prepare, and
 * GU_ERROR_FAILED when the kernel refuses one. */
gboolean gu_walls_confine_self (GuWallsProfile profile, const char *const *read_paths,
                                GError **error);

/* Returns which walls this machine allows, one line each without a
 * final newline ("Landlock: ABI 7 (...)", "seccomp: ...",
 * "no_new_privs: ..."), newly allocated. */
char *gu_walls_describe (void);

/* For every guichet process at startup: not dumpable (no core file with
 * secrets in it; /proc/<pid>/fd, mem and environ closed to other
 * processes of the same user) and umask 077. */
void gu_walls_harden_process (void);

#endif
