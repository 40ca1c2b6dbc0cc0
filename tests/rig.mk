# The test rig (tests/rig/): a private Dovecot and an SMTP sink on free
# ports of 127.0.0.1, for the integration tests, the README demo and the
# benchmarks.  Needs the Debian packages dovecot-core dovecot-imapd
# python3 python3-aiosmtpd openssl (see tests/rig/README).
dist_noinst_SCRIPTS += \
	tests/rig/rig.sh \
	tests/rig/smtp-sink.py \
	tests/rig/imap-tool.py \
	tests/rig/rigutil.py
dist_noinst_DATA += \
	tests/rig/lib.sh \
	tests/rig/README

TESTS += tests/integration/test-rig.sh
EXTRA_DIST += tests/integration/test-rig.sh
