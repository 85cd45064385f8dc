/* Goexit: every pending deferred call of the goroutine runs, recover sees nil, the thread
 * ends; panics in those calls and Goexit during a panic behave as in Go
 * (runtime/crash_test.go: PanicAfterGoexit, GoexitInPanic, RecoveredPanicAfterGoexit,
 * RecoverBeforePanicAfterGoexit, and main calling Goexit). */
#include <godefer.h>
#include <pthread.h>

#include "harness.h"

static void logs(const char *s) { tlog("%s", s); }
static void log_recover(const char *tag) { tlog("%s:%s", tag, go_isnil(go_recover()) ? "nil" : "value"); }
static void direct_recover(void *u) {
    (void)u;
    go_any r = go_recover();
    tlog("direct:%s", go_isnil(r) ? "nil" : "value");
}

__attribute__((noinline)) static void inner_goexits(void) {
    go_frame {
        go_defer(logs, "inner");
        go_defer(direct_recover, NULL);
        go_goexit();
        tlog("not-reached-1");
    }
    tlog("not-reached-2");
}

static void *goexit_thread(void *arg) {
    go_frame {
        go_defer(logs, "outer");
        go_defer(log_recover, "helper");
        inner_goexits();
        tlog("not-reached-3");
    }
    tlog("not-reached-4");
    return arg;
}

static void test_goexit_runs_all_deferred_calls(void) {
    pthread_t t;
    void *ret = (void *)1;
    pthread_create(&t, NULL, goexit_thread, (void *)7);
    pthread_join(t, &ret);
    ASSERT(ret == NULL); /* the thread ended through Goexit, not by returning */
    ASSERT_LOG("direct:nil inner helper:nil outer");
}

/* A panic raised by a Goexit's deferred call can be recovered by a later deferred call,
 * and the Goexit goes on (RecoverBeforePanicAfterGoexit). */
static void panic_hello(void *u) {
    (void)u;
    go_panic(go_str("hello"));
}
static void must_recover(void *u) {
    (void)u;
    go_any r = go_recover();
    tlog("recovered:%s", go_isnil(r) ? "nil" : r.v.s);
}
static void *recover_before_panic_after_goexit(void *arg) {
    go_frame {
        go_defer(logs, "outer-runs");
        go_frame {
            go_defer(logs, "loop-defer-1");
            go_defer(logs, "loop-defer-2");
            go_defer(must_recover, NULL);
            go_defer(panic_hello, NULL);
            go_goexit();
        }
        tlog("not-reached: recover cannot cancel a Goexit");
    }
    return arg;
}
static void test_recover_before_panic_after_goexit(void) {
    pthread_t t;
    void *ret = (void *)1;
    pthread_create(&t, NULL, recover_before_panic_after_goexit, (void *)7);
    pthread_join(t, &ret);
    ASSERT(ret == NULL);
    ASSERT_LOG("recovered:hello loop-defer-2 loop-defer-1 outer-runs");
}

/* RecoveredPanicAfterGoexit: the panic is recovered inside the deferred call. */
static void deferred_panics_and_recovers(void *u) {
    (void)u;
    go_frame {
        go_defer(must_recover, NULL);
        go_panic(go_str("hello"));
    }
    tlog("deferred-goes-on");
}
static void *recovered_panic_after_goexit(void *arg) {
    go_frame {
        go_defer(logs, "after");
        go_defer(deferred_panics_and_recovers, NULL);
        go_goexit();
    }
    return arg;
}
static void test_recovered_panic_after_goexit(void) {
    pthread_t t;
    void *ret = (void *)1;
    pthread_create(&t, NULL, recovered_panic_after_goexit, (void *)7);
    pthread_join(t, &ret);
    ASSERT(ret == NULL);
    ASSERT_LOG("recovered:hello deferred-goes-on after");
}

/* GoexitInPanic: Goexit called by a deferred call during a panic silently ends the panic
 * with the thread; the rest of the goroutine's deferred calls still run. */
static void goexit_now(void *u) {
    (void)u;
    go_goexit();
}
static void *goexit_in_panic(void *arg) {
    go_frame {
        go_defer(logs, "outer");
        go_frame {
            go_defer(goexit_now, NULL);
            go_panic(go_str("hello"));
        }
    }
    return arg;
}
static void test_goexit_in_panic(void) {
    pthread_t t;
    void *ret = (void *)1;
    pthread_create(&t, NULL, goexit_in_panic, (void *)7);
    pthread_join(t, &ret);
    ASSERT(ret == NULL);
    ASSERT_LOG("outer");
}

/* The thread can use godefer from the start again: a new goroutine per thread. */
static void test_other_threads_unaffected(void) {
    go_frame {
        go_defer(logs, "main-frame");
        pthread_t t;
        pthread_create(&t, NULL, goexit_in_panic, NULL);
        pthread_join(t, NULL);
        tlog("joined");
    }
    ASSERT_LOG("outer joined main-frame");
}

/* ---- children: the report when Goexit meets a panic, and main calling Goexit ------- */

static void child_panic_after_goexit(void) {
    go_frame {
        go_defer(panic_hello, NULL);
        go_goexit();
    }
}

static void *slow_thread(void *arg) {
    (void)arg;
    usleep(200 * 1000);
    printf("other thread done\n");
    return NULL;
}
static void say(const char *s) { printf("%s\n", s); }
static void child_main_goexit(void) {
    pthread_t t;
    pthread_create(&t, NULL, slow_thread, NULL);
    go_frame {
        go_defer(say, "deferred in main");
        go_goexit();
    }
}

static void *exits_zero(void *arg) {
    (void)arg;
    usleep(100 * 1000);
    fflush(stdout);
    exit(0);
}
static void child_main_goexit_other_exits(void) {
    pthread_t t;
    pthread_create(&t, NULL, exits_zero, NULL);
    go_goexit();
}

static void child_main_goexit_in_panic(void) {
    go_frame {
        go_defer(goexit_now, NULL);
        go_panic(go_str("hello"));
    }
}

static void test_panic_after_goexit(void) {
    child_result *r = run_child("panic_after_goexit");
    ASSERT_INT(r->status, 2);
    ASSERT_STR(report_head(r), "panic: hello\n");
    IF_SYMBOLS(ASSERT_CONTAINS(r->err, "\npanic_hello(...)\n"));
    IF_SYMBOLS(ASSERT_CONTAINS(r->err, "\ngo_goexit(...)\n"));
}

static void test_main_goexit(void) {
#ifdef GO__TSAN
    /* ThreadSanitizer's background thread is a pthread that never ends, so the process
     * never runs out of threads after main's Goexit (docs/differences.md). */
    SKIP("main's Goexit with another thread cannot deadlock under ThreadSanitizer");
#endif
    child_result *r = run_child("main_goexit");
    ASSERT_INT(r->status, 2);
    ASSERT_STR(r->out, "deferred in main\nother thread done\n");
    ASSERT_STR(r->err, "fatal error: no goroutines (main called runtime.Goexit) - deadlock!\n");
}

static void test_main_goexit_alone(void) {
    child_result *r = run_child("main_goexit_in_panic");
    ASSERT_INT(r->status, 2);
    ASSERT_STR(r->err, "fatal error: no goroutines (main called runtime.Goexit) - deadlock!\n");
    r = run_child("main_goexit_other_exits");
    ASSERT_INT(r->status, 0);
    ASSERT_STR(r->err, "");
}

static const harness_case cases[] = {
    {"goexit_runs_all_deferred_calls", test_goexit_runs_all_deferred_calls},
    {"recover_before_panic_after_goexit", test_recover_before_panic_after_goexit},
    {"recovered_panic_after_goexit", test_recovered_panic_after_goexit},
    {"goexit_in_panic", test_goexit_in_panic},
    {"other_threads_unaffected", test_other_threads_unaffected},
    {"panic_after_goexit", test_panic_after_goexit},
    {"main_goexit", test_main_goexit},
    {"main_goexit_alone", test_main_goexit_alone},
    {NULL, NULL},
};
static const harness_case children[] = {
    {"panic_after_goexit", child_panic_after_goexit},
    {"main_goexit", child_main_goexit},
    {"main_goexit_other_exits", child_main_goexit_other_exits},
    {"main_goexit_in_panic", child_main_goexit_in_panic},
    {NULL, NULL},
};

int main(int argc, char **argv) { return harness_main(argc, argv, cases, children); }
