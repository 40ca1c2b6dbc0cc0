# Sourced by the filters whose tools need a file name, not a pipe: sets
# $input. Under the runner stdin is a memory file and /dev/stdin can be
# opened and re-read directly: no temporary file that a SIGKILL at the
# timeout would leave behind. From a pipe, stdin is copied to one.
if [ -f /dev/stdin ] && [ -r /dev/stdin ]; then
  input=/dev/stdin
else
  input=$(mktemp "${TMPDIR:-/tmp}/guichet-filter.XXXXXX")
  trap 'rm -f "$input"' EXIT
  trap 'exit 129' HUP INT TERM
  cat > "$input"
fi
