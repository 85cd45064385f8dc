/* Goroutines on threads: go_go, and groups that wait for their goroutines and contain
 * their panics. */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

struct go_group {
    pthread_mutex_t lock;
    pthread_cond_t joined_one; /* a waiter joined a thread */
    pthread_t *threads;        /* started since the last completed wait */
    uint32_t n, cap;
    uint32_t claimed, joined; /* threads[] a waiter took; of them, joined */
    bool has_first;
    go_any first; /* the first panic not recovered, until a wait returns it */
};

/* What the new thread needs; malloc'd by the creator, freed by the thread. */
typedef struct go__startrec {
    go__rec call; /* fn(arg), through go__invoke */
    int64_t goid, parent;
    void *pc;
    go_group *group;
} go__startrec;

/* ---- a group goroutine's panic ------------------------------------------------------ */

static void go__record_panic(go_group *grp, go_any v, bool owned) {
    pthread_mutex_lock(&grp->lock);
    bool first = !grp->has_first;
    if (first) {
        grp->has_first = true;
        grp->first = v;
    }
    pthread_mutex_unlock(&grp->lock);
    if (!first && owned) go_any_release(v); /* no one else can reach it */
}

/* The group goroutine's outermost deferred call: it runs last, and recovers what the
 * goroutine did not (nothing during a Goexit). */
static void go__group_catch(go_group *grp) {
    const go__panic *p = go__getg()->panic;
    bool owned = p && p->owned; /* before go_recover hands it over */
    go_any v = go_recover();
    if (!go_isnil(v)) go__record_panic(grp, v, owned);
}

__attribute__((noinline)) static void go__group_run(go_group *grp, const go__rec *call) {
    go_frame {
        go_defer(go__group_catch, grp);
        go__invoke(call);
    }
}

/* ---- starting a goroutine ---------------------------------------------------------- */

/* The group of the calling thread's goroutine, if any. */
static __thread go_group *own_group;

static void *go__gostart(void *arg) {
    go__startrec s = *(go__startrec *)arg;
    free(arg);
    own_group = s.group;
    go__g *g = go__ginit_goid(s.goid);
    g->parent_goid = s.parent;
    g->gopc = s.pc;
    if (s.group)
        go__group_run(s.group, &s.call);
    else
        go__invoke(&s.call);
    return NULL;
}

/* The process's threads, for Go's message (its mcount); 0 if unknown. */
static long count_threads(void) {
    char buf[4096];
    int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    buf[n > 0 ? n : 0] = '\0';
    const char *t = strstr(buf, "\nThreads:");
    return t ? strtol(t + 9, NULL, 10) : 0;
}

/* Go's newosproc failure. */
static GO__NORETURN void go__newosproc_failed(int err) {
    go__out o = {.fd = 2};
    go__out_str(&o, "runtime: failed to create new OS thread (have ");
    go__out_dec(&o, count_threads());
    go__out_str(&o, " already; errno=");
    go__out_dec(&o, err);
    go__out_str(&o, ")\n");
    if (err == EAGAIN)
        go__out_str(&o, "runtime: may need to increase max user processes (ulimit -u)\n");
    go__out_flush(&o);
    go__throw("newosproc");
}

/* Retried on EAGAIN, which can be transient, as Go's newosproc does (20 tries, 210 ms). */
static void go__create_thread(pthread_t *t, bool joinable, go__startrec *s) {
    pthread_attr_t attr;
    int err = pthread_attr_init(&attr);
    if (!err)
        err = pthread_attr_setdetachstate(&attr, joinable ? PTHREAD_CREATE_JOINABLE
                                                          : PTHREAD_CREATE_DETACHED);
    for (int tries = 0; !err && tries < 20; tries++) {
        err = pthread_create(t, &attr, go__gostart, s);
        if (err != EAGAIN) break;
        usleep((useconds_t)(tries + 1) * 1000);
    }
    pthread_attr_destroy(&attr);
    if (err) go__newosproc_failed(err);
}

static void go__add_to_group(go_group *grp, go__startrec *s) {
    pthread_mutex_lock(&grp->lock);
    if (grp->n == grp->cap) {
        uint32_t cap = grp->cap ? 2 * grp->cap : 8;
        pthread_t *t = realloc(grp->threads, cap * sizeof *t);
        if (!t) go__throw("out of memory");
        grp->threads = t;
        grp->cap = cap;
    }
    /* Under the lock: a concurrent wait sees the thread once it is counted. */
    go__create_thread(&grp->threads[grp->n], true, s);
    grp->n++;
    pthread_mutex_unlock(&grp->lock);
}

/* The id is assigned here, before the thread exists: the caller gets the id the
 * goroutine sees. */
static int64_t go__start_goroutine(go_group *grp, void (*fn)(void), void *arg, void *pc) {
    if (!fn) go__throw("go of nil func value");
    go__startrec *s = malloc(sizeof *s);
    if (!s) go__throw("out of memory");
    int64_t id = go__new_goid();
    *s = (go__startrec){{NULL, fn, arg}, id, go__getg()->goid, pc, grp};
    if (grp) {
        go__add_to_group(grp, s);
    } else {
        pthread_t t;
        go__create_thread(&t, false, s);
    }
    return id;
}

__attribute__((noinline)) int64_t go__go(void (*fn)(void), void *arg) {
    return go__start_goroutine(NULL, fn, arg, __builtin_return_address(0));
}

__attribute__((noinline)) int64_t go__group_go(go_group *group, void (*fn)(void), void *arg) {
    if (!group) go__throw("go_group_go: nil group");
    return go__start_goroutine(group, fn, arg, __builtin_return_address(0));
}

/* ---- groups ------------------------------------------------------------------------ */

go_group *go_group_new(void) {
    go_group *grp = calloc(1, sizeof *grp);
    if (!grp) go__throw("out of memory");
    pthread_mutex_init(&grp->lock, NULL);
    pthread_cond_init(&grp->joined_one, NULL);
    return grp;
}

/* Joins the threads no waiter took yet, then waits for other waiters' joins.  Goroutines
 * started meanwhile (by the group's own goroutines, say) are waited for too. */
go_any go_group_wait(go_group *grp) {
    if (!grp) go__throw("go_group_wait: nil group");
    if (own_group == grp)
        go__throw("go_group_wait: called by a goroutine of the group, which would wait "
                  "for itself");
    pthread_mutex_lock(&grp->lock);
    for (;;) {
        if (grp->claimed < grp->n) {
            pthread_t t = grp->threads[grp->claimed++];
            pthread_mutex_unlock(&grp->lock);
            pthread_join(t, NULL);
            pthread_mutex_lock(&grp->lock);
            grp->joined++;
            pthread_cond_broadcast(&grp->joined_one);
        } else if (grp->joined < grp->n) {
            pthread_cond_wait(&grp->joined_one, &grp->lock);
        } else {
            break;
        }
    }
    go_any v = grp->has_first ? grp->first : go_nil();
    grp->has_first = false;
    grp->n = grp->claimed = grp->joined = 0;
    pthread_mutex_unlock(&grp->lock);
    return v;
}

void go_group_free(go_group *grp) {
    if (!grp) return;
    pthread_mutex_lock(&grp->lock);
    bool busy = grp->n != 0;
    pthread_mutex_unlock(&grp->lock);
    if (busy)
        go__throw("go_group_free: the group has goroutines not waited for (call "
                  "go_group_wait first)");
    pthread_cond_destroy(&grp->joined_one);
    pthread_mutex_destroy(&grp->lock);
    free(grp->threads);
    free(grp);
}
