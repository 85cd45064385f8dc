/* Bounds checks (go_index, go_panic_bounds*): go_index's value and single evaluation, the
 * values of bounds errors and their texts, the report of an unrecovered one.  Every case of
 * Go's own bounds tests is in test_go_issue30116.c. */
#include "harness.h"

#include "faults.h"

#include <inttypes.h>

static void keep(go_any *out) { *out = go_recover(); }

static int calls;
static int64_t counted(int64_t v) {
    calls++;
    tlog("%" PRId64, v);
    return v;
}

static void test_index_value(void) {
    int a[3] = {10, 20, 30};
    calls = 0;
    ASSERT_INT(a[go_index(counted(2), counted(3))], 30); /* evaluated once each */
    ASSERT_INT(calls, 2);
    ASSERT_LOG("2 3");
    size_t i = 1;
    ASSERT_INT(go_index(i, sizeof a / sizeof a[0]), 1);
    unsigned char c = 2;
    ASSERT_INT(go_index(c, 3), 2);
}

static void test_values(void) {
    /* Small operands make a value without memory, large ones own some (released here);
     * both print the same way and are runtime errors. */
    static const struct {
        int64_t x, y;
        const char *want;
    } cases[] = {
        {5, 3, "runtime error: index out of range [5] with length 3"},
        {-1, 3, "runtime error: index out of range [-1]"},
        {(int64_t)1 << 40, 3, "runtime error: index out of range [1099511627776] with length 3"},
        {7, (int64_t)1 << 40, "runtime error: index out of range [7] with length 1099511627776"},
        {INT64_MIN, 3, "runtime error: index out of range [-9223372036854775808]"},
    };
    for (volatile size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        go_any v = go_nil();
        go_frame {
            go_defer(keep, &v);
            go_panic_bounds(GO_BOUNDS_INDEX, cases[k].x, cases[k].y);
        }
        ASSERT(go_is_runtime_error(v) && go_is_error(v));
        ASSERT(!go_fault_info(v, NULL));
        ASSERT_STR(errtext(v), cases[k].want);
        go_any_release(v);
    }
    go_any v = go_nil();
    go_frame {
        go_defer(keep, &v);
        go_panic_bounds_u(GO_BOUNDS_SLICE_B, UINT64_MAX, 2);
    }
    ASSERT_STR(errtext(v), "runtime error: slice bounds out of range [18446744073709551615:2]");
    go_any_release(v);
}

__attribute__((noinline)) static void child_index(void) {
    int a[3] = {1, 2, 3};
    volatile int i = 5;
    sink = a[go_index(i, 3)];
    printf("not reached\n");
}

static void test_report(void) {
    child_result *r = run_child("index");
    ASSERT_INT(r->status, 2);
    ASSERT_STR(report_head(r), "panic: runtime error: index out of range [5] with length 3\n");
    IF_SYMBOLS(ASSERT_STR(trace_funcs(r), "child_index harness_main main"));
    ASSERT_NOT_CONTAINS(r->out, "not reached");
}

static const harness_case cases[] = {
    {"index_value", test_index_value},
    {"values", test_values},
    {"report", test_report},
    {0},
};

static const harness_case children[] = {
    {"index", child_index},
    {0},
};

int main(int argc, char **argv) { return harness_main(argc, argv, cases, children); }
