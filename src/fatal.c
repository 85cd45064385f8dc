/* The fatal reports of signals godefer does not turn into panics, in Go's formats: a stack
 * overflow, a signal sent to the process, a fault the runtime or the program did not
 * expect, a signal while a report was printed; the "[signal ...]" line they and a panic's
 * report share; and the watchdog that ends a report stuck in the handler. */
#include "internal.h"

#include <unistd.h>

/* Seconds a report printed from a signal handler may take (see arm_watchdog). */
#define WATCHDOG_SECONDS 10

const char *go__signame(int sig) {
    switch (sig) {
    case SIGSEGV: return "SIGSEGV: segmentation violation";
    case SIGBUS: return "SIGBUS: bus error";
    case SIGFPE: return "SIGFPE: floating-point exception";
    case SIGILL: return "SIGILL: illegal instruction";
    default: return "signal";
    }
}

void go__signal_line(go__out *o, int sig, int code, uintptr_t addr, uintptr_t pc) {
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

static void siginfo_line(go__out *o, int sig, const siginfo_t *si, const void *uc) {
    go__signal_line(o, sig, si->si_code, (uintptr_t)si->si_addr, go__arch_pc(uc));
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
    go__sig_handle(SIGALRM, watchdog);
    go__sig_unblock(SIGALRM);
    alarm(WATCHDOG_SECONDS);
}

/* The goroutines part, from the interrupted code, and the end of the report. */
static GO__NORETURN void trace_and_end(go__out *o, void *uc, int die_sig) {
    go__out_flush(o);
    arm_watchdog(die_sig);
    go__report_goroutines(o, uc, true);
    alarm(0);
    go__report_end(die_sig);
}

/* Go's stack overflow report, adapted: the limit is the thread's stack size (for the main
 * thread, RLIMIT_STACK as glibc sees it), and the overflow was seen as a fault.  No stdio
 * flush: the overflow may have hit inside stdio, holding its lock. */
void go__fatal_overflow(go__g *g, int sig, siginfo_t *si, void *uc) {
    go__start_dying();
    go__out o = {.fd = 2};
    uintptr_t sp = go__arch_sp(uc);
    go__out_str(&o, "runtime: goroutine stack exceeds ");
    if (go__on_thread_stack(g, sp)) {
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
    siginfo_line(&o, sig, si, uc);
    trace_and_end(&o, uc, 0);
}

/* A signal in the thread printing a fatal report, outside the parts that recover from a
 * fault (go__report_fault): say so, no second trace, and end the process by the signal. */
void go__fatal_in_report(int sig, siginfo_t *si, void *uc) {
    go__out o = {.fd = 2};
    go__out_str(&o, "fatal error: unexpected signal while printing a fatal report\n");
    siginfo_line(&o, sig, si, uc);
    go__out_flush(&o);
    go__report_end(sig);
}

/* Go's report for a signal it was not expecting: sent by another process (kill, raise),
 * a fault in the runtime's bookkeeping, or a fault SetPanicOnFault did not allow to
 * panic. */
void go__fatal_signal(int sig, siginfo_t *si, void *uc, enum go__sigwhy why) {
    go__out o = {.fd = 2};
    go__start_dying();
    if (why == GO__SIG_SENT) {
        go__out_str(&o, go__signame(sig));
        go__out_str(&o, "\nPC=");
        go__out_hex(&o, go__arch_pc(uc));
        go__out_str(&o, " sigcode=");
        go__out_dec(&o, si->si_code);
        go__out_str(&o, " sent by pid=");
        go__out_dec(&o, si->si_pid);
        go__out_str(&o, " uid=");
        go__out_dec(&o, si->si_uid);
        go__out_str(&o, "\nfatal error: unexpected signal\n");
        trace_and_end(&o, uc, sig);
    }
    if (why == GO__SIG_IN_RUNTIME) {
        go__out_str(&o, "fatal error: unexpected signal during runtime execution\n");
    } else if (sig == SIGFPE) {
        go__out_str(&o, "fatal error: unexpected signal\n");
    } else {
        go__out_str(&o, "unexpected fault address ");
        go__out_hex(&o, (uintptr_t)si->si_addr);
        go__out_str(&o, "\nfatal error: fault\n");
    }
    siginfo_line(&o, sig, si, uc);
    trace_and_end(&o, uc, sig);
}
