/* The timing harness shared by the C and C++ bench programs (godefer, floors, C++, Lua).
 *
 * A case is a runner `void run(long n)` that performs its operation n times, plus the
 * number of units one operation counts for (e.g. 100 for "100 pending defers", so the
 * result is per pending call).  Each program prints one line per case:
 *
 *     impl <TAB> case <TAB> min ns/unit <TAB> median ns/unit <TAB> reps
 *
 * Options:
 *   --reps R        timed repetitions per case (default 7); min and median are reported
 *   --ms T          target milliseconds per repetition (default 5)
 *   --only NAME     run only the cases whose name contains NAME
 *   --smoke         a few iterations, one repetition: checks that everything runs (CTest)
 *   --callgrind     run each case once for a fixed count between CALLGRIND_ZERO_STATS and
 *                   CALLGRIND_DUMP_STATS_AT("<case>"): instructions per unit = Ir / count
 *   --list          print the case names
 * A program may also print `impl <TAB> case <TAB> value <TAB> value <TAB> unit` lines for
 * measurements that are not times (memory).
 */
#ifndef GODEFER_BENCH_H
#define GODEFER_BENCH_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#if defined(__has_include)
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#define BENCH_HAVE_CALLGRIND 1
#endif
#endif
#ifndef BENCH_HAVE_CALLGRIND
#define CALLGRIND_ZERO_STATS
#define CALLGRIND_DUMP_STATS_AT(s) ((void)(s))
#endif

#define NOINLINE __attribute__((noinline))

/* The panicking recursions end in a noreturn call, which GCC 12 and Clang take for no
 * base case. */
#if defined(__clang__) || (defined(__GNUC__) && __GNUC__ >= 12)
#pragma GCC diagnostic ignored "-Winfinite-recursion"
#endif

typedef struct bench_case {
    const char *impl; /* NULL: the program's own name */
    const char *name;
    void (*run)(long n);
    long units;   /* units per operation (result is per unit) */
    int threads;  /* 0 or 1: runs in the calling thread; T > 1: T threads run it at once */
} bench_case;

/* Deferred work counts itself in a per-thread counter; every runner checks that the
 * count moved as expected (so a case that silently skips its deferred calls fails). */
static __thread volatile long bench_sink;
static long bench_bad;
static int bench_token; /* the pointer argument of deferred calls */

#define BENCH_CHECK(cond)                                                               \
    do {                                                                                \
        if (!(cond)) __atomic_add_fetch(&bench_bad, 1, __ATOMIC_RELAXED);               \
    } while (0)

/* A runner doing `stmt` n times, which must add k to bench_sink each time. */
#define BENCH_RUNNER(name, k, stmt)                                                     \
    static NOINLINE void run_##name(long n) {                                           \
        long s0_ = bench_sink;                                                          \
        for (long i_ = 0; i_ < n; i_++) {                                               \
            stmt;                                                                       \
        }                                                                               \
        BENCH_CHECK(bench_sink - s0_ == (long)(k) * n);                                 \
    }

/* The deferred function of every case: one pointer argument, a counter bump. */
static NOINLINE void work(int *p) {
    (void)p;
    bench_sink = bench_sink + 1;
}

static double bench_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

typedef struct bench_thread {
    const bench_case *c;
    long n;
    pthread_barrier_t *start;
    double t0, t1;
} bench_thread;

static void *bench_thread_main(void *arg) {
    bench_thread *t = (bench_thread *)arg;
    t->c->run(1); /* per-thread warm-up (thread state, pools) */
    pthread_barrier_wait(t->start);
    t->t0 = bench_now();
    t->c->run(t->n);
    t->t1 = bench_now();
    return NULL;
}

/* Wall time of one repetition in ns.  With T threads each runs n operations at once: the
 * result is wall time per operation of the whole group (throughput). */
static double bench_time(const bench_case *c, long n) {
    if (c->threads <= 1) {
        double t0 = bench_now();
        c->run(n);
        return bench_now() - t0;
    }
    enum { MAXT = 16 };
    pthread_t th[MAXT];
    bench_thread t[MAXT];
    pthread_barrier_t start;
    int nt = c->threads < MAXT ? c->threads : MAXT;
    pthread_barrier_init(&start, NULL, (unsigned)nt);
    for (int i = 0; i < nt; i++) {
        t[i].c = c;
        t[i].n = n;
        t[i].start = &start;
        if (pthread_create(&th[i], NULL, bench_thread_main, &t[i]) != 0) {
            fprintf(stderr, "bench: pthread_create failed\n");
            exit(1);
        }
    }
    double first = 0, last = 0;
    for (int i = 0; i < nt; i++) {
        pthread_join(th[i], NULL);
        if (i == 0 || t[i].t0 < first) first = t[i].t0;
        if (i == 0 || t[i].t1 > last) last = t[i].t1;
    }
    pthread_barrier_destroy(&start);
    return (last - first) / nt; /* per operation of one thread's share: wall / T */
}

static int bench_cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int bench_main(int argc, char **argv, const char *impl0, const bench_case *cases) {
    int reps = 7, smoke = 0, cg = 0, list = 0;
    double ms = 5;
    const char *only = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--reps") && i + 1 < argc) reps = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--ms") && i + 1 < argc) ms = atof(argv[++i]);
        else if (!strcmp(argv[i], "--only") && i + 1 < argc) only = argv[++i];
        else if (!strcmp(argv[i], "--smoke")) smoke = 1;
        else if (!strcmp(argv[i], "--callgrind")) cg = 1;
        else if (!strcmp(argv[i], "--list")) list = 1;
        else {
            fprintf(stderr, "usage: %s [--reps R] [--ms T] [--only NAME] [--smoke] "
                            "[--callgrind] [--list]\n", argv[0]);
            return 2;
        }
    }
    if (reps < 1 || reps > 1000) reps = 7;
    int ran = 0;
    for (const bench_case *c = cases; c->name; c++) {
        if (only && !strstr(c->name, only)) continue;
        if (list) {
            printf("%s\n", c->name);
            continue;
        }
        const char *impl = c->impl ? c->impl : impl0;
        double units = (double)(c->units > 0 ? c->units : 1);
        if (cg) {
            /* Instruction counts: single-threaded cases only, fixed count, warm. */
            if (c->threads > 1) continue;
            long n = 200000 / (long)units + 10;
            if (n > 2000) n = 2000;
            c->run(n);
            CALLGRIND_ZERO_STATS;
            c->run(n);
            char label[128];
            snprintf(label, sizeof label, "%s %s %ld", impl, c->name, n * (long)units);
            CALLGRIND_DUMP_STATS_AT(label);
            ran++;
            continue;
        }
        if (smoke) {
            double t = bench_time(c, 3);
            printf("%s\t%s\t%.3f\t%.3f\t1\n", impl, c->name, t / 3 / units, t / 3 / units);
            fflush(stdout);
            ran++;
            continue;
        }
        /* Calibrate: grow n until one repetition takes at least the target time. */
        long n = 1;
        c->run(1);
        for (;;) {
            double t = bench_time(c, n);
            if (t >= ms * 1e6 || n >= (1L << 40)) break;
            double grow = t > 0 ? ms * 1e6 * 1.2 / t : 100;
            if (grow > 100) grow = 100;
            if (grow < 2) grow = 2;
            n = (long)((double)n * grow);
        }
        double *v = (double *)malloc(sizeof(double) * (size_t)reps);
        for (int r = 0; r < reps; r++) v[r] = bench_time(c, n) / (double)n / units;
        qsort(v, (size_t)reps, sizeof *v, bench_cmp);
        printf("%s\t%s\t%.3f\t%.3f\t%d\n", impl, c->name, v[0], v[reps / 2], reps);
        fflush(stdout);
        free(v);
        ran++;
    }
    if (list) return 0;
    if (bench_bad) {
        fprintf(stderr, "bench %s: FAILED: %ld runs did not run their deferred calls or "
                        "recover as expected\n", impl0, bench_bad);
        return 1;
    }
    fprintf(stderr, "bench %s: %d cases\n", impl0, ran);
    return 0;
}

/* bench_main, then mem_rows (memory per object) after a full timing run: not with
 * --only, --callgrind or --list, whose output is their own rows only. */
__attribute__((unused)) static int bench_main_mem(int argc, char **argv, const char *impl0,
                                                  const bench_case *cases,
                                                  void (*mem_rows)(void)) {
    int rc = bench_main(argc, argv, impl0, cases);
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--only") || !strcmp(argv[i], "--callgrind") ||
            !strcmp(argv[i], "--list"))
            return rc;
    if (rc == 0) mem_rows();
    return rc;
}

#endif
