/* Unit tests of the wire between the daemon and its parse workers
 * (src/isolate): what a worker says survives the trip, and what a
 * taken-over worker could say instead is refused or made harmless. */
#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "isolate/isolate-private.h"
#include "util/error.h"

#define SHA "0000000000000000000000000000000000000000000000000000000000000000"

typedef struct {
  int sv[2];
} Pair;

static void
pair_open (Pair *p)
{
  g_assert_cmpint (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, p->sv), ==, 0);
}

static void
pair_close (Pair *p)
{
  close (p->sv[0]);
  close (p->sv[1]);
}

/* Sends variant (with payload, possibly NULL) one way, reads it the
 * other, and returns what the daemon makes of it as an answer (NULL
 * with error when refused). */
static GuMessage *
trip_answer (GVariant *variant, const char *payload, GError **error)
{
  Pair p;
  pair_open (&p);
  int fd = gu_wire_memfd_new ("test", NULL);
  g_assert_cmpint (fd, >=, 0);
  if (payload != NULL)
    g_assert_true (gu_wire_append (fd, payload, strlen (payload), FALSE, NULL, NULL));
  g_assert_true (gu_wire_send (p.sv[1], fd, variant, NULL));
  close (fd);
  g_autoptr (GBytes) mapping = NULL;
  g_autoptr (GVariant) got = NULL;
  g_assert_true (gu_wire_receive (p.sv[0], 1000, G_VARIANT_TYPE_VARDICT, &mapping, &got, NULL));
  pair_close (&p);
  return gu_wire_answer_read (got, mapping, SHA, 42, 100, error);
}

static GuMessage *
sample_message (void)
{
  GuMessage *msg = gu_message_new ();
  msg->message_id = g_strdup ("m1@example.org");
  msg->from_addr = g_strdup ("claire@tiers-lieu.example");
  msg->from_name = g_strdup ("Claire Martin");
  msg->subject = g_strdup ("Candidature");
  msg->body_text = g_strdup ("Bonjour,\n\tvoici le dossier.");
  msg->role = GU_ROLE_STAFF;
  msg->date = g_date_time_new_from_iso8601 ("2020-02-14T10:11:00+01:00", NULL);
  g_ptr_array_add (msg->to, g_strdup ("fabrique@example.org"));
  g_ptr_array_add (msg->references, g_strdup ("r1@example.org"));
  g_ptr_array_add (msg->overruns, g_strdup ("documents: 3 not read"));
  GuDocument *zip = gu_document_new ();
  zip->filename = g_strdup ("dossier.zip");
  zip->flags = GU_DOC_ARCHIVE | GU_DOC_REPAIRED; /* issue 13: a recovered part */
  g_autoptr (GBytes) zbytes = g_bytes_new_static ("PK-zip", 6);
  gu_document_set_content (zip, zbytes);
  gu_message_add_document (msg, zip);
  GuDocument *pdf = gu_document_new ();
  pdf->filename = g_strdup ("budget.pdf");
  pdf->archive_path = g_strdup ("dossier/budget.pdf");
  pdf->sniffed_type = g_strdup ("application/pdf");
  pdf->parent = 0;
  pdf->depth = 1;
  /* Issue 13: a protected entry keeps its flag across the wall. */
  pdf->flags = GU_DOC_UNREADABLE | GU_DOC_PROTECTED;
  pdf->unreadable_reason = g_strdup ("encrypted");
  g_autoptr (GBytes) pbytes = g_bytes_new_static ("%PDF-1.4 budget", 15);
  gu_document_set_content (pdf, pbytes);
  gu_message_add_document (msg, pdf);
  return msg;
}

static GVariant *
answer_of (const GuMessage *msg, int fd)
{
  GVariant *v = gu_wire_answer_new (msg, fd, NULL);
  g_assert_nonnull (v);
  return v;
}

static void
test_round_trip (void)
{
  g_autoptr (GuMessage) sent = sample_message ();
  Pair p;
  pair_open (&p);
  int fd = gu_wire_memfd_new ("test", NULL);
  g_assert_true (gu_wire_send (p.sv[1], fd, answer_of (sent, fd), NULL));
  close (fd);
  g_autoptr (GBytes) mapping = NULL;
  g_autoptr (GVariant) got = NULL;
  g_assert_true (gu_wire_receive (p.sv[0], 1000, G_VARIANT_TYPE_VARDICT, &mapping, &got, NULL));
  pair_close (&p);
  g_autoptr (GError) error = NULL;
  g_autoptr (GuMessage) msg = gu_wire_answer_read (got, mapping, SHA, 42, 100, &error);
  g_assert_no_error (error);
  /* Read unhashed; hashed on our side, whatever the worker said. */
  for (guint i = 0; i < msg->documents->len; i++)
    g_assert_cmpstr (((GuDocument *) g_ptr_array_index (msg->documents, i))->sha256, ==, "");
  gu_wire_hash_documents (msg);
  g_assert_cmpstr (msg->message_id, ==, "m1@example.org");
  g_assert_cmpstr (msg->raw_sha256, ==, SHA);
  g_assert_cmpuint (msg->raw_size, ==, 42);
  g_assert_cmpstr (msg->from_name, ==, "Claire Martin");
  g_assert_cmpstr (msg->body_text, ==, "Bonjour,\n\tvoici le dossier.");
  g_assert_cmpint (msg->role, ==, GU_ROLE_STAFF);
  g_assert_cmpstr (g_ptr_array_index (msg->to, 0), ==, "fabrique@example.org");
  g_assert_cmpstr (g_ptr_array_index (msg->references, 0), ==, "r1@example.org");
  g_assert_cmpstr (g_ptr_array_index (msg->overruns, 0), ==, "documents: 3 not read");
  g_assert_true (g_date_time_equal (msg->date, sent->date));
  g_assert_cmpuint (msg->documents->len, ==, 2);
  g_assert_cmpuint (((GuDocument *) g_ptr_array_index (msg->documents, 0))->flags, ==,
                    GU_DOC_ARCHIVE | GU_DOC_REPAIRED);
  GuDocument *pdf = g_ptr_array_index (msg->documents, 1);
  g_assert_cmpint (pdf->parent, ==, 0);
  g_assert_cmpstr (pdf->archive_path, ==, "dossier/budget.pdf");
  g_assert_cmpuint (pdf->flags, ==, GU_DOC_UNREADABLE | GU_DOC_PROTECTED);
  g_assert_cmpstr (pdf->unreadable_reason, ==, "encrypted");
  g_assert_true (g_bytes_equal (pdf->content, ((GuDocument *) g_ptr_array_index (sent->documents, 1))->content));
  g_assert_cmpstr (pdf->sha256, ==, ((GuDocument *) g_ptr_array_index (sent->documents, 1))->sha256);
}

static void
test_labels_made_harmless (void)
{
  GVariantDict d;
  g_variant_dict_init (&d, NULL);
  g_variant_dict_insert_value (&d, "from_name", g_variant_new_bytestring ("Hi\033[31m\r\nBcc: x"));
  g_variant_dict_insert_value (&d, "from_addr", g_variant_new_bytestring ("a@b.example\r\nBcc: victim@c"));
  g_variant_dict_insert_value (&d, "reply_to", g_variant_new_bytestring ("Reply@Example.ORG"));
  g_variant_dict_insert_value (&d, "subject", g_variant_new_bytestring ("Candidature \xff\xfe"));
  g_variant_dict_insert_value (&d, "message_id", g_variant_new_bytestring ("bad id\r\n"));
  GVariantBuilder to;
  g_variant_builder_init (&to, G_VARIANT_TYPE ("aay"));
  g_variant_builder_add_value (&to, g_variant_new_bytestring ("ok@example.org"));
  g_variant_builder_add_value (&to, g_variant_new_bytestring ("x@y\nBcc: z@w"));
  g_variant_dict_insert_value (&d, "to", g_variant_builder_end (&to));
  g_autoptr (GError) error = NULL;
  g_autoptr (GuMessage) msg = trip_answer (g_variant_dict_end (&d), NULL, &error);
  g_assert_no_error (error);
  g_assert_null (strpbrk (msg->from_name, "\033\r\n"));
  g_assert_null (msg->from_addr);                         /* a header injection: dropped */
  g_assert_cmpstr (msg->reply_to, ==, "Reply@example.org"); /* normalised as parse does */
  g_assert_cmpuint (msg->to->len, ==, 1);
  g_assert_true (g_utf8_validate (msg->subject, -1, NULL));
  g_assert_true (msg->message_id_derived);
  g_assert_cmpstr (msg->message_id, ==, SHA "@guichet.invalid");
}

static GVariant *
one_document_answer (gint32 parent, gint32 depth, guint64 off, guint64 len)
{
  GVariantDict doc;
  g_variant_dict_init (&doc, NULL);
  g_variant_dict_insert (&doc, "parent", "i", parent);
  g_variant_dict_insert (&doc, "depth", "i", depth);
  g_variant_dict_insert (&doc, "content", "(tt)", off, len);
  GVariantBuilder docs;
  g_variant_builder_init (&docs, G_VARIANT_TYPE ("aa{sv}"));
  g_variant_builder_add_value (&docs, g_variant_dict_end (&doc));
  GVariantDict d;
  g_variant_dict_init (&d, NULL);
  g_variant_dict_insert_value (&d, "documents", g_variant_builder_end (&docs));
  return g_variant_dict_end (&d);
}

static void
test_hostile_documents_refused (void)
{
  struct { gint32 parent, depth; guint64 off, len; const char *why; } cases[] = {
    { 0, 1, 0, 4, "its own archive" },
    { 5, 1, 0, 4, "an archive after it" },
    { -1, 3, 0, 4, "a depth that does not match" },
    { -1, 0, 0, G_MAXUINT64, "content past the end" },
    { -1, 0, G_MAXUINT64 - 1, 4, "an offset that wraps" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GuMessage) msg = trip_answer (
        one_document_answer (cases[i].parent, cases[i].depth, cases[i].off, cases[i].len), "data", &error);
      g_test_message ("%s", cases[i].why);
      g_assert_null (msg);
      g_assert_error (error, GU_ERROR, GU_ERROR_FAILED);
    }
  g_autoptr (GError) error = NULL;
  g_autoptr (GuMessage) fine = trip_answer (one_document_answer (-1, 0, 0, 4), "data", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fine->documents->len, ==, 1);
}

/* A worker cannot hand us a file it could still change under us. */
static void
test_unsealed_file_refused (void)
{
  Pair p;
  pair_open (&p);
  int fd = gu_wire_memfd_new ("test", NULL);
  GuWireHeader head = { .magic = GU_WIRE_MAGIC };
  struct iovec iov = { &head, sizeof head };
  union { struct cmsghdr align; char buf[CMSG_SPACE (sizeof (int))]; } control = { 0 };
  struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
                      .msg_controllen = sizeof control.buf };
  struct cmsghdr *c = CMSG_FIRSTHDR (&m);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN (sizeof (int));
  memcpy (CMSG_DATA (c), &fd, sizeof fd);
  g_assert_cmpint (sendmsg (p.sv[1], &m, 0), ==, sizeof head);
  close (fd);
  g_autoptr (GError) error = NULL;
  GBytes *mapping = NULL;
  GVariant *got = NULL;
  g_assert_false (gu_wire_receive (p.sv[0], 1000, G_VARIANT_TYPE_VARDICT, &mapping, &got, &error));
  g_assert_error (error, GU_ERROR, GU_ERROR_FAILED);
  pair_close (&p);
}

static void
test_peer_gone_and_timeout (void)
{
  Pair p;
  pair_open (&p);
  GBytes *mapping = NULL;
  GVariant *got = NULL;
  g_autoptr (GError) timeout = NULL;
  g_assert_false (gu_wire_receive (p.sv[0], 50, G_VARIANT_TYPE_VARDICT, &mapping, &got, &timeout));
  g_assert_error (timeout, GU_ERROR, GU_ERROR_LIMIT);
  close (p.sv[1]);
  g_autoptr (GError) gone = NULL;
  g_assert_false (gu_wire_receive (p.sv[0], 1000, G_VARIANT_TYPE_VARDICT, &mapping, &got, &gone));
  g_assert_error (gone, GU_ERROR, GU_ERROR_NOT_FOUND);
  close (p.sv[0]);
}

static void
test_request_round_trip (void)
{
  const char *staff[] = { "a@region.fr", "b@region.fr", NULL };
  GuParseOptions opts = { .own_address = "fabrique@example.org", .staff_addresses = staff,
                          .trusted_authserv_id = "mx.region.fr", .staff_unauthenticated = TRUE };
  GuLimits limits = gu_limits_default ();
  limits.archive_max_depth = 2;
  limits.message_max_unpacked_bytes = G_GUINT64_CONSTANT (5) << 32;
  Pair p;
  pair_open (&p);
  int fd = gu_wire_memfd_new ("test", NULL);
  guint64 off;
  g_assert_true (gu_wire_append (fd, "raw!", 4, TRUE, &off, NULL));
  g_assert_true (gu_wire_send (p.sv[1], fd, gu_wire_request_new (&opts, &limits, SHA, off, 4), NULL));
  close (fd);
  g_autoptr (GBytes) mapping = NULL;
  g_autoptr (GVariant) got = NULL;
  g_assert_true (gu_wire_receive (p.sv[0], 1000, G_VARIANT_TYPE_VARDICT, &mapping, &got, NULL));
  pair_close (&p);
  GuParseOptions read;
  GuLimits read_limits;
  g_auto (GStrv) addresses = NULL, domains = NULL;
  const char *sha;
  g_autoptr (GBytes) raw = NULL;
  g_assert_true (gu_wire_request_read (got, mapping, &read, &read_limits, &addresses, &domains, &sha, &raw, NULL));
  g_assert_cmpstr (sha, ==, SHA);
  g_assert_cmpstr (read.own_address, ==, "fabrique@example.org");
  g_assert_cmpstr (read.staff_addresses[1], ==, "b@region.fr");
  g_assert_null (read.staff_domains[0]);
  g_assert_true (read.staff_unauthenticated);
  g_assert_cmpuint (read_limits.archive_max_depth, ==, 2);
  g_assert_cmpuint (read_limits.message_max_unpacked_bytes, ==, G_GUINT64_CONSTANT (5) << 32);
  g_assert_cmpmem (g_bytes_get_data (raw, NULL), g_bytes_get_size (raw), "raw!", 4);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/wire/round-trip", test_round_trip);
  g_test_add_func ("/wire/labels-made-harmless", test_labels_made_harmless);
  g_test_add_func ("/wire/hostile-documents-refused", test_hostile_documents_refused);
  g_test_add_func ("/wire/unsealed-file-refused", test_unsealed_file_refused);
  g_test_add_func ("/wire/peer-gone-and-timeout", test_peer_gone_and_timeout);
  g_test_add_func ("/wire/request-round-trip", test_request_round_trip);
  return g_test_run ();
}
