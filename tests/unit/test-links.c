/* Download links instead of attachments (issue 13): which links of a
 * body the shipped call's [links] name, and how a URL is cut out of
 * running text. Nothing here opens a link. */
#include "config.h"

#include <locale.h>
#include <string.h>

#include <gmime/gmime.h>

#include "core/call.h"
#include "dossier/links.h"
#include "reply/reply.h"
#include "testutil.h"

static GuCall *
shipped_call (void)
{
  g_autofree char *path = gu_test_srcpath ("schemas/fabrique-initiatives.call");
  g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;
  GuCall *call = gu_call_load (path, problems, &error);
  g_assert_no_error (error);
  return call;
}

/* The links found in text, as "host url" lines joined by "|". */
static char *
found (const GuCall *call, const char *text)
{
  g_autoptr (GPtrArray) links = gu_links_find (text, &call->links);
  GString *s = g_string_new (NULL);
  for (guint i = 0; i < links->len; i++)
    {
      const GuLink *link = g_ptr_array_index (links, i);
      g_string_append_printf (s, "%s%s %s", i ? "|" : "", link->host, link->url);
    }
  return g_string_free (s, FALSE);
}

static void
assert_found (const GuCall *call, const char *text, const char *expected)
{
  g_autofree char *got = found (call, text);
  g_assert_cmpstr (got, ==, expected);
}

/* One link of each service the issue names, as their share pages write them. */
static void
test_services (void)
{
  g_autoptr (GuCall) call = shipped_call ();
  static const struct { const char *url, *host; } cases[] = {
    { "https://wetransfer.com/downloads/6b1e2d7a1c0f/3e1a9c", "wetransfer.com" },
    { "https://we.tl/t-Xy12AbCd", "we.tl" },
    { "https://francetransfert.numerique.gouv.fr/download/download-info-public?enclosure=ab12", "francetransfert.numerique.gouv.fr" },
    { "https://fromsmash.com/Dossier-FI-2020", "fromsmash.com" },
    { "https://www.dropbox.com/scl/fi/abc123/budget.xlsx?rlkey=x&dl=0", "www.dropbox.com" },
    { "https://drive.google.com/file/d/1AbC/view?usp=sharing", "drive.google.com" },
    { "https://docs.google.com/spreadsheets/d/1AbC/edit", "docs.google.com" },
    { "https://1drv.ms/f/s!AbCdEf", "1drv.ms" },
    { "https://onedrive.live.com/?id=ABC&cid=DEF", "onedrive.live.com" },
    { "https://mairie-yvetot-my.sharepoint.com/:f:/g/personal/a_b/EaBc", "mairie-yvetot-my.sharepoint.com" },
    { "https://www.swisstransfer.com/d/3f2a-11ee", "www.swisstransfer.com" },
    { "https://filesender.renater.fr/?s=download&token=ab-12", "filesender.renater.fr" },
    { "https://cloud.tiers-lieu.example/s/AbCdEfGh12", "cloud.tiers-lieu.example" },
    { "https://owncloud.asso.example/index.php/s/Zx81kq", "owncloud.asso.example" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = g_strdup_printf ("Bonjour,\nnos pièces : %s\nCordialement", cases[i].url);
      g_autofree char *expected = g_strdup_printf ("%s %s", cases[i].host, cases[i].url);
      assert_found (call, text, expected);
    }
}

static void
test_not_services (void)
{
  g_autoptr (GuCall) call = shipped_call ();
  const char *const texts[] = {
    "Notre site : https://www.tiers-lieu.example/projet et https://example.org/s/",
    "https://notwetransfer.com/downloads/1 et https://wetransfer.com.attacker.example/x",
    "écrivez à contact@wetransfer.com ou visitez wetransfer.com (sans lien)",
    "xhttps://wetransfer.com/downloads/1 ftp://wetransfer.com/x",
    "https://we tl/x https://:443/x https://",
    NULL,
  };
  for (gsize i = 0; i < G_N_ELEMENTS (texts); i++)
    assert_found (call, texts[i], "");
}

static void
test_running_text (void)
{
  g_autoptr (GuCall) call = shipped_call ();
  assert_found (call, "(voir https://we.tl/t-abc).", "we.tl https://we.tl/t-abc");
  assert_found (call, "Lien : <https://WeTransfer.com/downloads/Ab1>, merci !",
                "wetransfer.com https://WeTransfer.com/downloads/Ab1");
  assert_found (call, "HTTPS://user@www.Dropbox.com:443/s/abc?dl=0;",
                "www.dropbox.com HTTPS://user@www.Dropbox.com:443/s/abc?dl=0");
  assert_found (call, "https://fr.wikipedia.org/wiki/Lien_(web) https://we.tl/t-1",
                "we.tl https://we.tl/t-1");
  /* The same link twice is one link; two services are two. */
  assert_found (call, "https://we.tl/t-1 puis https://we.tl/t-1 et https://drive.google.com/d/2",
                "we.tl https://we.tl/t-1|drive.google.com https://drive.google.com/d/2");
  g_autoptr (GPtrArray) none = gu_links_find (NULL, &call->links);
  g_assert_cmpuint (none->len, ==, 0);
}

/* A stranger's text: a bounded number of links, each of bounded length,
 * valid UTF-8 whatever the bytes. */
static void
test_bounds (void)
{
  g_autoptr (GuCall) call = shipped_call ();
  GString *many = g_string_new (NULL);
  for (int i = 0; i < 100; i++)
    g_string_append_printf (many, "https://we.tl/t-%d ", i);
  g_autoptr (GPtrArray) links = gu_links_find (many->str, &call->links);
  g_assert_cmpuint (links->len, ==, GU_LINKS_MAX);
  g_string_free (many, TRUE);
  g_autoptr (GString) huge = g_string_new ("https://we.tl/t-");
  for (int i = 0; i < 10000; i++)
    g_string_append_c (huge, 'a');
  g_autoptr (GPtrArray) one = gu_links_find (huge->str, &call->links);
  g_assert_cmpuint (one->len, >=, 1);
  g_assert_cmpuint (strlen (((GuLink *) g_ptr_array_index (one, 0))->url), <=, 2048);
  g_autoptr (GPtrArray) bad = gu_links_find ("https://we.tl/t-\xff\xfe\xc3", &call->links);
  g_assert_cmpuint (bad->len, ==, 1);
  g_assert_true (g_utf8_validate (((GuLink *) g_ptr_array_index (bad, 0))->url, -1, NULL));
}

/* The list is the call's, not the code's: a call without [links] finds none. */
static void
test_call_without_links (void)
{
  g_autofree char *path = gu_test_srcpath ("schemas/fabrique-initiatives.call");
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_auto (GStrv) parts = g_strsplit (text, "[links]", 2);
  g_assert_nonnull (parts[1]);
  g_autofree char *changed = g_strconcat (parts[0], "[links-not-read]", parts[1], NULL);
  g_autofree char *dir = gu_test_tmpdir ();
  g_autofree char *copy = gu_test_write (dir, "fabrique-initiatives.call", changed, 0644);
  g_autoptr (GError) error = NULL;
  g_autoptr (GuCall) call = gu_call_load (copy, NULL, &error);
  g_assert_no_error (error);
  gu_test_rmtree (dir);
  assert_found (call, "https://wetransfer.com/downloads/1", "");
}

/* ---- the reply, in each language ---- */

/* The reply's text, decoded, every run of blanks one space. */
static char *
reply_text (const GuCall *call, GuMessage *msg)
{
  g_autoptr (GuDossier) dossier = gu_dossier_new ();
  dossier->reference = g_strdup ("FI-2020-0007");
  dossier->status = GU_STATUS_INCOMPLETE;
  g_autofree char *templates = gu_test_srcpath ("templates");
  g_autoptr (GDateTime) received = g_date_time_new_from_iso8601 ("2020-02-14T09:12:00Z", NULL);
  g_autoptr (GPtrArray) missing = g_ptr_array_new ();
  GuReplyContext ctx = {
    .kind = GU_REPLY_ACK_NEW, .call = call, .message = msg, .received_at = received, .dossier = dossier,
    .missing = missing, .from = "Fabrique <fabrique@example.org>", .to = "luc@asso-velo.example",
    .message_id = "ack.1@example.org", .templates_dir = templates, .max_message_bytes = 50 * 1024 * 1024,
  };
  g_autoptr (GError) error = NULL;
  g_autofree char *subject = NULL;
  g_autoptr (GBytes) bytes = gu_reply_compose (&ctx, &subject, &error);
  g_assert_no_error (error);
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);
  GMimeStream *stream = g_mime_stream_mem_new_with_buffer (data, len);
  GMimeParser *parser = g_mime_parser_new_with_stream (stream);
  GMimeMessage *message = g_mime_parser_construct_message (parser, NULL);
  g_object_unref (parser);
  g_object_unref (stream);
  GMimeObject *body = g_mime_message_get_mime_part (message);
  g_assert_true (GMIME_IS_TEXT_PART (body));
  g_autofree char *text = g_mime_text_part_get_text (GMIME_TEXT_PART (body));
  g_object_unref (message);
  g_auto (GStrv) words = g_strsplit_set (text, " \r\n", -1);
  GString *flat = g_string_new (NULL);
  for (char **w = words; *w != NULL; w++)
    if (**w != '\0')
      g_string_append_printf (flat, "%s%s", flat->len ? " " : "", *w);
  return g_string_free (flat, FALSE);
}

static void
assert_contains (const char *text, const char *part)
{
  if (strstr (text, part) == NULL)
    g_error ("\"%s\" not found in:\n%s", part, text);
}

static GuCall *
call_in (const char *language)
{
  g_autofree char *path = gu_test_srcpath ("schemas/fabrique-initiatives.call");
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_auto (GStrv) parts = g_strsplit (text, "language = fr\n", 2);
  g_assert_nonnull (parts[1]);
  g_autofree char *line = g_strdup_printf ("language = %s\n", language);
  g_autofree char *changed = g_strconcat (parts[0], line, parts[1], NULL);
  g_autofree char *dir = gu_test_tmpdir ();
  g_autofree char *copy = gu_test_write (dir, "fabrique-initiatives.call", changed, 0644);
  g_autoptr (GError) error = NULL;
  GuCall *call = gu_call_load (copy, NULL, &error);
  g_assert_no_error (error);
  gu_test_rmtree (dir);
  return call;
}

/* Each host once, the request to attach, the split, the size. */
static void
test_reply (void)
{
  static const char *const languages[] = { "fr", "en" };
  static const char *const expected[][3] = {
    { "service de transfert ou de partage : - wetransfer.com - drive.google.com Nous n'ouvrons pas ces liens",
      "doivent être joints au message lui-même", "(au plus 52,4 Mo par message), répartissez-les sur plusieurs messages" },
    { "transfer or sharing service: - wetransfer.com - drive.google.com We do not open such links",
      "must be attached to the email itself", "(at most 52.4 MB per message), split them over several messages" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (languages); i++)
    {
      g_autoptr (GuCall) call = call_in (languages[i]);
      g_autoptr (GuMessage) msg = gu_message_new ();
      msg->message_id = g_strdup ("links.1@asso-velo.example");
      msg->from_addr = g_strdup ("luc@asso-velo.example");
      msg->subject = g_strdup ("Candidature");
      g_ptr_array_unref (msg->links);
      msg->links = gu_links_find ("https://wetransfer.com/downloads/1 https://wetransfer.com/downloads/2 "
                                  "https://drive.google.com/file/d/3", &call->links);
      g_autofree char *text = reply_text (call, msg);
      g_test_message ("%s", text);
      for (gsize j = 0; j < 3; j++)
        assert_contains (text, expected[i][j]);
      /* Without links, nothing of it. */
      g_ptr_array_set_size (msg->links, 0);
      g_autofree char *plain = reply_text (call, msg);
      g_assert_null (strstr (plain, "wetransfer"));
    }
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/links/services", test_services);
  g_test_add_func ("/links/not-services", test_not_services);
  g_test_add_func ("/links/running-text", test_running_text);
  g_test_add_func ("/links/bounds", test_bounds);
  g_test_add_func ("/links/call-without-links", test_call_without_links);
  g_test_add_func ("/links/reply", test_reply);
  g_mime_init ();
  int status = g_test_run ();
  g_mime_shutdown ();
  return status;
}
