#include "config.h"

#include <string.h>

#include "parse/parse-private.h"
#include "util/address.h"

/* The raw From kept for the event log is cut here: a label, not a dump. */
#define RAW_FROM_MAX 200

/* Folding leaves CR/LF inside values GMime did not unfold; one line each. */
static char *
unfold (const char *value)
{
  char *s = g_strdup (value);
  for (char *p = s; *p; p++)
    if (*p == '\r' || *p == '\n')
      *p = ' ';
  return gu_parse_take_valid_utf8 (g_strstrip (s));
}

char *
gu_parse_header_oneline (GMimeObject *obj, const char *name)
{
  const char *value = g_mime_object_get_header (obj, name);
  return value != NULL ? unfold (value) : NULL;
}

char **
gu_parse_header_all (GMimeObject *obj, const char *name)
{
  GMimeHeaderList *list = g_mime_object_get_header_list (obj);
  GPtrArray *values = g_ptr_array_new ();
  int count = list != NULL ? g_mime_header_list_get_count (list) : 0;
  for (int i = 0; i < count; i++)
    {
      GMimeHeader *header = g_mime_header_list_get_header_at (list, i);
      const char *value = g_mime_header_get_value (header);
      if (g_ascii_strcasecmp (g_mime_header_get_name (header), name) == 0 && value != NULL)
        g_ptr_array_add (values, unfold (value));
    }
  g_ptr_array_add (values, NULL);
  return (char **) g_ptr_array_free (values, FALSE);
}

/* Returns the first mailbox of list, looking inside groups. */
static InternetAddressMailbox *
first_mailbox (InternetAddressList *list)
{
  int n = list != NULL ? internet_address_list_length (list) : 0;
  for (int i = 0; i < n; i++)
    {
      InternetAddress *ia = internet_address_list_get_address (list, i);
      if (INTERNET_ADDRESS_IS_MAILBOX (ia))
        return INTERNET_ADDRESS_MAILBOX (ia);
      if (INTERNET_ADDRESS_IS_GROUP (ia))
        {
          InternetAddressMailbox *mb =
            first_mailbox (internet_address_group_get_members (INTERNET_ADDRESS_GROUP (ia)));
          if (mb != NULL)
            return mb;
        }
    }
  return NULL;
}

static gboolean
contains_address (GPtrArray *addrs, const char *addr)
{
  for (guint i = 0; i < addrs->len; i++)
    if (g_ascii_strcasecmp (addrs->pdata[i], addr) == 0)
      return TRUE;
  return FALSE;
}

/* Appends the bare addresses of list to out, once each, groups flattened. */
static void
append_addresses (GPtrArray *out, InternetAddressList *list)
{
  int n = list != NULL ? internet_address_list_length (list) : 0;
  for (int i = 0; i < n; i++)
    {
      InternetAddress *ia = internet_address_list_get_address (list, i);
      if (INTERNET_ADDRESS_IS_GROUP (ia))
        {
          append_addresses (out, internet_address_group_get_members (INTERNET_ADDRESS_GROUP (ia)));
          continue;
        }
      char *bare = gu_address_normalize (
        internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (ia)));
      if (bare != NULL && !contains_address (out, bare))
        g_ptr_array_add (out, bare);
      else
        g_free (bare);
    }
}

/* A display name or a header quoted in an event is a label: GMime hands
 * back whatever an encoded word decodes to, ESC included (LIBRARIES.md).
 * Every control character (C0, DEL, C1) and run of white space becomes
 * one space. Consumes s; returns NULL when nothing is left. */
static char *
take_label (char *s)
{
  if (s == NULL)
    return NULL;
  s = gu_parse_take_valid_utf8 (s);
  GString *out = g_string_sized_new (strlen (s));
  for (const char *p = s; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if (!g_unichar_isspace (c) && !g_unichar_iscntrl (c))
        g_string_append_unichar (out, c);
      else if (out->len > 0 && out->str[out->len - 1] != ' ')
        g_string_append_c (out, ' ');
    }
  g_free (s);
  if (out->len > 0 && out->str[out->len - 1] == ' ')
    g_string_truncate (out, out->len - 1);
  return g_string_free (out, out->len == 0);
}

/* The display name in text around an address: quotes and angle brackets
 * at its ends dropped. Returns a label (take_label) or NULL. */
static char *
name_of (const char *text)
{
  g_autofree char *s = g_strstrip (g_strdup (text));
  char *start = s + strspn (s, "<>\" \t");
  gsize len = strlen (start);
  while (len > 0 && strchr ("<>\" \t", start[len - 1]) != NULL)
    len--;
  return take_label (g_strndup (start, len));
}

/* Finds the last token of text that looks like an addr-spec: a local
 * part without spaces, brackets, quotes or separators, '@', a dotted
 * domain. Sets [*start, *end) (byte offsets) and returns TRUE when found. */
static gboolean
find_last_addr_spec (const char *text, int *start, int *end)
{
  static GRegex *regex;
  if (g_once_init_enter (&regex))
    g_once_init_leave (&regex, g_regex_new ("[^\\x00-\\x1f\\x7f\\s<>()\\[\\],;:\"@\\\\]+@[\\w-]+(?:\\.[\\w-]+)+",
                                            G_REGEX_OPTIMIZE, 0, NULL));
  g_autoptr (GMatchInfo) match = NULL;
  gboolean found = FALSE;
  g_regex_match (regex, text, 0, &match);
  for (; g_match_info_matches (match); g_match_info_next (match, NULL))
    found = g_match_info_fetch_pos (match, 0, start, end);
  return found;
}

/* Reads a sender the way mail readers do when RFC 5322 syntax fails
 * ("Jean Dupont jean@x.example", "Mairie [Service] <m@x.example>",
 * "a; b <m@x.example>"): the address is the last addr-spec-looking
 * token, the name what precedes it. text is decoded, valid UTF-8. */
static gboolean
scan_mailbox (const char *text, char **addr, char **name)
{
  int start, end;
  if (text == NULL || !find_last_addr_spec (text, &start, &end))
    return FALSE;
  g_autofree char *token = g_strndup (text + start, (gsize) (end - start));
  g_autofree char *before = g_strndup (text, (gsize) start);
  *addr = gu_address_normalize (token);
  *name = *addr != NULL ? name_of (before) : NULL;
  return *addr != NULL;
}

/* The first mailbox of list with a usable address, as GMime read it. */
static gboolean
list_mailbox (InternetAddressList *list, char **addr, char **name)
{
  InternetAddressMailbox *mb = first_mailbox (list);
  *addr = mb != NULL ? gu_address_normalize (internet_address_mailbox_get_addr (mb)) : NULL;
  *name = *addr != NULL ? take_label (g_strdup (internet_address_get_name (INTERNET_ADDRESS (mb)))) : NULL;
  return *addr != NULL;
}

/* The value of the header called name as written (unfolded, not
 * decoded), newly allocated, or NULL when absent. */
static char *
raw_header (GuParseCtx *ctx, const char *name)
{
  GMimeHeaderList *list = g_mime_object_get_header_list (GMIME_OBJECT (ctx->mime));
  GMimeHeader *header = list != NULL ? g_mime_header_list_get_header (list, name) : NULL;
  const char *raw = header != NULL ? g_mime_header_get_raw_value (header) : NULL;
  return raw != NULL ? unfold (raw) : NULL;
}

/* The first address of a header other than From: GMime's reading of
 * it, else a mail reader's. */
static gboolean
header_mailbox (GuParseCtx *ctx, const char *header, char **addr, char **name)
{
  g_autofree char *raw = raw_header (ctx, header);
  if (raw == NULL)
    return FALSE;
  g_autoptr (InternetAddressList) list = internet_address_list_parse (ctx->options, raw);
  if (list_mailbox (list, addr, name))
    return TRUE;
  g_autofree char *decoded = gu_parse_header_oneline (GMIME_OBJECT (ctx->mime), header);
  return scan_mailbox (decoded, addr, name);
}

/* The From header as written, for the event log: a label, cut. */
static char *
raw_from_label (GuParseCtx *ctx)
{
  char *label = take_label (raw_header (ctx, "From"));
  if (label == NULL || g_utf8_strlen (label, -1) <= RAW_FROM_MAX)
    return label;
  char *cut = g_utf8_substring (label, 0, RAW_FROM_MAX);
  g_free (label);
  return cut;
}

/* When GMime finds no address in From, a mail reader still shows a
 * sender: the From header repaired, else Sender, Reply-To, Return-Path,
 * in that order (from_recovered says which). The name stays From's text
 * where From has one. Only a message with none of these has no
 * from_addr (and is then set aside: parse-role.c). */
static void
recover_from (GuParseCtx *ctx)
{
  static const char *const fallbacks[] = { "Sender", "Reply-To", "Return-Path" };
  GuMessage *msg = ctx->msg;
  g_autofree char *from = gu_parse_header_oneline (GMIME_OBJECT (ctx->mime), "From");
  msg->from_raw = raw_from_label (ctx);
  if (scan_mailbox (from, &msg->from_addr, &msg->from_name))
    {
      msg->from_recovered = g_strdup ("From (repaired)");
      return;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (fallbacks); i++)
    {
      g_autofree char *name = NULL;
      if (!header_mailbox (ctx, fallbacks[i], &msg->from_addr, &name))
        continue;
      msg->from_recovered = g_strdup (fallbacks[i]);
      msg->from_name = from != NULL ? name_of (from) : NULL;
      if (msg->from_name == NULL)
        msg->from_name = g_steal_pointer (&name);
      return;
    }
}

static void
read_from (GuParseCtx *ctx)
{
  if (!list_mailbox (g_mime_message_get_from (ctx->mime), &ctx->msg->from_addr, &ctx->msg->from_name))
    recover_from (ctx);
}

static void
read_reply_to (GuParseCtx *ctx)
{
  InternetAddressMailbox *mb = first_mailbox (g_mime_message_get_reply_to (ctx->mime));
  if (mb != NULL)
    ctx->msg->reply_to = gu_address_normalize (internet_address_mailbox_get_addr (mb));
}

/* Return-Path: <> is the null sender of bounces and auto-replies: "". */
static void
read_return_path (GuParseCtx *ctx)
{
  g_autofree char *value = gu_parse_header_oneline (GMIME_OBJECT (ctx->mime), "Return-Path");
  if (value == NULL)
    return;
  g_autoptr (InternetAddressList) list = internet_address_list_parse (ctx->options, value);
  InternetAddressMailbox *mb = first_mailbox (list);
  char *bare = mb != NULL ? gu_address_normalize (internet_address_mailbox_get_addr (mb)) : NULL;
  ctx->msg->return_path = bare != NULL ? bare : g_strdup ("");
}

static void
read_recipients (GuParseCtx *ctx)
{
  append_addresses (ctx->msg->to, g_mime_message_get_addresses (ctx->mime, GMIME_ADDRESS_TYPE_TO));
  append_addresses (ctx->msg->to, g_mime_message_get_addresses (ctx->mime, GMIME_ADDRESS_TYPE_CC));
}

/* Appends the message ids named in the header (without <>) to out. */
static void
append_message_ids (GuParseCtx *ctx, const char *header, GPtrArray *out)
{
  const char *value = g_mime_object_get_header (GMIME_OBJECT (ctx->mime), header);
  if (value == NULL)
    return;
  g_autoptr (GMimeReferences) refs = g_mime_references_parse (ctx->options, value);
  int n = refs != NULL ? g_mime_references_length (refs) : 0;
  for (int i = 0; i < n; i++)
    {
      const char *id = g_mime_references_get_message_id (refs, i);
      if (id != NULL && *id != '\0')
        g_ptr_array_add (out, gu_parse_take_valid_utf8 (g_strdup (id)));
    }
}

static void
read_ids (GuParseCtx *ctx)
{
  const char *id = g_mime_message_get_message_id (ctx->mime);
  if (id != NULL)
    ctx->msg->message_id = gu_parse_take_valid_utf8 (g_strstrip (g_strdup (id)));

  g_autoptr (GPtrArray) in_reply_to = g_ptr_array_new_with_free_func (g_free);
  append_message_ids (ctx, "In-Reply-To", in_reply_to);
  if (in_reply_to->len > 0)
    ctx->msg->in_reply_to = g_strdup (in_reply_to->pdata[0]);
  append_message_ids (ctx, "References", ctx->msg->references);
}

static void
read_auth_results (GuParseCtx *ctx)
{
  g_auto (GStrv) values = gu_parse_header_all (GMIME_OBJECT (ctx->mime), "Authentication-Results");
  if (values[0] != NULL)
    ctx->msg->auth_results = g_strjoinv ("\n", values);
}

void
gu_parse_read_headers (GuParseCtx *ctx)
{
  const char *subject = g_mime_message_get_subject (ctx->mime);
  GDateTime *date = g_mime_message_get_date (ctx->mime);

  read_from (ctx);
  read_reply_to (ctx);
  read_return_path (ctx);
  read_recipients (ctx);
  if (subject != NULL)
    ctx->msg->subject = unfold (subject);
  read_ids (ctx);
  if (date != NULL)
    ctx->msg->date = g_date_time_ref (date);
  read_auth_results (ctx);
}
