/* The signal mask after a recovery.  A panic started in a user's signal handler (go_panic
 * there, or a fault there converted) and recovered outside it jumps over the kernel's
 * signal frame, whose sigreturn would have restored the mask: the handler's signal would
 * stay blocked.  The frames crossed lie between the panic's entry (lo) and the recovering
 * frame (hi); the outermost one holds the mask of where the recovering frame runs.  A
 * scan of the stack between finds every frame there, and also the copies that handlers
 * which returned left in stack memory not written since: where all of them hold the
 * current mask, setting one would change nothing.  Otherwise the unwinder, which knows a
 * handler's return into the kernel's frame, finds the live ones, on an alternate signal
 * stack too. */
#include "internal.h"

#include <pthread.h>
#include <string.h>
#include <ucontext.h>

struct sigwalk {
    uintptr_t hi, alt_lo, alt_hi;
    uintptr_t prev_sp;
    const void *uc; /* the outermost live frame's so far */
};

static bool on_alt(const struct sigwalk *w, uintptr_t a) {
    return a - w->alt_lo < w->alt_hi - w->alt_lo;
}

/* The unwinder flags a signal frame: libgcc the interrupted one, whose caller's stack
 * pointer (the one after the handler returned) is the kernel frame's; libunwind the frame
 * of that return itself.  The walk ends at the recovering frame's caller: the first frame
 * at or above hi on hi's stack. */
static bool sigwalk_step(void *arg, uintptr_t sp, bool sig) {
    struct sigwalk *w = arg;
    if (sig) {
        const void *uc = w->prev_sp ? go__arch_sigframe_uc(w->prev_sp) : NULL;
        if (!uc) uc = go__arch_sigframe_uc(sp);
        if (uc) w->uc = uc;
    }
    if (sp >= w->hi && on_alt(w, sp) == on_alt(w, w->hi)) return false;
    w->prev_sp = sp;
    return true;
}

/* The kernel's 64 bits, in a frame ASan may think is poisoned. */
#define NOT_SANITIZED __attribute__((no_sanitize_address, no_sanitize_thread))
NOT_SANITIZED static uint64_t uc_mask(const void *uc) {
    return *(const volatile uint64_t *)&((const ucontext_t *)uc)->uc_sigmask;
}

static uint64_t mask_now(void) {
    sigset_t set;
    uint64_t m = 0;
    if (pthread_sigmask(SIG_BLOCK, NULL, &set) == 0) memcpy(&m, &set, sizeof m);
    return m;
}

/* Does [lo, hi) hold a signal frame whose mask is not the current one? */
static bool other_mask_in(uintptr_t lo, uintptr_t hi) {
    uintptr_t top = hi - GO__SIGFRAME_MIN + 1;
    bool asked = false;
    uint64_t now = 0;
    for (const void *uc; (uc = go__arch_sigframe_next(lo, &top));) {
        if (!asked) now = mask_now();
        asked = true;
        if (uc_mask(uc) != now) return true;
    }
    return false;
}

/* On the thread's own stack (most often) the scan needs no system call, unless it finds
 * a frame. */
void go__sigmask_crossed(go__g *g, uintptr_t lo, uintptr_t hi) {
    bool thread_stack = lo < hi && lo >= g->stack_lo && hi <= g->stack_hi;
    if (thread_stack && !other_mask_in(lo, hi)) return;
    struct sigwalk w = {.hi = hi};
    stack_t alt;
    if (sigaltstack(NULL, &alt) == 0 && !(alt.ss_flags & SS_DISABLE)) {
        w.alt_lo = (uintptr_t)alt.ss_sp;
        w.alt_hi = w.alt_lo + alt.ss_size;
    }
    if (!thread_stack && lo < hi && !on_alt(&w, lo) && !on_alt(&w, hi) &&
        !other_mask_in(lo, hi))
        return; /* one stack of the program's own (a coroutine's) */
    go__walk_stack(sigwalk_step, &w);
    if (!w.uc) return;
    uint64_t mask = uc_mask(w.uc);
    sigset_t set;
    sigemptyset(&set);
    memcpy(&set, &mask, sizeof mask); /* the kernel's 64 bits start glibc's sigset_t */
    pthread_sigmask(SIG_SETMASK, &set, NULL);
}
