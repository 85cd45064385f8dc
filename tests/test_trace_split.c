/* Traces of functions that GCC splits (partial inlining, -O2): the split function must
 * show as one frame.  Found by the differential fuzzer (seed 4), where the trace read
 * "f3 f3 panic f2 ..." against Go's "f3 panic f2 ...". */
#pragma GCC diagnostic ignored "-Wunused-function"
#include <godefer.h>

#include "harness.h"

__attribute__((noinline)) void split_other(int *ap) { printf("other %d\n", *ap); }

/* A cold noreturn branch before a call: GCC splits the function at -O2. */
void split_me(int *ap) {
    int a = *ap;
    printf("split_me %d\n", a);
    if (a == 0) {
        printf("split_me panics\n");
        go_panic(go_str("split"));
    }
    split_other(&(int){3});
}

/* The same, called where its head is inlined and the cold part is outlined as
 * split_part.part.0, a frame of its own (fuzzer seed 238). */
void split_part(int *ap) {
    int a = *ap;
    printf("split_part %d\n", a);
    if (a == 3) {
        printf("split_part panics\n");
        go_panic(go_int(28238));
    }
    printf("split_part %d done\n", a);
}

__attribute__((noinline)) static void split_part_caller(void) {
    go_frame {
        split_part(&(int){1});
        split_part(&(int){3});
    }
}

static void child_part(void) {
    split_part_caller();
    __asm__ volatile("");
}

static void test_part_frame_once(void) {
    child_result *r = run_child("part");
    ASSERT_INT(r->status, 2);
    ASSERT_STR(report_head(r), "panic: 28238\n");
    IF_SYMBOLS(ASSERT_STR(trace_funcs(r), "split_part split_part_caller child_part harness_main main"));
}

static void child_split(void) {
    for (int i = 2; i >= 0; i--) split_me(&i);
}

static void test_split_frame_once(void) {
    child_result *r = run_child("split");
    ASSERT_INT(r->status, 2);
    ASSERT_STR(report_head(r), "panic: split\n");
    IF_SYMBOLS(ASSERT_STR(trace_funcs(r), "split_me child_split harness_main main"));
}

static const harness_case cases[] = {
    {"split_frame_once", test_split_frame_once}, {"part_frame_once", test_part_frame_once}, {0}};
static const harness_case children[] = {{"split", child_split}, {"part", child_part}, {0}};
int main(int argc, char **argv) { return harness_main(argc, argv, cases, children); }
