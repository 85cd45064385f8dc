#!/bin/sh
# make fuzz: the differential fuzzer against Go on fresh seeds, for <seconds>.
#   sh tests/conformance/fuzz.sh <builddir> <seconds>
# Stops at the first difference, printing its seed and a minimized program (also
# written to <builddir>/tests/conformance/fuzz-long/fail-<seed>.{go,c}).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
conf=$(cd "$1" && pwd)/tests/conformance
seconds=${2:-600}
if [ ! -f "$conf/cc.sh" ]; then
    echo "fuzz: $conf/cc.sh is missing: configure with go installed (GODEFER_CONFORMANCE)" >&2
    exit 1
fi
export GO111MODULE=off GOFLAGS= GOENV=off GOCACHE="$conf/go/cache" GOPATH="$conf/go/path"
(cd "$here" && go build -o "$conf/gdconform" ./gdconform)
exec "$conf/gdconform" fuzz -cc "$conf/cc.sh" -work "$conf/fuzz-long" -seconds "$seconds" -j 2
