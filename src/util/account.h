/* The account the process runs as: looking one up, and root becoming
 * another one for good before it opens anything of guichet's state
 * (issue 11: the daemon never runs as root). */
#ifndef GU_UTIL_ACCOUNT_H
#define GU_UTIL_ACCOUNT_H

#include <glib.h>
#include <sys/types.h>

/* Looks name up in the system's accounts into *uid and *gid (its
 * primary group). FALSE with GU_ERROR_ACCOUNT when there is none. */
gboolean gu_account_lookup (const char *name, uid_t *uid, gid_t *gid, GError **error);

/* As root: becomes name (uid, gid from gu_account_lookup) for good:
 * its supplementary groups (initgroups), then the group, then the user,
 * real, effective and saved alike; then checks that root cannot be had
 * back. FALSE with GU_ERROR_ACCOUNT when a step fails (the process must
 * then stop: it may be half switched). */
gboolean gu_account_become (const char *name, uid_t uid, gid_t gid, GError **error);

/* The name of the process's effective account ("uid 1234" when it has
 * none). Returns a new string. */
char *gu_account_current_name (void);

#endif
