/* godefer's own coroutines: a stack of its own (mmap'd below a guard page), a goroutine of
 * its own (the go__g it embeds), and a switch of the callee-saved registers (src/arch/).
 * The sanitizers and Valgrind are told of every stack and switch. */
#include "internal.h"

#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "valgrind.h"

#ifdef GO__ASAN
void __sanitizer_start_switch_fiber(void **fake, const void *bottom, size_t size);
void __sanitizer_finish_switch_fiber(void *fake, const void **bottom, size_t *size);
void __asan_unpoison_memory_region(const volatile void *addr, size_t size);
#endif
#ifdef GO__TSAN
void *__tsan_get_current_fiber(void);
void *__tsan_create_fiber(unsigned flags);
void __tsan_destroy_fiber(void *fiber);
void __tsan_switch_to_fiber(void *fiber, unsigned flags);
#endif

enum { CORO_NEW, CORO_SUSPENDED, CORO_RUNNING, CORO_DONE };

struct go_coro {
    go__g g;         /* first: go__curg points here while it runs */
    void *sp;        /* its saved stack pointer while it is not running */
    void *back;      /* the resumer's while it runs */
    go__g *resumer;  /* the goroutine that resumed it */
    go__rec entry;   /* fn(arg) */
    char *map;       /* the mapping: guard page, then the stack */
    size_t maplen;
    unsigned char state;
    bool freeing;    /* go_coro_free runs its deferred calls */
#ifdef GO__ASAN
    void *fake, *back_fake;     /* fake stacks of the coroutine and of its resumer */
    const void *back_bottom;    /* the resumer's stack */
    size_t back_size;
#endif
#ifdef GO__TSAN
    void *fiber, *back_fiber;
#endif
#ifdef GO__VALGRIND
    unsigned vg;
#endif
};

/* ---- switching: every switch goes through these two, each annotated right around it.
 * Without sanitizers nothing follows the swap, which becomes a jump: the resumer's
 * go_coro_resume returns, and the coroutine's go_coro_yield, straight from the other
 * side's swap (no return mispredicted through a stack switched under it).  What must
 * follow a switch happens before it, on the side that leaves. */
#if defined(GO__ASAN) || defined(GO__TSAN)
#define GO__CORO_AFTER 1
#endif

/* From the resumer into c; returns what c's switch back passes: whether c is suspended. */
static inline bool switch_in(go_coro *c) {
#ifdef GO__ASAN
    __sanitizer_start_switch_fiber(&c->back_fake, (void *)c->g.stack_lo,
                                   c->g.stack_hi - c->g.stack_lo);
#endif
#ifdef GO__TSAN
    c->back_fiber = __tsan_get_current_fiber();
    __tsan_switch_to_fiber(c->fiber, 0);
#endif
#ifdef GO__CORO_AFTER
    bool more = go__coro_swap(&c->back, c->sp, 0);
#ifdef GO__ASAN
    __sanitizer_finish_switch_fiber(c->back_fake, NULL, NULL);
#endif
    return more;
#else
    return go__coro_swap(&c->back, c->sp, 0);
#endif
}

/* The coroutine has just been switched to (first entry, or resumed after a yield). */
static inline void arrived(go_coro *c) {
#ifdef GO__ASAN
    __sanitizer_finish_switch_fiber(c->fake, &c->back_bottom, &c->back_size);
#else
    (void)c;
#endif
}

/* From c back to its resumer, whose goroutine is current again, telling it whether c is
 * suspended (not done); returns when c is resumed. */
static inline void switch_out(go_coro *c) {
    bool more = c->state != CORO_DONE;
    go__make_current(&c->g, c->resumer);
#ifdef GO__ASAN
    __sanitizer_start_switch_fiber(more ? &c->fake : NULL, c->back_bottom, c->back_size);
#endif
#ifdef GO__TSAN
    __tsan_switch_to_fiber(c->back_fiber, 0);
#endif
    go__coro_swap(&c->sp, c->back, more);
#ifdef GO__CORO_AFTER
    arrived(c);
#endif
}

/* ---- life ---------------------------------------------------------------------------- */

/* The first switch to c: runs fn(arg), or, when go_coro_free switches to a suspended c
 * (on a frame made below its stack pointer), ends it as Goexit does. */
void go__coro_main(void *arg) {
    go_coro *c = arg;
    arrived(c);
    if (c->freeing) go_goexit();
    go__invoke(&c->entry);
    go__coro_end(&c->g);
}

/* fn returned, or Goexit ran every deferred call: back to the resumer for good. */
void go__coro_end(go__g *g) {
    go_coro *c = (go_coro *)g;
    c->state = CORO_DONE;
    switch_out(c);
    __builtin_unreachable();
}

static size_t page_size(void) { return (size_t)sysconf(_SC_PAGESIZE); }

go_coro *go__coro_new(void (*call)(const go__rec *), void (*fn)(void), void *arg,
                      size_t stack_bytes) {
    if (!fn) go__throw("go of nil func value");
    go__install_handlers(); /* a stack overflow is reported (the guard page) */
    size_t ps = page_size(), size = (stack_bytes + ps - 1) / ps * ps;
    if (size < 4 * ps) size = 4 * ps;
    go_coro *c = aligned_alloc(64, (sizeof *c + 63) & ~(size_t)63);
    if (!c) go__throw("out of memory allocating a coroutine");
    go__g_setup(&c->g);
    c->g.coro = true;
    c->maplen = ps + size;
    c->map = go__stack_map(size, ps);
    if (!c->map) go__throw("go_coro_new: cannot map a coroutine stack");
    c->g.stack_lo = (uintptr_t)c->map + ps;
    c->g.stack_hi = (uintptr_t)c->map + c->maplen;
    c->sp = go__arch_coro_stack((void *)c->g.stack_hi, c);
    c->entry = (go__rec){call, fn, arg};
    c->state = CORO_NEW;
    c->freeing = false;
#ifdef GO__ASAN
    c->fake = c->back_fake = NULL;
#endif
#ifdef GO__TSAN
    c->fiber = __tsan_create_fiber(0);
#endif
#ifdef GO__VALGRIND
    c->vg = VALGRIND_STACK_REGISTER(c->g.stack_lo, c->g.stack_hi);
#endif
    return c;
}

bool go_coro_resume(go_coro *c) {
    if (!c) go__throw("go_coro_resume: nil coroutine");
    if (c->state == CORO_DONE) go__throw("go_coro_resume: coroutine has ended");
    if (c->state == CORO_RUNNING) go__throw("go_coro_resume: coroutine is running");
    c->resumer = go__getg();
    go__make_current(c->resumer, &c->g); /* c is current nowhere: not running */
    c->state = CORO_RUNNING;
    return switch_in(c);
}

void go_coro_yield(void) {
    go__g *g = (go__g *)go__curg;
    if (!g || !g->coro) go__throw("go_coro_yield: not in a coroutine");
    go_coro *c = (go_coro *)g;
    if (c->freeing) go__throw("go_coro_yield: in a deferred call run by go_coro_free");
    c->state = CORO_SUSPENDED;
    switch_out(c);
}

void go_coro_free(go_coro *c) {
    if (!c) return;
    if (c->state == CORO_RUNNING) go__throw("go_coro_free: coroutine is running");
    if (c->state == CORO_SUSPENDED) { /* its deferred calls run, then it ends */
        c->freeing = true;
        c->sp = go__arch_coro_stack(c->sp, c);
        go_coro_resume(c);
    }
#ifdef GO__TSAN
    __tsan_destroy_fiber(c->fiber);
#endif
#ifdef GO__VALGRIND
    VALGRIND_STACK_DEREGISTER(c->vg);
#endif
#ifdef GO__ASAN
    __asan_unpoison_memory_region(c->map + page_size(), c->maplen - page_size());
#endif
    munmap(c->map, c->maplen);
    go__g_teardown(&c->g);
    free(c);
}
