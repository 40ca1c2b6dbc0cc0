/* Dates, sizes and untrusted names as a reply shows them. Month names
 * and units are formatting, like digits: the sentences around them live
 * in the templates. */
#include "config.h"

#include "reply/reply-private.h"

gboolean
gu_reply_is_french (const GuCall *call)
{
  return call->language == NULL || g_ascii_strncasecmp (call->language, "fr", 2) == 0;
}

static const char *const months_fr[] = { "janvier", "février", "mars", "avril", "mai", "juin", "juillet",
                                          "août", "septembre", "octobre", "novembre", "décembre" };
static const char *const months_en[] = { "January", "February", "March", "April", "May", "June", "July",
                                          "August", "September", "October", "November", "December" };

char *
gu_reply_format_day (const GuCall *call, GDateTime *t)
{
  g_autoptr (GDateTime) local = g_date_time_to_timezone (t, call->tz);
  int day = g_date_time_get_day_of_month (local);
  int month = g_date_time_get_month (local) - 1;
  int year = g_date_time_get_year (local);
  if (!gu_reply_is_french (call))
    return g_strdup_printf ("%d %s %d", day, months_en[month], year);
  /* French writes the first day of a month as an ordinal: "1er mars". */
  return g_strdup_printf ("%d%s %s %d", day, day == 1 ? "er" : "", months_fr[month], year);
}

char *
gu_reply_format_time (const GuCall *call, GDateTime *t)
{
  g_autofree char *day = gu_reply_format_day (call, t);
  g_autoptr (GDateTime) local = g_date_time_to_timezone (t, call->tz);
  int hour = g_date_time_get_hour (local), minute = g_date_time_get_minute (local);
  if (gu_reply_is_french (call))
    return g_strdup_printf ("%s à %d h %02d", day, hour, minute);
  return g_strdup_printf ("%s at %02d:%02d", day, hour, minute);
}

char *
gu_reply_format_size (const GuCall *call, guint64 size)
{
  static const char *const units_fr[] = { "Ko", "Mo", "Go", "To" };
  static const char *const units_en[] = { "kB", "MB", "GB", "TB" };
  gboolean fr = gu_reply_is_french (call);
  if (size < 1000)
    return g_strdup_printf ("%" G_GUINT64_FORMAT " %s", size,
                            fr ? (size > 1 ? "octets" : "octet") : (size == 1 ? "byte" : "bytes"));
  /* Decimal units, one decimal, below 999.95 so that rounding never
   * shows "1000,0 Ko". */
  double value = (double) size / 1000.0;
  guint unit = 0;
  while (value >= 999.95 && unit + 1 < G_N_ELEMENTS (units_fr))
    {
      value /= 1000.0;
      unit++;
    }
  char number[G_ASCII_DTOSTR_BUF_SIZE];
  g_ascii_formatd (number, sizeof number, "%.1f", value);
  if (fr)
    g_strdelimit (number, ".", ',');
  return g_strdup_printf ("%s %s", number, fr ? units_fr[unit] : units_en[unit]);
}

char *
gu_reply_clean_text (const char *s, glong max)
{
  g_autofree char *valid = g_utf8_make_valid (s != NULL ? s : "", -1);
  GString *out = g_string_new (NULL);
  const char *p = valid;
  for (glong n = 0; *p != '\0' && n < max; p = g_utf8_next_char (p), n++)
    {
      gunichar c = g_utf8_get_char (p);
      GUnicodeType type = g_unichar_type (c);
      /* Controls would forge lines; formatting characters (U+202E)
       * would show "gpj.exe" as "exe.jpg". */
      if (type == G_UNICODE_CONTROL || type == G_UNICODE_FORMAT || type == G_UNICODE_LINE_SEPARATOR
          || type == G_UNICODE_PARAGRAPH_SEPARATOR)
        c = ' ';
      g_string_append_unichar (out, c);
    }
  if (*p != '\0')
    g_string_append (out, "…");
  return g_string_free (out, FALSE);
}
