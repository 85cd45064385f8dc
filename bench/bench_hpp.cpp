// godefer.hpp's side of the benchmark cases (docs/performance.md): the C++ API's frame
// and defer against godefer's C ones (bench_godefer.c's frame0, defer1, defer8, panic_d1,
// panic_d10; the latter always unwind, as in any C++ program).
#include "bench.h"

#include <godefer.hpp>

static __thread volatile long recovered;

static NOINLINE void op_frame0() {
    go::frame([](go::scope &) { __asm__ volatile(""); });
}

static NOINLINE void op_defer1() {
    go::frame([](go::scope &s) { s.defer([] { work(&bench_token); }); });
}

static NOINLINE void op_defer8() {
    go::frame([](go::scope &s) {
        auto w = [] { work(&bench_token); };
        s.defer(w);
        s.defer(w);
        s.defer(w);
        s.defer(w);
        s.defer(w);
        s.defer(w);
        s.defer(w);
        s.defer(w);
    });
}

static NOINLINE void pan(int d) {
    if (d <= 1) go::panic(1);
    pan(d - 1);
    __asm__ volatile("");
}

static NOINLINE void op_panic(int d) {
    long r0 = recovered;
    go::frame([d](go::scope &s) {
        s.defer([] {
            if (!go_isnil(go::recover())) recovered = recovered + 1;
        });
        pan(d);
    });
    BENCH_CHECK(recovered == r0 + 1);
}

BENCH_RUNNER(frame0_hpp, 0, op_frame0())
BENCH_RUNNER(defer1_hpp, 1, op_defer1())
BENCH_RUNNER(defer8_hpp, 8, op_defer8())
BENCH_RUNNER(panic_d1_hpp, 0, op_panic(1))
BENCH_RUNNER(panic_d10_hpp, 0, op_panic(10))

static const bench_case cases[] = {
    {"godefer", "frame0_hpp", run_frame0_hpp, 1, 0},
    {"godefer", "defer1_hpp", run_defer1_hpp, 1, 0},
    {"godefer", "defer8_hpp", run_defer8_hpp, 1, 0},
    {"godefer", "panic_d1_hpp", run_panic_d1_hpp, 1, 0},
    {"godefer", "panic_d10_hpp", run_panic_d10_hpp, 1, 0},
    {nullptr, nullptr, nullptr, 0, 0},
};

int main(int argc, char **argv) { return bench_main(argc, argv, "godefer", cases); }
