/* Goroutines: the per-thread state, created on first use, with Go-style ids. */
#include "internal.h"

#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

__thread struct go__ghead *go__curg __attribute__((tls_model("initial-exec")));

/* Each thread's own goroutine.  TLS blocks of different threads never share a cache
 * line: the defer and panic paths touch nothing shared. */
static __thread go__g g0 __attribute__((tls_model("initial-exec"), aligned(64)));

static pthread_key_t exit_key;
static pthread_once_t process_once = PTHREAD_ONCE_INIT;
static _Atomic int64_t next_goid = 2;

/* ---- the registry: every live thread's goroutine, for the exit hook ---------------- */

static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;
static go__g **reg;
static uint32_t nreg, capreg;

static void reg_add(go__g *g) {
    pthread_mutex_lock(&reg_lock);
    if (nreg == capreg) {
        uint32_t cap = capreg ? 2 * capreg : 16;
        go__g **r = realloc(reg, cap * sizeof *r);
        if (!r) go__fatal_notrace("godefer: out of memory registering a thread");
        reg = r;
        capreg = cap;
    }
    g->reg_index = nreg;
    reg[nreg++] = g;
    pthread_mutex_unlock(&reg_lock);
}

static void reg_remove(go__g *g) {
    pthread_mutex_lock(&reg_lock);
    go__g *last = reg[--nreg];
    reg[g->reg_index] = last;
    last->reg_index = g->reg_index;
    pthread_mutex_unlock(&reg_lock);
}

/* fork: the child has only the forking thread, and the lock as fork found it. */
static void reg_fork_prepare(void) { pthread_mutex_lock(&reg_lock); }
static void reg_fork_parent(void) { pthread_mutex_unlock(&reg_lock); }
/* The child keeps its own thread's goroutine and every go_g_new goroutine; those current
 * on threads that the child does not have are current nowhere now. */
static void reg_fork_child(void) {
    uint32_t n = 0;
    for (uint32_t i = 0; i < nreg; i++) {
        go__g *g = reg[i];
        if (g->home && g != &g0) continue;
        if (g->owner && g->owner != &g0) g->owner = NULL;
        g->reg_index = n;
        reg[n++] = g;
    }
    nreg = n;
    pthread_mutex_unlock(&reg_lock);
}

/* Is a panic of another thread running deferred calls (or being reported)?  Only
 * goroutines current on some thread count: a switched-out one cannot go on meanwhile. */
static bool others_panicking(const go__g *self) {
    bool any = false;
    pthread_mutex_lock(&reg_lock);
    for (uint32_t i = 0; i < nreg && !any; i++)
        any = reg[i] != self && __atomic_load_n(&reg[i]->owner, __ATOMIC_RELAXED) &&
              __atomic_load_n(&reg[i]->panicking, __ATOMIC_RELAXED);
    pthread_mutex_unlock(&reg_lock);
    return any;
}

/* For a fatal report (GOTRACEBACK=all), which may interrupt anything: the lock may be
 * held a moment by a thread starting or ending, or for good by the reporting thread. */
int go__other_goids(int64_t *ids, bool *running, int max) {
    for (int i = 0; pthread_mutex_trylock(&reg_lock) != 0; i++) {
        if (i == 100) return -1;
        nanosleep(&(struct timespec){0, 1000000}, NULL);
    }
    const go__g *self = (const go__g *)go__curg;
    int n = 0;
    for (uint32_t i = 0; i < nreg; i++) {
        if (reg[i] == self) continue;
        if (n < max) {
            ids[n] = reg[i]->goid;
            running[n] = __atomic_load_n(&reg[i]->owner, __ATOMIC_RELAXED) != NULL;
        }
        n++;
    }
    pthread_mutex_unlock(&reg_lock);
    return n;
}

/* ---- exit waits for panics in flight ------------------------------------------------
 * Go's runtime.main: when main returns while another goroutine panics, wait a little
 * while its deferred calls run, and forever once it reports (the report ends the
 * process with status 2).  Here exit() from any thread does so; the calling thread's own
 * panic does not count (exit in a deferred call is Go's os.Exit there). */

#define EXIT_WAIT_NS 1000000000L /* at most 1 s (Go gives up after 1000 Gosched) */
#define EXIT_YIELDS 1000         /* polls after each sched_yield, then every 1 ms */

static long elapsed_ns(const struct timespec *t0) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (t.tv_sec - t0->tv_sec) * 1000000000L + (t.tv_nsec - t0->tv_nsec);
}

static void exit_wait(void) {
    const go__g *self = (const go__g *)go__curg;
    long me = gettid();
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = 0;; i++) {
        long dying = go__dying_tid();
        if (dying && dying != me) go__stop();
        if (!others_panicking(self) || elapsed_ns(&t0) >= EXIT_WAIT_NS) return;
        if (i < EXIT_YIELDS)
            sched_yield();
        else
            nanosleep(&(struct timespec){0, 1000000}, NULL);
    }
}

/* ---- goroutines -------------------------------------------------------------------- */

/* Thread exit: a goroutine that still has frames was left without running them.  A
 * go_g_new goroutine current at that moment is current nowhere from now on. */
static void thread_exit(void *arg) {
    go__g *g = arg;
    if (g->head.frame && !g->exiting)
        go__throw("thread exited inside a go_frame (pthread_exit or longjmp out of a "
                  "frame skips its deferred calls; use go_goexit)");
    if (go__curg && go__curg != &g->head) go__owner_set((go__g *)go__curg, NULL);
    reg_remove(g);
    go__free_pool(g);
    go__sigstack_free(g);
    go__curg = NULL;
}

static void process_init(void) {
    if (pthread_key_create(&exit_key, thread_exit) != 0)
        go__fatal_notrace("godefer: pthread_key_create failed");
    if (atexit(exit_wait) != 0 ||
        pthread_atfork(reg_fork_prepare, reg_fork_parent, reg_fork_child) != 0)
        go__fatal_notrace("godefer: atexit or pthread_atfork failed");
    go__calibrate();
}

/* A new goroutine's id: unique and increasing, as Go's. */
int64_t go__new_goid(void) { return atomic_fetch_add(&next_goid, 1); }

/* The calling thread's goroutine, made with id goid (go_go assigns it before the thread
 * starts, so that it returns the id the goroutine sees). */
go__g *go__ginit_goid(int64_t goid) {
    go__g *g = &g0;
    pthread_once(&process_once, process_init);
    memset(g, 0, sizeof *g);
    g->goid = goid;
    g->owner = g->home = g;
    go__sigstack_init(g);
    reg_add(g);
    pthread_setspecific(exit_key, g);
    go__curg = &g->head;
    return g;
}

struct go__ghead *go__ginit(void) {
    if (go__curg) return go__curg;
    return &go__ginit_goid(gettid() == getpid() ? 1 : go__new_goid())->head;
}

int64_t go_goid(void) { return go__getg()->goid; }

/* ---- goroutines of coroutines (docs/coroutines.md) ---------------------------------- */

/* A new goroutine's state: a new id, in the registry, current nowhere. */
void go__g_setup(go__g *g) {
    go__getg(); /* the process state, and the main goroutine's id 1 */
    memset(g, 0, sizeof *g);
    g->goid = atomic_fetch_add(&next_goid, 1);
    reg_add(g);
}

void go__g_teardown(go__g *g) {
    reg_remove(g);
    go__free_pool(g);
}

go_g *go_g_new(void) {
    go__g *g = aligned_alloc(64, (sizeof(go__g) + 63) & ~(size_t)63);
    if (!g) go__throw("out of memory allocating a goroutine");
    go__g_setup(g);
    return g;
}

/* The first use in a thread, a switch to the current goroutine, and misuse. */
static __attribute__((noinline, cold)) go_g *switch_slow(go_g *g) {
    go__g *old = go__getg();
    if (!g) go__throw("go_g_switch: nil goroutine");
    if (g == old) return old;
    if (g->home && g->home != &g0) go__throw("go_g_switch: another thread's own goroutine");
    if (g->owner) go__throw("go_g_switch: goroutine is current on another thread");
    return go_g_switch(g);
}

/* owner says where a goroutine is current (the current one's owner is this thread's own
 * goroutine); home keeps a thread's own goroutine to its thread while it is switched
 * out.  A few loads and stores of two lines and the TLS pointer: no lock. */
go_g *go_g_switch(go_g *g) {
    go__g *old = (go__g *)go__curg;
    if (__builtin_expect(!old || !g, 0)) return switch_slow(g);
    if (__builtin_expect(g->owner || (g->home && g->home != old->owner), 0))
        return switch_slow(g);
    go__make_current(old, g);
    return old;
}

void go_g_free(go_g *g) {
    if (!g) return;
    if (g->home) go__throw("go_g_free: a thread's own goroutine");
    if (__atomic_load_n(&g->owner, __ATOMIC_RELAXED))
        go__throw("go_g_free: goroutine is current on a thread");
    if (g->head.frame || g->panic) go__throw("go_g_free: goroutine has frames or panics");
    if (g->coro) go__throw("go_g_free: a go_coro's goroutine (use go_coro_free)");
    go__g_teardown(g);
    free(g);
}
