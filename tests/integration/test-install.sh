#!/bin/bash
# `make install` into a staging folder: the program, the filters, the
# call file, the templates, the manual pages, the systemd unit with the
# configured paths, the sysusers.d and tmpfiles.d snippets, and an
# example configuration that a second install does not overwrite.
set -u
. "$GU_TOP_SRCDIR/tests/rig/lib.sh"
tap_plan 13
: "${MAKE:=make}"
dest=$(mktemp -d /tmp/guichet-install.XXXXXX)
trap 'rm -rf "$dest"' EXIT
install_once() { "$MAKE" -s -C "$GU_TOP_BUILDDIR" install DESTDIR="$dest" >"$dest.log" 2>&1; }
install_once
tap_is "$?" 0 "make install DESTDIR=…"
# where FILE-PATTERN: the one installed path that ends so, without $dest.
where() { local p; p=$(cd "$dest" && find . -path "*$1" | head -n 1); printf '%s' "${p#.}"; }
bin=$(where /bin/guichet)
bindir=${bin%/guichet}
conf=$(where /guichet/guichet.conf)
sysconfdir=${conf%/guichet/guichet.conf}
unit=$(where /systemd/system/guichet.service)
d="$dest"
tap_ok '[ -n "$bin" ] && [ -x "$d$bin" ]' "the program ($bin)"
tap_ok '[ -x "$d$(where /guichet/filters/pdf)" ] && [ -n "$(where /libexec/guichet/filters/filters.map)" ]' \
	"the filters and their map in libexecdir/guichet/filters"
tap_ok '[ -x "$d$(where /libexec/guichet/guichet-parse)" ] && [ ! -e "$d$bindir/guichet-parse" ]' \
	"the parse worker in libexecdir/guichet, not in PATH"
tap_ok '[ -n "$(where /share/guichet/schemas/fabrique-initiatives.call)" ]' "the call file in datadir/guichet/schemas"
tap_ok '[ -n "$(where /share/guichet/templates/fr/ack-new.txt)" ] && [ -n "$(where /share/guichet/templates/en/_decision.txt)" ]' \
	"the templates in datadir/guichet/templates"
tap_ok '[ -n "$(where /man5/guichet-call.5)" ] && [ -n "$(where /man1/guichet.1)" ]' "the manual pages"
tap_ok 'grep -qx "ExecStart=$bindir/guichet -c $sysconfdir/guichet/guichet.conf run" "$d$unit"' \
	"the unit runs the installed program with the installed configuration"
tap_ok '! grep -q "@[a-z]*@" "$d$unit" "$d$conf"' "no placeholder left"
users=$(where /sysusers.d/guichet.conf)
tmpfiles=$(where /tmpfiles.d/guichet.conf)
tap_ok 'grep -q "^u guichet " "$d$users" && grep -q "^d /.*/lib/guichet 0700 guichet" "$d$tmpfiles"' \
	"sysusers.d and tmpfiles.d snippets: the user, its state folder 0700"
state=$(sed -n 's/^d \([^ ]*\) .*/\1/p' "$d$tmpfiles")
tap_ok 'grep -qx "database = $state/guichet.db" "$d$conf"' "an example configuration with the installed paths"
echo "# mine" >>"$d$conf"
install_once
tap_ok 'tail -n 1 "$d$conf" | grep -qx "# mine"' "a second install leaves an existing configuration alone"
tap_is "$("$d$bin" --version)" "guichet $(sed -n 's/^PACKAGE_VERSION = //p' "$GU_TOP_BUILDDIR/Makefile")" \
	"--version prints the configured version"
tap_done
