/* godefer's side of the benchmark cases (docs/performance.md).  Every case has the same
 * shape in each peer (bench/go, bench_cxx.cpp, bench_lua.c, bench_floor.c): a noinline
 * function per operation, deferring the noinline work(&bench_token). */
#include "bench.h"

#include <godefer.h>
#include <malloc.h>

#include "../src/internal.h" /* sizeof(go__g), for the memory rows */

static __thread volatile long recovered;

/* ---- 1. deferring and exiting normally ---------------------------------------------- */

static NOINLINE void op_nodefer(void) { work(&bench_token); }

static NOINLINE void op_frame0(void) {
    go_frame { __asm__ volatile(""); }
}

static NOINLINE void op_defer1(void) {
    go_frame { go_defer(work, &bench_token); }
}

static NOINLINE void op_defer8(void) {
    go_frame {
        go_defer(work, &bench_token);
        go_defer(work, &bench_token);
        go_defer(work, &bench_token);
        go_defer(work, &bench_token);
        go_defer(work, &bench_token);
        go_defer(work, &bench_token);
        go_defer(work, &bench_token);
        go_defer(work, &bench_token);
    }
}

/* ---- 2. defers in a loop: n pending at once ----------------------------------------- */

static NOINLINE void op_loop(int n) {
    go_frame {
        for (int i = 0; i < n; i++) go_defer(work, &bench_token);
    }
}

/* ---- 3. panic and recover ----------------------------------------------------------- */

static void rec(int *p) {
    (void)p;
    if (!go_isnil(go_recover())) recovered = recovered + 1;
}

/* Panics d frames below its caller (d >= 1); the asm keeps the calls from becoming jumps. */
static NOINLINE void pan(int d) {
    if (d <= 1) go_panic(go_int(1));
    pan(d - 1);
    __asm__ volatile("");
}

/* The same with a deferred call in every frame on the way. */
static NOINLINE void pan_defer(int d) {
    go_frame {
        go_defer(work, &bench_token);
        if (d <= 1) go_panic(go_int(1));
        pan_defer(d - 1);
    }
    __asm__ volatile("");
}

static NOINLINE void op_panic0(void) {
    long r0 = recovered;
    go_frame {
        go_defer(rec, &bench_token);
        go_panic(go_int(1));
    }
    BENCH_CHECK(recovered == r0 + 1);
}

static NOINLINE void op_panic(int d) {
    long r0 = recovered;
    go_frame {
        go_defer(rec, &bench_token);
        pan(d);
    }
    BENCH_CHECK(recovered == r0 + 1);
}

static NOINLINE void op_panic_defer(int d) {
    long r0 = recovered;
    go_frame {
        go_defer(rec, &bench_token);
        pan_defer(d);
    }
    BENCH_CHECK(recovered == r0 + 1);
}

/* ---- 4. a recovered nil-pointer fault ---------------------------------------------- */

static int *volatile nil_ptr;

static NOINLINE void deref_nil(void) { bench_token += *nil_ptr; }

static NOINLINE void op_fault_recover(void) {
    long r0 = recovered;
    go_frame {
        go_defer(rec, &bench_token);
        deref_nil();
    }
    BENCH_CHECK(recovered == r0 + 1);
}

static NOINLINE void run_fault_recover(long n) {
    bool was = go_set_panic_on_fault(true);
    long r0 = recovered;
    for (long i = 0; i < n; i++) op_fault_recover();
    BENCH_CHECK(recovered - r0 == n);
    go_set_panic_on_fault(was);
}

/* go_g_switch: a coroutine library's hook, one switch per unit (to g and back is 2). */
static NOINLINE void run_g_switch(long n) {
    go_g *g = go_g_new(), *own = go_g_switch(g);
    go_g_switch(own);
    for (long i = 0; i < n; i++) {
        go_g_switch(g);
        go_g_switch(own);
    }
    BENCH_CHECK(go_goid() == 1 && go_g_switch(own) == own);
    go_g_free(g);
}

BENCH_RUNNER(nodefer, 1, op_nodefer())
BENCH_RUNNER(frame0, 0, op_frame0())
BENCH_RUNNER(defer1, 1, op_defer1())
BENCH_RUNNER(defer8, 8, op_defer8())
BENCH_RUNNER(loop10, 10, op_loop(10))
BENCH_RUNNER(loop100, 100, op_loop(100))
BENCH_RUNNER(loop10000, 10000, op_loop(10000))
BENCH_RUNNER(panic0, 0, op_panic0())
#define DEPTHS(X) X(1) X(2) X(5) X(10) X(20) X(50) X(100)
#define PANIC_RUNNERS(d)                                                                \
    BENCH_RUNNER(panic_d##d, 0, op_panic(d))                                            \
    BENCH_RUNNER(panic_defer_d##d, d, op_panic_defer(d))
DEPTHS(PANIC_RUNNERS)
/* The same recovery, unwinding the frames on the way (go_set_unwind: C++ peers' case). */
#define UNWIND_DEPTHS(X) X(1) X(10) X(100)
#define UNWIND_RUNNER(d)                                                                \
    static NOINLINE void run_panic_unwind_d##d(long n) {                                \
        go_set_unwind(true);                                                            \
        run_panic_d##d(n);                                                              \
        go_set_unwind(false);                                                           \
    }
UNWIND_DEPTHS(UNWIND_RUNNER)

/* ---- 6. memory ---------------------------------------------------------------------- */

static size_t heap_in_use(void) { return mallinfo2().uordblks; }

/* Heap bytes per pending deferred call past the frame's own slots, measured in a fresh
 * thread (whose pool is empty) while the calls are pending. */
static double pending_bytes;
static void measure_pending(int *p) {
    (void)p;
}
static void *mem_thread(void *arg) {
    (void)arg;
    enum { N = 100000 };
    size_t before = heap_in_use();
    go_frame {
        for (int i = 0; i < N; i++) go_defer(measure_pending, &bench_token);
        pending_bytes = (double)(heap_in_use() - before) / N;
    }
    return NULL;
}

static size_t goroutine_heap;
static void *g_thread(void *arg) {
    (void)arg;
    size_t before = heap_in_use();
    (void)go_goid(); /* creates the thread's goroutine state */
    goroutine_heap = heap_in_use() - before;
    return NULL;
}

static void memory_rows(void) {
    pthread_t t;
    pthread_create(&t, NULL, mem_thread, NULL);
    pthread_join(t, NULL);
    pthread_create(&t, NULL, g_thread, NULL);
    pthread_join(t, NULL);
    printf("godefer\tmem_defer_slot\t%zu\t%zu\tbytes\n", sizeof(go__rec), sizeof(go__rec));
    printf("godefer\tmem_defer_pool\t%.1f\t%.1f\tbytes\n", pending_bytes, pending_bytes);
    printf("godefer\tmem_frame\t%zu\t%zu\tbytes\n", sizeof(go__frame), sizeof(go__frame));
    printf("godefer\tmem_goroutine\t%zu\t%zu\tbytes\n", sizeof(go__g) + goroutine_heap,
           sizeof(go__g) + goroutine_heap);
}

/* A goroutine started and waited for: go_group_go + go_group_wait (the floor: a thread's
 * pthread_create + pthread_join; Go: go + sync.WaitGroup).  The goroutine counts itself
 * in a global: bench_sink is per thread; the join orders its store before the check. */
static long go_join_runs;
static void count_go_join(int *p) {
    (void)p;
    go_join_runs++;
}
static NOINLINE void run_go_join(long n) {
    static go_group *g;
    if (!g) g = go_group_new();
    long r0 = go_join_runs;
    for (long i = 0; i < n; i++) {
        go_group_go(g, count_go_join, &bench_token);
        go_group_wait(g);
    }
    BENCH_CHECK(go_join_runs - r0 == n);
}

#define PANIC_CASES(d)                                                                  \
    {NULL, "panic_d" #d, run_panic_d##d, 1, 0},                                         \
    {NULL, "panic_defer_d" #d, run_panic_defer_d##d, 1, 0},

#define UNWIND_CASES(d) {NULL, "panic_unwind_d" #d, run_panic_unwind_d##d, 1, 0},

static const bench_case cases[] = {
    {NULL, "nodefer", run_nodefer, 1, 0},
    {NULL, "frame0", run_frame0, 1, 0},
    {NULL, "defer1", run_defer1, 1, 0},
    {NULL, "defer8", run_defer8, 1, 0},
    {NULL, "loop10", run_loop10, 10, 0},
    {NULL, "loop100", run_loop100, 100, 0},
    {NULL, "loop10000", run_loop10000, 10000, 0},
    {NULL, "panic0", run_panic0, 1, 0},
    DEPTHS(PANIC_CASES)
    UNWIND_DEPTHS(UNWIND_CASES)
    {NULL, "fault_recover", run_fault_recover, 1, 0},
    {NULL, "go_join", run_go_join, 1, 0},
    {NULL, "g_switch", run_g_switch, 2, 0},
    {NULL, "mt_panic_d1_1t", run_panic_d1, 1, 1},
    {NULL, "mt_panic_d1_2t", run_panic_d1, 1, 2},
    {0},
};

int main(int argc, char **argv) {
    return bench_main_mem(argc, argv, "godefer", cases, memory_rows);
}
