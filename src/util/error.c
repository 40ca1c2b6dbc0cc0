#include "config.h"

#include "util/error.h"

G_DEFINE_QUARK (guichet-error-quark, gu_error)

int
gu_error_exit_status (const GError *error)
{
  if (error == NULL)
    return GU_EXIT_OK;
  if (error->domain == GU_ERROR && error->code == GU_ERROR_TEMPFAIL)
    return GU_EXIT_TEMPFAIL;
  if (error->domain == GU_ERROR && error->code == GU_ERROR_USAGE)
    return GU_EXIT_USAGE;
  if (error->domain == GU_ERROR && (error->code == GU_ERROR_ACCOUNT || error->code == GU_ERROR_SETUP))
    return GU_EXIT_CONFIG;
  return GU_EXIT_ERROR;
}
