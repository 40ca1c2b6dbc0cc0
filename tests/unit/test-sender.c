/* The sender of a message whose From GMime cannot read: recovered the
 * way mail readers do (the From repaired, else Sender, Reply-To,
 * Return-Path), and set aside only when no header holds an address. */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "parse/parse.h"
#include "testutil.h"
#include "util/hash.h"

#define OWN "fabrique@example.org"

static const GuParseOptions parse_opts = { .own_address = OWN };

static GuMessage *
parse_with (const char *raw, const GuParseOptions *opts)
{
  g_autoptr (GBytes) bytes = g_bytes_new (raw, strlen (raw));
  GuMessage *msg = gu_parse_message (bytes, opts);
  g_assert_nonnull (msg);
  g_assert_nonnull (msg->message_id);
  g_assert_true (gu_sha256_is_valid (msg->raw_sha256));
  g_assert_null (msg->parse_error);
  return msg;
}

/* A message with these headers (each ending in a newline) and a body. */
static GuMessage *
parse_headers (const char *headers)
{
  g_autofree char *raw = g_strdup_printf ("%sTo: " OWN "\nSubject: Candidature\n\nBonjour\n", headers);
  return parse_with (raw, &parse_opts);
}

static void
assert_no_control (const char *s)
{
  for (const char *p = s; p != NULL && *p != '\0'; p = g_utf8_next_char (p))
    g_assert_false (g_unichar_iscntrl (g_utf8_get_char (p)));
}

/* An applicant's message whose sender came from where, with that name. */
static void
assert_sender (const char *headers, const char *addr, const char *name, const char *recovered)
{
  g_autoptr (GuMessage) msg = parse_headers (headers);
  g_assert_cmpstr (msg->from_addr, ==, addr);
  g_assert_cmpstr (msg->from_name, ==, name);
  g_assert_cmpstr (msg->from_recovered, ==, recovered);
  g_assert_cmpint (msg->role, ==, GU_ROLE_APPLICANT);
  g_assert_null (msg->automatic_reason);
  g_assert_false (msg->no_usable_sender);
  assert_no_control (msg->from_raw);
}

static void
test_from_repaired (void)
{
  assert_sender ("From: Jean Dupont jean7@x.example\n", "jean7@x.example", "Jean Dupont", "From (repaired)");
  assert_sender ("From: Mairie [Service] <m2@x.example>\n", "m2@x.example", "Mairie [Service]",
                 "From (repaired)");
  assert_sender ("From: Mairie de St-Lo; service culture <m3@x.example>\n", "m3@x.example",
                 "Mairie de St-Lo; service culture", "From (repaired)");
  assert_sender ("From: \"Jean Dupont\" <jean@X.Example\n", "jean@x.example", "Jean Dupont", NULL);
  g_autoptr (GuMessage) msg = parse_headers ("From: Jean Dupont jean7@x.example\n");
  g_assert_cmpstr (msg->from_raw, ==, "Jean Dupont jean7@x.example");
}

/* GMime 3.2.13 reads these itself (LIBRARIES.md says some versions do
 * not): whichever reads them, the address is the same. */
static void
assert_read_either_way (const char *headers, const char *addr)
{
  g_autoptr (GuMessage) msg = parse_headers (headers);
  g_assert_cmpstr (msg->from_addr, ==, addr);
  g_assert_cmpint (msg->role, ==, GU_ROLE_APPLICANT);
  g_assert_true (msg->from_recovered == NULL || strcmp (msg->from_recovered, "From (repaired)") == 0);
  assert_no_control (msg->from_name);
}

static void
test_from_unclosed_bracket (void)
{
  assert_read_either_way ("From: <jean8@x.example\n", "jean8@x.example");
  g_autoptr (GuMessage) msg = parse_headers ("From: <jean8@x.example\n");
  g_assert_null (msg->from_name);
}

/* A NUL or an ESC in an encoded word: the sender is read, and the name
 * keeps no control character. */
static void
test_from_encoded_controls (void)
{
  assert_read_either_way ("From: =?utf-8?q?Jean=00Dupont?= <j9@x.example>\n", "j9@x.example");
  assert_read_either_way ("From: =?utf-8?q?Jean=1BDupont?= <j10@x.example>\n", "j10@x.example");
  g_autoptr (GuMessage) nul = parse_headers ("From: =?utf-8?q?Jean=00Dupont?= <j9@x.example>\n");
  g_assert_true (g_str_has_prefix (nul->from_name, "Jean"));
  g_assert_true (g_str_has_suffix (nul->from_name, "Dupont"));
  g_autoptr (GuMessage) esc = parse_headers ("From: =?utf-8?q?Jean=1BDupont?= <j10@x.example>\n");
  g_assert_cmpstr (esc->from_name, ==, "Jean Dupont");
  /* Written raw, not encoded: the same. */
  g_autoptr (GuMessage) raw = parse_headers ("From: Jean\x1b" "Dupont <j11@x.example>\n");
  g_assert_cmpstr (raw->from_addr, ==, "j11@x.example");
  g_assert_cmpstr (raw->from_name, ==, "Jean Dupont");
  g_autoptr (GuMessage) broken = parse_headers ("From: Jean\x1b" "Dupont [X] j12@x.example\n");
  g_assert_cmpstr (broken->from_addr, ==, "j12@x.example");
  g_assert_cmpstr (broken->from_name, ==, "Jean Dupont [X]");
  g_assert_cmpstr (broken->from_raw, ==, "Jean Dupont [X] j12@x.example");
}

static void
test_fallback_headers (void)
{
  assert_sender ("Sender: =?utf-8?q?Secr=C3=A9tariat?= <sec@x.example>\n", "sec@x.example", "Secrétariat",
                 "Sender");
  assert_sender ("Reply-To: Jean <rt@X.example>\n", "rt@x.example", "Jean", "Reply-To");
  assert_sender ("Reply-To: Jean Dupont rt2@x.example\n", "rt2@x.example", "Jean Dupont", "Reply-To");
  assert_sender ("Return-Path: <rp@x.example>\n", "rp@x.example", NULL, "Return-Path");
  /* In that order; From's own text stays the name. */
  assert_sender ("From: Jean Dupont\nReturn-Path: <rp@x.example>\nReply-To: <rt@x.example>\n"
                 "Sender: <sec@x.example>\n", "sec@x.example", "Jean Dupont", "Sender");
  assert_sender ("From: Jean Dupont\nReturn-Path: <rp@x.example>\nReply-To: <rt@x.example>\n",
                 "rt@x.example", "Jean Dupont", "Reply-To");
  g_autoptr (GuMessage) msg = parse_headers ("From: Jean Dupont\nReturn-Path: <rp@x.example>\n");
  g_assert_cmpstr (msg->from_raw, ==, "Jean Dupont");
  g_autoptr (GuMessage) absent = parse_headers ("Return-Path: <rp@x.example>\n");
  g_assert_null (absent->from_raw);
}

static void
test_no_usable_sender (void)
{
  g_autoptr (GuMessage) msg = parse_headers ("From: Jean Dupont\nReply-To: personne\n");
  g_assert_null (msg->from_addr);
  g_assert_null (msg->from_recovered);
  g_assert_cmpint (msg->role, ==, GU_ROLE_AUTOMATIC);
  g_assert_cmpstr (msg->automatic_reason, ==, "From: missing");
  g_assert_true (msg->no_usable_sender);
  g_assert_cmpstr (msg->from_raw, ==, "Jean Dupont");
  g_autoptr (GuMessage) none = parse_headers ("");
  g_assert_true (none->no_usable_sender);
  g_assert_null (none->from_raw);
}

/* Auto-replies and bounces without a sender are just that: not set aside. */
static void
test_robots_not_set_aside (void)
{
  g_autoptr (GuMessage) auto_reply = parse_headers ("Auto-Submitted: auto-replied\n");
  g_assert_cmpint (auto_reply->role, ==, GU_ROLE_AUTOMATIC);
  g_assert_false (auto_reply->no_usable_sender);
  g_autoptr (GuMessage) null_sender = parse_headers ("Return-Path: <>\n");
  g_assert_cmpstr (null_sender->automatic_reason, ==, "Return-Path: <>");
  g_assert_false (null_sender->no_usable_sender);
  g_autoptr (GuMessage) robot = parse_headers ("Reply-To: no-reply@x.example\n");
  g_assert_cmpint (robot->role, ==, GU_ROLE_AUTOMATIC);
  g_assert_false (robot->no_usable_sender);
}

/* Staff is a From our server vouches for; a guessed address never is. */
static void
test_recovered_never_staff (void)
{
  static const char *const staff[] = { "instructeur@normandie.fr", NULL };
  GuParseOptions opts = { .own_address = OWN, .staff_addresses = staff, .staff_unauthenticated = TRUE };
  const char *good = "From: instructeur@normandie.fr\nSubject: x\n\nbody\n";
  const char *repaired = "From: Instructeur instructeur@normandie.fr\nSubject: x\n\nbody\n";
  const char *reply_to = "Reply-To: instructeur@normandie.fr\nSubject: x\n\nbody\n";
  g_autoptr (GuMessage) a = parse_with (good, &opts);
  g_autoptr (GuMessage) b = parse_with (repaired, &opts);
  g_autoptr (GuMessage) c = parse_with (reply_to, &opts);
  g_assert_cmpint (a->role, ==, GU_ROLE_STAFF);
  g_assert_cmpint (b->role, ==, GU_ROLE_APPLICANT);
  g_assert_cmpint (c->role, ==, GU_ROLE_APPLICANT);
}

static void
test_raw_from_cut (void)
{
  g_autofree char *name = g_strnfill (300, 'a');
  g_autofree char *headers = g_strdup_printf ("From: %s long@x.example\n", name);
  g_autoptr (GuMessage) msg = parse_headers (headers);
  g_assert_cmpstr (msg->from_addr, ==, "long@x.example");
  g_assert_cmpint (g_utf8_strlen (msg->from_raw, -1), ==, 200);
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);
  gu_parse_init ();
  g_test_add_func ("/sender/from-repaired", test_from_repaired);
  g_test_add_func ("/sender/from-unclosed-bracket", test_from_unclosed_bracket);
  g_test_add_func ("/sender/from-encoded-controls", test_from_encoded_controls);
  g_test_add_func ("/sender/fallback-headers", test_fallback_headers);
  g_test_add_func ("/sender/no-usable-sender", test_no_usable_sender);
  g_test_add_func ("/sender/robots-not-set-aside", test_robots_not_set_aside);
  g_test_add_func ("/sender/recovered-never-staff", test_recovered_never_staff);
  g_test_add_func ("/sender/raw-from-cut", test_raw_from_cut);
  int rc = g_test_run ();
  gu_parse_shutdown ();
  return rc;
}
