/* The stacks signals run on and run out of: mapped stacks with a guard, the alternate
 * signal stack of each thread, and telling a stack overflow from another fault. */
#include "internal.h"

#include <pthread.h>
#include <sys/mman.h>

/* The fatal reports symbolize on it: libdw needs some 130 KiB there.  Only the pages
 * touched cost memory; the guard is large because one big frame can skip a page. */
#define SIGSTK_SIZE (512 * 1024)
#define SIGSTK_GUARD (64 * 1024)

char *go__stack_map(size_t size, size_t guard) {
    char *m = mmap(NULL, guard + size, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
    if (m == MAP_FAILED) return NULL;
    if (mprotect(m, guard, PROT_NONE) != 0) { /* an overflow must fault at once */
        munmap(m, guard + size);
        return NULL;
    }
    return m;
}

static void thread_stack_bounds(go__g *g) {
    pthread_attr_t a;
    if (pthread_getattr_np(pthread_self(), &a) != 0) return;
    void *addr;
    size_t size;
    if (pthread_attr_getstack(&a, &addr, &size) == 0) {
        g->stack_lo = (uintptr_t)addr;
        g->stack_hi = (uintptr_t)addr + size;
    }
    pthread_attr_destroy(&a);
}

/* Called by go__ginit: the thread's stack bounds (to tell an overflow) and an alternate
 * signal stack, unless the thread already has a large enough one.  A smaller one (ASan
 * gives every thread 53 KiB, TSan the main thread) is replaced, and put back at exit,
 * before its owner's own thread-exit code frees it. */
void go__sigstack_init(go__g *g) {
    thread_stack_bounds(g);
    stack_t cur;
    if (sigaltstack(NULL, &cur) != 0) return;
    if (!(cur.ss_flags & SS_DISABLE) && cur.ss_size >= SIGSTK_SIZE) return;
    char *m = go__stack_map(SIGSTK_SIZE, SIGSTK_GUARD);
    if (!m) return; /* no report for an overflow in this thread, that's all */
    stack_t ss = {.ss_sp = m + SIGSTK_GUARD, .ss_size = SIGSTK_SIZE, .ss_flags = 0};
    if (sigaltstack(&ss, NULL) != 0) {
        munmap(m, SIGSTK_GUARD + SIGSTK_SIZE);
        return;
    }
    g->sigstk = m;
    g->sigstk_size = SIGSTK_GUARD + SIGSTK_SIZE;
    g->sigstk_prev = cur;
    g->sigstk_ours = true;
}

/* Thread exit: put back the alternate stack ours replaced (or none) if ours is still the
 * current one, and free ours. */
void go__sigstack_free(go__g *g) {
    if (!g->sigstk_ours) return;
    stack_t cur;
    if (sigaltstack(NULL, &cur) == 0 && cur.ss_sp == (char *)g->sigstk + SIGSTK_GUARD) {
        stack_t back = g->sigstk_prev;
        if (back.ss_flags & SS_DISABLE) back = (stack_t){.ss_flags = SS_DISABLE};
        if (sigaltstack(&back, NULL) != 0) return; /* on it now: keep it */
    }
    munmap(g->sigstk, g->sigstk_size);
    g->sigstk = NULL;
    g->sigstk_ours = false;
}

bool go__sigstack_newer(const go__g *g, uintptr_t a, uintptr_t b) {
    if (a - g->stack_lo < g->stack_hi - g->stack_lo) return false;
    stack_t ss;
    if (sigaltstack(NULL, &ss) != 0 || (ss.ss_flags & SS_DISABLE)) return false;
    uintptr_t lo = (uintptr_t)ss.ss_sp;
    return a - lo < ss.ss_size && !(b - lo < ss.ss_size);
}
