#!/bin/sh
# Objects from GCC and Clang mix: builds some test programs with another compiler than
# the library's (go_frame arms its recovery point differently under each, with one buffer
# layout and one jump back; include/godefer.h) against the shared library, and runs them.
#   check_mixed.sh CC LIBDIR INCDIR TESTDIR WORKDIR
set -eu
cc=$1 libdir=$2 inc=$3 tests=$4 work=$5
mkdir -p "$work"
for t in test_recover test_fastpath test_goexit test_threads test_go_recover1; do
    "$cc" -O2 -g -Wall -Wextra -Werror -I"$inc" "$tests/$t.c" -o "$work/$t" \
        -L"$libdir" -lgodefer -lpthread -Wl,-rpath,"$libdir"
    "$work/$t" >"$work/$t.log" 2>&1 || { cat "$work/$t.log"; echo "$t ($cc) failed"; exit 1; }
done
echo "mixed compilers: test programs built with $cc pass against the library"
