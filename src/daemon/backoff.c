/* Backoff after a failed pass: 1 s doubling to 5 min, with jitter, and
 * each problem logged once rather than once per retry. */
#include "config.h"

#include "daemon/daemon-private.h"

#define BACKOFF_MAX_SECONDS 300

int
gu_backoff_failed (GuBackoff *backoff, const GError *error)
{
  const char *problem = error != NULL ? error->message : "unknown error";
  backoff->seconds = backoff->seconds == 0 ? 1 : MIN (backoff->seconds * 2, BACKOFF_MAX_SECONDS);
  if (g_strcmp0 (problem, backoff->last_problem) != 0)
    {
      g_warning ("%s; retrying with backoff", problem);
      g_free (backoff->last_problem);
      backoff->last_problem = g_strdup (problem);
    }
  /* Jitter: many guichets restarted together must not hammer a server in
   * step. */
  return backoff->seconds + g_random_int_range (0, backoff->seconds / 4 + 1);
}

void
gu_backoff_succeeded (GuBackoff *backoff)
{
  backoff->seconds = 0;
  g_clear_pointer (&backoff->last_problem, g_free);
}

void
gu_backoff_clear (GuBackoff *backoff)
{
  gu_backoff_succeeded (backoff);
}
