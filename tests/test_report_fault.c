/* The report at the edges (issue 11, 1.2 and 1.3): a fault while it is printed, with or
 * without an earlier SIGSEGV handler, and a report on a coroutine's small stack after the
 * frame chain was broken.  Each child must end, with status 2 after what could be printed
 * (docs/signals.md); an alarm kills a child that hangs, as the old code did. */
#define _GNU_SOURCE /* Dl_info */
#include <godefer.h>
#include <dlfcn.h>
#include <sys/mman.h>
#include <ucontext.h>

#include "harness.h"

#include "faults.h"

#define BAD_PTR ((const char *)16)

/* The trace part asks dladdr about every frame: a fault there is a fault while printing
 * the trace (this program's dladdr comes first; it forwards to libc's until armed). */
static volatile int dladdr_faults;
static const volatile char *volatile bad_ptr = BAD_PTR;
int dladdr(const void *addr, Dl_info *info) {
    if (dladdr_faults) return *bad_ptr;
    static int (*real)(const void *, Dl_info *);
    if (!real) *(void **)&real = dlsym(RTLD_NEXT, "dladdr");
    return real(addr, info);
}

static void user_handler(int sig) {
    (void)sig;
    static const char msg[] = "user handler called\n";
    if (write(2, msg, sizeof msg - 1) < 0) _exit(90);
}

/* Bounded: an alarm ends a child that hangs.  The faults are the point: Valgrind's report
 * of them is switched off (its own lines are filtered out by run_report). */
static void bounded(void) {
    alarm(20);
    VALGRIND_DISABLE_ERROR_REPORTING;
}

static void earlier_handler(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = user_handler;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, NULL);
}

static const go_type BadName = {.name = BAD_PTR, .kind = GO_KIND_INT};

__attribute__((noinline)) static void panic_bad_name(void) {
    go_panic(go_make_int(&BadName, 7));
}

/* ---- children ---------------------------------------------------------------------- */

static void child_bad_name_earlier_handler(void) {
    bounded();
    earlier_handler();
    go_set_panic_on_fault(true);
    panic_bad_name();
}

static void child_bad_name(void) {
    bounded();
    go_set_panic_on_fault(true);
    panic_bad_name();
}

static void child_bad_name_never_enabled(void) {
    bounded();
    panic_bad_name();
}

static void child_trace_fault_earlier_handler(void) {
    bounded();
    earlier_handler();
    go_set_panic_on_fault(true);
    dladdr_faults = 1;
    go_panic(go_str("boom"));
}

/* Issue 11's program: two ucontext coroutines, each inside a frame, switch to each other
 * (misuse without go_g_switch).  Leaving a's frame finds b's on top: a fatal error, whose
 * trace once overflowed the 64 KiB coroutine stack (status 139). */
static ucontext_t main_uc, a_uc, b_uc;
#define CORO_STACK 65536

static void say(void *m) { printf("deferred %s\n", (const char *)m); }

static void coro_a(void) {
    go_frame {
        go_defer(say, "a");
        swapcontext(&a_uc, &b_uc);
    }
    swapcontext(&a_uc, &main_uc);
}

static void coro_b(void) {
    go_frame {
        go_defer(say, "b");
        swapcontext(&b_uc, &a_uc);
    }
    swapcontext(&b_uc, &main_uc);
}

/* A coroutine library's stack: 64 KiB above a guard page. */
static void make_coro(ucontext_t *uc, void (*fn)(void)) {
    char *m = mmap(NULL, 4096 + CORO_STACK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                   -1, 0);
    if (m == MAP_FAILED || mprotect(m, 4096, PROT_NONE) != 0) _exit(96);
    getcontext(uc);
    uc->uc_stack.ss_sp = m + 4096;
    uc->uc_stack.ss_size = CORO_STACK;
    uc->uc_link = &main_uc;
    makecontext(uc, fn, 0);
}

static void child_coroutines(void) {
    bounded();
    make_coro(&a_uc, coro_a);
    make_coro(&b_uc, coro_b);
    swapcontext(&main_uc, &a_uc);
    printf("back in main\n");
}

/* A plain panic on a coroutine's small stack: the trace is symbolized on another one. */
__attribute__((noinline)) static void coro_panics(void) {
    go_panic(go_str("in coroutine"));
}
static void child_coroutine_panic(void) {
    bounded();
    make_coro(&a_uc, coro_panics);
    swapcontext(&main_uc, &a_uc);
}

/* ---- tests ------------------------------------------------------------------------- */

static const char note[] = "[godefer: SIGSEGV: segmentation violation addr=0x10 while printing "
                           "the report; the rest of this part is unreadable]\n";

static void expect_value_note(const char *child) {
    int before = harness_failures;
    child_result *r = run_report(child);
    ASSERT_INT(r->signal, 0);
    ASSERT_INT(r->status, 2);
    ASSERT(strncmp(r->err, "panic: \n", 8) == 0);
    ASSERT_CONTAINS(r->err, note);
    ASSERT_CONTAINS(r->err, "\ngoroutine 1 [running]:\n");
    IF_SYMBOLS(ASSERT_CONTAINS(r->err, "[running]:\npanic_bad_name(...)\n"));
    ASSERT_NOT_CONTAINS(r->err, "user handler called");
    if (harness_failures != before) HFAIL("(the failures above are child %s's)", child);
}

/* The value's type name is a bad pointer: the panic line is cut short, the trace follows. */
static void test_fault_printing_value(void) {
    expect_value_note("bad_name_earlier_handler");
    expect_value_note("bad_name");
    expect_value_note("bad_name_never_enabled");
}

static void test_fault_printing_trace(void) {
    child_result *r = run_report("trace_fault_earlier_handler");
    ASSERT_INT(r->signal, 0);
    ASSERT_INT(r->status, 2);
    ASSERT_STR(report_head(r), "panic: boom\n");
    ASSERT_CONTAINS(r->err, "panic: boom\n\ngoroutine 1 [running]:\n");
    ASSERT_CONTAINS(r->err, note);
    ASSERT_NOT_CONTAINS(r->err, "user handler called");
}

static void test_coroutines_out_of_order(void) {
    child_result *r = run_report("coroutines");
    ASSERT_INT(r->signal, 0);
    ASSERT_INT(r->status, 2);
    /* (ASan may print warnings about swapcontext first) */
    ASSERT_CONTAINS(r->err, "fatal error: go_frame left out of order: an inner frame was left "
                            "by longjmp, or this frame was entered by a jump into its block\n"
                            "\ngoroutine 1 [running]:\n");
    IF_SYMBOLS(ASSERT_CONTAINS(r->err, "[running]:\ncoro_a(...)\n"));
    ASSERT_NOT_CONTAINS(r->err, "[godefer:");
}

static void test_coroutine_panic(void) {
    child_result *r = run_report("coroutine_panic");
    ASSERT_INT(r->signal, 0);
    ASSERT_INT(r->status, 2);
    ASSERT_CONTAINS(r->err, "panic: in coroutine\n\ngoroutine 1 [running]:\n");
    IF_SYMBOLS(ASSERT_CONTAINS(r->err, "[running]:\ncoro_panics(...)\n"));
    ASSERT_NOT_CONTAINS(r->err, "[godefer:");
}

static const harness_case cases[] = {
    {"fault_printing_value", test_fault_printing_value},
    {"fault_printing_trace", test_fault_printing_trace},
    {"coroutines_out_of_order", test_coroutines_out_of_order},
    {"coroutine_panic", test_coroutine_panic},
    {NULL, NULL},
};

static const harness_case children[] = {
    {"bad_name_earlier_handler", child_bad_name_earlier_handler},
    {"bad_name", child_bad_name},
    {"bad_name_never_enabled", child_bad_name_never_enabled},
    {"trace_fault_earlier_handler", child_trace_fault_earlier_handler},
    {"coroutines", child_coroutines},
    {"coroutine_panic", child_coroutine_panic},
    {NULL, NULL},
};

int main(int argc, char **argv) {
    faults_child_env();
    return harness_main(argc, argv, cases, children);
}
