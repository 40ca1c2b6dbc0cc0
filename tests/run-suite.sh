#!/bin/sh
# The whole test suite from a clean checkout on a new Debian 12 machine:
# installs the packages, builds with -Werror under AddressSanitizer and
# UndefinedBehaviorSanitizer (gcc), runs `make check` and `make distcheck`
# (counted as one test), then builds the libFuzzer target with clang and
# runs its short fuzzing test. Prints one line "N passed, N failed,
# N skipped" summed over every test case.
#   sh tests/run-suite.sh
set -eu
export DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 LANG=C.UTF-8
# What the build makes (guichet-parse, the filters) must be readable by
# the account the tests hand guichet to when they run as root.
umask 022
top=$(cd "$(dirname "$0")/.." && pwd)
sh "$top/build-aux/deps.sh"

# As root, the tests run guichet as an unprivileged account
# (tests/rig/lib.sh), which must read the tree and the shared corpus. A
# clone in a private folder (under /root, a 0700 temporary folder) would
# not do: the suite then runs from a readable copy of both.
shared=${GU_SHARED_DIR:-$top/../shared}
readable() { runuser -u nobody -- test -r "$1"; }
if [ "$(id -u)" = 0 ] && [ -z "${GU_SUITE_COPY:-}" ] &&
	! { readable "$top/configure.ac" && { [ ! -d "$shared" ] || readable "$shared/corpus"; }; }; then
	copy=$(mktemp -d /var/tmp/guichet-suite.XXXXXX)
	(cd "$top" && tar --exclude='./_build*' -cf - .) | (mkdir "$copy/main" && tar -C "$copy/main" -xf -)
	[ ! -d "$shared" ] || cp -R "$shared" "$copy/shared"
	chmod -R a+rX "$copy"
	echo "run-suite: $top is not readable by other accounts; running from a copy in $copy" >&2
	GU_SUITE_COPY=$copy GU_SHARED_DIR="$copy/shared" exec sh "$copy/main/tests/run-suite.sh"
fi
build="${GU_BUILD_DIR:-$top/_build}"
cd "$top" && autoreconf -fi >/dev/null 2>&1

# run_check DIR CONFIGURE-ARGS -- MAKE-ARGS: configure, build, make check.
status=0
run_check() {
  dir=$1; shift
  mkdir -p "$dir"
  (
    cd "$dir"
    args=""
    while [ "$1" != "--" ]; do args="$args $1"; shift; done
    shift
    # shellcheck disable=SC2086
    "$top/configure" $args >configure.out 2>&1 || { tail -n 20 configure.out; exit 1; }
    make -j2 >build.out 2>&1 || { grep -E 'error|warning' build.out | head -n 40; exit 1; }
    make -j2 check "$@" >check.out 2>&1
  ) || status=1
  grep -E '^(FAIL|ERROR|XPASS)' "$dir/check.out" 2>/dev/null || true
}
run_check "$build" --enable-werror --enable-sanitizers --
# The tarball: it builds, installs, uninstalls and passes a smoke subset
# of the tests from a read-only source tree (the whole suite ran above).
distcheck_ok=0
if [ "$status" -eq 0 ]; then
  if (cd "$build" && make distcheck \
        TESTS="tests/check-layering.sh tests/unit/test-call tests/integration/test-ingest.sh tests/integration/test-install.sh" \
        >distcheck.out 2>&1); then
    distcheck_ok=1
  else
    status=1
    tail -n 30 "$build/distcheck.out"
  fi
fi
run_check "$build-fuzz" CC=clang --enable-werror --enable-sanitizers --enable-fuzzing -- \
  TESTS=tests/fuzz/run-fuzz.sh

# count WHAT LOG: a number from automake's test-suite.log summary, 0 if none.
count() { n=$(sed -n "s/^# $1: *//p" "$2" 2>/dev/null | head -n 1); echo "${n:-0}"; }
pass=0; failed=0; skip=0
for log in "$build/test-suite.log" "$build-fuzz/test-suite.log"; do
  pass=$((pass + $(count PASS "$log")))
  failed=$((failed + $(count FAIL "$log") + $(count ERROR "$log") + $(count XPASS "$log")))
  skip=$((skip + $(count SKIP "$log")))
done
pass=$((pass + distcheck_ok))
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  tail -n 30 "$build/check.out" "$build-fuzz/check.out" 2>/dev/null
  failed=1
fi
# A readable copy (above) is removed once everything passed, kept for a
# look at its logs otherwise.
if [ -n "${GU_SUITE_COPY:-}" ] && [ "$top" = "$GU_SUITE_COPY/main" ]; then
	case $GU_SUITE_COPY in
	/var/tmp/guichet-suite.*)
		if [ "$failed" -eq 0 ]; then
			rm -rf "$GU_SUITE_COPY"
		else
			echo "run-suite: the logs are kept in $GU_SUITE_COPY" >&2
		fi ;;
	esac
fi
echo "$pass passed, $failed failed, $skip skipped"
[ "$failed" -eq 0 ]
