/* Coroutine switches (issue 12 §5): a resume + yield round trip of go_coro against
 * Boost.Context's jump_fcontext (when libboost-context-dev is installed) and glibc's
 * swapcontext, each a pair of switches into a coroutine that counts and switches back.
 * Also the memory of a suspended go_coro besides its stack, and its resident cost. */
#include <godefer.h>
#include <malloc.h>
#include <ucontext.h>
#include <unistd.h>

#include "bench.h"

/* ---- go_coro ---------------------------------------------------------------------------- */
static void ticker(int *p) {
    (void)p;
    for (;;) {
        work(&bench_token); /* bench_sink + 1 */
        go_coro_yield();
    }
}
static NOINLINE void run_coro(long n) {
    static go_coro *c;
    if (!c) c = go_coro_new(ticker, &bench_token);
    long s0 = bench_sink;
    for (long i = 0; i < n; i++) go_coro_resume(c);
    BENCH_CHECK(bench_sink - s0 == n);
}

/* Making and freeing one (never started): the stack's mmap, guard and munmap. */
static NOINLINE void run_coro_new_free(long n) {
    for (long i = 0; i < n; i++) go_coro_free(go_coro_new(ticker, &bench_token));
}

/* ---- Boost.Context ---------------------------------------------------------------------- */
#ifdef BENCH_FCONTEXT
typedef void *fcontext_t;
typedef struct transfer_t {
    fcontext_t fctx;
    void *data;
} transfer_t;
transfer_t jump_fcontext(fcontext_t const to, void *vp);
fcontext_t make_fcontext(void *sp, size_t size, void (*fn)(transfer_t));

static void fc_ticker(transfer_t t) {
    for (;;) {
        work(&bench_token); /* bench_sink + 1 */
        t = jump_fcontext(t.fctx, NULL);
    }
}
static NOINLINE void run_fcontext(long n) {
    static fcontext_t c;
    static char stack[64 * 1024] __attribute__((aligned(16)));
    if (!c) c = make_fcontext(stack + sizeof stack, sizeof stack, fc_ticker);
    long s0 = bench_sink;
    for (long i = 0; i < n; i++) c = jump_fcontext(c, NULL).fctx;
    BENCH_CHECK(bench_sink - s0 == n);
}
#endif

/* ---- swapcontext ------------------------------------------------------------------------ */
static ucontext_t uc_main, uc_co;
static void uc_ticker(void) {
    for (;;) {
        work(&bench_token); /* bench_sink + 1 */
        swapcontext(&uc_co, &uc_main);
    }
}
static NOINLINE void run_swapcontext(long n) {
    static char stack[64 * 1024] __attribute__((aligned(16)));
    static int made;
    if (!made) {
        getcontext(&uc_co);
        uc_co.uc_stack.ss_sp = stack;
        uc_co.uc_stack.ss_size = sizeof stack;
        makecontext(&uc_co, uc_ticker, 0);
        made = 1;
    }
    long s0 = bench_sink;
    for (long i = 0; i < n; i++) swapcontext(&uc_main, &uc_co);
    BENCH_CHECK(bench_sink - s0 == n);
}

/* ---- memory ------------------------------------------------------------------------------ */
static void parked(int *p) {
    (void)p;
    go_coro_yield();
}
static long rss_bytes(void) {
    FILE *f = fopen("/proc/self/statm", "r");
    long pages = 0, rss = 0;
    if (!f) return 0;
    if (fscanf(f, "%ld %ld", &pages, &rss) != 2) rss = 0;
    fclose(f);
    return rss * sysconf(_SC_PAGESIZE);
}
static void memory_rows(void) {
    enum { N = 1000 };
    static go_coro *cs[N];
    size_t heap0 = mallinfo2().uordblks;
    long rss0 = rss_bytes();
    for (int i = 0; i < N; i++) {
        cs[i] = go_coro_new_sized(parked, &bench_token, 64 * 1024);
        go_coro_resume(cs[i]);
    }
    double heap = (double)(mallinfo2().uordblks - heap0) / N;
    double rss = (double)(rss_bytes() - rss0) / N;
    for (int i = 0; i < N; i++) go_coro_free(cs[i]);
    printf("godefer\tmem_coro\t%.0f\t%.0f\tbytes\n", heap, heap);
    printf("godefer\tmem_coro_rss\t%.0f\t%.0f\tbytes\n", rss, rss);
}

static const bench_case cases[] = {
    {"godefer", "coro_switch", run_coro, 1, 0},
    {"godefer", "coro_new_free", run_coro_new_free, 1, 0},
#ifdef BENCH_FCONTEXT
    {"fcontext", "coro_switch", run_fcontext, 1, 0},
#endif
    {"swapcontext", "coro_switch", run_swapcontext, 1, 0},
    {0},
};

int main(int argc, char **argv) {
    return bench_main_mem(argc, argv, "godefer", cases, memory_rows);
}
