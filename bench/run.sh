#!/bin/sh
# Runs every benchmark program and every peer in one run on this machine, interleaved,
# and prints one table of ratios (docs/performance.md).
#
#   sh bench/run.sh BUILD_DIR          (make bench: BUILD_DIR=build/bench, Release)
#
# Peers are built here from what is installed (Debian packages; nothing is installed):
#   golang-go (go test -bench), gccgo-12 (go test -compiler gccgo), g++ (-O2),
#   liblua5.4-dev + pkg-config, valgrind (instruction counts), gnuplot (the chart).
# A missing peer is skipped with a note.  Environment:
#   ROUNDS=3    rounds; each round runs every program once, in a rotating order
#   REPS=5      timed repetitions per case inside a program (min and median kept)
#   MS=5        target milliseconds per repetition
#   CALLGRIND=1 set to 0 to skip the instruction counts
# Output: bench/results/{raw,results,table}.{tsv,csv}, callgrind.csv, depth.png.
set -eu
B=${1:-build/bench}
SRC=$(cd "$(dirname "$0")" && pwd)
OUT=$SRC/results
ROUNDS=${ROUNDS:-3}
REPS=${REPS:-5}
MS=${MS:-5}
CALLGRIND=${CALLGRIND:-1}
PEERS=$B/peers
mkdir -p "$OUT" "$PEERS"
: >"$OUT/raw.tsv"
note() { echo "run.sh: $*" >&2; }

# ---- build the peers -----------------------------------------------------------------
progs="$B/bench/bench_godefer $B/bench/bench_floor $B/bench/bench_coro"
for p in $progs; do [ -x "$p" ] || { note "missing $p (build $B first)"; exit 1; }; done
if [ -x "$B/bench/bench_hpp" ]; then progs="$progs $B/bench/bench_hpp" # godefer.hpp's rows
else note "no bench_hpp (no C++ compiler in the build): no godefer.hpp rows"; fi
if command -v g++ >/dev/null 2>&1; then
    g++ -O2 -std=gnu++17 -o "$PEERS/bench_cxx" "$SRC/bench_cxx.cpp" -lpthread
    progs="$progs $PEERS/bench_cxx"
else note "g++ not found: no C++ column"; fi
if pkg-config --exists lua5.4 2>/dev/null; then
    # shellcheck disable=SC2046
    cc -O2 -o "$PEERS/bench_lua" "$SRC/bench_lua.c" $(pkg-config --cflags --libs lua5.4) -lpthread
    progs="$progs $PEERS/bench_lua"
else note "lua5.4 (liblua5.4-dev) not found: no Lua column"; fi
gotests=""
export GOFLAGS=-mod=mod GOCACHE="$PWD/$PEERS/gocache" GOPATH="$PWD/$PEERS/gopath" GOTOOLCHAIN=local
if command -v go >/dev/null 2>&1; then
    (cd "$SRC/go" && go test -c -o "$OLDPWD/$PEERS/bench_go.test" .) && gotests="go"
    GCCGO_BIN=$(command -v gccgo || command -v gccgo-12 || true)
    if [ -n "$GCCGO_BIN" ]; then
        if (cd "$SRC/go" && GCCGO=$GCCGO_BIN go test -vet=off -compiler gccgo -gccgoflags=-O2 -c \
                -o "$OLDPWD/$PEERS/bench_gccgo.test" .) 2>"$PEERS/gccgo.log"; then
            gotests="$gotests gccgo"
        else note "gccgo build failed (see $PEERS/gccgo.log): no gccgo column"; fi
    else note "gccgo not found: no gccgo column"; fi
else note "go not found: no Go columns"; fi

# ---- run: rounds, interleaved --------------------------------------------------------
# Go's output "BenchmarkG/loop100-2  N  123 ns/op" becomes "impl case ns ns 1" per line;
# per-case units (loopN: N pending calls per operation) are divided out here.
go_parse() {
    awk -v impl="$1" '
    /^MEM\t/ { printf "%s\t%s\t%s\t%s\tbytes\n", impl, $2, $3, $3; next }
    /^Benchmark(G|MT)\// && / ns\/op/ {
        name = $1; sub(/^Benchmark/, "", name)
        cpu = 1; if (match(name, /-[0-9]+$/)) { cpu = substr(name, RSTART + 1); name = substr(name, 1, RSTART - 1) }
        grp = name; sub(/\/.*/, "", grp); c = name; sub(/^[^\/]*\//, "", c)
        for (i = 1; i <= NF; i++) if ($(i + 1) == "ns/op") ns = $i
        if (grp == "MT") c = "mt_" c "_" cpu "t"
        u = 1; if (c ~ /^loop[0-9]+$/) { u = substr(c, 5) + 0 }
        printf "%s\t%s\t%.3f\t%.3f\t1\n", impl, c, ns / u, ns / u
    }'
}
run_go() { # impl
    t=$PEERS/bench_$1.test
    cnt=$REPS
    "$t" -test.run '^$' -test.bench '^BenchmarkG$' -test.benchtime "${MS}0ms" -test.count "$cnt" -test.cpu 1 | go_parse "$1"
    "$t" -test.run '^$' -test.bench '^BenchmarkMT$' -test.benchtime "${MS}0ms" -test.count "$cnt" -test.cpu 1,2 | go_parse "$1"
}
set -- $progs $gotests
n=$#
r=1
while [ "$r" -le "$ROUNDS" ]; do
    note "round $r of $ROUNDS"
    # rotate the order each round so that no program always runs first (or after Go)
    s=$(( (r - 1) % n ))
    j=0
    for p in "$@" "$@"; do
        j=$((j + 1))
        [ "$j" -le "$s" ] && continue
        [ "$j" -gt $((s + n)) ] && break
        case $p in
            go|gccgo) run_go "$p" ;;
            *) "$p" --reps "$REPS" --ms "$MS" ;;
        esac | awk -v r="$r" '{ print r "\t" $0 }' >>"$OUT/raw.tsv"
    done
    r=$((r + 1))
done
# memory rows from Go
for g in $gotests; do
    "$PEERS/bench_$g.test" -test.run '^TestMemory$' -test.v 2>/dev/null | go_parse "$g" |
        awk '{ print "0\t" $0 }' >>"$OUT/raw.tsv" || true
done

# ---- aggregate: per (impl, case) the minimum of the minima, the median of the minima ---
awk -F'\t' '
{ k = $3 "\t" $2; if ($6 == "bytes") { mem[k] = $4; next }
  n[k]++; v[k, n[k]] = $4 + 0; if (!(k in best) || $4 + 0 < best[k]) best[k] = $4 + 0 }
END {
  print "case\timpl\tmin_ns\tmedian_ns\truns"
  for (k in n) {
    m = n[k]; for (i = 1; i <= m; i++) a[i] = v[k, i]
    for (i = 2; i <= m; i++) { x = a[i]; for (j = i - 1; j >= 1 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
    med = (m % 2) ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
    printf "%s\t%.3f\t%.3f\t%d\n", k, best[k], med, m
  }
  for (k in mem) printf "%s\t%s\t%s\tbytes\n", k, mem[k], mem[k]
}' "$OUT/raw.tsv" | sort -t'	' -k1,1 -k2,2 >"$OUT/results.tsv"
tr '\t' ',' <"$OUT/results.tsv" >"$OUT/results.csv"

# ---- instruction counts (callgrind): Ir per unit, warm, for the C and C++ programs -----
: >"$OUT/callgrind.tsv"
if [ "$CALLGRIND" = 1 ] && command -v valgrind >/dev/null 2>&1; then
    note "callgrind"
    cg=$PEERS/cg
    for p in $progs; do
        rm -rf "$cg" && mkdir -p "$cg"
        valgrind --tool=callgrind --callgrind-out-file="$cg/out.%p" "$p" --callgrind \
            >/dev/null 2>"$cg/log" || { note "callgrind failed for $p"; continue; }
        for f in "$cg"/out.*.*; do
            [ -f "$f" ] || continue
            awk '/^desc: Trigger: Client Request: / { sub(/^desc: Trigger: Client Request: /, ""); impl = $1; c = $2; u = $3 }
                 /^(summary|totals): / { ir = $2 }
                 END { if (u > 0) printf "%s\t%s\t%.1f\n", c, impl, ir / u }' "$f" >>"$OUT/callgrind.tsv"
        done
    done
    sort -o "$OUT/callgrind.tsv" "$OUT/callgrind.tsv"
fi
tr '\t' ',' <"$OUT/callgrind.tsv" >"$OUT/callgrind.csv"

# ---- the table -----------------------------------------------------------------------
awk -F'\t' -v cgfile="$OUT/callgrind.tsv" '
BEGIN {
  while ((getline l < cgfile) > 0) { split(l, cf, "\t"); ir[cf[1], cf[2]] = cf[3] }
  ncases = split("nodefer frame0 frame0_hpp defer1 defer1_hpp defer1_stack defer1_heap defer8 defer8_hpp loop10 loop100 loop10000 " \
    "panic0 panic_d1 panic_d2 panic_d5 panic_d10 panic_d20 panic_d50 panic_d100 panic_unwind_d1 panic_unwind_d10 panic_unwind_d100 panic_d1_hpp panic_d10_hpp " \
    "panic_defer_d1 panic_defer_d2 panic_defer_d5 panic_defer_d10 panic_defer_d20 panic_defer_d50 panic_defer_d100 " \
    "fault_recover go_join mt_panic_d1_1t mt_panic_d1_2t mem_defer_slot mem_defer_pool mem_frame mem_goroutine", order, " ")
}
NR > 1 { v[$1, $2] = $3; has[$2] = 1 }
function floor(c) {
  if (c == "nodefer") return "call"
  if (c ~ /^defer/) return "cleanup"
  if (c ~ /^loop/) return "stackrec"
  if (c ~ /^panic/) return "bsetjmp"
  if (c == "fault_recover") return "sigjmp"
  if (c == "go_join") return "pthread"
  return ""
}
# The row of the peers for a godefer-only variant: a recovery that unwinds (panic_unwind_dN)
# and the godefer.hpp rows compare with the plain rows of the peers (C++ throw/catch, Go).
function peer(c) { sub(/^panic_unwind_/, "panic_", c); sub(/_hpp$/, "", c); return c }
function cell(x) { return x == "" ? "-" : x }
function ratio(a, b) { return (a == "" || b == "" || b + 0 == 0) ? "-" : sprintf("%.3f", a / b) }
END {
  goc = ("go" in has) ? "go" : ""; ccc = ("gccgo" in has) ? "gccgo" : ""
  printf "%-17s %9s %9s %9s %9s %9s %9s %9s | %7s %7s %7s %7s %7s | %8s\n", "case (ns, min)", "godefer", "go", "gccgo", "c++", "lua", "floor", "setjmp", "/go", "/gccgo", "/c++", "/lua", "/floor", "godef Ir"
  print "case,godefer,go,gccgo,c++,lua,floor,floor_impl,setjmp,godefer/go,godefer/gccgo,godefer/c++,godefer/lua,godefer/floor,godefer_Ir,floor_Ir,c++_Ir" > "/dev/stderr"
  for (i = 1; i <= ncases; i++) {
    c = order[i]; pc = peer(c); fl = floor(pc); g = v[c, "godefer"]
    if (g == "" && v[c, "go"] == "") continue
    f = fl == "" ? "" : v[pc, fl]
    printf "%-17s %9s %9s %9s %9s %9s %9s %9s | %7s %7s %7s %7s %7s | %8s\n", c, cell(g), cell(v[pc, "go"]), cell(v[pc, "gccgo"]), cell(v[pc, "c++"]), cell(v[pc, "lua"]), cell(f), cell(v[pc, "setjmp"]), ratio(g, v[pc, "go"]), ratio(g, v[pc, "gccgo"]), ratio(g, v[pc, "c++"]), ratio(g, v[pc, "lua"]), ratio(g, f), cell(ir[c, "godefer"])
    printf "%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n", c, g, v[pc, "go"], v[pc, "gccgo"], v[pc, "c++"], v[pc, "lua"], f, fl, v[pc, "setjmp"], ratio(g, v[pc, "go"]), ratio(g, v[pc, "gccgo"]), ratio(g, v[pc, "c++"]), ratio(g, v[pc, "lua"]), ratio(g, f), ir[c, "godefer"], (fl == "" ? "" : ir[pc, fl]), ir[pc, "c++"] > "/dev/stderr"
  }
}' "$OUT/results.tsv" 2>"$OUT/table.csv" | tee "$OUT/table.txt"
s1=$(awk -F'\t' '$1 == "mt_panic_d1_1t" && $2 == "godefer" { print $3 }' "$OUT/results.tsv")
s2=$(awk -F'\t' '$1 == "mt_panic_d1_2t" && $2 == "godefer" { print $3 }' "$OUT/results.tsv")
[ -n "$s1" ] && [ -n "$s2" ] && awk -v a="$s1" -v b="$s2" 'BEGIN { printf "two threads: godefer throughput x%.2f of one thread\n", a / b }' | tee -a "$OUT/table.txt"
# coroutines: go_coro's resume + yield round trip against Boost.Context, swapcontext,
# Lua's lua_resume + lua_yield and Go's unbuffered-channel ping-pong of two goroutines
awk -F'\t' '$1 == "coro_switch" { v[$2] = $3 } $1 == "g_switch" && $2 == "godefer" { gs = $3 }
$1 == "mem_coro" { mem = $3 }
END {
  if (!("godefer" in v)) exit
  printf "coroutines: go_coro round trip %.2f ns", v["godefer"]
  if ("fcontext" in v) printf "; jump_fcontext %.2f ns (%+.2f ns)", v["fcontext"], v["godefer"] - v["fcontext"]
  if ("swapcontext" in v) printf "; swapcontext %.2f ns (x%.3f)", v["swapcontext"], v["godefer"] / v["swapcontext"]
  if ("lua" in v) printf "; Lua resume+yield %.2f ns (x%.3f)", v["lua"], v["godefer"] / v["lua"]
  if ("go" in v) printf "; Go channel ping-pong %.2f ns (x%.3f)", v["go"], v["godefer"] / v["go"]
  if (gs != "") printf "; go_g_switch %.2f ns", gs
  if (mem != "") printf "; %s bytes per coroutine besides its stack", mem
  printf "\n"
}' "$OUT/results.tsv" | tee -a "$OUT/table.txt"
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $(nproc) cpus, $(uname -r); $(cc --version | head -n1)" | tee -a "$OUT/table.txt"

# ---- the chart: cost against depth ---------------------------------------------------
if command -v gnuplot >/dev/null 2>&1; then
    for im in godefer go c++ bsetjmp; do
        for kind in panic panic_defer; do
            awk -F'\t' -v im="$im" -v k="$kind" '$2 == im && $1 ~ ("^" k "_d[0-9]+$") {
                d = $1; sub(/.*_d/, "", d); print d, $3 }' "$OUT/results.tsv" | sort -n >"$OUT/depth_${im}_$kind.dat"
        done
    done
    gnuplot -e "dir='$OUT'" "$SRC/depth.gp" && note "chart: $OUT/depth.png"
else note "gnuplot not found: no chart"; fi
