# Sourced by the text filters: utf8 FILE writes FILE as UTF-8. UTF-8
# (checked by iconv) passes as is, a UTF-16 byte order mark is honoured,
# anything else is taken as Windows-1252, the superset of Latin-1 that
# French Windows writes. Bytes undefined in 1252 are dropped (iconv -c
# then exits 1: not an error here).
utf8 () {
  case $(od -An -tx1 -N2 "$1" | tr -d ' \n') in
    fffe|feff) iconv -c -f UTF-16 -t UTF-8 "$1" || [ $? -eq 1 ] ;;
    *)
      if iconv -f UTF-8 -t UTF-8 "$1" >/dev/null 2>&1; then
        cat "$1"
      else
        iconv -c -f WINDOWS-1252 -t UTF-8 "$1" || [ $? -eq 1 ]
      fi ;;
  esac
}
