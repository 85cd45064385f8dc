/* The paths the benchmarks time (include/godefer.h's inline functions, src/frame.c's
 * slots and pool, src/panic.c's recovery and recover check), pinned down so that making
 * them faster cannot change what they do. */
#include <godefer.h>
#include <pthread.h>
#include <setjmp.h>

#include "harness.h"

static void logs(const char *s) { tlog("%s", s); }
static void logi(int *i) { tlog("%d", *i); }

static int ids[200];
static void init_ids(void) {
    for (int i = 0; i < 200; i++) ids[i] = i;
}

/* ---- normal exit ---------------------------------------------------------------- */

static void test_order_slots(void) {
    go_frame {
        go_defer(logs, "a");
        go_defer(logs, "b");
        go_defer(logs, "c");
        tlog("body");
    }
    tlog("after");
    ASSERT_LOG("body c b a after");
}

static void expect_countdown(int n) {
    char want[2048] = "", *w = want;
    for (int i = n - 1; i >= 0; i--) w += sprintf(w, i == n - 1 ? "%d" : " %d", i);
    ASSERT_LOG(want);
}

/* Past the frame's own slots (8) the records go to pool chunks (42 per chunk). */
static void run_n(int n) {
    go_frame {
        for (int i = 0; i < n; i++) go_defer(logi, &ids[i]);
    }
}

static void test_order_overflow(void) {
    int ns[] = {1, 7, 8, 9, 16, 41, 42, 43, 50, 51, 84, 85, 100, 199};
    for (size_t k = 0; k < sizeof ns / sizeof ns[0]; k++) {
        tlog_reset();
        run_n(ns[k]);
        expect_countdown(ns[k]);
    }
}

struct pt {
    int x, y;
};
static void show_pt(struct pt *p) { tlog("(%d,%d)", p->x, p->y); }

/* Copied values share the pool with records; the order stays LIFO across both. */
static void test_order_values(void) {
    go_frame {
        go_defer_val(show_pt, ((struct pt){1, 2}));
        go_defer(logs, "a");
        go_defer(logs, "b");
        for (int i = 0; i < 10; i++) go_defer(logi, &ids[i]);
        go_defer_val(show_pt, ((struct pt){3, 4}));
        go_defer(logs, "c");
    }
    ASSERT_LOG("c (3,4) 9 8 7 6 5 4 3 2 1 0 b a (1,2)");
    tlog_reset();
    go_frame {
        for (int i = 0; i < 8; i++) go_defer(logi, &ids[i]);
        go_defer_val(show_pt, ((struct pt){5, 6}));
        go_defer(logs, "z");
    }
    ASSERT_LOG("z (5,6) 7 6 5 4 3 2 1 0");
}

static long counted;
static void count(int *p) { counted += *p; }

/* Chunks go back to the pool and come out again many times. */
static void test_pool_reuse(void) {
    counted = 0;
    for (int round = 0; round < 300; round++) {
        go_frame {
            for (int i = 0; i < 1 + round % 137; i++) go_defer(count, &ids[1]);
            if (round % 3 == 0) go_defer_val(count, 2);
        }
    }
    long want = 0;
    for (int round = 0; round < 300; round++) want += 1 + round % 137 + (round % 3 == 0) * 2;
    ASSERT_INT(counted, want);
}

static int exit_by(int how) {
    for (int i = 0; i < 2; i++) {
        go_frame {
            go_defer(logs, "d");
            if (how == 0) return 1;
            if (how == 1) goto out;
            if (how == 2) break;
            if (how == 3) continue;
        }
        tlog("next");
    }
out:
    tlog("out");
    return 0;
}

static void test_exits(void) {
    const char *want[] = {"d", "d out", "d next d next out", "d next d next out"};
    for (int how = 0; how < 4; how++) {
        tlog_reset();
        exit_by(how);
        ASSERT_LOG(want[how]);
    }
}

static void test_nested(void) {
    go_frame {
        go_defer(logs, "outer");
        go_frame {
            go_defer(logs, "inner1");
            go_frame { go_defer(logs, "innermost"); }
            go_defer(logs, "inner2");
        }
        tlog("mid");
    }
    ASSERT_LOG("innermost inner2 inner1 mid outer");
}

/* ---- panic and recover -------------------------------------------------------------- */

static go_any got;
static void rec(int *p) {
    (void)p;
    got = go_recover();
    tlog("rec");
}

static __attribute__((noinline)) void pan_at(int d, bool defers) {
    if (d <= 1) {
        if (defers) {
            go_frame {
                go_defer(logi, &ids[d]);
                go_panic(go_int(7));
            }
        }
        go_panic(go_int(7));
    }
    if (defers) {
        go_frame {
            go_defer(logi, &ids[d]);
            pan_at(d - 1, defers);
        }
    } else {
        pan_at(d - 1, defers);
    }
    tlog("unreachable");
}

static void test_recover_same_frame(void) {
    volatile int after = 0;
    got = go_nil();
    go_frame {
        go_defer(logs, "first");
        go_defer(rec, NULL);
        go_defer(logs, "last");
        go_panic(go_int(7));
        tlog("unreachable");
    }
    after = 1;
    tlog("after");
    ASSERT(after);
    ASSERT_LOG("last rec first after");
    ASSERT(go_identical(got, go_int(7)));
}

static void test_recover_depths(void) {
    int ds[] = {1, 2, 10, 100};
    for (size_t k = 0; k < 4; k++) {
        for (int defers = 0; defers < 2; defers++) {
            tlog_reset();
            got = go_nil();
            go_frame {
                go_defer(logs, "top");
                go_defer(rec, NULL);
                pan_at(ds[k], defers);
            }
            tlog("after");
            char want[2048] = "", *w = want;
            if (defers)
                for (int i = 1; i <= ds[k]; i++) w += sprintf(w, "%d ", i);
            sprintf(w, "rec top after");
            ASSERT_LOG(want);
            ASSERT(go_identical(got, go_int(7)));
        }
    }
}

/* Frames abandoned by a recovery give their pool chunks back. */
static __attribute__((noinline)) void pan_pool(int d) {
    go_frame {
        for (int i = 0; i < 50; i++) go_defer(count, &ids[1]);
        go_defer_val(count, 3);
        if (d <= 1) go_panic(go_str("deep"));
        pan_pool(d - 1);
    }
}

static void test_recover_pool(void) {
    counted = 0;
    for (int i = 0; i < 200; i++) {
        got = go_nil();
        go_frame {
            go_defer(rec, NULL);
            pan_pool(1 + i % 5);
        }
        ASSERT(go_identical(got, go_str("deep")) || !"recovered");
    }
    long want = 0;
    for (int i = 0; i < 200; i++) want += (1 + i % 5) * 53;
    ASSERT_INT(counted, want);
}

static go_any helper_got;
static __attribute__((noinline)) void recover_helper(int *p) {
    (void)p;
    helper_got = go_recover();
}
static void calls_helper(int *p) {
    recover_helper(p);
    __asm__ volatile("");
}
/* At -O2 this is a jump to recover_helper, which then returns to the panic's loop. */
static void tail_calls_helper(int *p) { recover_helper(p); }
static void recovers_twice(int *p) {
    (void)p;
    got = go_recover();
    helper_got = go_recover();
}

static void test_recover_legality(void) {
    got = go_recover();
    ASSERT(go_isnil(got)); /* not panicking */
    void (*fns[])(int *) = {calls_helper, tail_calls_helper};
    for (int k = 0; k < 2; k++) {
        helper_got = go_int(99);
        got = go_nil();
        go_frame {
            go_defer(rec, NULL);
            go_defer(fns[k], NULL);
            go_panic(go_int(k));
        }
        ASSERT(go_isnil(helper_got)); /* not called directly by the panic */
        ASSERT(go_identical(got, go_int(k)));
    }
    helper_got = go_int(99);
    go_frame {
        go_defer(recovers_twice, NULL);
        go_panic(go_int(5));
    }
    ASSERT(go_identical(got, go_int(5)));
    ASSERT(go_isnil(helper_got));
    /* A deferred call at a normal exit recovers nothing. */
    got = go_int(1);
    go_frame { go_defer(rec, NULL); }
    ASSERT(go_isnil(got));
}

/* A deferred call panics while its frame exits normally: the frame's other deferred
 * calls run in the panic, and an outer frame recovers. */
static void boom(const char *s) {
    tlog("%s", s);
    go_panic(go_str(s));
}

static void test_panic_in_exit(void) {
    got = go_nil();
    go_frame {
        go_defer(rec, NULL);
        go_frame {
            go_defer(logs, "d1");
            go_defer(logs, "d2");
            go_defer(boom, "d3");
            tlog("body");
        }
        tlog("unreachable");
    }
    tlog("after");
    ASSERT_LOG("body d3 d2 d1 rec after");
    ASSERT(go_identical(got, go_str("d3")));
}

/* Go: a nil deferred function panics when the call is due, not at the defer. */
static void test_nil_func(void) {
    void (*nilfn)(int *) = NULL;
    __asm__ volatile("" : "+r"(nilfn));
    got = go_nil();
    go_frame {
        go_defer(rec, NULL);
        go_frame {
            go_defer(logs, "before");
            go_defer(nilfn, &ids[0]);
            tlog("body");
        }
    }
    ASSERT_LOG("body before rec");
    ASSERT(go_is_runtime_error(got));
}

/* A newer panic recovered aborts the older one (Go's nested panics). */
static void test_nested_panics(void) {
    got = go_nil();
    go_frame {
        go_defer(logs, "outer");
        go_defer(rec, NULL);
        go_frame {
            go_defer(boom, "B");
            go_panic(go_str("A"));
        }
    }
    tlog("after");
    ASSERT_LOG("B rec outer after");
    ASSERT(go_identical(got, go_str("B")));
}

/* Panics in a loop of frames, each recovered by the frame around the loop body. */
static void test_frames_in_loop(void) {
    long n = 0;
    for (int i = 0; i < 1000; i++) {
        got = go_nil();
        go_frame {
            go_defer(rec, NULL);
            go_frame {
                go_defer(count, &ids[1]);
                if (i % 2) go_panic(go_int(i));
            }
        }
        if (i % 2) n += go_identical(got, go_int(i));
    }
    ASSERT_INT(n, 500);
}

/* A loop around a frame whose block runs an inner loop bounded by the outer counter:
 * after each recovery the outer loop must go on from the right value (the compiler may
 * derive both loops' counters from one temporary). */
static void no_op(int *p) { (void)p; }
static void rec_count(int *p) {
    (void)p;
    if (!go_isnil(go_recover())) counted++;
}
static void test_frames_loop_counter(void) {
    int id = 5, iters = 0;
    long r0 = counted;
    for (int i = 0; i < 40; i++) {
        go_frame {
            go_defer(rec_count, NULL);
            go_frame {
                for (int k = 0; k < (i % 12); k++) go_defer(no_op, NULL);
                go_panic(go_int(id));
            }
        }
        iters++;
        if (iters > 40) break;
    }
    ASSERT_INT(iters, 40);
    ASSERT_INT(counted - r0, 40);
}

/* A local that the block does not change is intact after a recovery, also when the
 * block spills temporaries across its calls: Clang's __builtin_setjmp let a spill inside
 * the block reuse the stack slot the outer counter was reloaded from after the frame's
 * recovery point (the loop then ran forever), where a returns_twice call does not. */
__attribute__((noinline)) static long opaque(long v) {
    __asm__ volatile("" : "+r"(v));
    return v;
}
__attribute__((noinline)) static void use4(long a, long b, long c, long d) {
    __asm__ volatile("" ::"r"(a), "r"(b), "r"(c), "r"(d));
}
static int spill_iters; /* static: a corrupted local must not keep the loop going */
static void test_unchanged_local_after_spills(void) {
    long seen = 0;
    spill_iters = 0;
    for (long t = 0; t < 6; t++) {
        go_frame {
            go_defer(rec_count, NULL);
            for (long i = 0; i < 4; i++) {
                long u = opaque(i), v = opaque(u + 1), w = opaque(v + u), x = opaque(w * 3);
                long y = opaque(x ^ u), z = opaque(y + v), q = opaque(z + 1);
                use4(u, v, w, x);
                use4(y, z, q, v * w);
                use4(u, v, w, x);
                use4(y, z, q, v * w);
            }
            go_panic(go_int(1));
        }
        seen = seen * 10 + t;
        if (++spill_iters > 6) break;
    }
    ASSERT_INT(spill_iters, 6);
    ASSERT_INT(seen, 12345);
}

/* ---- threads -------------------------------------------------------------------- */

static __thread long trec;
static void trec_fn(int *p) {
    go_any v = go_recover();
    if (go_identical(v, go_int(*p))) trec++;
}

static void no_log(int *p) { (void)p; }
static void *thread_panics(void *arg) {
    int *id = arg;
    for (int i = 0; i < 20000; i++) {
        go_frame {
            go_defer(trec_fn, id);
            go_frame {
                for (int k = 0; k < (i % 12); k++) go_defer(no_log, NULL);
                go_panic(go_int(*id));
            }
        }
    }
    return (void *)trec;
}

static void test_threads(void) {
    pthread_t t[2];
    int id[2] = {11, 22};
    for (int i = 0; i < 2; i++) pthread_create(&t[i], NULL, thread_panics, &id[i]);
    for (int i = 0; i < 2; i++) {
        void *r;
        pthread_join(t[i], &r);
        ASSERT_INT((long)r, 20000);
    }
}

/* ---- misuse still detected --------------------------------------------------------- */

static jmp_buf escape;
/* longjmp out of an inner frame only: leaving the outer one finds the inner one still
 * linked. */
static void child_longjmp_out(void) {
    go_frame {
        go_defer(logs, "outer");
        if (setjmp(escape) == 0) {
            go_frame {
                go_defer(logs, "inner");
                longjmp(escape, 1);
            }
        }
    }
}

static void test_left_out_of_order(void) {
    child_result *r = run_child("longjmp_out");
    ASSERT_INT(r->status, 2);
    ASSERT_CONTAINS(r->err, "left out of order");
}

static const harness_case cases[] = {
    {"order_slots", test_order_slots},
    {"order_overflow", test_order_overflow},
    {"order_values", test_order_values},
    {"pool_reuse", test_pool_reuse},
    {"exits", test_exits},
    {"nested", test_nested},
    {"recover_same_frame", test_recover_same_frame},
    {"recover_depths", test_recover_depths},
    {"recover_pool", test_recover_pool},
    {"recover_legality", test_recover_legality},
    {"panic_in_exit", test_panic_in_exit},
    {"nil_func", test_nil_func},
    {"nested_panics", test_nested_panics},
    {"frames_in_loop", test_frames_in_loop},
    {"frames_loop_counter", test_frames_loop_counter},
    {"unchanged_local_after_spills", test_unchanged_local_after_spills},
    {"threads", test_threads},
    {"left_out_of_order", test_left_out_of_order},
    {0},
};
static const harness_case children[] = {{"longjmp_out", child_longjmp_out}, {0}};

int main(int argc, char **argv) {
    (void)report_head; /* harness helpers this program does not need */
    (void)trace_funcs;
    init_ids();
    return harness_main(argc, argv, cases, children);
}
