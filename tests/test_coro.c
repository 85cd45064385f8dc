/* godefer's coroutines (go_coro_*): each runs on a stack of its own as a goroutine of its
 * own; frames, deferred calls, panics, recoveries, Goexit and faults stay inside it, and
 * its crashes are reported as Go reports a goroutine's. */
#include <godefer.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "faults.h"
#include "harness.h"
#include "two_level.h"

static void logs(const char *s) { tlog("%s", s); }

/* ---- resume and yield ------------------------------------------------------------------ */
struct counter {
    int n;
    int64_t id;
};
static void count_to_3(struct counter *c) {
    c->id = go_goid();
    go_frame {
        go_defer(logs, "deferred");
        for (c->n = 1; c->n <= 3; c->n++) {
            tlog("yield%d", c->n);
            go_coro_yield();
        }
    }
    tlog("return");
}

static void test_resume_yield(void) {
    struct counter k = {0, 0};
    go_coro *c = go_coro_new(count_to_3, &k);
    ASSERT_INT(k.n, 0); /* not started before the first resume */
    int trues = 0;
    while (go_coro_resume(c)) {
        trues++;
        tlog("main%d", trues);
    }
    ASSERT_INT(trues, 3);
    ASSERT_LOG("yield1 main1 yield2 main2 yield3 main3 deferred return");
    ASSERT(k.id > 1 && k.id != go_goid());
    ASSERT_INT(go_goid(), 1);
    go_coro_free(c);
    go_coro_free(NULL);
}

/* ---- two coroutines in frames, a panic recovered in one while the other waits in its
 * own; the resumer's frame is untouched ------------------------------------------------ */
struct who {
    const char *name;
};
static void two_level(struct who *w) { two_level_run(&w->name, go_coro_yield, NULL, NULL); }

static void test_interleaved(void) {
    struct who a = {"A"}, b = {"B"};
    go_coro *cs[2] = {go_coro_new(two_level, &a), go_coro_new(two_level, &b)};
    go_frame {
        go_defer(logs, "main.deferred");
        for (bool any = true; any;) {
            any = false;
            for (int i = 0; i < 2; i++)
                if (cs[i] && !go_coro_resume(cs[i])) {
                    go_coro_free(cs[i]);
                    cs[i] = NULL;
                } else if (cs[i]) {
                    any = true;
                }
        }
        tlog("main.end");
    }
    ASSERT_LOG("A.start B.start A.inner A.recovered=A A.after B.inner B.recovered=B B.after "
               "A.outer A.end B.outer B.end main.end main.deferred");
}

/* ---- Goexit ends the coroutine, not the thread --------------------------------------- */
static void exits(struct who *w) {
    go_frame {
        go_defer(log_outer, &w->name);
        go_frame {
            go_defer(log_inner, &w->name);
            go_coro_yield();
            go_goexit();
        }
        tlog("not reached");
    }
}

static void test_goexit(void) {
    struct who w = {"X"};
    go_coro *c = go_coro_new(exits, &w);
    ASSERT(go_coro_resume(c));
    ASSERT(!go_coro_resume(c));
    tlog("main");
    ASSERT_LOG("X.inner X.outer main");
    go_coro_free(c);
}

/* ---- go_coro_free of a suspended coroutine: its deferred calls run on its own stack, as
 * in its goroutine -------------------------------------------------------------------- */
static int64_t freed_id;
static uintptr_t freed_sp;
static void where(struct who *w) {
    char here;
    freed_id = go_goid();
    freed_sp = (uintptr_t)&here;
    tlog("%s.where recover=%d", w->name, !go_isnil(go_recover()));
}
static uintptr_t body_sp;
static int64_t body_id;
static void suspended(struct who *w) {
    char here;
    body_sp = (uintptr_t)&here;
    body_id = go_goid();
    go_frame {
        go_defer(log_outer, &w->name);
        go_frame {
            go_defer(where, w);
            go_defer(log_inner, &w->name);
            go_coro_yield();
            tlog("not reached");
        }
    }
}

static void test_free_suspended(void) {
    struct who w = {"S"};
    go_coro *c = go_coro_new(suspended, &w);
    ASSERT(go_coro_resume(c));
    go_coro_free(c);
    ASSERT_LOG("S.inner S.where recover=0 S.outer");
    ASSERT_INT(freed_id, body_id);
    ASSERT(freed_sp < body_sp && body_sp - freed_sp < GO_CORO_STACK);
    go_coro *never = go_coro_new(suspended, &w); /* never started: nothing runs */
    go_coro_free(never);
    ASSERT_LOG("S.inner S.where recover=0 S.outer");
}

/* ---- a fault becomes a panic on the coroutine's stack, recovered there ---------------- */
static void fault_recover(struct who *w) {
    go_fault f;
    if (go_fault_info(go_recover(), &f)) tlog("%s.fault@%lx", w->name, (unsigned long)f.addr);
}
static void faults(struct who *w) {
    go_set_panic_on_fault(true);
    go_frame {
        go_defer(fault_recover, w);
        VALGRIND_DISABLE_ERROR_REPORTING; /* the fault is the point */
        sink = deref_nil();
    }
    VALGRIND_ENABLE_ERROR_REPORTING;
    bool fault = false;
    unsigned errors = memcheck_errors_of_fault(&fault); /* on this stack: clean */
    tlog("%s.after errors=%u fault=%d", w->name, errors, fault);
}

static void test_fault(void) {
    struct who w = {"F"};
    go_coro *c = go_coro_new(faults, &w);
    ASSERT(!go_coro_resume(c));
    ASSERT_LOG("F.fault@0 F.after errors=0 fault=1");
    ASSERT(!go_set_panic_on_fault(false)); /* the coroutine's flag, not main's */
    go_coro_free(c);
}

/* ---- a coroutine resumes another ------------------------------------------------------ */
static void inner_co(struct who *w) {
    go_frame {
        go_defer(log_inner, &w->name);
        go_coro_yield();
    }
}
static void outer_co(struct who *w) {
    struct who in = {"in"};
    go_coro *c = go_coro_new(inner_co, &in);
    go_frame {
        go_defer(log_outer, &w->name);
        ASSERT(go_coro_resume(c));
        go_coro_yield();
        ASSERT(!go_coro_resume(c));
    }
    go_coro_free(c);
}

static void test_nested(void) {
    struct who w = {"out"};
    go_coro *c = go_coro_new(outer_co, &w);
    ASSERT(go_coro_resume(c));
    ASSERT(!go_coro_resume(c));
    ASSERT_LOG("in.inner out.outer");
    go_coro_free(c);
}

/* ---- a deferred call of a panic in progress yields; the panic goes on at the next
 * resume, and is recovered there; the resumer's own panic meanwhile is its own -------- */
static void yield_then_recover(struct who *w) {
    tlog("%s.yield-in-panic", w->name);
    go_coro_yield();
    go_any r = go_recover();
    tlog("%s.recovered=%s", w->name, go_isnil(r) ? "nil" : r.v.s);
}
static void panics_and_yields(struct who *w) {
    go_frame {
        go_defer(yield_then_recover, w);
        go_panic(go_str("P"));
    }
    tlog("%s.after", w->name);
}
static void main_recover(void *u) {
    (void)u;
    go_any r = go_recover();
    tlog("main.recovered=%s", go_isnil(r) ? "nil" : r.v.s);
}
static void main_panics(go_coro *c) {
    go_frame {
        go_defer(main_recover, NULL);
        ASSERT(go_coro_resume(c)); /* c suspended inside its panic's deferred call */
        go_panic(go_str("M"));
    }
}

static void test_yield_in_panic(void) {
    struct who w = {"Y"};
    go_coro *c = go_coro_new(panics_and_yields, &w);
    main_panics(c);
    ASSERT(!go_coro_resume(c));
    ASSERT_LOG("Y.yield-in-panic main.recovered=M Y.recovered=P Y.after");
    go_coro_free(c);
}

/* ---- memory: 10,000 suspended coroutines with 64 KiB stacks --------------------------- */
static long rss_kib(void) {
    FILE *f = fopen("/proc/self/statm", "r");
    long pages = 0, rss = 0;
    if (!f) return -1;
    if (fscanf(f, "%ld %ld", &pages, &rss) != 2) rss = -1;
    fclose(f);
    return rss * (sysconf(_SC_PAGESIZE) / 1024);
}
static void parked(int *n) {
    go_frame {
        go_defer(logs, "");
        (*n)++;
        go_coro_yield();
    }
}

static void test_memory(void) {
#if defined(TEST_ASAN) || defined(TEST_TSAN)
    enum { N = 1000 }; /* their shadow memory is not the coroutines' */
#else
    int N = RUNNING_ON_VALGRIND ? 1000 : 10000;
#endif
    go_coro **cs = calloc((size_t)N, sizeof *cs);
    int started = 0;
    long before = rss_kib();
    for (int i = 0; i < N; i++) {
        cs[i] = go_coro_new_sized(parked, &started, 64 * 1024);
        ASSERT(go_coro_resume(cs[i]));
    }
    long grown = rss_kib() - before;
    ASSERT_INT(started, N);
#if !defined(TEST_ASAN) && !defined(TEST_TSAN)
    if (!RUNNING_ON_VALGRIND) {
        printf("# %d suspended coroutines: %ld KiB resident (%ld bytes each)\n", N, grown,
               grown * 1024 / N);
        ASSERT(grown > 0 && grown < 100 * 1024); /* well under 200 MiB */
    }
#endif
    for (int i = 0; i < N; i++) go_coro_free(cs[i]); /* each runs its deferred call */
    free(cs);
    (void)grown;
}

/* ---- crashes ----------------------------------------------------------------------------- */
__attribute__((noinline)) static void boom_deep(struct who *w) {
    printf("goid=%lld\n", (long long)go_goid());
    fflush(stdout);
    go_panic(go_str(w->name));
}
static void say_outer(struct who *w) {
    printf("%s.outer\n", w->name);
    fflush(stdout);
}
static void boom(struct who *w) {
    go_frame {
        go_defer(say_outer, w);
        go_coro_yield();
        boom_deep(w);
    }
}
static void run_boom(size_t stack) {
    struct who w = {"coroutine boom"};
    go_coro *c = go_coro_new_sized(boom, &w, stack);
    go_frame {
        go_defer(puts, "main deferred: must not run");
        go_coro_resume(c);
        go_coro_resume(c);
    }
}
static void child_panic(void) { run_boom(GO_CORO_STACK); }
static void child_panic_small(void) { run_boom(16 * 1024); }

static void child_resume_ended(void) {
    struct who w = {"E"};
    go_coro *c = go_coro_new(inner_co, &w);
    while (go_coro_resume(c)) {
    }
    go_coro_resume(c);
}
static void child_yield_outside(void) { go_coro_yield(); }
static void child_nil_func(void) {
    void (*volatile nf)(int *) = NULL;
    go_coro_new(nf, (int *)NULL);
}
static go_coro *self_co;
static void frees_self(int *u) {
    (void)u;
    go_coro_free(self_co);
}
static void child_free_running(void) {
    self_co = go_coro_new(frees_self, (int *)NULL);
    go_coro_resume(self_co);
}
static void yields(int *u) {
    (void)u;
    go_coro_yield();
}
static void yields_in_defer(int *u) {
    go_frame {
        go_defer(yields, u);
        go_coro_yield();
    }
}
static void child_yield_in_free(void) {
    go_coro *c = go_coro_new(yields_in_defer, (int *)NULL);
    go_coro_resume(c);
    go_coro_free(c);
}
static volatile int forever = 1;
__attribute__((noinline)) static int recurse(int n) {
    volatile char pad[256];
    pad[n & 255] = (char)n;
    if (!forever) return 0;
    return recurse(n + 1) + pad[(n + 1) & 255];
}
static void overflows(int *u) { *u = recurse(0); }
static void child_overflow(void) {
    int u = 0;
    go_coro *c = go_coro_new_sized(overflows, &u, 64 * 1024);
    go_coro_resume(c);
}

/* exit() waits for a panic in flight only in goroutines current on other threads: a
 * coroutine suspended inside its panic's deferred call cannot go on meanwhile. */
static void panics_yielding(int *u) {
    go_frame {
        go_defer(yields, u);
        go_panic(go_str("in flight"));
    }
}
static void child_exit_suspended_panic(void) {
    go_coro *c = go_coro_new(panics_yielding, (int *)NULL);
    go_coro_resume(c);
    exit(0);
}

static void test_exit_suspended_panic(void) {
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    child_result *r = run_child("exit_suspended_panic");
    clock_gettime(CLOCK_MONOTONIC, &t1);
    ASSERT_INT(r->status, 0);
    double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
#ifdef TEST_TSAN
    (void)s; /* TSan itself sleeps 1 s at exit (atexit_sleep_ms) */
#else
    if (!RUNNING_ON_VALGRIND) ASSERT(s < 0.8); /* the wait for a running one is 1 s */
#endif
}

static void test_panic_report(void) {
    const char *kids[] = {"panic", "panic_small"};
    for (int k = 0; k < 2; k++) {
        child_result *r = run_child(kids[k]);
        expect_panic_in_goroutine(r, "coroutine boom");
        ASSERT_CONTAINS(r->out, "coroutine boom.outer"); /* its deferred call ran */
        ASSERT_NOT_CONTAINS(r->out, "must not run");
        /* The trace stops at the coroutine's entry: nothing of the resumer's stack. */
        IF_SYMBOLS(ASSERT_STR(trace_funcs(r), "boom_deep boom"));
    }
}

static void test_misuse(void) {
    expect_fatal("resume_ended", "go_coro_resume: coroutine has ended");
    expect_fatal("yield_outside", "go_coro_yield: not in a coroutine");
    expect_fatal("nil_func", "go of nil func value");
    expect_fatal("free_running", "go_coro_free: coroutine is running");
    expect_fatal("yield_in_free", "go_coro_yield: in a deferred call run by go_coro_free");
}

static void test_overflow(void) {
    expect_fatal("overflow", "stack overflow");
    child_result *r = run_child("overflow");
    ASSERT_CONTAINS(r->err, "runtime: goroutine stack exceeds 65536-byte limit\n");
}

static const harness_case cases[] = {
    {"resume_yield", test_resume_yield},
    {"interleaved", test_interleaved},
    {"goexit", test_goexit},
    {"free_suspended", test_free_suspended},
    {"fault", test_fault},
    {"nested", test_nested},
    {"yield_in_panic", test_yield_in_panic},
    {"memory", test_memory},
    {"panic_report", test_panic_report},
    {"exit_suspended_panic", test_exit_suspended_panic},
    {"misuse", test_misuse},
    {"overflow", test_overflow},
    {0},
};
static const harness_case children[] = {
    {"panic", child_panic},
    {"panic_small", child_panic_small},
    {"resume_ended", child_resume_ended},
    {"yield_outside", child_yield_outside},
    {"nil_func", child_nil_func},
    {"free_running", child_free_running},
    {"yield_in_free", child_yield_in_free},
    {"overflow", child_overflow},
    {"exit_suspended_panic", child_exit_suspended_panic},
    {0},
};

int main(int argc, char **argv) {
    faults_child_env();
    return harness_main(argc, argv, cases, children);
}
