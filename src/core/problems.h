/* The problems check-config prints: a list of lines, one a problem. */
#ifndef GU_CORE_PROBLEMS_H
#define GU_CORE_PROBLEMS_H

#include <glib.h>

/* Appends a formatted line to problems (a GPtrArray of newly allocated
 * strings); does nothing when problems is NULL. */
void gu_problem_add (GPtrArray *problems, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

#endif
