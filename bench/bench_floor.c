/* The hardware floors of the benchmark cases: what the same work costs without any defer
 * machinery.  Each line's impl names the floor:
 *   call      a plain call (nodefer)
 *   cleanup   __attribute__((cleanup)) handlers (defer1, defer8)
 *   stackrec  an array of {fn, arg} records on the stack, run newest first (loops)
 *   setjmp    glibc setjmp/longjmp through a thread-local chain of jump buffers; with a
 *             "defer" on the way every frame arms its own setjmp, runs its work when
 *             unwound and longjmps on (the usual C way to clean up on an error path)
 *   bsetjmp   the same with __builtin_setjmp/__builtin_longjmp (no signal mask, 5 words)
 */
#include "bench.h"

#include <signal.h>

#include <setjmp.h>

/* ---- calls and cleanups ------------------------------------------------------------- */

static NOINLINE void op_call(void) { work(&bench_token); }

static inline void cl(int **p) { work(*p); }

static NOINLINE void op_cleanup1(void) {
    int *a __attribute__((cleanup(cl))) = &bench_token;
    __asm__ volatile("" ::"r"(&a));
}

static NOINLINE void op_cleanup8(void) {
    int *a __attribute__((cleanup(cl))) = &bench_token;
    int *b __attribute__((cleanup(cl))) = &bench_token;
    int *c __attribute__((cleanup(cl))) = &bench_token;
    int *d __attribute__((cleanup(cl))) = &bench_token;
    int *e __attribute__((cleanup(cl))) = &bench_token;
    int *f __attribute__((cleanup(cl))) = &bench_token;
    int *g __attribute__((cleanup(cl))) = &bench_token;
    int *h __attribute__((cleanup(cl))) = &bench_token;
    __asm__ volatile("" ::"r"(&a), "r"(&b), "r"(&c), "r"(&d), "r"(&e), "r"(&f), "r"(&g),
                     "r"(&h));
}

/* ---- a dynamic list of records on the stack ----------------------------------------- */

typedef struct rec {
    void (*fn)(int *);
    int *arg;
} rec;

static NOINLINE void op_stackrec(int n) {
    rec r[n];
    int k = 0;
    for (int i = 0; i < n; i++) {
        r[k].fn = work;
        r[k].arg = &bench_token;
        k++;
        __asm__ volatile("" ::"r"(r) : "memory");
    }
    while (k) {
        k--;
        r[k].fn(r[k].arg);
    }
}

/* ---- setjmp / longjmp --------------------------------------------------------------- */

static __thread jmp_buf *cur;
static __thread volatile long caught;

static NOINLINE void sj_throw(void) { longjmp(*cur, 1); }

static NOINLINE void sj_pan(int d) {
    if (d <= 1) sj_throw();
    sj_pan(d - 1);
    __asm__ volatile("");
}

/* Every frame catches, does its work, and passes the error on. */
static NOINLINE void sj_pan_defer(int d) {
    jmp_buf b;
    jmp_buf *volatile outer = cur;
    if (setjmp(b)) {
        cur = outer;
        work(&bench_token);
        sj_throw();
    }
    cur = &b;
    if (d <= 1) sj_throw();
    sj_pan_defer(d - 1);
    cur = outer;
    work(&bench_token);
}

static NOINLINE void sj_panic0(void) {
    jmp_buf b;
    jmp_buf *volatile outer = cur;
    cur = &b;
    if (setjmp(b)) {
        caught = caught + 1;
    } else {
        longjmp(b, 1);
    }
    cur = outer;
}

static NOINLINE void sj_panic(int d, int defers) {
    jmp_buf b;
    jmp_buf *volatile outer = cur;
    long c0 = caught;
    cur = &b;
    if (setjmp(b)) {
        caught = caught + 1;
    } else if (defers) {
        sj_pan_defer(d);
    } else {
        sj_pan(d);
    }
    cur = outer;
    BENCH_CHECK(caught == c0 + 1);
}

/* __builtin_setjmp: the buffer holds frame pointer, resume address and stack pointer. */
static __thread void **bcur;

static NOINLINE void bj_throw(void) { __builtin_longjmp(bcur, 1); }

static NOINLINE void bj_pan(int d) {
    if (d <= 1) bj_throw();
    bj_pan(d - 1);
    __asm__ volatile("");
}

static NOINLINE void bj_pan_defer(int d) {
    void *b[5];
    void **volatile outer = bcur;
    if (__builtin_setjmp(b)) {
        bcur = outer;
        work(&bench_token);
        bj_throw();
    }
    bcur = b;
    if (d <= 1) bj_throw();
    bj_pan_defer(d - 1);
    bcur = outer;
    work(&bench_token);
}

static NOINLINE void bj_panic(int d, int defers) {
    void *b[5];
    void **volatile outer = bcur;
    long c0 = caught;
    bcur = b;
    if (__builtin_setjmp(b)) {
        caught = caught + 1;
    } else if (d == 0) {
        bj_throw(); /* __builtin_longjmp cannot be in the function of its setjmp */
    } else if (defers) {
        bj_pan_defer(d);
    } else {
        bj_pan(d);
    }
    bcur = outer;
    BENCH_CHECK(caught == c0 + 1);
}

/* A fault recovered the usual C way: a SIGSEGV handler siglongjmps to a sigsetjmp that
 * saved the signal mask (the handler runs with SIGSEGV blocked). */
static __thread sigjmp_buf fault_env;
static int *volatile nil_ptr;

static void on_segv(int sig) {
    (void)sig;
    siglongjmp(fault_env, 1);
}

static NOINLINE void deref_nil(void) { bench_token += *nil_ptr; }

static NOINLINE void op_fault_recover(void) {
    long c0 = caught;
    if (sigsetjmp(fault_env, 1))
        caught = caught + 1;
    else
        deref_nil();
    BENCH_CHECK(caught == c0 + 1);
}

static NOINLINE void run_fault_recover(long n) {
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_segv;
    sigaction(SIGSEGV, &sa, &old);
    for (long i = 0; i < n; i++) op_fault_recover();
    sigaction(SIGSEGV, &old, NULL);
}

BENCH_RUNNER(call, 1, op_call())
BENCH_RUNNER(cleanup1, 1, op_cleanup1())
BENCH_RUNNER(cleanup8, 8, op_cleanup8())
BENCH_RUNNER(stackrec10, 10, op_stackrec(10))
BENCH_RUNNER(stackrec100, 100, op_stackrec(100))
BENCH_RUNNER(stackrec10000, 10000, op_stackrec(10000))
BENCH_RUNNER(sj_panic0, 0, sj_panic0())
BENCH_RUNNER(bj_panic0, 0, bj_panic(0, 0))
#define DEPTHS(X) X(1) X(2) X(5) X(10) X(20) X(50) X(100)
#define PANIC_RUNNERS(d)                                                                \
    BENCH_RUNNER(sj_panic_d##d, 0, sj_panic(d, 0))                                      \
    BENCH_RUNNER(sj_panic_defer_d##d, d, sj_panic(d, 1))                                \
    BENCH_RUNNER(bj_panic_d##d, 0, bj_panic(d, 0))                                      \
    BENCH_RUNNER(bj_panic_defer_d##d, d, bj_panic(d, 1))
DEPTHS(PANIC_RUNNERS)

/* go_join's floor: a thread created and joined (bench_godefer.c, run_go_join). */
static long pthread_join_runs;
static void *count_thread(void *p) {
    pthread_join_runs++;
    return p;
}
static NOINLINE void run_pthread_join(long n) {
    long r0 = pthread_join_runs;
    for (long i = 0; i < n; i++) {
        pthread_t t;
        if (pthread_create(&t, NULL, count_thread, NULL) == 0) pthread_join(t, NULL);
    }
    BENCH_CHECK(pthread_join_runs - r0 == n);
}

#define PANIC_CASES(d)                                                                  \
    {"setjmp", "panic_d" #d, run_sj_panic_d##d, 1, 0},                                  \
    {"setjmp", "panic_defer_d" #d, run_sj_panic_defer_d##d, 1, 0},                      \
    {"bsetjmp", "panic_d" #d, run_bj_panic_d##d, 1, 0},                                 \
    {"bsetjmp", "panic_defer_d" #d, run_bj_panic_defer_d##d, 1, 0},

static const bench_case cases[] = {
    {"call", "nodefer", run_call, 1, 0},
    {"cleanup", "defer1", run_cleanup1, 1, 0},
    {"cleanup", "defer8", run_cleanup8, 1, 0},
    {"stackrec", "loop10", run_stackrec10, 10, 0},
    {"stackrec", "loop100", run_stackrec100, 100, 0},
    {"stackrec", "loop10000", run_stackrec10000, 10000, 0},
    {"setjmp", "panic0", run_sj_panic0, 1, 0},
    {"bsetjmp", "panic0", run_bj_panic0, 1, 0},
    DEPTHS(PANIC_CASES)
    {"sigjmp", "fault_recover", run_fault_recover, 1, 0},
    {"pthread", "go_join", run_pthread_join, 1, 0},
    {"setjmp", "mt_panic_d1_1t", run_sj_panic_d1, 1, 1},
    {"setjmp", "mt_panic_d1_2t", run_sj_panic_d1, 1, 2},
    {0},
};

int main(int argc, char **argv) { return bench_main(argc, argv, "floor", cases); }
