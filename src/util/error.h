/* The one error idiom of guichet: functions that can fail take a
 * GError **error last and return a gboolean (or a pointer), FALSE (NULL)
 * on failure with error set in GU_ERROR. What they find (a row id, a
 * count, whether something exists) goes to an out-parameter, never into
 * a return value that also means failure. The caller logs or propagates;
 * nobody both logs and returns, nobody drops an error unread, and an
 * error is never changed in place: to give it another code, set a new
 * one from its message. */
#ifndef GU_UTIL_ERROR_H
#define GU_UTIL_ERROR_H

#include <glib.h>

#define GU_ERROR (gu_error_quark ())
GQuark gu_error_quark (void);

typedef enum {
  GU_ERROR_FAILED,      /* a handled, permanent error: exit 1 */
  GU_ERROR_USAGE,       /* bad command line: exit 2 */
  GU_ERROR_CONFIG,      /* config or call file problem: exit 1 */
  GU_ERROR_NOT_FOUND,   /* a reference, file or row that does not exist */
  GU_ERROR_TEMPFAIL,    /* try again later (locked, disk full): exit 75 */
  GU_ERROR_CORRUPT,     /* stored data does not match its hash */
  GU_ERROR_LIMIT,       /* an input exceeds a configured limit */
  GU_ERROR_UNREADABLE,  /* input that cannot be decoded (encrypted, corrupt) */
  GU_ERROR_ACCOUNT,     /* the wrong account for the job (root without [daemon] user): exit 78 */
  GU_ERROR_SETUP,       /* the installation lacks what the config asks for (a filter,
                         * a program it runs): exit 78 */
} GuErrorCode;

/* Exit statuses of the CLI (doc/ARCHITECTURE.md, "CLI"). */
enum {
  GU_EXIT_OK = 0,
  GU_EXIT_ERROR = 1,
  GU_EXIT_USAGE = 2,
  GU_EXIT_TEMPFAIL = 75,
  GU_EXIT_CONFIG = 78,  /* EX_CONFIG: as whom guichet runs must be set right first */
};

/* Maps an error to the CLI exit status it deserves. */
int gu_error_exit_status (const GError *error);

#endif
