#!/bin/sh
# make check's short fuzzing run: a fixed number of inputs, seeded from the
# real-world corpus and tests/fuzz/seeds, into a scratch corpus folder
# (libFuzzer writes new inputs into its first folder). Prints TAP.
runs=${GU_FUZZ_RUNS:-3000}
bin="$GU_TOP_BUILDDIR/tests/fuzz/fuzz-intake"
work=$(mktemp -d /tmp/guichet-fuzz.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir "$work/corpus"
cp "$GU_TOP_SRCDIR"/tests/fuzz/seeds/*.eml "$work/corpus/"
if [ -d "$GU_SHARED_DIR/corpus/real-world" ]; then
  # The small messages: libFuzzer mutates them faster.
  find "$GU_SHARED_DIR/corpus/real-world" -name '*.eml' -size -64k -exec cp {} "$work/corpus/" \;
fi
echo "1..1"
if "$bin" -runs="$runs" -seed=1 -max_len=65536 -timeout=20 -rss_limit_mb=2048 \
     -artifact_prefix="$work/" "$work/corpus" >"$work/log" 2>&1; then
  echo "ok 1 - $runs fuzzed inputs through parse+unpack: no crash, leak or sanitizer report"
else
  echo "not ok 1 - the fuzzer found a crashing input"
  tail -n 40 "$work/log" | sed 's/^/# /'
  for f in "$work"/crash-* "$work"/leak-* "$work"/timeout-*; do
    [ -f "$f" ] && cp "$f" "$GU_TOP_BUILDDIR/tests/fuzz/" && echo "# kept $(basename "$f") in tests/fuzz/"
  done
  exit 1
fi
