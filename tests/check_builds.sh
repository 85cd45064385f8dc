#!/bin/sh
# The build-configuration tier: godefer lands in user code (go_frame's go__setjmp, the
# inline paths, GCC's thunks), so it must work under the flags users build with.  Each
# row builds some test programs with CC and the row's flags (plus -g -Wall -Wextra
# -Werror) against the static library, and runs them.
#   check_builds.sh --list CC          the rows that apply to CC, one a line (ROW or ROW:known)
#   check_builds.sh CC ROW LIB INCDIR TESTDIR WORKDIR "LIBS" "DEFS" [CXX]
# LIB is libgodefer.a, LIBS what it needs at link time, DEFS -D flags for the programs;
# with CXX (the C++ compiler of CC's family), the rows also build the C++ API's tests.
# Exit status 77 (CTest: Skipped) when the row needs a tool that is missing.  A known
# failure (known_failing below) exits 0 after saying how it failed, and its CTest entry
# is named build_<row>_KNOWN_FAILURE; once it passes, it fails until its line is deleted.
set -eu

# What recovers, in what order the calls run, misuse, threads, faults and the crash report.
tests="test_recover test_defer test_misuse test_goexit test_go_recover test_go_recover1
test_report test_fault test_threads"
# With CXX: godefer.hpp's tests (C++17), and the C library called through C++ frames
# (test_cxx: its C parts with CC, the C++ frames with CXX), under the same flags.
cxx_tests="cxx/test_hpp cxx/test_cxx"

# name  compilers  proof  flags
# proof, that the flag took effect: a symbol the programs must reference, file:GLOB a
# file they must leave in their directory, or - for none.
# @dpkg: dpkg-buildflags' CPPFLAGS, CFLAGS and LDFLAGS (DEB_BUILD_MAINT_OPTIONS from the
# rest of the line).  Rows without -O get -O2, before the row's flags.
rows() {
    cat <<'EOF'
O0              any    -                          -O0
O1              any    -                          -O1
O2              any    -                          -O2
O3              any    -                          -O3
Os              any    -                          -Os
Og              any    -                          -Og
ssp_all         any    __stack_chk_fail           -fstack-protector-all
ssp_strong      any    __stack_chk_fail           -fstack-protector-strong
ssp_all_fp      any    __stack_chk_fail           -fstack-protector-all -fno-omit-frame-pointer
ssp_strong_fp   any    __stack_chk_fail           -fstack-protector-strong -fno-omit-frame-pointer
instrument      any    __cyg_profile_func_enter   -finstrument-functions
pg              any    mcount                     -pg
coverage        gcc    __gcov_init                --coverage
coverage        clang  llvm_gcda_start_file       --coverage
profile_instr   clang  file:*.profraw             -fprofile-instr-generate
sancov_pc       any    __sanitizer_cov_trace_pc   -fsanitize-coverage=trace-pc
sancov_guard    clang  __sanitizer_cov_trace_pc_guard -fsanitize-coverage=trace-pc-guard
cf_protection   any    -                          -fcf-protection=full
stack_clash     any    -                          -fstack-clash-protection
auto_init       any    -                          -ftrivial-auto-var-init=pattern
zero_regs       gcc    -                          -fzero-call-used-regs=all
patchable       any    -                          -fpatchable-function-entry=16,8
lto             gcc    -                          -flto
lto             clang  -                          -flto -fuse-ld=lld
lto_gold        clang  -                          -flto -fuse-ld=gold
omit_fp         any    -                          -fomit-frame-pointer
no_omit_fp      any    -                          -fno-omit-frame-pointer
no_unwind       any    -                          -fno-asynchronous-unwind-tables -fno-unwind-tables
no_unwind_O1    any    -                          -O1 -fno-asynchronous-unwind-tables -fno-unwind-tables
no_unwind_Og    any    -                          -Og -fno-asynchronous-unwind-tables -fno-unwind-tables
no_unwind_fp    any    -                          -fno-asynchronous-unwind-tables -fno-unwind-tables -fno-omit-frame-pointer
no_pie          any    -                          -no-pie -fno-pic
fexceptions     any    _Unwind_Resume             -fexceptions
fexceptions_O0  any    _Unwind_Resume             -O0 -fexceptions
debian          any    __stack_chk_fail           @dpkg
debian_all      any    __stack_chk_fail           @dpkg hardening=+all
hardened        any    __stack_chk_fail           -fstack-protector-strong -D_FORTIFY_SOURCE=2 -fcf-protection -Wl,-z,relro -Wl,-z,now -fPIE -pie
debug_ssp       any    __stack_chk_fail           -O0 -fno-omit-frame-pointer -fstack-protector-all
O3_lto_cet      gcc    -                          -O3 -flto -fcf-protection=full
O3_lto_cet      clang  -                          -O3 -flto -fuse-ld=lld -fcf-protection=full
Os_embedded     any    -                          -Os -fno-asynchronous-unwind-tables -fno-unwind-tables -no-pie -fno-pic
profiling       any    mcount                     -pg --coverage -fno-omit-frame-pointer
Og_instrument   any    __cyg_profile_func_enter   -Og -finstrument-functions -fstack-protector-strong
EOF
}

# KNOWN FAILURES, the one place where a row may fail without failing the tier: compiler,
# row, the programs that fail (comma-separated), why.  Such a row still runs (CTest:
# build_<row>_KNOWN_FAILURE, its log says how they failed); a program not listed that
# fails, or a listed one that passes, fails the row until the list says so.
known_failing() {
    cat <<'EOF'
gcc no_unwind      test_goexit,test_report,test_fault  traces stop after one frame without the user's unwind tables
gcc no_unwind      test_recover,test_go_recover  recover() in a tail-called helper at -O2 without unwind tables (documented, docs/api.md)
clang no_unwind    test_goexit,test_report,test_fault  traces stop after one frame without the user's unwind tables
clang no_unwind    test_recover,test_go_recover  recover() in a tail-called helper at -O2 without unwind tables (documented, docs/api.md)
gcc Os_embedded    test_goexit,test_report,test_fault  traces stop after one frame without the user's unwind tables
gcc Os_embedded    test_recover,test_go_recover  recover() in a tail-called helper at -Os without unwind tables (documented, docs/api.md)
clang Os_embedded  test_goexit,test_report,test_fault  traces stop after one frame without the user's unwind tables
clang Os_embedded  test_recover,test_go_recover  recover() in a tail-called helper at -Os without unwind tables (documented, docs/api.md)
gcc no_unwind_O1   test_goexit,test_report,test_fault  traces stop after one frame without the user's unwind tables
clang no_unwind_O1 test_goexit,test_report,test_fault  traces stop after one frame without the user's unwind tables
gcc no_unwind_Og   test_goexit,test_report,test_fault  traces stop after one frame without the user's unwind tables
clang no_unwind_Og test_goexit,test_report,test_fault  traces stop after one frame without the user's unwind tables
gcc no_unwind_fp   test_recover,test_go_recover  recover() in a tail-called helper at -O2 without unwind tables (documented, docs/api.md)
clang no_unwind_fp test_recover,test_go_recover  recover() in a tail-called helper at -O2 without unwind tables (documented, docs/api.md)
gcc no_unwind_fp   test_fault  a fault after pop %rbp (GCC puts deref_nil's load there) without unwind tables: the frame-pointer walk drops the caller (documented, docs/api.md)
clang no_unwind_fp test_fault  a fault after pop %rbp (report_nil_popped) without unwind tables: the frame-pointer walk drops the caller (documented, docs/api.md)
EOF
    for kind in gcc clang; do
        for row in no_unwind no_unwind_O1 no_unwind_Og no_unwind_fp Os_embedded; do
            echo "$kind $row test_cxx  a recovery through C++ frames unwinds the C frames too, which needs their unwind tables (a fatal error; documented, docs/api.md)"
        done
    done
    for row in "gcc lto" "clang lto" "clang lto_gold" "gcc O3_lto_cet" "clang O3_lto_cet"; do
        echo "$row test_cxx  LTO sees that C built without -fexceptions cannot throw and drops the cleanups of C++ frames that call it directly (cxx_calls_c; documented, docs/api.md)"
    done
}

compiler_of() { # gcc or clang
    if "$1" -dM -E -x c /dev/null | grep -q __clang__; then echo clang; else echo gcc; fi
}

# The rows for this compiler: "name proof flags" lines.
rows_for() {
    rows | while read -r name comp proof flags; do
        [ "$comp" = any ] || [ "$comp" = "$1" ] && echo "$name $proof $flags"
    done
}

if [ "$1" = --list ]; then
    kind=$(compiler_of "$2")
    rows_for "$kind" | while read -r name _; do
        if known_failing | grep -qE "^$kind +$name "; then echo "$name:known"; else echo "$name"; fi
    done
    exit 0
fi

cc=$1 row=$2 lib=$3 inc=$4 testdir=$5 work=$6 libs=$7 defs=$8 cxx=${9:-}
[ -n "$cxx" ] || cxx_tests=""
kind=$(compiler_of "$cc")
line=$(rows_for "$kind" | grep "^$row " || true)
[ -n "$line" ] || { echo "check_builds.sh: no row $row for $kind" >&2; exit 1; }
set -f # split the row into words, but expand no file:GLOB here
# shellcheck disable=SC2086
set -- $line
set +f
proof=$2
shift 2
flags=$*

skip() { echo "SKIPPED $kind/$row: $*"; exit 77; }
case $flags in
@dpkg*)
    command -v dpkg-buildflags >/dev/null || skip "needs dpkg-buildflags (Debian package dpkg-dev)"
    export DEB_BUILD_MAINT_OPTIONS="${flags#@dpkg}"
    flags="$(dpkg-buildflags --get CPPFLAGS) $(dpkg-buildflags --get CFLAGS) $(dpkg-buildflags --get LDFLAGS)"
    ;;
esac
case $flags in
*-fuse-ld=lld*) command -v ld.lld >/dev/null || skip "needs ld.lld (Debian package lld)" ;;
*-fprofile-instr-generate* | *-fsanitize-coverage* | *--coverage*) # Clang's runtimes
    [ "$kind" = gcc ] || [ -e "$("$cc" -print-runtime-dir)/libclang_rt.profile-x86_64.a" ] ||
        skip "needs Clang's runtime libraries (Debian package libclang-rt-dev)" ;;
*-fuse-ld=gold*) # Clang loads the plugin from its own lib directory
    [ -e "$(dirname "$(readlink -f "$(command -v "$cc")")")/../lib/LLVMgold.so" ] ||
        skip "needs the LLVM gold plugin (Debian package llvm-14-linker-tools, a dependency of clang-14)"
    ;;
esac
case " $flags " in
*" -O"*) opt= ;;
*) opt=-O2 ;;
esac

dir=$work/$kind-$row
rm -rf "$dir"
mkdir -p "$dir"
cd "$dir" # where gmon.out, *.profraw and the like go
echo "$kind/$row: $cc $opt $flags"
base="-g -Wall -Wextra -Werror"
# shellcheck disable=SC2086
"$cc" -O2 $base -c "$testdir/instrument_hooks.c" -o hooks.o

# Clang's -fsanitize-coverage links the UBSan runtime, whose SIGSEGV handler would come
# before godefer's (a fault that godefer does not convert goes to the handler that was
# there before it, as documented): the programs check godefer's own reports.
export UBSAN_OPTIONS=handle_segv=0:handle_sigbus=0:handle_sigfpe=0
# test_threads repeats its exit races for 8 s each; the tiers do that, a row checks its flags.
export GODEFER_TEST_RACE_SECONDS=1
# A C++ toolchain that cannot link a plain std::string program under the row's flags (Clang
# 14's -finstrument-functions with libstdc++ 12: LLVM issue 50742) leaves the C++ tests out.
if [ -n "$cxx_tests" ]; then
    printf '#include <string>\nint main(int c, char **v) { return (int)std::string(v[0]).size() - c; }\n' >plain.cpp
    # shellcheck disable=SC2086
    $cxx -std=c++17 $opt $flags plain.cpp hooks.o -o plain >plain.log 2>&1 || {
        echo "  C++ tests left out: $cxx cannot link a program without godefer under these flags:"
        grep -m 3 -E 'error|undefined' plain.log | sed 's/^/    /'
        cxx_tests=""
    }
fi
trace=
case $proof in -|file:*) ;; *) trace="-Wl,-y,$proof" ;; esac
# The row's link flags (-no-pie, -Wl,...) are unused where a part is only compiled.
nolink=
[ "$kind" = gcc ] || nolink=-Wno-unused-command-line-argument
# build PATH T: test program T of tests/PATH.c (or .cpp), the row's flags on every part.
# shellcheck disable=SC2086
build() {
    case $1 in
    cxx/test_cxx) # as tests/CMakeLists.txt, CXX links; nocfi.c (without unwind information)
        # out of LTO, which would inline it or give it the link's tables; cxx_fault.cpp, whose
        # outcome depends on its code layout, with the tiers' flags, not the row's
        for v in plain plain_O0 nce nce_O0; do
            o=; case $v in *_O0) o=-O0 ;; esac
            case $v in nce*) o="$o -fnon-call-exceptions" ;; esac
            $cxx -std=c++17 -O2 $base $o -DCXX_FAULT="cxx_fault_$v" \
                -c "$testdir/cxx/cxx_fault.cpp" -o "cxx_fault_$v.o" || return 1
        done
        $cxx -std=c++17 $opt $base $flags $nolink -c "$testdir/cxx/cxx_frames.cpp" -o cxx_frames.o &&
            $cc $opt $base $flags $nolink -fno-lto -fno-exceptions -fno-asynchronous-unwind-tables \
                -fno-unwind-tables -c "$testdir/cxx/nocfi.c" -o nocfi.o &&
            $cc $opt $base $flags $nolink $defs -I"$inc" -c "$testdir/$1.c" -o "$2.o" &&
            $cxx $opt $base $flags -rdynamic "$2.o" cxx_frames.o cxx_fault_*.o nocfi.o hooks.o \
                "$lib" $libs $trace -o "$2" ;;
    cxx/*) $cxx -std=c++17 $opt $base $flags $defs -I"$inc" "$testdir/$1.cpp" hooks.o "$lib" \
        $libs -Wl,--wrap=malloc $trace -o "$2" ;; # test_hpp counts mallocs
    *) extra=
        [ "$2" = test_defer ] && extra=-Wl,--wrap=malloc # it counts mallocs
        $cc $opt $base $flags $defs -I"$inc" "$testdir/$1.c" hooks.o "$lib" $libs $extra $trace -o "$2" ;;
    esac
}
failed=""
for path in $tests $cxx_tests; do
    t=${path##*/}
    if ! build "$path" "$t" >"$t.build" 2>&1; then
        echo "  $t: build failed"
        sed 's/^/    /' "$t.build" | head -n 40
        failed="$failed $t"
        continue
    fi
    case $proof in -|file:*) ;; *)
        if ! grep "reference to $proof" "$t.build" | grep -qv hooks.o; then
            echo "  $t: nothing references $proof: $flags took no effect"
            failed="$failed $t"
            continue
        fi ;;
    esac
    status=0
    timeout 30 "./$t" >"$t.log" 2>&1 || status=$?
    if [ $status -ne 0 ]; then
        echo "  $t: exit status $status"
        grep -v '^ok ' "$t.log" | head -n 60 | sed 's/^/    /'
        failed="$failed $t"
    fi
done

# The optimization rows also compile what users copy: the README's and docs' snippets
# (tests/idioms.c) and the examples, which must be warning-free.
case $row in O[0-3s] | Og)
    for src in "$testdir/idioms.c" "$testdir"/../examples/ex_*.c; do
        # shellcheck disable=SC2086
        "$cc" $flags $base -I"$inc" -c "$src" -o idiom.o >idiom.log 2>&1 || {
            echo "  $src: warnings or errors"
            sed 's/^/    /' idiom.log | head -n 40
            failed="$failed $(basename "$src")"
        }
    done ;;
esac

case $proof in file:*)
    # shellcheck disable=SC2086
    ls ${proof#file:} >/dev/null 2>&1 || { echo "  no ${proof#file:} written: $flags took no effect"; failed="$failed (proof)"; } ;;
esac

# The programs known_failing lists for this row, and whether exactly they failed.
known=$(known_failing | grep -E "^$kind +$row " || true)
[ -z "$known" ] || echo "$known" | sed -E 's/^[^ ]+ +[^ ]+ +[^ ]+ +//; s/^/  known: /'
want=$(echo "$known" | awk '{print $3}' | tr ',' '\n' | grep . | sort -u | tr '\n' ' ')
got=$(echo "$failed" | tr ' ' '\n' | grep . | sort -u | tr '\n' ' ')
if [ "$got" = "$want" ]; then
    [ -z "$known" ] && echo "$kind/$row: all programs built and passed" ||
        echo "KNOWN FAILURE $kind/$row: $got"
    exit 0
fi
[ -z "$known" ] || echo "$kind/$row: failed: ${got:-none}; known_failing in tests/check_builds.sh lists: $want"
echo "FAILED $kind/$row:$failed"
exit 1
