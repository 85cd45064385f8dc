/* Where a trace starts, as measured with Go: runtime frames on top are hidden, panic
 * entries included (Go prints gopanic only after another frame), but runtime.Goexit is
 * always shown: a nil deferred function called by Goexit's loop faults there, and Go's
 * first frame is runtime.Goexit.  Found by the differential fuzzer (seed 65). */
#pragma GCC diagnostic ignored "-Wunused-function"
#include <godefer.h>

#include "harness.h"

static void (*volatile nilfn)(void *);

__attribute__((noinline)) static void goexit_with_nil_defer(void) {
    go_frame {
        go_defer(nilfn, NULL);
        go_goexit();
    }
}

__attribute__((noinline)) static void panic_with_nil_defer(void) {
    go_frame {
        go_defer(nilfn, NULL);
        go_panic(go_str("first"));
    }
}

/* (the asm statements keep the calls from becoming tail jumps) */
static void child_goexit(void) {
    goexit_with_nil_defer();
    __asm__ volatile("");
}
static void child_panic(void) {
    panic_with_nil_defer();
    __asm__ volatile("");
}

static void test_goexit_first(void) {
    child_result *r = run_child("goexit");
    ASSERT_INT(r->status, 2);
    ASSERT_CONTAINS(report_head(r), "panic: runtime error: invalid memory address or nil "
                                    "pointer dereference\n[signal SIGSEGV: segmentation "
                                    "violation code=0x1 addr=0x0 pc=");
    IF_SYMBOLS(ASSERT_STR(trace_funcs(r), "go_goexit goexit_with_nil_defer child_goexit harness_main main"));
}

static void test_panic_first(void) {
    child_result *r = run_child("panic");
    ASSERT_INT(r->status, 2);
    ASSERT_CONTAINS(report_head(r), "panic: first\n\tpanic: runtime error: invalid memory");
    IF_SYMBOLS(ASSERT_STR(trace_funcs(r), "panic_with_nil_defer child_panic harness_main main"));
}

static const harness_case cases[] = {
    {"goexit_first", test_goexit_first}, {"panic_first", test_panic_first}, {0}};
static const harness_case children[] = {
    {"goexit", child_goexit}, {"panic", child_panic}, {0}};
int main(int argc, char **argv) { return harness_main(argc, argv, cases, children); }
