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

GO__HIDDEN void go__calibrate(void);

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
static void reg_fork_child(void) {
    nreg = 0;
    if (go__curg) {
        go__g *g = (go__g *)go__curg;
        g->reg_index = 0;
        reg[nreg++] = g;
    }
    pthread_mutex_unlock(&reg_lock);
}

/* Is a panic of another thread running deferred calls (or being reported)? */
static bool others_panicking(const go__g *self) {
    bool any = false;
    pthread_mutex_lock(&reg_lock);
    for (uint32_t i = 0; i < nreg && !any; i++)
        any = reg[i] != self && __atomic_load_n(&reg[i]->panicking, __ATOMIC_RELAXED);
    pthread_mutex_unlock(&reg_lock);
    return any;
}

/* For a fatal report (GOTRACEBACK=all), which may interrupt anything: the lock may be
 * held a moment by a thread starting or ending, or for good by the reporting thread. */
int go__other_goids(int64_t *ids, int max) {
    for (int i = 0; pthread_mutex_trylock(&reg_lock) != 0; i++) {
        if (i == 100) return -1;
        nanosleep(&(struct timespec){0, 1000000}, NULL);
    }
    const go__g *self = (const go__g *)go__curg;
    int n = 0;
    for (uint32_t i = 0; i < nreg; i++) {
        if (reg[i] == self) continue;
        if (n < max) ids[n] = reg[i]->goid;
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

/* Thread exit: a goroutine that still has frames was left without running them. */
static void thread_exit(void *arg) {
    go__g *g = arg;
    if (g->head.frame && !g->exiting)
        go__throw("thread exited inside a go_frame (pthread_exit or longjmp out of a "
                  "frame skips its deferred calls; use go_goexit)");
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
