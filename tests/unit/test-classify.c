/* Classification against the shipped Fabrique call: file names written
 * the way applicants write them, content headings, sheets, and what must
 * not match. The filters are tested elsewhere; here doc->text is given. */
#include "config.h"

#include <string.h>

#include "classify/classify.h"
#include "classify/extract.h"
#include "testutil.h"

static GuCall *call;

static GuDocument *
classify (const char *filename, const char *archive_path, const char *text)
{
  GuDocument *doc = gu_document_new ();
  doc->filename = g_strdup (filename);
  doc->archive_path = g_strdup (archive_path);
  doc->text = g_strdup (text);
  gu_classify_document (call, doc);
  return doc;
}

/* The keys found, space-separated in the call's order, "" when none. */
static char *
keys_of (const GuDocument *doc)
{
  GString *s = g_string_new (NULL);
  for (guint i = 0; i < doc->pieces->len; i++)
    g_string_append_printf (s, "%s%s", i ? " " : "", ((GuPieceMatch *) g_ptr_array_index (doc->pieces, i))->key);
  return g_string_free (s, FALSE);
}

static void
assert_keys (const char *filename, const char *text, const char *want)
{
  g_autoptr (GuDocument) doc = classify (filename, NULL, text);
  g_autofree char *got = keys_of (doc);
  if (strcmp (got, want) != 0)
    g_test_message ("%s: got \"%s\", want \"%s\"", filename, got, want);
  g_assert_cmpstr (got, ==, want);
}

static void
test_filenames (void)
{
  assert_keys ("01-Presentation projet.pdf", NULL, "initiative");
  assert_keys ("Présentation de l'initiative.docx", NULL, "initiative");
  assert_keys ("Strategie_deploiement.docx", NULL, "strategie_deploiement");
  assert_keys ("STRATEGIE.pdf", NULL, "strategie_deploiement");
  assert_keys ("stratégie de déploiement.odt", NULL, "strategie_deploiement");
  assert_keys ("BP_etude.xlsx", NULL, "budget_etude");
  assert_keys ("Budget d'étude v2.xlsx", NULL, "budget_etude");
  assert_keys ("budget deploiement.ods", NULL, "budget_deploiement");
  assert_keys ("Budget-lancement.xlsx", NULL, "budget_lancement");
  assert_keys ("Plan pluriannuel 2020-2023.pdf", NULL, "plan_pluriannuel");
  assert_keys ("Lettre de soutien - Mairie de Vire.pdf", NULL, "courrier_soutien");
  /* Generic names say nothing: not "budget" alone, not "projet". */
  assert_keys ("scan0003.pdf", NULL, "");
  assert_keys ("Budget prévisionnel.xlsx", NULL, "");
  assert_keys ("Budget projet.xlsx", NULL, "");
  assert_keys ("Lettre de candidature.pdf", NULL, "");
  /* Whole words only: "strategies" is not "strategie", "depart" not "art". */
  assert_keys ("strategies-marketing.pdf", NULL, "");
}

static void
test_archive_folders (void)
{
  g_autoptr (GuDocument) doc = classify ("etude.xlsx", "Dossier FI/Budget etude/etude.xlsx", NULL);
  g_autofree char *got = keys_of (doc);
  g_assert_cmpstr (got, ==, "budget_etude");
}

static void
test_content_headings (void)
{
  /* A scan named by the scanner: only its text tells. */
  assert_keys ("scan0003.pdf", "PLAN DE DÉPLOIEMENT PLURIANNUEL\n2020 : ouverture\n2021 : second site\n",
               "plan_pluriannuel");
  /* Numbering and articles before the heading. */
  assert_keys ("document1.docx", "Sommaire\n2. La stratégie de déploiement envisagée\nNous…\n",
               "strategie_deploiement");
  assert_keys ("doc.pdf", "II – Un budget pour la phase d’étude\nPoste\tMontant\n", "budget_etude");
  /* The same words inside prose name nothing. */
  assert_keys ("annexe.pdf", "Comme indiqué dans le budget de lancement ci-joint, nous…\n", "");
}

static void
test_one_pdf_every_section (void)
{
  g_autoptr (GuDocument) doc = classify ("Dossier.pdf", NULL,
      "Dossier de candidature\n1. L'initiative proposée et son apport pour les membres et les usagers\n…\f"
      "2. La stratégie de déploiement envisagée\n…\f"
      "3. Budget de la phase d'étude\n…\f4. Budget de déploiement\n…\f"
      "5. Plan de déploiement pluriannuel\n…\f6. Budget de lancement et de mise en œuvre\n…\n");
  g_autofree char *got = keys_of (doc);
  g_assert_cmpstr (got, ==, "initiative strategie_deploiement budget_etude budget_deploiement "
                            "plan_pluriannuel budget_lancement");
  const GuPieceMatch *m = g_ptr_array_index (doc->pieces, 3);
  g_assert_cmpstr (m->evidence, ==, "content:\"budget de déploiement\" page 4");
}

static void
test_workbook_sheets (void)
{
  g_autoptr (GuDocument) doc = classify ("Budget.xlsx", NULL,
      "[sheet] Budget phase d'étude\nPoste\tMontant\nÉtude\t12000\n\f"
      "[sheet] Budget de déploiement\nTravaux\t50000\n\f[sheet] Budget de lancement\nCom\t3000\n");
  g_autofree char *got = keys_of (doc);
  g_assert_cmpstr (got, ==, "budget_etude budget_deploiement budget_lancement");
  g_assert_cmpstr (((GuPieceMatch *) g_ptr_array_index (doc->pieces, 0))->evidence, ==,
                   "content:\"budget phase d'étude\" sheet \"Budget phase d'étude\"");
  g_assert_cmpstr (((GuPieceMatch *) g_ptr_array_index (doc->pieces, 2))->evidence, ==,
                   "content:\"budget de lancement\" sheet \"Budget de lancement\"");
}

/* doc/ARCHITECTURE.md's own example: a "budget" workbook with sheets "Étude",
 * "Déploiement", "Lancement" satisfies the three budgets. */
static void
test_workbook_named_by_sheets (void)
{
  g_autoptr (GuDocument) doc = classify ("Budget.xlsx", NULL,
      "[sheet] Étude\nPoste\tMontant\n\f[sheet] Déploiement\nTravaux\t1\n\f[sheet] Lancement\nCom\t2\n");
  g_autofree char *got = keys_of (doc);
  g_assert_cmpstr (got, ==, "budget_etude budget_deploiement budget_lancement");
  g_assert_cmpstr (((GuPieceMatch *) g_ptr_array_index (doc->pieces, 1))->evidence, ==,
                   "filename+sheet:\"budget deploiement\" sheet \"Déploiement\"");
  /* Sheets of a workbook that is not a budget say nothing of budgets. */
  g_autoptr (GuDocument) other = classify ("Contacts.xlsx", NULL, "[sheet] Étude\nx\n");
  g_autofree char *none = keys_of (other);
  g_assert_cmpstr (none, ==, "");
}

static void
test_filename_evidence_wins (void)
{
  g_autoptr (GuDocument) doc = classify ("BP_etude.xlsx", NULL, "Budget de la phase d'étude\n");
  g_assert_cmpuint (doc->pieces->len, ==, 1);
  g_assert_cmpstr (((GuPieceMatch *) g_ptr_array_index (doc->pieces, 0))->evidence, ==, "filename:\"bp etude\"");
}

static void
test_not_classified (void)
{
  static const guint flags[] = { GU_DOC_ARCHIVE, GU_DOC_INLINE_IMAGE, GU_DOC_UNREADABLE };
  for (gsize i = 0; i < G_N_ELEMENTS (flags); i++)
    {
      g_autoptr (GuDocument) doc = gu_document_new ();
      doc->filename = g_strdup ("Budget lancement.zip");
      doc->flags = flags[i];
      gu_classify_document (call, doc);
      g_assert_cmpuint (doc->pieces->len, ==, 0);
    }
}

/* Text read by OCR (extract.h's marker line): the evidence says so, and
 * names the page even of a one-page photo. The marker elsewhere is text. */
static void
test_ocr_evidence (void)
{
  g_autoptr (GuDocument) scan = classify ("scan.pdf", NULL, "[ocr]\nAnnexes\n\fBudget de lancement\n\f");
  g_assert_cmpuint (scan->pieces->len, ==, 1);
  g_assert_cmpstr (((GuPieceMatch *) g_ptr_array_index (scan->pieces, 0))->evidence, ==,
                   "content(ocr):\"budget de lancement\" page 2");
  g_autoptr (GuDocument) photo = classify ("IMG_0042.jpg", NULL, "[ocr]\nLettre de soutien\n");
  g_assert_cmpstr (((GuPieceMatch *) g_ptr_array_index (photo->pieces, 0))->evidence, ==,
                   "content(ocr):\"lettre de soutien\" page 1");
  g_autoptr (GuDocument) text = classify ("notes.txt", NULL, "Notes\n[ocr]\nLettre de soutien\n");
  g_assert_cmpstr (((GuPieceMatch *) g_ptr_array_index (text->pieces, 0))->evidence, ==,
                   "content:\"lettre de soutien\"");
}

/* Stand-in filters in a folder of their own, run by gu_classify_message:
 * "pdf" answers as filters/pdf does for a locked PDF, for a scan (form
 * feeds only) or with text, by the first word of the document; "ocr"
 * reads a scan, and fails on an image it cannot decode. */
typedef struct {
  char *dir;
  GuConfig cfg;
} Filters;

static void
filters_set_up (Filters *f, gconstpointer data G_GNUC_UNUSED)
{
  f->dir = gu_test_tmpdir ();
  g_free (gu_test_write (f->dir, "pdf",
                         "#!/bin/sh\n"
                         "case $(head -c 6) in\n"
                         "  locked) echo 'protected: PDF protected by a password' >&2; exit 65 ;;\n"
                         "  broken) echo 'PDF could not be read: damaged' >&2; exit 65 ;;\n"
                         "  scan*) printf '\\f\\f' ;;\n"
                         "  *) printf 'Budget de lancement\\n\\f' ;;\n"
                         "esac\n", 0755));
  g_free (gu_test_write (f->dir, "ocr",
                         "#!/bin/sh\n"
                         "[ \"$GU_FILTER_MAX_PAGES\" = 7 ] || exit 1\n"
                         "[ \"$(head -c 4)\" = junk ] && { echo 'ocr: tesseract could not read the image' >&2; exit 1; }\n"
                         "printf '[ocr]\\nPage un\\n\\fLettre de soutien\\n\\f'\n", 0755));
  g_free (gu_test_write (f->dir, "filters.map", "application/pdf pdf\nimage/jpeg ocr\n", 0644));
  f->cfg.filters_dir = f->dir;
  f->cfg.filters_enabled = TRUE;
  f->cfg.filters_timeout_seconds = 20;
  f->cfg.filters_memory_mb = 512;
  f->cfg.filters_max_output_kb = 1024;
  f->cfg.ocr_timeout_seconds = 30;
  f->cfg.ocr_max_pages = 7;
  f->cfg.ocr_memory_mb = 512;
}

static void
filters_tear_down (Filters *f, gconstpointer data G_GNUC_UNUSED)
{
  gu_test_rmtree (f->dir);
  g_free (f->dir);
}

static GuDocument *
add_doc (GuMessage *msg, const char *type, const char *name, const char *content)
{
  GuDocument *doc = gu_document_new ();
  doc->filename = g_strdup (name);
  doc->sniffed_type = g_strdup (type);
  g_autoptr (GBytes) bytes = g_bytes_new (content, strlen (content));
  gu_document_set_content (doc, bytes);
  g_ptr_array_add (msg->documents, doc);
  return doc;
}

static void
test_filters_protected_and_ocr (Filters *f, gconstpointer data G_GNUC_UNUSED)
{
  g_autoptr (GuClassifier) c = gu_classifier_new (call, &f->cfg);
  g_autoptr (GuMessage) msg = gu_message_new ();
  GuDocument *locked = add_doc (msg, "application/pdf", "budget lancement.pdf", "locked PDF");
  GuDocument *broken = add_doc (msg, "application/pdf", "b.pdf", "broken PDF");
  GuDocument *scan = add_doc (msg, "application/pdf", "scan.pdf", "scan PDF");
  GuDocument *plain = add_doc (msg, "application/pdf", "doc.pdf", "text PDF");
  GuDocument *photo = add_doc (msg, "image/jpeg", "lettre de soutien.jpg", "junk");
  g_test_expect_message (NULL, G_LOG_LEVEL_WARNING, "filter */ocr failed on lettre de soutien.jpg*");
  gu_classify_message (c, msg);
  g_test_assert_expected_messages ();
  /* "protected:" on stderr: protected and unreadable, no piece, even by name */
  g_assert_cmpuint (locked->flags & (GU_DOC_PROTECTED | GU_DOC_UNREADABLE), ==, GU_DOC_PROTECTED | GU_DOC_UNREADABLE);
  g_assert_cmpstr (locked->unreadable_reason, ==, "PDF protected by a password");
  g_assert_cmpstr (gu_doc_state (locked->flags), ==, "protected");
  g_assert_cmpuint (locked->pieces->len, ==, 0);
  /* any other unreadable document is not protected */
  g_assert_cmpuint (broken->flags & (GU_DOC_PROTECTED | GU_DOC_UNREADABLE), ==, GU_DOC_UNREADABLE);
  g_assert_cmpstr (broken->unreadable_reason, ==, "PDF could not be read: damaged");
  /* a PDF without text goes to "ocr", with the [ocr] page cap */
  g_assert_cmpstr (scan->text, ==, "[ocr]\nPage un\n\fLettre de soutien\n\f");
  g_assert_cmpstr (((GuPieceMatch *) g_ptr_array_index (scan->pieces, 0))->evidence, ==,
                   "content(ocr):\"lettre de soutien\" page 2");
  /* a PDF with text does not */
  g_assert_cmpstr (((GuPieceMatch *) g_ptr_array_index (plain->pieces, 0))->evidence, ==,
                   "content:\"budget de lancement\" page 1");
  /* OCR failing on an image is the filter's trouble: classified by name */
  g_assert_cmpuint (photo->flags & GU_DOC_UNREADABLE, ==, 0);
  g_assert_cmpstr (((GuPieceMatch *) g_ptr_array_index (photo->pieces, 0))->evidence, ==,
                   "filename:\"soutien\"");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_autofree char *path = gu_test_srcpath ("schemas/fabrique-initiatives.call");
  call = gu_call_load (path, NULL, NULL);
  g_assert_nonnull (call);
  g_test_add_func ("/classify/filenames", test_filenames);
  g_test_add_func ("/classify/archive-folders", test_archive_folders);
  g_test_add_func ("/classify/content-headings", test_content_headings);
  g_test_add_func ("/classify/one-pdf-every-section", test_one_pdf_every_section);
  g_test_add_func ("/classify/workbook-sheets", test_workbook_sheets);
  g_test_add_func ("/classify/workbook-named-by-sheets", test_workbook_named_by_sheets);
  g_test_add_func ("/classify/filename-evidence", test_filename_evidence_wins);
  g_test_add_func ("/classify/not-classified", test_not_classified);
  g_test_add_func ("/classify/ocr-evidence", test_ocr_evidence);
  g_test_add ("/classify/filters-protected-and-ocr", Filters, NULL, filters_set_up,
              test_filters_protected_and_ocr, filters_tear_down);
  int status = g_test_run ();
  gu_call_free (call);
  return status;
}
