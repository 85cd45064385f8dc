/* A -static program (tests/check_linkmodes.sh static): it recovers, and an unrecovered
 * panic prints Go's report, symbolized with file:line where libdw is linked in. */
#include "../harness.h"

#include <godefer.h>

static int recovered; /* static: this test is about linking, not the volatile rule */

static void count(int *n) {
    if (!go_isnil(go_recover())) ++*n;
}

static void test_recovers(void) {
    recovered = 0;
    go_frame {
        go_defer(count, &recovered);
        go_panic(go_str("static"));
    }
    ASSERT_INT(recovered, 1);
}

__attribute__((noinline)) static void static_panics(void) { go_panic(go_str("unrecovered")); } enum { PANIC_LINE = __LINE__ };

static void child_unrecovered(void) {
    static_panics();
    __asm__ volatile(""); /* not a tail call */
}

static void test_report(void) {
    child_result *r = run_child("unrecovered");
    ASSERT_INT(r->status, 2);
    ASSERT_STR(report_head(r), "panic: unrecovered\n");
    char where[64];
    snprintf(where, sizeof where, "linkmodes/lm_static.c:%d +0x", PANIC_LINE);
#ifdef LM_NO_DEBUG_INFO /* built without -g: no frame may get a file:line (another unit's) */
    (void)where;
    for (const char *t = strstr(r->err, "\n\t"); t; t = strstr(t + 2, "\n\t")) {
        size_t n = strcspn(t + 2, "\n");
        if (memmem(t + 2, n, ".c:", 3) || memmem(t + 2, n, ".h:", 3))
            HFAIL("a file:line without debug info: %.*s", (int)n, t + 2);
    }
#else
    IF_SYMBOLS(ASSERT_STR(trace_funcs(r), "static_panics child_unrecovered harness_main main"));
    IF_SYMBOLS(ASSERT_CONTAINS(r->err, "[running]:\nstatic_panics(...)\n\t"));
    IF_SYMBOLS(ASSERT_CONTAINS(r->err, where));
#endif
    /* Without names the place is the program and the offset in it (for addr2line). */
    ASSERT(!strstr(r->err, "\t?? +"));
}

static const harness_case cases[] = {
    {"recovers", test_recovers},
    {"report", test_report},
    {0},
};
static const harness_case children[] = {{"unrecovered", child_unrecovered}, {0}};

int main(int argc, char **argv) { return harness_main(argc, argv, cases, children); }
