#!/bin/sh
# The whole test suite from a clean checkout on a new Debian 12 machine:
# installs the packages, builds with -Werror under AddressSanitizer and
# UndefinedBehaviorSanitizer, runs `make check`, and prints one line
# "N passed, N failed" summed over every test case of every test program.
#   sh tests/run-suite.sh
set -eu
export DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 LANG=C.UTF-8
top=$(cd "$(dirname "$0")/.." && pwd)
sh "$top/build-aux/deps.sh"
build="${GU_BUILD_DIR:-$top/_build}"
mkdir -p "$build"
cd "$top" && autoreconf -fi >/dev/null 2>&1
cd "$build"
"$top/configure" --enable-werror --enable-sanitizers >/dev/null
make -j2 >/dev/null
status=0
make -j2 check >check.out 2>&1 || status=$?
grep -E '^(FAIL|ERROR|XPASS)' check.out || true
log="$build/test-suite.log"
count() { sed -n "s/^# $1: *//p" "$log" | head -n 1; }
pass=$(count PASS); fail=$(count FAIL); err=$(count ERROR); xpass=$(count XPASS); skip=$(count SKIP)
failed=$(( ${fail:-0} + ${err:-0} + ${xpass:-0} ))
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  tail -n 30 check.out
  failed=1
fi
echo "${pass:-0} passed, $failed failed, ${skip:-0} skipped"
[ "$failed" -eq 0 ]
