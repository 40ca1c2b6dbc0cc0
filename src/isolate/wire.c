/* The transport between pool and worker: sealed memfds over a
 * SOCK_SEQPACKET socket (isolate-private.h). Whatever arrives is checked
 * before it is read: the peer may be a worker taken over by a message. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "isolate/isolate-private.h"
#include "util/error.h"

#define SEALS_REQUIRED (F_SEAL_WRITE | F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL)

static gboolean
fail_errno (GError **error, GuErrorCode code, const char *what)
{
  int saved = errno;
  g_set_error (error, GU_ERROR, code, "%s: %s", what, g_strerror (saved));
  return FALSE;
}

int
gu_wire_memfd_new (const char *name, GError **error)
{
  int fd = memfd_create (name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (fd < 0)
    fail_errno (error, GU_ERROR_TEMPFAIL, "memfd_create");
  return fd;
}

static gboolean
write_all (int fd, const guint8 *data, gsize len, GError **error)
{
  while (len > 0)
    {
      ssize_t n = write (fd, data, len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return fail_errno (error, GU_ERROR_TEMPFAIL, "writing a memory file");
      data += n;
      len -= (gsize) n;
    }
  return TRUE;
}

gboolean
gu_wire_append (int fd, const void *data, gsize len, gboolean pad, guint64 *offset,
                GError **error)
{
  static const guint8 zeros[8] = { 0 };
  off_t at = lseek (fd, 0, SEEK_END);
  if (at < 0)
    return fail_errno (error, GU_ERROR_TEMPFAIL, "lseek");
  if (offset != NULL)
    *offset = (guint64) at;
  if (len > 0 && !write_all (fd, data, len, error))
    return FALSE;
  gsize rest = (gsize) (((guint64) at + len) % 8);
  return !pad || rest == 0 || write_all (fd, zeros, 8 - rest, error);
}

gboolean
gu_wire_send (int sock, int fd, GVariant *variant, GError **error)
{
  g_autoptr (GVariant) owned = g_variant_ref_sink (variant);
  GuWireHeader head = { .magic = GU_WIRE_MAGIC, .variant_size = g_variant_get_size (owned) };
  g_autoptr (GBytes) data = g_variant_get_data_as_bytes (owned);
  if (!gu_wire_append (fd, NULL, 0, TRUE, NULL, error)
      || !gu_wire_append (fd, g_bytes_get_data (data, NULL), g_bytes_get_size (data), FALSE,
                          &head.variant_offset, error))
    return FALSE;
  if (fcntl (fd, F_ADD_SEALS, SEALS_REQUIRED) != 0)
    return fail_errno (error, GU_ERROR_TEMPFAIL, "sealing a memory file");

  struct iovec iov = { &head, sizeof head };
  union { struct cmsghdr align; char buf[CMSG_SPACE (sizeof (int))]; } control = { 0 };
  struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
                      .msg_control = control.buf, .msg_controllen = sizeof control.buf };
  struct cmsghdr *c = CMSG_FIRSTHDR (&m);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN (sizeof (int));
  memcpy (CMSG_DATA (c), &fd, sizeof fd);
  ssize_t n;
  do
    n = sendmsg (sock, &m, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  if (n != (ssize_t) sizeof head)
    return fail_errno (error, GU_ERROR_NOT_FOUND, "sending to the parse worker");
  return TRUE;
}

/* Takes the one descriptor a packet may carry; closes any other. */
static int
take_descriptor (struct msghdr *m)
{
  int fd = -1;
  for (struct cmsghdr *c = CMSG_FIRSTHDR (m); c != NULL; c = CMSG_NXTHDR (m, c))
    {
      if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
        continue;
      gsize count = (c->cmsg_len - CMSG_LEN (0)) / sizeof (int);
      for (gsize i = 0; i < count; i++)
        {
          int one;
          memcpy (&one, CMSG_DATA (c) + i * sizeof (int), sizeof one);
          if (fd < 0)
            fd = one;
          else
            close (one);
        }
    }
  return fd;
}

static gboolean
wait_readable (int sock, int timeout_ms, GError **error)
{
  struct pollfd p = { .fd = sock, .events = POLLIN };
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  for (;;)
    {
      int left = timeout_ms < 0 ? -1 : (int) MAX (0, (deadline - g_get_monotonic_time ()) / 1000);
      int n = poll (&p, 1, left);
      if (n > 0)
        return TRUE;
      if (n == 0)
        {
          g_set_error (error, GU_ERROR, GU_ERROR_LIMIT, "no answer within %d s", timeout_ms / 1000);
          return FALSE;
        }
      if (errno != EINTR)
        return fail_errno (error, GU_ERROR_FAILED, "poll");
    }
}

typedef struct {
  void *addr;
  gsize len;
} Mapping;

static void
mapping_free (gpointer p)
{
  Mapping *m = p;
  if (m->len > 0)
    munmap (m->addr, m->len);
  g_free (m);
}

/* Maps a received descriptor, refusing anything but a sealed memfd. */
static GBytes *
map_sealed (int fd, GError **error)
{
  int seals = fcntl (fd, F_GET_SEALS);
  if (seals < 0 || (seals & SEALS_REQUIRED) != SEALS_REQUIRED)
    {
      g_set_error (error, GU_ERROR, GU_ERROR_FAILED, "the peer sent an unsealed file");
      return NULL;
    }
  struct stat st;
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode) || st.st_size < 0)
    {
      g_set_error (error, GU_ERROR, GU_ERROR_FAILED, "the peer sent no memory file");
      return NULL;
    }
  Mapping *m = g_new0 (Mapping, 1);
  m->len = (gsize) st.st_size;
  m->addr = m->len == 0 ? NULL : mmap (NULL, m->len, PROT_READ, MAP_SHARED, fd, 0);
  if (m->addr == MAP_FAILED)
    {
      g_free (m);
      fail_errno (error, GU_ERROR_TEMPFAIL, "mmap");
      return NULL;
    }
  return g_bytes_new_with_free_func (m->addr, m->len, mapping_free, m);
}

static gboolean
receive_packet (int sock, GuWireHeader *head, int *fd, GError **error)
{
  struct iovec iov = { head, sizeof *head };
  union { struct cmsghdr align; char buf[CMSG_SPACE (4 * sizeof (int))]; } control;
  struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
                      .msg_control = control.buf, .msg_controllen = sizeof control.buf };
  ssize_t n;
  do
    n = recvmsg (sock, &m, MSG_CMSG_CLOEXEC);
  while (n < 0 && errno == EINTR);
  *fd = n > 0 ? take_descriptor (&m) : -1;
  if (n == 0 || (n < 0 && (errno == ECONNRESET || errno == EPIPE)))
    {
      g_set_error (error, GU_ERROR, GU_ERROR_NOT_FOUND, "the peer closed the socket");
      return FALSE;
    }
  if (n < 0)
    return fail_errno (error, GU_ERROR_FAILED, "recvmsg");
  if (n != (ssize_t) sizeof *head || (m.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) || *fd < 0
      || head->magic != GU_WIRE_MAGIC)
    {
      g_set_error (error, GU_ERROR, GU_ERROR_FAILED, "malformed packet");
      return FALSE;
    }
  return TRUE;
}

gboolean
gu_wire_receive (int sock, int timeout_ms, const GVariantType *type, GBytes **mapping,
                 GVariant **variant, GError **error)
{
  GuWireHeader head;
  int fd = -1;
  if (!wait_readable (sock, timeout_ms, error) || !receive_packet (sock, &head, &fd, error))
    {
      if (fd >= 0)
        close (fd);
      return FALSE;
    }
  g_autoptr (GBytes) map = map_sealed (fd, error);
  close (fd);
  if (map == NULL)
    return FALSE;
  gsize size = g_bytes_get_size (map);
  if (head.variant_offset % 8 != 0 || head.variant_offset > size
      || head.variant_size > size - head.variant_offset)
    {
      g_set_error (error, GU_ERROR, GU_ERROR_FAILED, "malformed packet: variant out of bounds");
      return FALSE;
    }
  g_autoptr (GBytes) slice = g_bytes_new_from_bytes (map, head.variant_offset, head.variant_size);
  *variant = g_variant_ref_sink (g_variant_new_from_bytes (type, slice, FALSE));
  *mapping = g_steal_pointer (&map);
  return TRUE;
}
