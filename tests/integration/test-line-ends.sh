#!/bin/bash
# Bytes kept are bytes sent: attachments of messages that mix CRLF and LF
# line ends (headers, body lines, boundary lines) are stored, shown and
# certified in the receipt with the exact bytes and SHA-256 the applicant
# sent (GMime alone cuts the last bytes: see src/parse/parse-repair.c).
set -u
. "$GU_TOP_SRCDIR/tests/integration/common.sh"
gu_setup
M="$GU_TMP/mail"
sizes="2 3 65537"
tap_plan $((8 * 3 * 4))

# mkmix FILE SIZE HEAD BODY BOUND: one dossier message whose attachment
# holds SIZE bytes (kept as FILE.bin), written with the given line ends.
mkmix() {
	python3 - "$@" <<'PY'
import base64, sys
path, size, h, b, d = sys.argv[1], int(sys.argv[2]), *(("\r\n" if x == "crlf" else "\n") for x in sys.argv[3:6])
data = bytes((i * 7 + 3) % 256 for i in range(size))
open(path + ".bin", "wb").write(data)
b64 = base64.b64encode(data).decode()
lines = "".join(b64[i:i + 76] + b for i in range(0, len(b64), 76))
tag = "-".join(sys.argv[2:6])
msg = (f"From: Claire Martin <c-{tag}@tiers-lieu.example>{h}To: fabrique@example.org{h}"
       f"Subject: Candidature {tag}{h}Message-ID: <{tag}@tiers-lieu.example>{h}MIME-Version: 1.0{h}"
       f"Content-Type: multipart/mixed; boundary=\"b1\"{h}{h}"
       f"--b1{d}Content-Type: text/plain{h}{h}Bonjour, notre dossier.{b}"
       f"--b1{d}Content-Type: application/octet-stream; name=\"budget-etude.bin\"{h}"
       f"Content-Transfer-Encoding: base64{h}{h}{lines}--b1--{d}")
open(path, "wb").write(msg.encode())
PY
}

# piece FIELD REF: the first piece's field in `show --json`.
piece() { guichet show "$2" --json | python3 -c "import json,sys; print(json.load(sys.stdin)['pieces'][0]['$1'])"; }

# receipt_text REF: the decoded text of the reply queued for dossier REF.
receipt_text() {
	local sha
	sha=$(gu_sql "select o.raw_sha256 from outbox o join dossiers d on d.id = o.dossier_id where d.reference = '$1' order by o.id desc limit 1")
	python3 -c 'import email, sys; m = email.message_from_binary_file(open(sys.argv[1], "rb"))
print("".join(p.get_payload(decode=True).decode() for p in m.walk() if p.get_content_type() == "text/plain"))' \
		"$GU_TMP/state/blobs/sha256/${sha:0:2}/${sha:2:2}/$sha"
}

for h in crlf lf; do for b in crlf lf; do for d in crlf lf; do for n in $sizes; do
	f="$M/$n-$h-$b-$d.eml"
	mkmix "$f" "$n" "$h" "$b" "$d"
	want=$(sha256sum <"$f.bin" | cut -d' ' -f1)
	ref=$(guichet ingest --received 2020-02-14T10:12:00+01:00 "$f" | cut -d' ' -f1)
	what="$n bytes, headers $h, body $b, boundaries $d"
	tap_is "$(piece size "$ref")" "$n" "$what: size shown"
	tap_is "$(piece sha256 "$ref")" "$want" "$what: SHA-256 shown"
	got=$(piece sha256 "$ref")
	tap_ok 'cmp -s "$f.bin" "$GU_TMP/state/blobs/sha256/${got:0:2}/${got:2:2}/$got"' "$what: the stored blob holds the sent bytes"
	tap_ok 'receipt_text "$ref" | grep -q "$want"' "$what: the receipt certifies that SHA-256"
done; done; done; done
