#include "config.h"

#include <string.h>

#include "parse/parse-private.h"
#include "util/address.h"

/* Header values quoted in a reason are cut: a reason is a label. */
#define REASON_VALUE_MAX 200

static char *
reason (const char *name, const char *value)
{
  g_autofree char *cut = g_utf8_strlen (value, -1) > REASON_VALUE_MAX
                           ? g_utf8_substring (value, 0, REASON_VALUE_MAX)
                           : g_strdup (value);
  return g_strdup_printf ("%s: %s", name, cut);
}

/* Returns "Name: value" when the header is present, else NULL. */
static char *
reason_if_present (GuParseCtx *ctx, const char *name)
{
  g_autofree char *value = gu_parse_header_oneline (GMIME_OBJECT (ctx->mime), name);
  return value != NULL ? reason (name, value) : NULL;
}

/* RFC 3834: anything but "no" (parameters after ';' ignored). */
static char *
check_auto_submitted (GuParseCtx *ctx)
{
  g_autofree char *value = gu_parse_header_oneline (GMIME_OBJECT (ctx->mime), "Auto-Submitted");
  if (value == NULL)
    return NULL;
  g_autofree char *keyword = g_strstrip (g_strndup (value, strcspn (value, ";")));
  if (*keyword == '\0' || g_ascii_strcasecmp (keyword, "no") == 0)
    return NULL;
  return reason ("Auto-Submitted", value);
}

static char *
check_precedence (GuParseCtx *ctx)
{
  static const char *const automatic[] = { "bulk", "junk", "list", "auto_reply" };
  g_autofree char *value = gu_parse_header_oneline (GMIME_OBJECT (ctx->mime), "Precedence");
  if (value == NULL)
    return NULL;
  for (gsize i = 0; i < G_N_ELEMENTS (automatic); i++)
    if (g_ascii_strcasecmp (value, automatic[i]) == 0)
      return reason ("Precedence", value);
  return NULL;
}

static char *
check_list_headers (GuParseCtx *ctx)
{
  char *why = reason_if_present (ctx, "List-Id");
  return why != NULL ? why : reason_if_present (ctx, "List-Unsubscribe");
}

static char *
check_autoreply_headers (GuParseCtx *ctx)
{
  char *why = reason_if_present (ctx, "X-Autoreply");
  return why != NULL ? why : reason_if_present (ctx, "X-Autorespond");
}

/* Outlook's X-Auto-Response-Suppress lists tokens; only "All" asks
 * every automatic answerer to stay quiet. */
static char *
check_response_suppress (GuParseCtx *ctx)
{
  g_autofree char *value =
    gu_parse_header_oneline (GMIME_OBJECT (ctx->mime), "X-Auto-Response-Suppress");
  if (value == NULL)
    return NULL;
  g_auto (GStrv) tokens = g_strsplit_set (value, ",; \t", -1);
  for (char **t = tokens; *t != NULL; t++)
    if (g_ascii_strcasecmp (*t, "all") == 0)
      return reason ("X-Auto-Response-Suppress", value);
  return NULL;
}

/* Returns our own address, bare, or NULL when none was configured. */
static char *
own_address (GuParseCtx *ctx)
{
  return gu_address_of_mailbox (ctx->opts != NULL ? ctx->opts->own_address : NULL);
}

static char *
check_x_loop (GuParseCtx *ctx)
{
  g_autofree char *own = own_address (ctx);
  if (own == NULL)
    return NULL;
  g_autofree char *own_lower = g_utf8_strdown (own, -1);
  g_auto (GStrv) values = gu_parse_header_all (GMIME_OBJECT (ctx->mime), "X-Loop");
  for (char **v = values; *v != NULL; v++)
    {
      g_autofree char *lower = g_utf8_strdown (*v, -1);
      if (strstr (lower, own_lower) != NULL)
        return reason ("X-Loop", *v);
    }
  return NULL;
}

static char *
check_own_from (GuParseCtx *ctx)
{
  g_autofree char *own = own_address (ctx);
  const char *from = ctx->msg->from_addr;
  if (own == NULL || from == NULL || g_ascii_strcasecmp (own, from) != 0)
    return NULL;
  return reason ("From", from);
}

static char *
check_null_sender (GuParseCtx *ctx)
{
  if (ctx->msg->return_path != NULL && *ctx->msg->return_path == '\0')
    return g_strdup ("Return-Path: <>");
  return NULL;
}

/* No address in From, Sender, Reply-To or Return-Path (parse-headers.c
 * tried them all): nobody to answer, and nobody to file it for. */
static char *
check_no_sender (GuParseCtx *ctx)
{
  return ctx->msg->from_addr == NULL ? g_strdup ("From: missing") : NULL;
}

static char *
check_failed_recipients (GuParseCtx *ctx)
{
  return reason_if_present (ctx, "X-Failed-Recipients");
}

static gboolean
is_report (GMimeObject *obj, gpointer data)
{
  (void) data;
  GMimeContentType *type = g_mime_object_get_content_type (obj);
  return GMIME_IS_MULTIPART (obj) && type != NULL
         && g_mime_content_type_is_type (type, "multipart", "report");
}

/* A report anywhere in the message itself (not in a message it forwards). */
static GMimeObject *
find_report (GuParseCtx *ctx)
{
  return gu_parse_find (g_mime_message_get_mime_part (ctx->mime), FALSE, is_report, NULL);
}

static char *
check_report (GuParseCtx *ctx)
{
  return find_report (ctx) != NULL ? g_strdup ("Content-Type: multipart/report") : NULL;
}

/* Returns the lower-cased local part of the sender, or NULL. */
static char *
sender_local_part (GuParseCtx *ctx)
{
  const char *from = ctx->msg->from_addr;
  const char *at = from != NULL ? strrchr (from, '@') : NULL;
  if (at == NULL)
    return NULL;
  g_autofree char *local = g_strndup (from, (gsize) (at - from));
  return g_utf8_strdown (local, -1);
}

/* Matches (mailer-daemon|postmaster|abuse|noreply|no-reply)@ like an
 * unanchored regular expression would: the local part ends with a name. */
static gboolean
sender_is_robot (GuParseCtx *ctx, gboolean daemons_only)
{
  static const char *const robots[] = { "mailer-daemon", "postmaster", "abuse", "noreply", "no-reply" };
  g_autofree char *local = sender_local_part (ctx);
  gsize n = daemons_only ? 2 : G_N_ELEMENTS (robots);
  for (gsize i = 0; local != NULL && i < n; i++)
    if (g_str_has_suffix (local, robots[i]))
      return TRUE;
  return FALSE;
}

static char *
check_robot_sender (GuParseCtx *ctx)
{
  return sender_is_robot (ctx, FALSE) ? reason ("From", ctx->msg->from_addr) : NULL;
}

/* TRUE when item is in list (NULL-terminated, may be NULL), compared
 * case-insensitively; a domain may be written "@normandie.fr". */
static gboolean
listed (const char *const *list, const char *item, gboolean domains)
{
  for (const char *const *l = list; l != NULL && *l != NULL; l++)
    {
      const char *entry = domains && **l == '@' ? *l + 1 : *l;
      g_autofree char *trimmed = g_strstrip (g_strdup (entry));
      if (*trimmed != '\0' && g_ascii_strcasecmp (trimmed, item) == 0)
        return TRUE;
    }
  return FALSE;
}

/* Anyone can write any From and any Authentication-Results header; only
 * the ones our own server (trusted_authserv_id) adds are believed, and of
 * those only the topmost: a server prepends its headers, so any below
 * came with the message. One header must then vouch for the From domain
 * (gu_auth_results_vouch_for). */
static gboolean
domain_authenticated (GuParseCtx *ctx, const char *domain)
{
  const char *trusted = ctx->opts->trusted_authserv_id;
  if (trusted == NULL || *trusted == '\0')
    return FALSE;
  g_auto (GStrv) values = gu_parse_header_all (GMIME_OBJECT (ctx->mime), "Authentication-Results");
  for (char **v = values; *v != NULL; v++)
    {
      g_autoptr (GuAuthResults) ar = gu_auth_results_parse (*v);
      if (ar->authserv_id != NULL && g_ascii_strcasecmp (ar->authserv_id, trusted) == 0)
        return gu_auth_results_vouch_for (ar, domain);
    }
  return FALSE;
}

/* Staff (doc/ARCHITECTURE.md, "Who uses it"): the From address is listed, or its
 * domain is, exactly (mairie.normandie.fr is not normandie.fr: a
 * subdomain may be run by someone else); and, unless the config says
 * the address alone is enough, our server vouches for that domain. A
 * sender who fails this stays an applicant, with an applicant's rights
 * only (doc/ARCHITECTURE.md, "Bad input": a forged staff sender). */
static gboolean
sender_is_staff (GuParseCtx *ctx)
{
  const GuParseOptions *o = ctx->opts;
  const char *from = ctx->msg->from_addr;
  const char *at = from != NULL ? strrchr (from, '@') : NULL;
  /* A recovered address is a mail reader's guess, not an identity. */
  if (o == NULL || at == NULL || ctx->msg->from_recovered != NULL
      || !(listed (o->staff_addresses, from, FALSE) || listed (o->staff_domains, at + 1, TRUE)))
    return FALSE;
  return o->staff_unauthenticated || domain_authenticated (ctx, at + 1);
}

typedef char *(*RoleCheck) (GuParseCtx *ctx);

void
gu_parse_decide_role (GuParseCtx *ctx)
{
  static const RoleCheck checks[] = {
    check_auto_submitted, check_precedence, check_list_headers, check_autoreply_headers,
    check_response_suppress, check_x_loop, check_own_from, check_null_sender, check_no_sender,
    check_failed_recipients, check_report, check_robot_sender,
  };
  ctx->msg->role = GU_ROLE_APPLICANT;
  for (gsize i = 0; i < G_N_ELEMENTS (checks); i++)
    {
      char *why = checks[i] (ctx);
      if (why != NULL)
        {
          ctx->msg->role = GU_ROLE_AUTOMATIC;
          ctx->msg->automatic_reason = why;
          /* Only a message with no sender and no other sign of a robot
           * needs a person; an auto-reply without one is just that. */
          ctx->msg->no_usable_sender = checks[i] == check_no_sender;
          return;
        }
    }
  /* Automatic first: a staff member's out-of-office is still automatic. */
  if (sender_is_staff (ctx))
    ctx->msg->role = GU_ROLE_STAFF;
}

/* Subjects of bounces that come without a delivery-status report. */
static gboolean
subject_is_bounce (const char *subject)
{
  static const char *const words[] = {
    "undeliver", "delivery status notification", "returned mail", "mail delivery failed",
    "delivery failure", "failure notice", "delivery has failed", "could not be delivered",
    "non remis", "échec de la remise", "echec de la remise", "message non délivré",
    "unzustellbar", "nicht zustellbar",
  };
  if (subject == NULL)
    return FALSE;
  g_autofree char *lower = g_utf8_strdown (subject, -1);
  for (gsize i = 0; i < G_N_ELEMENTS (words); i++)
    if (strstr (lower, words[i]) != NULL)
      return TRUE;
  return FALSE;
}

static gboolean
report_is_delivery_status (GMimeObject *report)
{
  const char *kind = g_mime_object_get_content_type_parameter (report, "report-type");
  return kind != NULL
         && (g_ascii_strcasecmp (kind, "delivery-status") == 0
             || g_ascii_strcasecmp (kind, "global-delivery-status") == 0);
}

/* Returns the first "Message-ID: <…>" of text, without <>, or NULL. */
static char *
scan_message_id (const char *text)
{
  static GRegex *regex;
  if (g_once_init_enter (&regex))
    g_once_init_leave (&regex, g_regex_new ("^[ \\t>]*Message-ID:\\s*<([^<>\\s]+)>",
                                            G_REGEX_CASELESS | G_REGEX_MULTILINE, 0, NULL));
  g_autoptr (GMatchInfo) match = NULL;
  if (!g_regex_match (regex, text, 0, &match))
    return NULL;
  return g_match_info_fetch (match, 1);
}

typedef struct {
  GuParseCtx *ctx;
  gboolean headers_only; /* look in returned headers/messages, not in prose */
  char *found;
} IdSearch;

static gboolean
find_id_visit (GMimeObject *obj, gpointer data)
{
  IdSearch *search = data;
  if (GMIME_IS_MESSAGE_PART (obj))
    {
      GMimeMessage *inner = g_mime_message_part_get_message (GMIME_MESSAGE_PART (obj));
      const char *id = inner != NULL ? g_mime_message_get_message_id (inner) : NULL;
      if (search->headers_only && id != NULL && *id != '\0')
        search->found = g_strdup (id);
      return search->found != NULL;
    }
  GMimeContentType *type = g_mime_object_get_content_type (obj);
  if (!GMIME_IS_PART (obj) || type == NULL || g_strcmp0 (g_mime_content_type_get_media_type (type), "text") != 0)
    return FALSE;
  gboolean headers = g_mime_content_type_is_type (type, "text", "rfc822-headers");
  if (headers != search->headers_only)
    return FALSE;
  g_autofree char *text = gu_parse_part_text (search->ctx, GMIME_PART (obj));
  search->found = scan_message_id (text);
  return search->found != NULL;
}

/* The original's Message-ID: from the returned message or its headers,
 * else the first one quoted in the text of the bounce. */
static char *
find_bounced_message_id (GuParseCtx *ctx)
{
  GMimeObject *top = g_mime_message_get_mime_part (ctx->mime);
  IdSearch search = { .ctx = ctx, .headers_only = TRUE };
  gu_parse_find (top, TRUE, find_id_visit, &search);
  if (search.found == NULL)
    {
      search.headers_only = FALSE;
      gu_parse_find (top, TRUE, find_id_visit, &search);
    }
  return gu_parse_take_valid_utf8 (search.found);
}

void
gu_parse_detect_bounce (GuParseCtx *ctx)
{
  GMimeObject *report = find_report (ctx);
  ctx->msg->is_bounce = (report != NULL && report_is_delivery_status (report))
                        || (sender_is_robot (ctx, TRUE) && subject_is_bounce (ctx->msg->subject));
  if (ctx->msg->is_bounce)
    ctx->msg->bounced_message_id = find_bounced_message_id (ctx);
}
