#!/bin/bash
# The layering of doc/ARCHITECTURE.md, checked over every #include of
# src/ (TAP). Usage: check-layering.sh [SRC_DIR]; with no argument it
# checks the tree, then checks that it does catch a slip in a made-up one.
#
# Modules rank from the bottom up; a file may include its own module or
# one of a lower rank, never a module of its own rank (stages exchange
# core types, they do not call each other) or of a higher one. Each
# third-party library is included only by the module made for it.
set -u

rank_of() { # module -> rank (empty when unknown)
	case $1 in
	util) echo 0 ;;
	core) echo 1 ;;
	source | parse | unpack | classify | dossier | store | reply | send) echo 2 ;;
	isolate) echo 3 ;;
	pipeline) echo 4 ;;
	daemon) echo 5 ;;
	cli) echo 6 ;;
	.) echo 7 ;; # main.c and guichet-parse.c, the files at the top of src/
	esac
}

# Third-party header patterns and the only modules that may include them.
LIBRARY_RULES='
sqlite3\.h store
libetpan/ source
curl/ send
archive(_entry)?\.h unpack
gmime/ parse|reply
json-glib/ cli|.
magic\.h util
seccomp\.h util
linux/landlock\.h util
'

# module_of SRC FILE: the module of a file under SRC ("." for src/*.c).
module_of() {
	local rel=${2#"$1"/}
	case $rel in */*) echo "${rel%%/*}" ;; *) echo . ;; esac
}

# check_tree SRC: prints one line per slip; exit status 1 when any.
check_tree() {
	local src=$1 slips=0 file mod line target trank mrank header allowed
	while IFS= read -r file; do
		mod=$(module_of "$src" "$file")
		mrank=$(rank_of "$mod")
		if [ -z "$mrank" ]; then
			echo "$file: module $mod has no place in the layering"; slips=1; continue
		fi
		while IFS= read -r line; do
			target=$(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([a-z_]*\)\/.*/\1/p' <<<"$line")
			if [ -n "$target" ] && [ "$target" != "$mod" ]; then
				trank=$(rank_of "$target")
				if [ -z "$trank" ] || [ "$trank" -ge "$mrank" ]; then
					echo "$file: $mod includes $target (${line//[[:space:]]/ })"; slips=1
				fi
				if [[ "$line" == *-private.h* ]]; then
					echo "$file: includes another module's private header ($line)"; slips=1
				fi
			fi
			header=$(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*<\([^>]*\)>.*/\1/p' <<<"$line")
			[ -n "$header" ] || continue
			while read -r pattern allowed; do
				[ -n "$pattern" ] || continue
				if grep -Eq "^($pattern)" <<<"$header" && ! grep -Eqx "$allowed" <<<"$mod"; then
					echo "$file: <$header> belongs to ${allowed//|/ or }, not $mod"; slips=1
				fi
			done <<<"$LIBRARY_RULES"
		done < <(grep -E '^[[:space:]]*#[[:space:]]*include' "$file")
	done < <(find "$src" -name '*.[ch]' | sort)
	return $slips
}

if [ $# -gt 0 ]; then
	check_tree "$1"
	exit
fi

: "${GU_TOP_SRCDIR:=$(cd "$(dirname "$0")/.." && pwd)}"
echo "1..2"
if out=$(check_tree "$GU_TOP_SRCDIR/src"); then
	echo "ok 1 - every #include of src/ keeps to the layering"
else
	echo "not ok 1 - layering slips:"
	sed 's/^/# /' <<<"$out"
fi

# The check must be able to fail: a made-up tree with one slip of each kind.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/util" "$tmp/parse" "$tmp/store" "$tmp/pipeline"
printf '#include "pipeline/intake.h"\n' >"$tmp/util/up.c"
printf '#include "store/store.h"\n' >"$tmp/parse/sideways.c"
printf '#include <sqlite3.h>\n' >"$tmp/pipeline/sql.c"
printf '#include "parse/parse-private.h"\n' >"$tmp/pipeline/private.c"
printf '#include "core/types.h"\n#include <gmime/gmime.h>\n' >"$tmp/parse/fine.c"
want="$tmp/parse/sideways.c $tmp/pipeline/private.c $tmp/pipeline/sql.c $tmp/util/up.c"
got=$(check_tree "$tmp" | cut -d: -f1 | sort -u | tr '\n' ' ')
if [ "$got" = "$want " ]; then
	echo "ok 2 - the check finds an upward, a sideways, a library and a private-header slip"
else
	echo "not ok 2 - the check found: $got"
fi
