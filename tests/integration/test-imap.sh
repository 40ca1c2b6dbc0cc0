#!/bin/bash
# Starts the test rig (tests/rig/) and runs tests/integration/test-imap, the
# gtest program that drives src/source/imap.c against its Dovecot; the
# program's TAP is this test's output.  Arguments ignored.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../rig/lib.sh
. "$here/../rig/lib.sh"
bin=${GU_TOP_BUILDDIR:-$here/../..}/tests/integration/test-imap

rig_start
export RIG_DIR IMAP_HOST IMAP_PORT IMAPS_PORT IMAP_USER IMAP_PASSWORD RIG_CA RIG_MAILDIR \
	RIG_RAWLOG_DIR RIG_LOGIN_RAWLOG_DIR RIG_DOVECOT_LOG
export GU_RIG_SH="$RIG_SH"

rc=0
"$bin" --tap || rc=$?
# Keep the rig's folder (logs, rawlogs) when something failed (lib.sh).
# shellcheck disable=SC2034
TAP_FAILED=$rc
exit "$rc"
