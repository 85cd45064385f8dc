/* The signal mask after a recovery that crosses a signal handler: a go_panic or a
 * converted fault inside a SIGALRM or SIGINT handler, recovered by a frame outside it,
 * leaves the mask the kernel's sigreturn would have restored (the handler's signal is
 * delivered again); recovered inside the handler, the handler's mask.  Variants: an
 * alternate stack, SA_NODEFER, nested handlers, a deep handler, another thread, Goexit. */
#include "harness.h"

#include "faults.h"

#include <pthread.h>
#include <signal.h>
#include <sys/time.h>

/* ---- what a handler does ------------------------------------------------------------ */

enum act { NOTHING, PANIC, FAULT, DEEP_PANIC, RECOVER_INSIDE, RAISE_INT, INT_INSIDE };
static _Thread_local volatile int action[65]; /* per signal, of the thread it hits */
static _Thread_local volatile int hits[65];
static _Thread_local volatile int inside_ok = -1; /* RECOVER_INSIDE, INT_INSIDE: checks */

static bool blocked(int sig) {
    sigset_t now;
    pthread_sigmask(SIG_BLOCK, NULL, &now);
    return sigismember(&now, sig);
}

__attribute__((noinline)) static void panic_deep(int n) {
    volatile char pad[64];
    if (n < 0) return;
    pad[0] = (char)n;
    if (n > 0) panic_deep(n - 1);
    else go_panic(go_str("deep in a handler"));
    (void)pad[0];
}

/* RECOVER_INSIDE: a frame of the handler recovers; the handler's mask must still hold. */
static void recover_inside(int sig) {
    go_any v = go_nil();
    go_frame {
        go_defer(grab, &v);
        go_panic(go_str("inside"));
    }
    inside_ok = !go_isnil(v) && blocked(sig) && blocked(SIGUSR1);
}

/* INT_INSIDE (in SIGALRM's handler): SIGINT's handler panics, a frame here recovers: the
 * mask is this handler's again (SIGALRM blocked, SIGINT not). */
static void int_inside(void) {
    go_any v = go_nil();
    action[SIGINT] = PANIC;
    go_frame {
        go_defer(grab, &v);
        raise(SIGINT);
    }
    inside_ok = !go_isnil(v) && blocked(SIGALRM) && !blocked(SIGINT);
}

static void handler(int sig) {
    hits[sig]++;
    switch (action[sig]) {
    case PANIC: go_panic(go_str("in a handler"));
    case FAULT: sink = deref_nil(); break;
    case DEEP_PANIC: panic_deep(100); break;
    case RECOVER_INSIDE: recover_inside(sig); break;
    case RAISE_INT: action[SIGINT] = PANIC; raise(SIGINT); break;
    case INT_INSIDE: int_inside(); break;
    default: break;
    }
}

/* handler for sig, with SIGUSR1 in its sa_mask and the given flags. */
static void install(int sig, int flags) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sa.sa_flags = flags;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGUSR1);
    ASSERT(sigaction(sig, &sa, NULL) == 0);
}

static void uninstall(int sig) { signal(sig, SIG_DFL); }

/* raise(sig) in a frame whose deferred call recovers; the recovered value. */
static go_any raise_in_frame(int sig) {
    go_any v = go_nil();
    VALGRIND_DISABLE_ERROR_REPORTING;
    go_frame {
        go_defer(grab, &v);
        raise(sig);
    }
    VALGRIND_ENABLE_ERROR_REPORTING;
    return v;
}

/* The mask is the one of before (SIGUSR2 blocked by the program, nothing of the
 * handler's), and sig is delivered again. */
static void check_after(int sig) {
    ASSERT(!blocked(sig));
    ASSERT(!blocked(SIGUSR1));
    ASSERT(blocked(SIGUSR2));
    int before = hits[sig];
    action[sig] = NOTHING;
    raise(sig);
    ASSERT_INT(hits[sig], before + 1);
}

static void unblock_all(void) {
    sigset_t none;
    sigemptyset(&none);
    pthread_sigmask(SIG_SETMASK, &none, NULL);
}

static void with_usr2_blocked(bool on) {
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR2);
    pthread_sigmask(on ? SIG_BLOCK : SIG_UNBLOCK, &s, NULL);
}

/* ThreadSanitizer runs an asynchronous signal's handler from its own with every signal
 * blocked: a fault there ends the process (the kernel cannot deliver it), godefer or
 * not; and a signal raised in a handler waits until that handler has returned.  Faults
 * in handlers and nested handlers are left out under TSan. */
#define NO_FAULTS_WHY "TSan blocks all signals in the handlers it runs: a fault kills"
#define NO_NESTED_WHY "TSan delays a signal raised in a handler until the handler returns"
#ifdef TEST_TSAN
#define FAULTS_IN_HANDLERS 0
#define NESTED_HANDLERS 0
#else
#define FAULTS_IN_HANDLERS 1
#define NESTED_HANDLERS 1
#endif

/* A case starts: SIGUSR2 blocked by the program, sig's handler (flags) set to do what. */
static void arm(int sig, int what, int flags) {
    with_usr2_blocked(true);
    install(sig, flags);
    action[sig] = what;
    hits[sig] = 0;
}

/* A case ends: the mask after it is checked, then nothing of the case is left (a pending
 * sig runs the handler, doing nothing). */
static void finish(int sig) {
    check_after(sig);
    unblock_all();
    uninstall(sig);
}

/* Cases whose handler faults need fault panics, and cannot run under TSan. */
#define NEED_FAULTS_IN_HANDLERS()                                                        \
    do {                                                                                 \
        if (!FAULTS_IN_HANDLERS) SKIP(NO_FAULTS_WHY);                                    \
        go_set_panic_on_fault(true);                                                     \
    } while (0)

/* One case: sig's handler (flags) does what, and a frame outside recovers.  (The fault
 * parts of cases that also panic are left out silently under TSan.) */
static void recovered_outside(int sig, int what, int flags) {
    if (what == FAULT && !FAULTS_IN_HANDLERS) return;
    arm(sig, what, flags);
    go_any v = raise_in_frame(sig);
    ASSERT(!go_isnil(v));
    ASSERT_INT(hits[sig], 1);
    finish(sig);
}

static void test_alrm_panic(void) { recovered_outside(SIGALRM, PANIC, 0); }
static void test_int_panic(void) { recovered_outside(SIGINT, PANIC, 0); }
static void test_deep_panic(void) { recovered_outside(SIGALRM, DEEP_PANIC, 0); }
static void test_nodefer(void) { recovered_outside(SIGINT, PANIC, SA_NODEFER); }

static void test_alrm_fault(void) {
    NEED_FAULTS_IN_HANDLERS();
    recovered_outside(SIGALRM, FAULT, 0);
}

static void test_int_fault(void) {
    NEED_FAULTS_IN_HANDLERS();
    recovered_outside(SIGINT, FAULT, 0);
}

/* A real timer interrupts a loop in the frame; the handler faults. */
static void test_timer_fault(void) {
    NEED_FAULTS_IN_HANDLERS();
    arm(SIGALRM, FAULT, 0);
    go_any v = go_nil();
    VALGRIND_DISABLE_ERROR_REPORTING;
    go_frame {
        go_defer(grab, &v);
        struct itimerval it = {{0, 0}, {0, 2000}};
        setitimer(ITIMER_REAL, &it, NULL);
        while (!hits[SIGALRM]) {
        }
    }
    VALGRIND_ENABLE_ERROR_REPORTING;
    ASSERT(go_fault_info(v, NULL));
    finish(SIGALRM);
}

/* SA_ONSTACK: the panic runs on the alternate stack, the recovering frame on the
 * thread's.  Our own alternate stack, then godefer's (every thread that uses it has one). */
static void onstack(int what, bool own) {
    static char stack[256 * 1024] __attribute__((aligned(16)));
    stack_t ss = {.ss_sp = stack, .ss_size = sizeof stack}, old;
    if (own) ASSERT(sigaltstack(&ss, &old) == 0);
    recovered_outside(SIGALRM, what, SA_ONSTACK);
    recovered_outside(SIGINT, what, SA_ONSTACK);
    if (own) ASSERT(sigaltstack(&old, NULL) == 0);
}
static void test_onstack_panic(void) { onstack(PANIC, true); }
static void test_onstack_fault(void) {
    NEED_FAULTS_IN_HANDLERS();
    onstack(FAULT, true);
}
static void test_onstack_godefer_stack(void) {
    go_set_panic_on_fault(true);
    onstack(PANIC, false);
    onstack(FAULT, false);
}

/* SIGALRM's handler does what (RECOVER_INSIDE, INT_INSIDE), which recovers inside it
 * and checks the mask there. */
static void recovered_inside(int what) {
    arm(SIGALRM, what, 0);
    inside_ok = -1;
    raise(SIGALRM);
    ASSERT_INT(inside_ok, 1);
    finish(SIGALRM);
}

/* Recovered inside the handler: the handler's mask there, the program's after. */
static void test_recover_inside(void) { recovered_inside(RECOVER_INSIDE); }

/* SIGALRM's handler raises SIGINT, whose handler panics: recovered outside both. */
static void test_nested_outside(void) {
    if (!NESTED_HANDLERS) SKIP(NO_NESTED_WHY);
    install(SIGINT, 0);
    arm(SIGALRM, RAISE_INT, 0);
    ASSERT(!go_isnil(raise_in_frame(SIGALRM)));
    check_after(SIGINT);
    finish(SIGALRM);
    uninstall(SIGINT);
}

/* The same recovered in SIGALRM's handler: the outer handler's mask there. */
static void test_nested_inside(void) {
    if (!NESTED_HANDLERS) SKIP(NO_NESTED_WHY);
    install(SIGINT, 0);
    recovered_inside(INT_INSIDE);
    uninstall(SIGINT);
}

/* Another thread: its own mask, its own stack.  (Under Valgrind, a jump from godefer's
 * alternate stack to a thread's stack less than --max-stackframe (2 MB) away, where
 * Valgrind maps them, is taken for the stack growing: it marks the frames between
 * undefined.  Our own, in .bss, is far from both.) */
static void *thread_cases(void *arg) {
    (void)arg;
    static char stack[128 * 1024] __attribute__((aligned(16)));
    stack_t ss = {.ss_sp = stack, .ss_size = sizeof stack};
    go_set_panic_on_fault(true);
    recovered_outside(SIGALRM, PANIC, 0);
    recovered_outside(SIGINT, FAULT, 0);
    if (RUNNING_ON_VALGRIND) ASSERT(sigaltstack(&ss, NULL) == 0);
    recovered_outside(SIGALRM, FAULT, SA_ONSTACK);
    return NULL;
}
static void test_other_thread(void) {
    pthread_t t;
    ASSERT(pthread_create(&t, NULL, thread_cases, NULL) == 0);
    pthread_join(t, NULL);
}

/* Goexit: its deferred call raises SIGALRM, whose handler panics; a deferred call of a
 * frame above the Goexit recovers, and the Goexit goes on: its next deferred call sees
 * the thread's mask, not the handler's. */
static volatile int goexit_alrm_blocked = -1;
static void note_mask(void *unused) {
    (void)unused;
    goexit_alrm_blocked = blocked(SIGALRM);
}
static void recover_it(void *unused) {
    (void)unused;
    (void)go_recover();
}
static void raise_alrm(void *unused) {
    (void)unused;
    action[SIGALRM] = PANIC;
    raise(SIGALRM);
}
static void *goexit_thread(void *arg) {
    (void)arg;
    install(SIGALRM, 0);
    go_frame {
        go_defer(note_mask, NULL);
        go_defer(recover_it, NULL);
        go_frame {
            go_defer(raise_alrm, NULL);
            go_goexit();
        }
    }
    return NULL;
}
static void test_goexit(void) {
    pthread_t t;
    ASSERT(pthread_create(&t, NULL, goexit_thread, NULL) == 0);
    pthread_join(t, NULL);
    ASSERT_INT(goexit_alrm_blocked, 0);
    uninstall(SIGALRM);
}

/* A recovery that crosses no handler leaves the mask alone, deep or not, even where a
 * handler that returned left its frame in stack memory the panic's frames do not write. */
__attribute__((noinline)) static void deep(int n, bool panic) {
    volatile char pad[200];
    if (n < 0) return;
    pad[0] = (char)n;
    if (n > 0) deep(n - 1, panic);
    else if (panic) go_panic(go_str("deep"));
    else raise(SIGINT);
    (void)pad[0];
}
static void deep_panic(void) { deep(200, true); }
static void test_no_handler(void) {
    install(SIGINT, 0);
    action[SIGINT] = NOTHING;
    deep(100, false); /* its frame stays in the stack the deep panic's frames cross */
    sigset_t s, now;
    sigemptyset(&s);
    sigaddset(&s, SIGALRM);
    sigaddset(&s, SIGUSR2);
    pthread_sigmask(SIG_BLOCK, &s, NULL);
    ASSERT(!go_isnil(catch_(deep_panic)));
    pthread_sigmask(SIG_BLOCK, NULL, &now);
    ASSERT(sigismember(&now, SIGALRM) && sigismember(&now, SIGUSR2));
    ASSERT(!sigismember(&now, SIGINT) && !sigismember(&now, SIGUSR1));
    pthread_sigmask(SIG_UNBLOCK, &s, NULL);
    uninstall(SIGINT);
}

static const harness_case cases[] = {
    {"alrm_panic", test_alrm_panic},
    {"int_panic", test_int_panic},
    {"deep_panic", test_deep_panic},
    {"nodefer", test_nodefer},
    {"alrm_fault", test_alrm_fault},
    {"int_fault", test_int_fault},
    {"timer_fault", test_timer_fault},
    {"onstack_panic", test_onstack_panic},
    {"onstack_fault", test_onstack_fault},
    {"onstack_godefer_stack", test_onstack_godefer_stack},
    {"recover_inside", test_recover_inside},
    {"nested_outside", test_nested_outside},
    {"nested_inside", test_nested_inside},
    {"other_thread", test_other_thread},
    {"goexit", test_goexit},
    {"no_handler", test_no_handler},
    {0},
};

int main(int argc, char **argv) { return harness_main(argc, argv, cases, NULL); }
