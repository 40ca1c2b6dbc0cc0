#include "config.h"

#include <string.h>

#include "parse/parse-private.h"

char *
gu_parse_bare_address (const char *addr)
{
  if (addr == NULL)
    return NULL;
  g_autofree char *trimmed = g_strstrip (g_strdup (addr));
  const char *at = strrchr (trimmed, '@');
  if (at == NULL || at == trimmed || at[1] == '\0')
    return NULL;
  g_autofree char *domain = g_ascii_strdown (at + 1, -1);
  g_autofree char *local = g_strndup (trimmed, (gsize) (at - trimmed));
  return gu_parse_take_valid_utf8 (g_strconcat (local, "@", domain, NULL));
}

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
      char *bare = gu_parse_bare_address (
        internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (ia)));
      if (bare != NULL && !contains_address (out, bare))
        g_ptr_array_add (out, bare);
      else
        g_free (bare);
    }
}

static void
read_from (GuParseCtx *ctx)
{
  InternetAddressMailbox *mb = first_mailbox (g_mime_message_get_from (ctx->mime));
  if (mb == NULL)
    return;
  ctx->msg->from_addr = gu_parse_bare_address (internet_address_mailbox_get_addr (mb));
  const char *name = internet_address_get_name (INTERNET_ADDRESS (mb));
  if (name != NULL && *name != '\0')
    ctx->msg->from_name = unfold (name);
}

static void
read_reply_to (GuParseCtx *ctx)
{
  InternetAddressMailbox *mb = first_mailbox (g_mime_message_get_reply_to (ctx->mime));
  if (mb != NULL)
    ctx->msg->reply_to = gu_parse_bare_address (internet_address_mailbox_get_addr (mb));
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
  char *bare = mb != NULL ? gu_parse_bare_address (internet_address_mailbox_get_addr (mb)) : NULL;
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
