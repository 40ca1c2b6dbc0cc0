/* A reader of Outlook's TNEF (Transport Neutral Encapsulation Format,
 * [MS-OXTNEF]) for the files it carries, on memory only.
 *
 * Ours rather than libytnef: we need a tenth of the format (the
 * attachment attributes and two MAPI properties), libytnef has had a
 * long list of memory-safety CVEs in exactly this parsing, and it would
 * be one more library inside the parse worker. Every length read from
 * the stream is checked against what is left before it is used; nothing
 * is allocated from a length the stream gives.
 *
 * The stream: a signature (0x223E9F78, little-endian), a 16-bit key,
 * then attributes: level (1 message, 2 attachment), id (low 16 bits the
 * name, high 16 the type), length, value, 16-bit checksum. An attachment
 * starts with attAttachRendData; attAttachTitle holds its short name,
 * attAttachData its bytes, attAttachment its MAPI properties, among which
 * PR_ATTACH_LONG_FILENAME is the name people gave it. */
#include "config.h"

#include <string.h>

#include "unpack/tnef-private.h"

#define TNEF_SIGNATURE 0x223E9F78u
#define LEVEL_ATTACHMENT 2

#define ATT_ATTACH_DATA      0x800F
#define ATT_ATTACH_TITLE     0x8010
#define ATT_ATTACH_REND_DATA 0x9002
#define ATT_ATTACHMENT       0x9005

#define PR_DISPLAY_NAME          0x3001
#define PR_ATTACH_DATA_OBJ       0x3701
#define PR_ATTACH_LONG_FILENAME  0x3707

#define PT_MV_FLAG  0x1000
#define PT_OBJECT   0x000D
#define PT_STRING8  0x001E
#define PT_UNICODE  0x001F
#define PT_BINARY   0x0102

/* A window on the stream that never reads past its end. */
typedef struct {
  const guint8 *p;
  gsize len;
  gsize pos;
} Cursor;

static gboolean
take (Cursor *c, gsize n, const guint8 **out)
{
  if (n > c->len - c->pos)
    return FALSE;
  if (out != NULL)
    *out = c->p + c->pos;
  c->pos += n;
  return TRUE;
}

static gboolean
take_u16 (Cursor *c, guint *v)
{
  const guint8 *b;
  if (!take (c, 2, &b))
    return FALSE;
  *v = (guint) b[0] | (guint) b[1] << 8;
  return TRUE;
}

static gboolean
take_u32 (Cursor *c, guint32 *v)
{
  const guint8 *b;
  if (!take (c, 4, &b))
    return FALSE;
  *v = (guint32) b[0] | (guint32) b[1] << 8 | (guint32) b[2] << 16 | (guint32) b[3] << 24;
  return TRUE;
}

gboolean
gu_tnef_has_signature (const guint8 *data, gsize len)
{
  Cursor c = { data, len, 0 };
  guint32 sig;
  return data != NULL && take_u32 (&c, &sig) && sig == TNEF_SIGNATURE;
}

/* ---- Names ---- */

/* An 8-bit string in the sender's code page, which the stream names
 * only in an attribute we do not trust to be there: UTF-8 when it is
 * valid, else Windows-1252 (what Western Outlook writes). */
static char *
name_from_8bit (const guint8 *b, gsize n)
{
  const guint8 *nul = memchr (b, 0, n);
  gsize len = nul != NULL ? (gsize) (nul - b) : n;
  if (len == 0)
    return NULL;
  if (g_utf8_validate ((const char *) b, (gssize) len, NULL))
    return g_strndup ((const char *) b, len);
  char *utf8 = g_convert ((const char *) b, (gssize) len, "UTF-8", "WINDOWS-1252", NULL, NULL, NULL);
  return utf8 != NULL ? utf8 : g_utf8_make_valid ((const char *) b, (gssize) len);
}

static char *
name_from_utf16le (const guint8 *b, gsize n)
{
  gsize units = n / 2;
  gunichar2 *copy = g_new0 (gunichar2, units + 1);
  gsize used = 0;
  for (; used < units; used++)
    {
      copy[used] = (gunichar2) (b[2 * used] | b[2 * used + 1] << 8);
      if (copy[used] == 0)
        break;
    }
  char *utf8 = used > 0 ? g_utf16_to_utf8 (copy, (glong) used, NULL, NULL, NULL) : NULL;
  g_free (copy);
  return utf8;
}

/* ---- MAPI properties (attAttachment) ---- */

typedef struct {
  char *long_name;
  char *display_name;
  const guint8 *data_obj;  /* PR_ATTACH_DATA_OBJ: the file itself, or an embedded message */
  gsize data_obj_len;
} Props;

static gboolean
is_variable (guint type)
{
  return type == PT_STRING8 || type == PT_UNICODE || type == PT_BINARY || type == PT_OBJECT;
}

/* Bytes a fixed-size value takes (short and boolean padded to 4), 0 for
 * a type we do not know: the rest of the properties cannot be found. */
static gsize
fixed_size (guint type)
{
  switch (type)
    {
    case 0x0001: case 0x0002: case 0x0003: case 0x0004: case 0x000A: case 0x000B:
      return 4;
    case 0x0005: case 0x0006: case 0x0007: case 0x0014: case 0x0040:
      return 8;
    case 0x0048:
      return 16;
    default:
      return 0;
    }
}

static void
keep_property (Props *props, guint type, guint id, const guint8 *v, gsize n)
{
  char **slot = id == PR_ATTACH_LONG_FILENAME ? &props->long_name
                : id == PR_DISPLAY_NAME ? &props->display_name : NULL;
  if (slot != NULL && *slot == NULL && (type == PT_STRING8 || type == PT_UNICODE))
    *slot = type == PT_UNICODE ? name_from_utf16le (v, n) : name_from_8bit (v, n);
  else if (id == PR_ATTACH_DATA_OBJ && props->data_obj == NULL && (type == PT_BINARY || type == PT_OBJECT))
    {
      /* An object starts with the 16-byte IID of its interface. */
      gsize skip = type == PT_OBJECT ? 16 : 0;
      if (n >= skip)
        {
          props->data_obj = v + skip;
          props->data_obj_len = n - skip;
        }
    }
}

/* A named property's name: a GUID, then a number or a padded UTF-16 string. */
static gboolean
skip_property_name (Cursor *c)
{
  guint32 kind, n;
  if (!take (c, 16, NULL) || !take_u32 (c, &kind))
    return FALSE;
  if (kind == 0)
    return take (c, 4, NULL);
  return take_u32 (c, &n) && take (c, ((gsize) n + 3) & ~(gsize) 3, NULL);
}

static gboolean
read_values (Cursor *c, guint type, guint id, gboolean multi, Props *props)
{
  guint32 count = 1;
  if ((multi || is_variable (type)) && !take_u32 (c, &count))
    return FALSE;
  for (guint32 i = 0; i < count; i++)
    {
      if (!is_variable (type))
        {
          gsize size = fixed_size (type);
          if (size == 0 || !take (c, size, NULL))
            return FALSE;
          continue;
        }
      guint32 n;
      const guint8 *v;
      if (!take_u32 (c, &n) || !take (c, n, &v) || !take (c, (4 - (n & 3)) & 3, NULL))
        return FALSE;
      if (i == 0 && !multi)
        keep_property (props, type, id, v, n);
    }
  return TRUE;
}

/* Reads what it can: the names are a nicety, so a property list that
 * breaks off keeps what came before it. */
static void
read_props (const guint8 *v, gsize n, Props *props)
{
  Cursor c = { v, n, 0 };
  guint32 count;
  if (!take_u32 (&c, &count))
    return;
  for (guint32 i = 0; i < count; i++)
    {
      guint type, id;
      if (!take_u16 (&c, &type) || !take_u16 (&c, &id))
        return;
      if (id >= 0x8000 && !skip_property_name (&c))
        return;
      if (!read_values (&c, type & ~PT_MV_FLAG, id, (type & PT_MV_FLAG) != 0, props))
        return;
    }
}

/* ---- Attachments ---- */

typedef struct {
  char *title;
  Props props;
  const guint8 *data;
  gsize len;
  gboolean open;
} Pending;

static void
pending_clear (Pending *a)
{
  g_free (a->title);
  g_free (a->props.long_name);
  g_free (a->props.display_name);
  memset (a, 0, sizeof *a);
}

static void
file_free (gpointer p)
{
  GuTnefFile *f = p;
  g_free (f->name);
  g_free (f);
}

/* Ends the attachment being read: a file when it held data (a bare
 * rendering holds none). PR_ATTACH_DATA_OBJ wins over attAttachData, as
 * in the `tnef` tool: for an attached Outlook message attAttachData holds
 * a stub and the object the message, itself a TNEF stream (which unpack
 * then opens in turn). */
static void
finish (Pending *a, GPtrArray *files)
{
  const guint8 *data = a->props.data_obj != NULL ? a->props.data_obj : a->data;
  gsize len = a->props.data_obj != NULL ? a->props.data_obj_len : a->len;
  if (a->open && data != NULL)
    {
      GuTnefFile *f = g_new0 (GuTnefFile, 1);
      f->name = g_strdup (a->props.long_name != NULL ? a->props.long_name
                          : a->title != NULL ? a->title : a->props.display_name);
      f->data = data;
      f->len = len;
      g_ptr_array_add (files, f);
    }
  pending_clear (a);
}

static void
attachment_attribute (Pending *a, GPtrArray *files, guint name, const guint8 *v, gsize n)
{
  if (name == ATT_ATTACH_REND_DATA)
    finish (a, files);
  a->open = TRUE;
  if (name == ATT_ATTACH_TITLE && a->title == NULL)
    a->title = name_from_8bit (v, n);
  else if (name == ATT_ATTACH_DATA && a->data == NULL)
    {
      a->data = v;
      a->len = n;
    }
  else if (name == ATT_ATTACHMENT)
    read_props (v, n, &a->props);
}

GPtrArray *
gu_tnef_read (const guint8 *data, gsize len, guint max_files, char **corrupt)
{
  GPtrArray *files = g_ptr_array_new_with_free_func (file_free);
  Cursor c = { data, len, 0 };
  Pending a = { 0 };
  *corrupt = NULL;
  if (!gu_tnef_has_signature (data, len) || !take (&c, 6, NULL))
    {
      *corrupt = g_strdup ("corrupt: not a TNEF stream");
      return files;
    }
  while (c.pos < c.len && files->len <= max_files)
    {
      const guint8 *head, *value;
      guint32 id, n;
      if (!take (&c, 1, &head) || !take_u32 (&c, &id) || !take_u32 (&c, &n) || !take (&c, n, &value)
          || !take (&c, 2, NULL))
        {
          *corrupt = g_strdup ("corrupt: TNEF attribute cut short");
          pending_clear (&a);
          return files;
        }
      if (*head == LEVEL_ATTACHMENT)
        attachment_attribute (&a, files, id & 0xFFFF, value, n);
    }
  finish (&a, files);
  return files;
}
