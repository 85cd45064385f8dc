/* Signals: synchronous faults become runtime-error panics (go_set_panic_on_fault), a stack
 * overflow is a fatal error, and every other signal we catch ends the process clearly.
 * docs/signals.md explains the design; the machine-specific part is in src/arch/. */
#include "internal.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <ucontext.h>
#include <unistd.h>

/* ---- the value of a fault panic ----------------------------------------------------
 * One word, no allocation (the fault may have hit inside malloc):
 *   bits 0-1  signal: 1 SIGSEGV, 2 SIGBUS, 3 SIGFPE
 *   bits 2-6  si_code, 31 standing for SI_KERNEL
 *   bit  7    the address's top byte is 0xff (a kernel address)
 *   bits 8-63 the low 56 bits of the address
 * User addresses have a zero top byte on x86_64 (even with 5-level paging) and on
 * aarch64 (the kernel clears tag bits in si_addr); kernel addresses an all-ones one. */

static const int sig_of[4] = {0, SIGSEGV, SIGBUS, SIGFPE};

static uint64_t fault_pack(int sig, int code, uintptr_t addr) {
    uint64_t s = sig == SIGSEGV ? 1 : sig == SIGBUS ? 2 : 3;
    uint64_t c = code == SI_KERNEL ? 31 : code > 0 && code < 31 ? (uint64_t)code : 0;
    uint64_t hi = (uint64_t)addr >> 56 == 0xff;
    return s | c << 2 | hi << 7 | ((uint64_t)addr << 8);
}

static void fault_unpack(uint64_t u, go_fault *f) {
    f->signo = sig_of[u & 3];
    unsigned c = (unsigned)(u >> 2) & 31;
    f->code = c == 31 ? SI_KERNEL : (int)c;
    uint64_t a = u >> 8;
    if (u >> 7 & 1) a |= (uint64_t)0xff << 56;
    f->addr = (uintptr_t)a;
}

static const char *fault_text(const go_fault *f) {
    if (f->signo != SIGFPE) return "invalid memory address or nil pointer dereference";
    switch (f->code) {
    case FPE_INTDIV: return "integer divide by zero";
    case FPE_INTOVF: return "integer overflow";
    default: return "floating point error";
    }
}

static size_t sigError_error(go_any v, char *buf, size_t size) {
    go_fault f;
    fault_unpack(v.v.u, &f);
    return (size_t)snprintf(buf, size, "runtime error: %s", fault_text(&f));
}

/* Go's runtime.errorString: the type of nil-dereference and division errors. */
const go_type go__type_sigError = {
    .name = "runtime.errorString", .kind = GO_KIND_UINT, .error = sigError_error};

bool go_fault_info(go_any v, go_fault *f) {
    if (v.type != &go__type_sigError) return false;
    if (f) fault_unpack(v.v.u, f);
    return true;
}

/* Entered from the go__sigpanic stub on the faulting thread's own stack, the signal
 * handler having returned (so the signal mask is the one of before the fault). */
void go__sigpanic_run(uintptr_t sig, uintptr_t code, uintptr_t addr, uintptr_t pc) {
    go__panic p;
    GO__PANIC_CLEAR(&p);
    p.arg = go_make_uint(&go__type_sigError, fault_pack((int)sig, (int)code, addr));
    p.sig = (int)sig;
    p.sigcode = (int)code;
    p.sigaddr = addr;
    p.sigpc = pc;
    /* Everything the panic may walk lies above this frame: the faulting function's
     * frames included, as the stub runs below its stack pointer. */
    p.bound = (uintptr_t)__builtin_dwarf_cfa();
    go__panic_with(go__getg(), &p);
}

/* ---- alternate signal stacks -------------------------------------------------------- */

/* The fatal reports symbolize on it: libdw needs some 130 KiB there.  Only the pages
 * touched cost memory; the guard is large because one big frame can skip a page. */
#define SIGSTK_SIZE (512 * 1024)
#define SIGSTK_GUARD (64 * 1024)

/* Called by go__ginit: the thread's stack bounds (to tell an overflow) and an alternate
 * signal stack, unless the thread already has a large enough one.  A smaller one (ASan
 * gives every thread 53 KiB, TSan the main thread) is replaced, and put back at exit,
 * before its owner's own thread-exit code frees it. */
void go__sigstack_init(go__g *g) {
    pthread_attr_t a;
    if (pthread_getattr_np(pthread_self(), &a) == 0) {
        void *addr;
        size_t size;
        if (pthread_attr_getstack(&a, &addr, &size) == 0) {
            g->stack_lo = (uintptr_t)addr;
            g->stack_hi = (uintptr_t)addr + size;
        }
        pthread_attr_destroy(&a);
    }
    stack_t cur;
    if (sigaltstack(NULL, &cur) != 0) return;
    if (!(cur.ss_flags & SS_DISABLE) && cur.ss_size >= SIGSTK_SIZE) return;
    size_t len = SIGSTK_GUARD + SIGSTK_SIZE;
    void *m = mmap(NULL, len, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
    if (m == MAP_FAILED) return; /* no report for an overflow in this thread, that's all */
    mprotect(m, SIGSTK_GUARD, PROT_NONE); /* an overflow of the handler faults at once */
    stack_t ss = {.ss_sp = (char *)m + SIGSTK_GUARD, .ss_size = SIGSTK_SIZE, .ss_flags = 0};
    if (sigaltstack(&ss, NULL) != 0) {
        munmap(m, len);
        return;
    }
    g->sigstk = m;
    g->sigstk_size = len;
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

/* ---- the signal mask after a recovery -----------------------------------------------
 * A panic started in a user's signal handler (go_panic there, or a fault there converted)
 * and recovered outside it jumps over the kernel's signal frame, whose sigreturn would
 * have restored the mask: the handler's signal would stay blocked.  The frames crossed
 * lie between the panic's entry (lo) and the recovering frame (hi); the outermost one
 * holds the mask of where the recovering frame runs.  A scan of the stack between finds
 * every frame there, and also the copies that handlers which returned left in stack
 * memory not written since: where all of them hold the current mask, setting one would
 * change nothing.  Otherwise the unwinder, which knows a handler's return into the
 * kernel's frame, finds the live ones, on an alternate signal stack too. */

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

bool go__sigstack_newer(const go__g *g, uintptr_t a, uintptr_t b) {
    if (a - g->stack_lo < g->stack_hi - g->stack_lo) return false;
    stack_t ss;
    if (sigaltstack(NULL, &ss) != 0 || (ss.ss_flags & SS_DISABLE)) return false;
    uintptr_t lo = (uintptr_t)ss.ss_sp;
    return a - lo < ss.ss_size && !(b - lo < ss.ss_size);
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

/* Ends the process the way the signal would have without us: default action, re-raised
 * in this thread.  (For a fault, returning would also do, but the fault might not recur.) */
void go__die_by_signal(int sig) {
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    sigaction(sig, &dfl, NULL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    raise(sig);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
    _exit(128 + sig); /* not reached: the default action of these signals is to dump core */
}

/* A report printed from inside the handler may call malloc (libdw), which deadlocks if the
 * signal interrupted malloc.  A watchdog makes sure that ends too: it cuts the report
 * short and dies the way the report would have. */
static volatile sig_atomic_t watchdog_sig; /* die by this signal, or exit 2 if 0 */

static void watchdog(int sig) {
    (void)sig;
    static const char msg[] = "\n[godefer: the report timed out]\n";
    if (write(2, msg, sizeof msg - 1) < 0) {
    }
    go__report_end(watchdog_sig);
}

static void arm_watchdog(int die_sig) {
    watchdog_sig = die_sig;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = watchdog;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGALRM, &sa, NULL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGALRM);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
    alarm(10);
}

static void signal_line(go__out *o, int sig, int code, uintptr_t addr, uintptr_t pc) {
    go__out_str(o, "[signal ");
    go__out_str(o, go__signame(sig));
    go__out_str(o, " code=");
    go__out_hex(o, (uintptr_t)(unsigned)code);
    go__out_str(o, " addr=");
    go__out_hex(o, addr);
    go__out_str(o, " pc=");
    go__out_hex(o, pc);
    go__out_str(o, "]\n");
}

/* The goroutines part: "goroutine N [running]:" and the trace of the interrupted code. */
static void trace_from(go__out *o, void *uc, int die_sig) {
    static void *pcs[1024]; /* only the dying thread gets here */
    int n = go__capture_uc(uc, pcs, 1024);
    arm_watchdog(die_sig);
    go__print_goroutines(o, pcs, n, true);
    alarm(0);
}

/* Go's stack overflow report, adapted: the limit is the thread's stack size (for the main
 * thread, RLIMIT_STACK as glibc sees it), and the overflow was seen as a fault. */
static GO__NORETURN void stack_overflow(go__g *g, int sig, siginfo_t *si, void *uc) {
    go__start_dying();
    go__out o = {.fd = 2};
    uintptr_t sp = go__arch_sp(uc);
    go__out_str(&o, "runtime: goroutine stack exceeds ");
    if (g->stack_hi && sp >= g->stack_lo - (1u << 20) && sp < g->stack_hi) {
        go__out_dec(&o, (int64_t)(g->stack_hi - g->stack_lo));
        go__out_str(&o, "-byte limit\nruntime: sp=");
        go__out_hex(&o, sp);
        go__out_str(&o, " stack=[");
        go__out_hex(&o, g->stack_lo);
        go__out_str(&o, ", ");
        go__out_hex(&o, g->stack_hi);
        go__out_str(&o, "]\n");
    } else { /* a stack the thread did not start on (a coroutine's) */
        go__out_str(&o, "its limit\nruntime: sp=");
        go__out_hex(&o, sp);
        go__out_str(&o, " (not on the thread's own stack)\n");
    }
    go__out_str(&o, "fatal error: stack overflow\n");
    signal_line(&o, sig, si->si_code, (uintptr_t)si->si_addr, go__arch_pc(uc));
    go__out_flush(&o);
    /* No stdio flush: the overflow may have hit inside stdio, holding its lock. */
    trace_from(&o, uc, 0);
    go__report_end(0);
}

/* Was this SIGSEGV the stack running out?  The fault is close to the stack pointer (a
 * push, a call, a probe, a big frame: nothing else faults there), or the stack pointer
 * is at the bottom of the thread's stack and the fault just below it.  (A fault below
 * the stack with sp elsewhere is an ordinary one: mappings may lie right below it, and
 * so is one above the stack that sp is in: a mapping may lie right above a thread's.) */
static bool is_overflow(const go__g *g, int sig, const siginfo_t *si, uintptr_t sp) {
    if (sig != SIGSEGV || si->si_code <= 0 || !g) return false;
    uintptr_t a = (uintptr_t)si->si_addr;
    uintptr_t lo = g->stack_lo, hi = g->stack_hi;
    if (sp >= lo && sp < hi && a >= hi) return false;
    const uintptr_t near = 64 * 1024, gap = 1u << 20;
    if (a < sp ? sp - a < near : a - sp < near) return true;
    return lo && sp < lo + near && sp + gap >= lo && a < lo + near && a + gap >= lo;
}

enum why { NOT_ENABLED, IN_RUNTIME, SENT };

/* A signal in the thread printing a fatal report, outside the parts that recover from a
 * fault (go__report_fault): say so, no second trace, and end the process by the signal.
 * An earlier handler is not called: the report cannot go on once it returns. */
static GO__NORETURN void in_report(int sig, siginfo_t *si, void *uc) {
    go__out o = {.fd = 2};
    go__out_str(&o, "fatal error: unexpected signal while printing a fatal report\n");
    signal_line(&o, sig, si->si_code, (uintptr_t)si->si_addr, go__arch_pc(uc));
    go__out_flush(&o);
    go__report_end(sig);
}

/* A signal we do not turn into a panic: an earlier handler gets it; with none, a report
 * and the signal's own ending. */
static void not_ours(int sig, siginfo_t *si, void *uc, enum why why) {
    struct sigaction *p = prev_of(sig);
    if (p->sa_flags & SA_SIGINFO) {
        sigset_t old;
        pthread_sigmask(SIG_BLOCK, &p->sa_mask, &old);
        p->sa_sigaction(sig, si, uc);
        pthread_sigmask(SIG_SETMASK, &old, NULL);
        return;
    }
    if (p->sa_handler == SIG_IGN && why == SENT) return;
    if (p->sa_handler != SIG_DFL && p->sa_handler != SIG_IGN) {
        sigset_t old;
        pthread_sigmask(SIG_BLOCK, &p->sa_mask, &old);
        p->sa_handler(sig);
        pthread_sigmask(SIG_SETMASK, &old, NULL);
        return;
    }
    go__out o = {.fd = 2};
    uintptr_t pc = go__arch_pc(uc), addr = (uintptr_t)si->si_addr;
    go__start_dying();
    switch (why) {
    case SENT: /* Go's report for a signal it was not expecting */
        go__out_str(&o, go__signame(sig));
        go__out_str(&o, "\nPC=");
        go__out_hex(&o, pc);
        go__out_str(&o, " sigcode=");
        go__out_dec(&o, si->si_code);
        go__out_str(&o, " sent by pid=");
        go__out_dec(&o, si->si_pid);
        go__out_str(&o, " uid=");
        go__out_dec(&o, si->si_uid);
        go__out_str(&o, "\nfatal error: unexpected signal\n");
        break;
    case IN_RUNTIME:
        go__out_str(&o, "fatal error: unexpected signal during runtime execution\n");
        signal_line(&o, sig, si->si_code, addr, pc);
        break;
    default: /* Go's report for a fault that SetPanicOnFault did not allow to panic */
        if (sig == SIGFPE) {
            go__out_str(&o, "fatal error: unexpected signal\n");
        } else {
            go__out_str(&o, "unexpected fault address ");
            go__out_hex(&o, addr);
            go__out_str(&o, "\nfatal error: fault\n");
        }
        signal_line(&o, sig, si->si_code, addr, pc);
        break;
    }
    go__out_flush(&o);
    trace_from(&o, uc, sig);
    go__report_end(sig);
}

static void handler(int sig, siginfo_t *si, void *uc) {
    int saved_errno = errno;
    go__g *g = (go__g *)go__curg;
    long dying = go__dying_tid();
    if (dying) {
        if (dying == me()) {
            if (si->si_code > 0) go__report_fault(sig, (uintptr_t)si->si_addr);
            in_report(sig, si, uc);
        }
        go__stop(); /* another thread is reporting and will end the process */
    }
    if (si->si_code <= 0) { /* kill, sigqueue, tgkill, raise: not a fault */
        not_ours(sig, si, uc, SENT);
        errno = saved_errno;
        return;
    }
    if (is_overflow(g, sig, si, go__arch_sp(uc))) stack_overflow(g, sig, si, uc);
    enum why why = NOT_ENABLED;
    if (g && g->panic_on_fault) {
        /* A panic (or Goexit) between deferred calls is the runtime's bookkeeping: a
         * fault there means its state cannot be trusted.  preprintpanics calls methods
         * of the panic values: faults there are theirs, and Go recovers them. */
        const go__panic *p = g->panic;
        if (p && !p->rec && !g->printing) {
            why = IN_RUNTIME;
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
