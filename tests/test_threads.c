/* Goroutines: each thread has its own chains and id; panics and recoveries in one
 * thread never touch another's frames; an unrecovered panic anywhere ends the process. */
#include <godefer.h>
#include <pthread.h>

#include "harness.h"

#define NTHREADS 4
#define ROUNDS 20000

static void recover_into(go_any *out) { *out = go_recover(); }
static void count(long *c) { (*c)++; }

/* One round: nested frames, a panic two calls deep, a recovery, and checks. */
__attribute__((noinline)) static void thrower(long v) {
    long dummy = 0;
    go_frame {
        go_defer(count, &dummy);
        go_panic(go_int(v));
    }
}
static long round_trip(long v, long *deferred) {
    go_any got = go_nil();
    go_frame {
        go_defer(count, deferred);
        go_defer(recover_into, &got);
        go_frame {
            go_defer(count, deferred);
            thrower(v);
        }
    }
    return got.type == &go_type_int ? got.v.i : -1;
}

static pthread_barrier_t start;
static long bad[NTHREADS];
static int64_t ids[NTHREADS];

static void *worker(void *arg) {
    long id = (long)arg;
    ids[id] = go_goid();
    pthread_barrier_wait(&start);
    for (long i = 0; i < ROUNDS; i++) {
        long deferred = 0, v = id * 1000000 + i;
        if (round_trip(v, &deferred) != v || deferred != 2) bad[id]++;
    }
    return NULL;
}

static void test_concurrent_panics(void) {
    pthread_t t[NTHREADS];
    pthread_barrier_init(&start, NULL, NTHREADS);
    for (long i = 0; i < NTHREADS; i++) pthread_create(&t[i], NULL, worker, (void *)i);
    for (int i = 0; i < NTHREADS; i++) pthread_join(t[i], NULL);
    pthread_barrier_destroy(&start);
    for (int i = 0; i < NTHREADS; i++) ASSERT_INT(bad[i], 0);
    /* distinct goroutine ids, none of them the main goroutine's */
    for (int i = 0; i < NTHREADS; i++) {
        ASSERT(ids[i] > 1);
        for (int j = 0; j < i; j++) ASSERT(ids[i] != ids[j]);
    }
}

static void test_main_is_goroutine_1(void) { ASSERT_INT(go_goid(), 1); }

/* A thread holding pending deferred calls while another thread panics and recovers:
 * the first thread's frame is untouched. */
static pthread_barrier_t step;
static void logs(const char *s) { tlog("%s", s); }
static void *holder(void *arg) {
    go_frame {
        go_defer(logs, "holder-deferred");
        pthread_barrier_wait(&step); /* frame live */
        pthread_barrier_wait(&step); /* the other thread has panicked and recovered */
        tlog("holder-continues");
    }
    return arg;
}
static void test_independent_chains(void) {
    pthread_t t;
    pthread_barrier_init(&step, NULL, 2);
    pthread_create(&t, NULL, holder, NULL);
    pthread_barrier_wait(&step);
    long d = 0;
    ASSERT_INT(round_trip(5, &d), 5);
    tlog("main-recovered");
    pthread_barrier_wait(&step);
    pthread_join(t, NULL);
    pthread_barrier_destroy(&step);
    ASSERT_LOG("main-recovered holder-continues holder-deferred");
}

/* Goroutine states of different threads share no cache line. */
static uintptr_t gaddr[2];
static void *record_g(void *arg) {
    go_goid();
    gaddr[(long)arg] = (uintptr_t)go__curg;
    return NULL;
}
static void test_no_shared_cache_line(void) {
    pthread_t t;
    record_g((void *)0);
    pthread_create(&t, NULL, record_g, (void *)1);
    pthread_join(t, NULL);
    ASSERT(gaddr[0] % 64 == 0 && gaddr[1] % 64 == 0);
    uintptr_t d = gaddr[0] > gaddr[1] ? gaddr[0] - gaddr[1] : gaddr[1] - gaddr[0];
    ASSERT(d >= 64);
}

/* ---- an unrecovered panic in one thread ends the whole process -------------------- */
static void *panics(void *arg) {
    (void)arg;
    go_panic(go_str("thread panic"));
}
static void child_thread_panic(void) {
    pthread_t t;
    go_goid();
    pthread_create(&t, NULL, panics, NULL);
    for (;;) pause(); /* the process must end without main doing anything */
}
static void test_thread_panic_ends_process(void) {
    child_result *r = run_child("thread_panic");
    ASSERT_INT(r->status, 2);
    ASSERT_STR(report_head(r), "panic: thread panic\n");
    ASSERT_CONTAINS(r->err, "\ngoroutine 2 [running]:\n");
    IF_SYMBOLS(ASSERT_CONTAINS(r->err, "\ngoroutine 2 [running]:\npanics(...)\n"));
}

/* Two threads panicking at once: one report, status 2. */
static pthread_barrier_t both;
static void *panics_together(void *arg) {
    pthread_barrier_wait(&both);
    go_panic(go_int((long)arg));
}
static void child_two_panics(void) {
    pthread_t t[2];
    pthread_barrier_init(&both, NULL, 2);
    for (long i = 0; i < 2; i++) pthread_create(&t[i], NULL, panics_together, (void *)i);
    for (;;) pause();
}
static void test_two_panics_one_report(void) {
    child_result *r = run_child("two_panics");
    ASSERT_INT(r->status, 2);
    int n = 0;
    for (const char *p = r->err; (p = strstr(p, "panic: ")); p++) n++;
    ASSERT_INT(n, 1);
    int g = 0;
    for (const char *p = r->err; (p = strstr(p, "goroutine ")); p++) g++;
    ASSERT_INT(g, 1);
}

static const harness_case cases[] = {
    {"main_is_goroutine_1", test_main_is_goroutine_1},
    {"concurrent_panics", test_concurrent_panics},
    {"independent_chains", test_independent_chains},
    {"no_shared_cache_line", test_no_shared_cache_line},
    {"thread_panic_ends_process", test_thread_panic_ends_process},
    {"two_panics_one_report", test_two_panics_one_report},
    {NULL, NULL},
};
static const harness_case children[] = {
    {"thread_panic", child_thread_panic},
    {"two_panics", child_two_panics},
    {NULL, NULL},
};

int main(int argc, char **argv) { return harness_main(argc, argv, cases, children); }
