#!/bin/sh
# The archives that a -static link with these flags needs and the compiler does not find,
# one per line (none: all there).
#   missing_archives.sh CC FLAGS...
cc=$1
shift
for f in "$@"; do
    case $f in
    -l*) a=lib${f#-l}.a ;;
    *) continue ;;
    esac
    [ "$("$cc" -print-file-name="$a")" != "$a" ] || echo "$a"
done | sort -u
