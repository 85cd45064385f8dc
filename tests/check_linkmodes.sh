#!/bin/sh
# Recovery in every link mode, and without the user's unwind tables (CTest link_shared,
# unwind_tables, link_static).  CC is the compiler under test; LIBDIR holds libgodefer.so
# and libgodefer.a.
#
#   check_linkmodes.sh CC LIBDIR INCDIR TESTDIR WORKDIR shared
#     tests/linkmodes: a shared library's recovering functions deferred by a program
#     built PIE, non-PIE (-no-pie -fno-pic: their addresses are the program's PLT
#     entries) and -fno-plt; a frame in the library deferring the program's function; a
#     module loaded with dlopen RTLD_LOCAL and RTLD_GLOBAL; each run with and without
#     LD_BIND_NOW=1, at -O0 and -O2.
#   check_linkmodes.sh CC LIBDIR INCDIR TESTDIR WORKDIR unwind
#     recovery test programs built without unwind tables: GCC's per-site thunks then
#     have none, and at -O1, -Og, with -finstrument-functions, -fstack-protector-all or
#     -fno-optimize-sibling-calls they make no tail call (-g: the tables go to
#     .debug_frame, which is not loaded; frame pointers on and off).  (At -O2 and above without unwind tables, a helper
#     the deferred function reaches by a tail call is not told apart from it: docs/api.md.)
#   check_linkmodes.sh CC LIBDIR INCDIR TESTDIR WORKDIR static "TRACE_PCS" [CFLAGS]
#     test programs linked -static with libgodefer.a and the archives of the trace
#     libraries (TRACE_PCS: their pkg-config names) and of what they need (pkg-config
#     --static).  Exits 77 (CTest: skipped) naming the archives that are missing.
set -eu
cc=$1 libdir=$2 inc=$3 tests=$4 work=$5 part=$6
mkdir -p "$work"
warn="-Wall -Wextra -Werror"

# build LOG COMMAND...: the compiler's output is shown only when it fails.
build() {
    log=$1
    shift
    "$@" >"$log" 2>&1 || { cat "$log"; echo "FAILED to build: $*"; exit 1; }
}

# check WHAT LOG COMMAND...: runs a test program; its output is shown when it fails.
check() {
    what=$1 log=$2
    shift 2
    "$@" >"$log" 2>&1 || { cat "$log"; echo "FAILED: $what"; exit 1; }
}

shared() {
    lm=$tests/linkmodes
    for opt in -O0 -O2; do
        d=$work/shared$opt
        mkdir -p "$d"
        build "$d/lib.log" "$cc" $opt -g $warn -fPIC -shared -I"$inc" "$lm/lm_lib.c" \
            -o "$d/liblm.so" -L"$libdir" -lgodefer -Wl,-rpath,"$libdir"
        build "$d/mod.log" "$cc" $opt -g $warn -fPIC -shared -I"$inc" "$lm/lm_mod.c" \
            -o "$d/lm_mod.so" -L"$d" -llm -L"$libdir" -lgodefer -Wl,-rpath,"$d:$libdir"
        for mode in pie nopie noplt; do
            case $mode in
            pie) flags="-fPIE -pie" ;;
            nopie) flags="-no-pie -fno-pic" ;;
            noplt) flags="-fno-plt" ;;
            esac
            p=$d/main_$mode
            # shellcheck disable=SC2086
            build "$p.build.log" "$cc" $opt -g $warn $flags -I"$inc" "$lm/lm_main.c" -o "$p" \
                -L"$d" -llm -L"$libdir" -lgodefer -lpthread -ldl -Wl,-rpath,"$d:$libdir"
            for how in local global now; do
                case $how in
                local) set -- ;;
                global) set -- LM_DLOPEN=global ;;
                now) set -- LD_BIND_NOW=1 ;;
                esac
                check "$cc $opt $flags, dlopen $how" "$p.$how.log" \
                    env LM_MODULE="$d/lm_mod.so" "$@" "$p"
            done
        done
    done
    echo "shared library recovery: PIE, non-PIE, -fno-plt, dlopen, LD_BIND_NOW at -O0 and -O2 ($cc)"
}

unwind() {
    # -finstrument-functions needs the profiling hooks, which users provide.
    printf '%s\n' '__attribute__((no_instrument_function)) void __cyg_profile_func_enter(void *f, void *c) { (void)f; (void)c; }' \
        '__attribute__((no_instrument_function)) void __cyg_profile_func_exit(void *f, void *c) { (void)f; (void)c; }' \
        >"$work/hooks.c"
    build "$work/hooks.log" "$cc" -O2 -c "$work/hooks.c" -o "$work/hooks.o"
    none="-fno-asynchronous-unwind-tables -fno-unwind-tables"
    row=0
    for flags in "-O1 $none" "-Og -g $none" "-O2 -fno-optimize-sibling-calls $none -fno-exceptions" \
        "-O1 -fstack-protector-all -fno-omit-frame-pointer $none" "-O1 -finstrument-functions $none"; do
        row=$((row + 1))
        d=$work/unwind$row
        mkdir -p "$d"
        for t in test_recover test_go_recover test_go_recover1 test_defer; do
            wrap= # test_defer counts mallocs (here only its own: the library is shared)
            [ "$t" = test_defer ] && wrap=-Wl,--wrap=malloc
            # shellcheck disable=SC2086
            build "$d/$t.build.log" "$cc" $flags $warn -I"$inc" "$tests/$t.c" "$work/hooks.o" \
                -o "$d/$t" -L"$libdir" -lgodefer -lpthread -Wl,-rpath,"$libdir" $wrap
            check "$t ($cc $flags)" "$d/$t.log" "$d/$t"
        done
    done
    echo "recovery without unwind tables: $row flag sets ($cc)"
}

static() {
    pcs=$1 cflags=$2
    libs=""
    [ -z "$pcs" ] || libs=$(pkg-config --static --libs $pcs)
    # shellcheck disable=SC2086
    miss=$(sh "$tests/missing_archives.sh" "$cc" $libs -lc -lpthread -ldl | tr '\n' ' ')
    if [ -n "$miss" ]; then
        echo "SKIPPED: a -static link needs $miss(Debian: libc6-dev, and for the trace"
        echo "libraries libdw-dev libelf-dev zlib1g-dev liblzma-dev libbz2-dev libunwind-dev)"
        exit 77
    fi
    for t in linkmodes/lm_static test_recover test_go_recover test_report test_threads test_fault \
        test_goexit; do
        p=$work/$(basename "$t")
        # shellcheck disable=SC2086
        build "$p.build.log" "$cc" -O2 -g -static $warn $cflags -I"$inc" "$tests/$t.c" \
            -o "$p" "$libdir/libgodefer.a" -lgcc_eh $libs -lpthread -ldl # libgcc's unwinder, not libunwind's (src/unwind.c)
        check "$t ($cc -static)" "$p.log" "$p"
    done
    # Without -g: the report must not borrow a line from the archives' debug information.
    p=$work/lm_static_nog
    # shellcheck disable=SC2086
    build "$p.build.log" "$cc" -O2 -static -DLM_NO_DEBUG_INFO $warn $cflags -I"$inc" \
        "$tests/linkmodes/lm_static.c" -o "$p" "$libdir/libgodefer.a" -lgcc_eh $libs -lpthread -ldl
    check "linkmodes/lm_static without -g ($cc -static)" "$p.log" "$p"
    echo "-static programs pass ($cc${pcs:+, with $pcs})"
}

case $part in
shared) shared ;;
unwind) unwind ;;
static) static "${7:-}" "${8:-}" ;;
*) echo "check_linkmodes.sh: unknown part $part" >&2; exit 2 ;;
esac
