/* The [signal ...] line of a report follows Go's g.sig: set by a signal panic (here the
 * panic of a nil deferred function), kept when that panic is recovered while an older
 * panic is still running, forgotten once no panic is left.  Found by the differential
 * fuzzer against Go (seed 858725099336). */
#pragma GCC diagnostic ignored "-Wunused-function"
#include <godefer.h>

#include "harness.h"

static void (*volatile nilfn)(void *);

static void recover_it(void *u) {
    (void)u;
    go_recover();
}

/* A deferred call whose own frame faults on a nil deferred function and recovers that. */
static void faults_and_recovers(void *u) {
    (void)u;
    go_frame {
        go_defer(recover_it, NULL);
        go_defer(nilfn, NULL);
    }
}

static void child_kept(void) {
    go_frame {
        go_defer(faults_and_recovers, NULL);
        go_panic(go_str("older")); /* still running when the signal panic is recovered */
    }
}

static void child_forgotten(void) {
    faults_and_recovers(NULL); /* recovered, no panic left */
    go_panic(go_str("later"));
}

static void test_kept_while_older_panic_runs(void) {
    child_result *r = run_child("kept");
    ASSERT_INT(r->status, 2);
    ASSERT_CONTAINS(report_head(r), "panic: older\n[signal SIGSEGV: segmentation violation");
}

static void test_forgotten_when_no_panic_left(void) {
    child_result *r = run_child("forgotten");
    ASSERT_INT(r->status, 2);
    ASSERT_STR(report_head(r), "panic: later\n");
}

static const harness_case cases[] = {
    {"kept_while_older_panic_runs", test_kept_while_older_panic_runs},
    {"forgotten_when_no_panic_left", test_forgotten_when_no_panic_left},
    {0}};
static const harness_case children[] = {
    {"kept", child_kept}, {"forgotten", child_forgotten}, {0}};
int main(int argc, char **argv) { return harness_main(argc, argv, cases, children); }
