/* Goroutines: each thread has its own chains and id; panics and recoveries in one
 * thread never touch another's frames; an unrecovered panic anywhere ends the process. */
#include <godefer.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <time.h>

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

/* ---- exit waits for panics in flight (Go's runtime.main, issues 3934 and 20018) ----
 * A thread panics; its deferred call wakes main and yields; main returns (or another
 * thread calls exit).  Go always ends with the report and status 2 (TestPanicRace). */
static sem_t posted;
static void wait_posted(void) {
    while (sem_wait(&posted) != 0) {
    }
}
static void post_and_yield(sem_t *s) {
    sem_post(s);
    sched_yield();
}
static void post_and_block(sem_t *s) {
    sem_post(s);
    for (;;) pause();
}
static void *crash_after_post(void *arg) {
    go_frame {
        go_defer(post_and_yield, &posted);
        go_panic(go_str("crash"));
    }
    return arg;
}
static void start_thread(void *(*fn)(void *)) {
    pthread_t t;
    sem_init(&posted, 0, 0);
    pthread_create(&t, NULL, fn, NULL);
}
static void child_race_return(void) {
    start_thread(crash_after_post);
    wait_posted();
} /* main returns */
static void *exit0_after_post(void *arg) {
    wait_posted();
    exit(0);
    return arg;
}
static void child_race_exit(void) {
    pthread_t t;
    sem_init(&posted, 0, 0);
    pthread_create(&t, NULL, exit0_after_post, NULL);
    pthread_create(&t, NULL, crash_after_post, NULL);
    for (;;) pause();
}

/* Repeating a race: another run is due while fewer than `runs` were made and the runs took
 * less than `budget` seconds, or fewer than 3 were made (Valgrind makes each one slow).
 * GODEFER_TEST_RACE_SECONDS lowers the budget: the build matrix runs this program in 76
 * configurations to see that it works under their flags, not to hunt the race again. */
static bool run_again(const struct timespec *t0, int n, int runs, double budget) {
    const char *cap = getenv("GODEFER_TEST_RACE_SECONDS");
    if (cap && atof(cap) < budget) budget = atof(cap);
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    double s = (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
    return n < 3 || (n < runs && s < budget);
}

/* Every run of the race must end with the report and status 2. */
static void expect_report_every_time(const char *name) {
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int bad = 0, n = 0;
    for (; run_again(&t0, n, 200, 8); n++) {
        child_result *r = run_child(name);
        if ((r->status != 2 || strncmp(r->err, "panic: crash\n", 13) != 0) && !bad++)
            HFAIL("%s run %d: status %d, stderr:\n%s", name, n, r->status, r->err);
    }
    ASSERT_INT(bad, 0);
    printf("# %s: %d runs\n", name, n);
}
static void test_main_returns_during_panic(void) {
    expect_report_every_time("race_return");
}
static void test_exit_during_panic(void) { expect_report_every_time("race_exit"); }

/* main returns while another thread is printing the report: the report's writes block on
 * a pipe until a reader, which first waits for main to be in exit, drains it. */
static int report_pipe[2], real_stderr;
static char big[1 << 20];
static void *drain_report(void *arg) {
    const char *want = "panic: ";
    size_t matched = 0;
    char c;
    while (want[matched] && read(report_pipe[0], &c, 1) == 1) { /* skip Valgrind's lines */
        matched = c == want[matched] ? matched + 1 : c == want[0];
        if (write(real_stderr, &c, 1) != 1) break;
    }
    sem_post(&posted);
    usleep(200 * 1000); /* main is in exit by now, and must stay there */
    char buf[4096];
    for (ssize_t n; (n = read(report_pipe[0], buf, sizeof buf)) > 0;)
        if (write(real_stderr, buf, (size_t)n) != n) break;
    return arg;
}
static void *crash_big(void *arg) {
    memset(big, 'x', sizeof big - 1);
    go_panic(go_str(big));
    return arg;
}
static void child_return_while_printing(void) {
    pthread_t t;
    real_stderr = dup(2);
    if (real_stderr < 0 || pipe(report_pipe) != 0 || dup2(report_pipe[1], 2) < 0) exit(90);
    sem_init(&posted, 0, 0);
    pthread_create(&t, NULL, drain_report, NULL);
    pthread_create(&t, NULL, crash_big, NULL);
    wait_posted();
} /* main returns */
static void test_main_returns_while_printing(void) {
    child_result *r = run_child("return_while_printing");
    ASSERT_INT(r->status, 2);
    ASSERT_CONTAINS(r->err, "panic: xxxxxxxx");
}

/* The waits that must stay short.  The child registers an exit handler before godefer's
 * (so it runs after it) that prints how long exit took after main returned. */
#define EXIT_WAIT_MS 1000 /* godefer's bound on the wait for deferred calls (design.md) */
static struct timespec returned_at;
static void print_wait(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    long ms = (t.tv_sec - returned_at.tv_sec) * 1000 +
              (t.tv_nsec - returned_at.tv_nsec) / 1000000;
    printf("waited %ld ms\n", ms);
}
static void timed(void *(*fn)(void *)) {
    atexit(print_wait);
    start_thread(fn);
    wait_posted();
    clock_gettime(CLOCK_MONOTONIC, &returned_at);
} /* main returns */
static long waited_ms(const char *name, int status) {
    child_result *r = run_child(name);
    ASSERT_INT(r->status, status);
    ASSERT_NOT_CONTAINS(r->err, "panic: ");
    long ms = -1;
    const char *w = strstr(r->out, "waited ");
    if (w) ms = strtol(w + 7, NULL, 10);
    ASSERT(ms >= 0);
    return ms;
}

static void recover_quiet(int *unused) {
    (void)unused;
    go_recover();
}
static void *recovers_after_post(void *arg) {
    go_frame {
        go_defer(recover_quiet, NULL);
        go_defer(post_and_yield, &posted);
        go_panic(go_str("crash"));
    }
    for (;;) pause(); /* recovered, and busy with something else: exit must not wait */
    return arg;
}
static void child_recovered(void) { timed(recovers_after_post); }
static void test_recovered_panic_no_wait(void) {
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int n = 0; run_again(&t0, n, 20, 2); n++) {
        long ms = waited_ms("recovered", 0);
        if (ms >= EXIT_WAIT_MS * 9 / 10) {
            HFAIL("run %d: exit waited %ld ms for a recovered panic", n, ms);
            break;
        }
    }
}

/* A deferred call that never returns: exit waits for it only briefly, then exits 0. */
static void *stuck_after_post(void *arg) {
    go_frame {
        go_defer(post_and_block, &posted);
        go_panic(go_str("crash"));
    }
    return arg;
}
static void child_stuck(void) { timed(stuck_after_post); }
static void test_stuck_deferred_call_bounded_wait(void) {
    long ms = waited_ms("stuck", 0);
    ASSERT(ms >= EXIT_WAIT_MS * 9 / 10);
    ASSERT(ms < EXIT_WAIT_MS * 5);
}

/* Goexit runs deferred calls, but no panic is in flight: exit does not wait. */
static void *goexit_after_post(void *arg) {
    go_frame {
        go_defer(post_and_block, &posted);
        go_goexit();
    }
    return arg;
}
static void call_goexit(int *unused) {
    (void)unused;
    go_goexit();
}
static void *goexit_cancels_panic(void *arg) {
    go_frame {
        go_defer(post_and_block, &posted);
        go_defer(call_goexit, NULL); /* Goexit in a deferred call cancels the panic */
        go_panic(go_str("crash"));
    }
    return arg;
}
static void child_goexit(void) { timed(goexit_after_post); }
static void child_goexit_in_panic(void) { timed(goexit_cancels_panic); }
static void test_goexit_no_wait(void) {
    ASSERT(waited_ms("goexit", 0) < EXIT_WAIT_MS * 9 / 10);
    ASSERT(waited_ms("goexit_in_panic", 0) < EXIT_WAIT_MS * 9 / 10);
}

/* exit() inside a deferred call of the thread's own panic: its status, no report, no
 * deadlock (Go's os.Exit in a deferred call). */
static void exit3(int *unused) {
    (void)unused;
    exit(3);
}
static void *exits_in_own_panic(void *arg) {
    go_frame {
        go_defer(exit3, NULL);
        go_panic(go_str("crash"));
    }
    return arg;
}
static void child_exit_in_own_panic(void) {
    pthread_t t;
    pthread_create(&t, NULL, exits_in_own_panic, NULL);
    for (;;) pause();
}
static void child_main_exit_in_own_panic(void) { exits_in_own_panic(NULL); }
static void test_exit_in_own_panic(void) {
    child_result *r = run_child("exit_in_own_panic");
    ASSERT_INT(r->status, 3);
    ASSERT_NOT_CONTAINS(r->err, "panic: ");
    r = run_child("main_exit_in_own_panic");
    ASSERT_INT(r->status, 3);
    ASSERT_NOT_CONTAINS(r->err, "panic: ");
}

static const harness_case cases[] = {
    {"main_is_goroutine_1", test_main_is_goroutine_1},
    {"concurrent_panics", test_concurrent_panics},
    {"independent_chains", test_independent_chains},
    {"no_shared_cache_line", test_no_shared_cache_line},
    {"thread_panic_ends_process", test_thread_panic_ends_process},
    {"two_panics_one_report", test_two_panics_one_report},
    {"main_returns_during_panic", test_main_returns_during_panic},
    {"exit_during_panic", test_exit_during_panic},
    {"main_returns_while_printing", test_main_returns_while_printing},
    {"recovered_panic_no_wait", test_recovered_panic_no_wait},
    {"stuck_deferred_call_bounded_wait", test_stuck_deferred_call_bounded_wait},
    {"goexit_no_wait", test_goexit_no_wait},
    {"exit_in_own_panic", test_exit_in_own_panic},
    {NULL, NULL},
};
static const harness_case children[] = {
    {"thread_panic", child_thread_panic},
    {"two_panics", child_two_panics},
    {"race_return", child_race_return},
    {"race_exit", child_race_exit},
    {"return_while_printing", child_return_while_printing},
    {"recovered", child_recovered},
    {"stuck", child_stuck},
    {"goexit", child_goexit},
    {"goexit_in_panic", child_goexit_in_panic},
    {"exit_in_own_panic", child_exit_in_own_panic},
    {"main_exit_in_own_panic", child_main_exit_in_own_panic},
    {NULL, NULL},
};

int main(int argc, char **argv) { return harness_main(argc, argv, cases, children); }
