/* Goroutines: the per-thread state, created on first use, with Go-style ids. */
#include "internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

__thread struct go__ghead *go__curg __attribute__((tls_model("initial-exec")));

/* Each thread's own goroutine.  TLS blocks of different threads never share a cache
 * line: the defer and panic paths touch nothing shared. */
static __thread go__g g0 __attribute__((tls_model("initial-exec"), aligned(64)));

static pthread_key_t exit_key;
static pthread_once_t process_once = PTHREAD_ONCE_INIT;
static _Atomic int64_t next_goid = 2;

GO__HIDDEN void go__calibrate(void);

/* Thread exit: a goroutine that still has frames was left without running them. */
static void thread_exit(void *arg) {
    go__g *g = arg;
    if (g->head.frame && !g->exiting)
        go__throw("thread exited inside a go_frame (pthread_exit or longjmp out of a "
                  "frame skips its deferred calls; use go_goexit)");
    go__free_pool(g);
    go__sigstack_free(g);
    go__curg = NULL;
}

static void process_init(void) {
    if (pthread_key_create(&exit_key, thread_exit) != 0)
        go__fatal_notrace("godefer: pthread_key_create failed");
    go__calibrate();
}

struct go__ghead *go__ginit(void) {
    go__g *g = &g0;
    if (go__curg) return go__curg;
    pthread_once(&process_once, process_init);
    memset(g, 0, sizeof *g);
    g->goid = gettid() == getpid() ? 1 : atomic_fetch_add(&next_goid, 1);
    go__sigstack_init(g);
    pthread_setspecific(exit_key, g);
    go__curg = &g->head;
    return &g->head;
}

int64_t go_goid(void) { return go__getg()->goid; }
