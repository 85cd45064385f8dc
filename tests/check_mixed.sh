#!/bin/sh
# Objects from GCC and Clang mix: builds some test programs with another compiler than
# the library's (go_frame arms its recovery point in code each compiles itself, for one
# jump back in the library; include/godefer.h) against the shared library, and runs them.
# FLAGS: more compiler flags (e.g. -masm=intel: the header's assembly has both dialects;
# -O3 or -Os, after the default -O2).  With the library's own compiler it checks those.
#   check_mixed.sh CC LIBDIR INCDIR TESTDIR WORKDIR [FLAGS]
set -eu
cc=$1 libdir=$2 inc=$3 tests=$4 work=$5 flags=${6:-}
mkdir -p "$work"
for t in test_recover test_defer test_goexit test_threads test_go_recover1; do
    wrap= # test_defer counts mallocs (here only its own: the library is shared)
    [ "$t" = test_defer ] && wrap=-Wl,--wrap=malloc
    # shellcheck disable=SC2086
    "$cc" -O2 -g -Wall -Wextra -Werror $flags -I"$inc" "$tests/$t.c" -o "$work/$t" \
        -L"$libdir" -lgodefer -lpthread -Wl,-rpath,"$libdir" $wrap
    "$work/$t" >"$work/$t.log" 2>&1 || { cat "$work/$t.log"; echo "$t ($cc) failed"; exit 1; }
done
echo "test programs built with $cc $flags pass against the library"
