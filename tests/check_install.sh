#!/bin/sh
# Builds examples/ex_recover.c against an installed godefer, once through pkg-config and
# once through its CMake package, and runs both.
set -eu
stage=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
here=$(cd "$(dirname "$0")/.." && pwd)
libdir=$(ls -d "$stage"/lib* | head -n 1)
# godefer.h, godefer.hpp and the godefer/ headers are installed as in the tree.
for h in "$here"/include/godefer.h "$here"/include/godefer.hpp "$here"/include/godefer/*.h; do
    cmp -s "$h" "$stage/include/${h#"$here"/include/}" || {
        echo "install check: ${h#"$here"/include/} is not installed as in the tree"; exit 1; }
done
export PKG_CONFIG_PATH="$libdir/pkgconfig"
cc $(pkg-config --cflags godefer) "$here/examples/ex_recover.c" -o "$work/pc" $(pkg-config --libs godefer)
LD_LIBRARY_PATH="$libdir" "$work/pc" | grep -q "1 / 0 failed: division by zero"
mkdir -p "$work/cm"
cat > "$work/cm/CMakeLists.txt" <<CM
cmake_minimum_required(VERSION 3.16)
project(use_godefer C)
find_package(godefer REQUIRED)
add_executable(app $here/examples/ex_recover.c)
target_link_libraries(app PRIVATE godefer::godefer)
add_executable(app_static $here/examples/ex_recover.c)
target_link_libraries(app_static PRIVATE godefer::godefer_static)
CM
cmake -S "$work/cm" -B "$work/cm/b" -DCMAKE_PREFIX_PATH="$stage" >/dev/null
cmake --build "$work/cm/b" >/dev/null
LD_LIBRARY_PATH="$libdir" "$work/cm/b/app" | grep -q "1 / 0 failed: division by zero"
"$work/cm/b/app_static" | grep -q "1 / 0 failed: division by zero"
echo "install check: pkg-config and CMake package builds work"

# A -static program, through pkg-config --static and through the CMake package with
# godefer_USE_STATIC_LIBS, where libc's archive and those of the trace libraries godefer
# was built with (and of what they need) are installed.
reqs=$(pkg-config --print-requires-private godefer)
# shellcheck disable=SC2046,SC2086
miss=$(sh "$here/tests/missing_archives.sh" cc -lc ${reqs:+$(pkg-config --static --libs-only-l $reqs)} | tr '\n' ' ')
if [ -n "$miss" ]; then
    echo "install check: -static links skipped: $miss are not installed"
    [ -z "${GODEFER_STRICT:-}" ] || { echo "GODEFER_STRICT: a skipped part is a failure"; exit 1; }
    exit 0
fi
static_build() { "$@" >"$work/static.log" 2>&1 || { cat "$work/static.log"; exit 1; }; }
static_build cc -static $(pkg-config --cflags godefer) "$here/examples/ex_recover.c" -o "$work/pc_static" \
    $(pkg-config --static --libs godefer)
"$work/pc_static" | grep -q "1 / 0 failed: division by zero"
mkdir -p "$work/cs"
cat > "$work/cs/CMakeLists.txt" <<CM
cmake_minimum_required(VERSION 3.16)
project(use_godefer_static C)
set(godefer_USE_STATIC_LIBS ON)
find_package(godefer REQUIRED)
add_executable(app $here/examples/ex_recover.c)
target_link_libraries(app PRIVATE godefer::godefer)
target_link_options(app PRIVATE -static)
CM
static_build cmake -S "$work/cs" -B "$work/cs/b" -DCMAKE_PREFIX_PATH="$stage"
static_build cmake --build "$work/cs/b"
"$work/cs/b/app" | grep -q "1 / 0 failed: division by zero"
echo "install check: -static programs link through pkg-config --static and godefer_USE_STATIC_LIBS"
