#include "config.h"

#include "core/problems.h"

void
gu_problem_add (GPtrArray *problems, const char *fmt, ...)
{
  if (problems == NULL)
    return;
  va_list ap;
  va_start (ap, fmt);
  g_ptr_array_add (problems, g_strdup_vprintf (fmt, ap));
  va_end (ap);
}
