#!/bin/bash
# Runs tests/integration/test-send (src/send against the rig's SMTP sink)
# with a fresh rig. TAP (GLib's); arguments ignored.
set -uo pipefail

: "${GU_TOP_SRCDIR:?run me through make check}"
: "${GU_TOP_BUILDDIR:?run me through make check}"
# shellcheck source=../rig/lib.sh
. "$GU_TOP_SRCDIR/tests/rig/lib.sh"

rig_start
export SMTP_HOST SMTP_PORT SMTP_USER SMTP_PASSWORD SINK_DIR RIG_SINK_LOG RIG_CA RIG_DIR
export RIG_SH="$GU_TOP_SRCDIR/tests/rig/rig.sh"

rc=0
"$GU_TOP_BUILDDIR/tests/integration/test-send" --tap || rc=$?
# lib.sh keeps the rig's folder for a post-mortem when TAP_FAILED is set.
if [ "$rc" != 0 ]; then
	# shellcheck disable=SC2034 # read by rig_stop (lib.sh) on EXIT
	TAP_FAILED=1
	tap_diag "sink log: $RIG_SINK_LOG"
fi
exit "$rc"
