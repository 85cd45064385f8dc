/* go_recover() where the compiler can move or drop it.  An unreachable go_recover() (after
 * a go_panic in the same block) must not change what a recovery does: GCC 12 misplaces
 * __builtin_setjmp's receiver in a function where an unreachable computed goto was
 * deleted, and go_recover's former inlining barrier (a computed goto) made the recovery
 * re-enter the frame's block (found by the differential fuzzer against Go, seed 320; fixed
 * by a barrier without a goto, include/godefer.h go__noinline_here_).  A go_recover() in tail
 * position must recover (found while testing that fix), and so must two recovering
 * functions that GCC's identical code folding could merge. */
#pragma GCC diagnostic ignored "-Wunused-function"
#include <godefer.h>

#include "harness.h"

static int entered, recovered;

static void recover_it(void *unused) {
    (void)unused;
    if (!go_isnil(go_recover())) recovered++;
}

__attribute__((noinline)) static void dead_recover_in_block(void) {
    go_frame {
        go_defer(recover_it, NULL);
        if (++entered > 1) return; /* the recovery re-entered the block */
        go_panic(go_str("once"));
        go_any r = go_recover();
        (void)r;
    }
    tlog("after");
}

__attribute__((noinline)) static void dead_recover_after_block(void) {
    go_frame {
        go_defer(recover_it, NULL);
        if (++entered > 1) return;
        go_panic(go_str("once"));
    }
    tlog("after");
    return;
    go_any r = go_recover();
    (void)r;
}

/* The recovery must not re-enter the block: GCC 12 did when go_recover's inlining
 * barrier was a computed goto that the optimizer deleted as unreachable. */
static void test_dead_recover_in_block(void) {
    entered = recovered = 0;
    dead_recover_in_block();
    ASSERT_INT(entered, 1);
    {
        ASSERT_INT(recovered, 1);
        ASSERT_LOG("after");
    }
}

static void test_dead_recover_after_block(void) {
    entered = recovered = 0;
    dead_recover_after_block();
    ASSERT_INT(entered, 1);
    {
        ASSERT_INT(recovered, 1);
        ASSERT_LOG("after");
    }
}

/* go_recover() as the last statement, its value unused (Go's defer func(){ recover() }()):
 * at -O2 the call became a tail call, go__recover could not see which function called
 * it, and nothing was recovered. */
static void recover_last(void *unused) {
    (void)unused;
    go_recover();
}

static void test_recover_in_tail_position(void) {
    go_frame {
        go_defer(recover_last, NULL);
        go_panic(go_str("tail"));
    }
    tlog("recovered");
    ASSERT_LOG("recovered");
}

/* Two recovering functions with the same code: GCC's identical code folding made the
 * second a jump to the first, which is not the deferred function and did not recover
 * (found porting Go's test/recover.go, test111). */
static void recover_twin1(void *unused) {
    (void)unused;
    go_recover();
}
static void recover_twin2(void *unused) {
    (void)unused;
    go_recover();
}

static void test_identical_functions(void) {
    go_frame {
        go_defer(recover_twin1, NULL);
        go_panic(go_str("one"));
    }
    go_frame {
        go_defer(recover_twin2, NULL);
        go_panic(go_str("two"));
    }
    tlog("both recovered");
    ASSERT_LOG("both recovered");
}

/* The barrier still keeps a recovering function from being inlined into its caller. */
static go_any helper_result;
static void helper(void) { helper_result = go_recover(); }
static void deferred_calls_helper(void *unused) {
    (void)unused;
    helper();
    if (go_isnil(helper_result)) go_recover(); /* the direct call recovers */
}

static void test_helper_not_inlined(void) {
    helper_result = go_str("unset");
    go_frame {
        go_defer(deferred_calls_helper, NULL);
        go_panic(go_str("p"));
    }
    ASSERT(go_isnil(helper_result));
}

/* go_recover() in the cold part of the deferred function: GCC moves the blocks after a
 * call of a cold function to f.cold, with an unwind entry of its own, which is still the
 * deferred function (Go has no such split: recover works).  A helper's cold part, the
 * helper tail-called by the deferred function, is not. */
static volatile int cold_path = 1;
static int cold_calls;
__attribute__((cold, noinline)) static void note_cold(void) { cold_calls++; }
static void recover_in_cold_part(go_any *out) {
    if (cold_path) {
        note_cold();
        *out = go_recover();
    }
}
__attribute__((noinline)) static void helper_cold_recover(go_any *out) {
    if (cold_path) {
        note_cold();
        *out = go_recover();
    }
}
static void deferred_tail_calls_cold_helper(go_any *out) {
    helper_cold_recover(out); /* in tail position: a jump at -O2 */
}
static void store_recovered(go_any *out) { *out = go_recover(); }

static void test_recover_in_cold_part(void) {
    go_any v = go_nil(), want = go_int(1);
    cold_calls = 0;
    go_frame {
        go_defer(recover_in_cold_part, &v);
        go_panic(want);
    }
    ASSERT_INT(cold_calls, 1);
    ASSERT(go_identical(v, want));

    go_any helper = go_str("unset"), outer = go_nil();
    want = go_int(2);
    go_frame {
        go_defer(store_recovered, &outer);
        go_defer(deferred_tail_calls_cold_helper, &helper);
        go_panic(want);
    }
    ASSERT_INT(cold_calls, 2);
    ASSERT(go_isnil(helper));
    ASSERT(go_identical(outer, want));
}

static const harness_case cases[] = {{"dead_recover_in_block", test_dead_recover_in_block},
                                     {"dead_recover_after_block", test_dead_recover_after_block},
                                     {"helper_not_inlined", test_helper_not_inlined},
                                     {"recover_in_tail_position", test_recover_in_tail_position},
                                     {"identical_functions", test_identical_functions},
                                     {"recover_in_cold_part", test_recover_in_cold_part},
                                     {0}};
int main(int argc, char **argv) { return harness_main(argc, argv, cases, NULL); }
