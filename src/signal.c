/* Signals: the handler.  Synchronous faults become runtime-error panics
 * (go_set_panic_on_fault), a stack overflow is a fatal error, and every other signal we
 * catch goes to the handler installed before ours or ends the process clearly.
 * docs/signals.md explains the design; the machine-specific part is in src/arch/, the
 * stacks in sigstack.c, the mask after a recovery in sigmask.c, the reports in fatal.c. */
#include "internal.h"
#include "fault_value.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

/* Entered from the go__sigpanic stub on the faulting thread's own stack, the signal
 * handler having returned (so the signal mask is the one of before the fault). */
void go__sigpanic_run(uintptr_t sig, uintptr_t code, uintptr_t addr, uintptr_t pc) {
    go__panic p;
    GO__PANIC_CLEAR(&p);
    p.arg = go__fault_error((int)sig, (int)code, addr);
    p.sig = (int)sig;
    p.sigcode = (int)code;
    p.sigaddr = addr;
    p.sigpc = pc;
    /* Everything the panic may walk lies above this frame: the faulting function's
     * frames included, as the stub runs below its stack pointer. */
    p.bound = (uintptr_t)__builtin_dwarf_cfa();
    go__panic_with(go__getg(), &p);
}

/* ---- the handler --------------------------------------------------------------------- */

static const int handled[] = {SIGSEGV, SIGBUS, SIGFPE};
#define NHANDLED (sizeof handled / sizeof handled[0])
static struct sigaction prev[NHANDLED]; /* what was installed before us */

static struct sigaction *prev_of(int sig) {
    for (size_t i = 0; i < NHANDLED; i++)
        if (handled[i] == sig) return &prev[i];
    return NULL;
}

static int me(void) { return (int)gettid(); }

void go__sig_handle(int sig, void (*fn)(int)) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = fn;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

void go__sig_unblock(int sig) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
}

/* Ends the process the way the signal would have without us: default action, re-raised
 * in this thread.  (For a fault, returning would also do, but the fault might not recur.) */
void go__die_by_signal(int sig) {
    go__sig_handle(sig, SIG_DFL);
    raise(sig);
    go__sig_unblock(sig);
    _exit(128 + sig); /* not reached: the default action of these signals is to dump core */
}

/* Calls the handler installed before ours, as the kernel would have, if there is one (or
 * it ignores a sent signal): true if it did. */
static bool call_prev(int sig, siginfo_t *si, void *uc, enum go__sigwhy why) {
    struct sigaction *p = prev_of(sig);
    bool info = p->sa_flags & SA_SIGINFO;
    if (!info && p->sa_handler == SIG_IGN) return why == GO__SIG_SENT;
    if (!info && p->sa_handler == SIG_DFL) return false;
    sigset_t old;
    pthread_sigmask(SIG_BLOCK, &p->sa_mask, &old);
    if (info)
        p->sa_sigaction(sig, si, uc);
    else
        p->sa_handler(sig);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return true;
}

/* A signal we do not turn into a panic: an earlier handler gets it; with none, a report
 * and the signal's own ending. */
static void not_ours(int sig, siginfo_t *si, void *uc, enum go__sigwhy why) {
    if (!call_prev(sig, si, uc, why)) go__fatal_signal(sig, si, uc, why);
}

static void handler(int sig, siginfo_t *si, void *uc) {
    int saved_errno = errno;
    go__g *g = (go__g *)go__curg;
    long dying = go__dying_tid();
    if (dying) {
        if (dying == me()) {
            if (si->si_code > 0) go__report_fault(sig, (uintptr_t)si->si_addr);
            go__fatal_in_report(sig, si, uc); /* not an earlier handler: the report cannot
                                               * go on once it returns */
        }
        go__stop(); /* another thread is reporting and will end the process */
    }
    if (si->si_code <= 0) { /* kill, sigqueue, tgkill, raise: not a fault */
        not_ours(sig, si, uc, GO__SIG_SENT);
        errno = saved_errno;
        return;
    }
    if (go__stack_overflowed(g, sig, si, go__arch_sp(uc))) go__fatal_overflow(g, sig, si, uc);
    enum go__sigwhy why = GO__SIG_NOT_ENABLED;
    if (g && g->panic_on_fault) {
        /* A panic (or Goexit) between deferred calls is the runtime's bookkeeping: a
         * fault there means its state cannot be trusted.  preprintpanics calls methods
         * of the panic values: faults there are theirs, and Go recovers them. */
        const go__panic *p = g->panic;
        if (p && !p->rec && !g->printing) {
            why = GO__SIG_IN_RUNTIME;
        } else {
            go__arch_inject(uc, (uintptr_t)sig, (uintptr_t)si->si_code, (uintptr_t)si->si_addr,
                            go__arch_pc(uc));
            errno = saved_errno;
            return;
        }
    }
    not_ours(sig, si, uc, why);
    errno = saved_errno;
}

static pthread_once_t install_once = PTHREAD_ONCE_INIT;

static _Atomic bool installing; /* install() started (go__catch_faults must not wait) */

static void install(void) {
    atomic_store(&installing, true);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < NHANDLED; i++)
        if (sigaction(handled[i], &sa, &prev[i]) != 0)
            go__throw("go_set_panic_on_fault: sigaction failed");
}

/* Fault panics, and the overflow report of a coroutine's guard page. */
void go__install_handlers(void) { pthread_once(&install_once, install); }

/* A fatal report starts: its faults must come back to it (go__report_fault), also in a
 * program that never asked for fault panics.  Faults of other threads then stop them.
 * (Not from inside install: its own fatal error would wait for itself.) */
void go__catch_faults(void) {
    if (!atomic_load(&installing)) go__install_handlers();
}

bool go_set_panic_on_fault(bool enabled) {
    go__g *g = go__getg();
    go__install_handlers();
    bool old = g->panic_on_fault;
    g->panic_on_fault = enabled;
    __atomic_signal_fence(__ATOMIC_SEQ_CST); /* set before any fault that follows */
    return old;
}
