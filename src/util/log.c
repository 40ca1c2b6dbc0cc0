#include "config.h"

#include <stdio.h>
#include <syslog.h>

#include "util/log.h"

static gboolean log_to_syslog;
static gboolean log_verbose;

static const char *
level_name (GLogLevelFlags level, int *priority)
{
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL))
    return *priority = LOG_ERR, "error";
  if (level & G_LOG_LEVEL_WARNING)
    return *priority = LOG_WARNING, "warning";
  if (level & G_LOG_LEVEL_MESSAGE)
    return *priority = LOG_NOTICE, "notice";
  if (level & G_LOG_LEVEL_INFO)
    return *priority = LOG_INFO, "info";
  return *priority = LOG_DEBUG, "debug";
}

static void
log_handler (const char *domain, GLogLevelFlags level, const char *message, gpointer data)
{
  int priority;
  const char *name = level_name (level, &priority);
  if (!log_verbose && (level & (G_LOG_LEVEL_DEBUG | G_LOG_LEVEL_INFO)))
    return;
  if (log_to_syslog)
    syslog (priority, "%s: %s", name, message);
  else
    fprintf (stderr, "guichet: %s: %s\n", name, message);
}

void
gu_log_init (gboolean use_syslog, gboolean verbose)
{
  log_to_syslog = use_syslog;
  log_verbose = verbose;
  if (use_syslog)
    openlog ("guichet", LOG_PID, LOG_MAIL);
  g_log_set_default_handler (log_handler, NULL);
}
