/* Logging: GLib's g_message/g_warning/g_debug, routed to stderr with a
 * level prefix (systemd's journal adds the time) or to syslog. */
#ifndef GU_UTIL_LOG_H
#define GU_UTIL_LOG_H

#include <glib.h>

/* Installs the handler. verbose shows g_debug and g_info messages. */
void gu_log_init (gboolean use_syslog, gboolean verbose);

#endif
