/* libFuzzer target: one raw message through parse, sniff and unpack, as
 * intake runs them, with small limits so that each input stays fast.
 * Built with --enable-fuzzing (clang); tests/fuzz/run-fuzz.sh runs it for
 * a fixed number of inputs in `make check`, and for as long as you like
 * by hand:  tests/fuzz/fuzz-intake -max_len=65536 CORPUS_DIR */
#include "config.h"

#include <locale.h>
#include <stdint.h>

#include "core/conf.h"
#include "parse/parse.h"
#include "unpack/unpack.h"
#include "util/sniff.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);
int LLVMFuzzerInitialize (int *argc, char ***argv);

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  setlocale (LC_CTYPE, "C.UTF-8");
  gu_parse_init ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GBytes) raw = g_bytes_new (data, size);
  GuParseOptions opts = { .own_address = "fabrique@example.org" };
  /* Both ways a message is parsed: hashed first (ingest), or with its
   * hash left to the daemon (a prefetched message in a parse worker). */
  g_autoptr (GuMessage) msg = size > 0 && (data[size - 1] & 1) ? gu_parse_message_hashed (raw, NULL, &opts)
                                                                  : gu_parse_message (raw, &opts);
  GuLimits limits = gu_limits_default ();
  limits.archive_max_total_bytes = 4 * 1024 * 1024;
  limits.archive_max_entry_bytes = 1024 * 1024;
  limits.archive_max_entries = 64;
  limits.archive_max_seconds = 2;
  if (msg->parse_error == NULL)
    gu_unpack_message (msg, &limits);
  for (guint i = 0; i < msg->documents->len; i++)
    {
      GuDocument *doc = g_ptr_array_index (msg->documents, i);
      g_assert (doc->parent < (int) i);
      g_assert (doc->filename == NULL || g_utf8_validate (doc->filename, -1, NULL));
      g_assert (doc->archive_path == NULL || g_utf8_validate (doc->archive_path, -1, NULL));
    }
  g_assert (msg->body_text == NULL || g_utf8_validate (msg->body_text, -1, NULL));
  g_assert (msg->message_id != NULL);
  return 0;
}
