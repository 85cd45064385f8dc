// C++'s side of the benchmark cases (docs/performance.md), built by bench/run.sh with
// g++ -O2: RAII destructors for deferred calls, try/throw/catch for panic/recover.
#include "bench.h"

#include <vector>

struct Deferred {
    int *p;
    ~Deferred() { work(p); }
};

static NOINLINE void op_nodefer() { work(&bench_token); }

static NOINLINE void op_defer1() {
    Deferred a{&bench_token};
    __asm__ volatile("" ::"r"(&a));
}

static NOINLINE void op_defer8() {
    Deferred a{&bench_token}, b{&bench_token}, c{&bench_token}, d{&bench_token},
        e{&bench_token}, f{&bench_token}, g{&bench_token}, h{&bench_token};
    __asm__ volatile("" ::"r"(&a), "r"(&b), "r"(&c), "r"(&d), "r"(&e), "r"(&f), "r"(&g),
                     "r"(&h));
}

// A loop of deferred calls: the usual C++ way is a vector of callbacks run at scope exit.
struct DeferList {
    struct Rec {
        void (*fn)(int *);
        int *arg;
    };
    std::vector<Rec> v;
    ~DeferList() {
        while (!v.empty()) {
            Rec r = v.back();
            v.pop_back();
            r.fn(r.arg);
        }
    }
};

static NOINLINE void op_loop(int n) {
    DeferList l;
    for (int i = 0; i < n; i++) l.v.push_back({work, &bench_token});
}

static thread_local volatile long caught;

static NOINLINE void pan(int d) {
    if (d <= 1) throw 1;
    pan(d - 1);
    __asm__ volatile("");
}

static NOINLINE void pan_defer(int d) {
    Deferred a{&bench_token};
    if (d <= 1) throw 1;
    pan_defer(d - 1);
    __asm__ volatile("");
}

static NOINLINE void op_panic0() {
    long c0 = caught;
    try {
        throw 1;
    } catch (int) {
        caught = caught + 1;
    }
    BENCH_CHECK(caught == c0 + 1);
}

static NOINLINE void op_panic(int d, bool defers) {
    long c0 = caught;
    try {
        if (defers)
            pan_defer(d);
        else
            pan(d);
    } catch (int) {
        caught = caught + 1;
    }
    BENCH_CHECK(caught == c0 + 1);
}

BENCH_RUNNER(nodefer, 1, op_nodefer())
BENCH_RUNNER(defer1, 1, op_defer1())
BENCH_RUNNER(defer8, 8, op_defer8())
BENCH_RUNNER(loop10, 10, op_loop(10))
BENCH_RUNNER(loop100, 100, op_loop(100))
BENCH_RUNNER(loop10000, 10000, op_loop(10000))
BENCH_RUNNER(panic0, 0, op_panic0())
#define DEPTHS(X) X(1) X(2) X(5) X(10) X(20) X(50) X(100)
#define PANIC_RUNNERS(d)                                                                \
    BENCH_RUNNER(panic_d##d, 0, op_panic(d, false))                                     \
    BENCH_RUNNER(panic_defer_d##d, d, op_panic(d, true))
DEPTHS(PANIC_RUNNERS)

#define PANIC_CASES(d)                                                                  \
    {NULL, "panic_d" #d, run_panic_d##d, 1, 0},                                         \
    {NULL, "panic_defer_d" #d, run_panic_defer_d##d, 1, 0},

static const bench_case cases[] = {
    {NULL, "nodefer", run_nodefer, 1, 0},
    {NULL, "defer1", run_defer1, 1, 0},
    {NULL, "defer8", run_defer8, 1, 0},
    {NULL, "loop10", run_loop10, 10, 0},
    {NULL, "loop100", run_loop100, 100, 0},
    {NULL, "loop10000", run_loop10000, 10000, 0},
    {NULL, "panic0", run_panic0, 1, 0},
    DEPTHS(PANIC_CASES)
    {NULL, "mt_panic_d1_1t", run_panic_d1, 1, 1},
    {NULL, "mt_panic_d1_2t", run_panic_d1, 1, 2},
    {NULL, NULL, NULL, 0, 0},
};

int main(int argc, char **argv) {
    int rc = bench_main(argc, argv, "c++", cases);
    bool mem = true;
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--only") || !strcmp(argv[i], "--callgrind") ||
            !strcmp(argv[i], "--list"))
            mem = false;
    if (rc == 0 && mem) {
        // A pending deferred call: an RAII object on the stack, or one vector element.
        printf("c++\tmem_defer_slot\t%zu\t%zu\tbytes\n", sizeof(Deferred), sizeof(Deferred));
        printf("c++\tmem_defer_pool\t%zu\t%zu\tbytes\n", sizeof(DeferList::Rec),
               sizeof(DeferList::Rec));
    }
    return rc;
}
