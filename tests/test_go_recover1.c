/* Go's test/recover1.go (Go 1.19, "recover during recursive panics"), ported case by
 * case: recover1_testN is Go's testN; Go's die() is a test failure, and so is a panic
 * left unrecovered (the test dies with its report).  `defer recover()` (test5, test6,
 * test7) is go_defer_recover(). */
#pragma GCC diagnostic ignored "-Wunused-function"
#include <godefer.h>

#include "harness.h"

#define die(...) HFAIL(__VA_ARGS__)

static void mustNotRecover(void *unused) {
    (void)unused;
    go_any v = go_recover();
    if (!go_isnil(v)) die("spurious recover");
}

static void mustRecover(int *x) {
    mustNotRecover(NULL); /* because it's not a defer call */
    go_any v = go_recover();
    if (go_isnil(v)) {
        die("missing recover");
        return;
    }
    if (!go_identical(v, go_int(*x))) die("wrong value, want %d", *x);
    /* the value should be gone now regardless */
    v = go_recover();
    if (!go_isnil(v)) die("recover didn't recover");
}

static void withoutRecover(void *unused) {
    (void)unused;
    mustNotRecover(NULL); /* because it's a sub-call */
}

/* Easy nested recursive panic. */
static void test1_func1(void *unused) {
    (void)unused;
    go_frame {
        go_defer_val(mustRecover, 2);
        go_panic(go_int(2));
    }
}
static void recover1_test1(void) {
    go_frame {
        go_defer_val(mustRecover, 1);
        go_defer(test1_func1, NULL);
        go_panic(go_int(1));
    }
}

/* Sequential panic. */
static void test2_func1(void *unused) {
    (void)unused;
    go_any v = go_recover();
    if (go_isnil(v) || v.type != &go_type_int || v.v.i != 2) die("wrong value, want 2");
    go_frame {
        go_defer_val(mustRecover, 3);
        go_panic(go_int(3));
    }
}
static void recover1_test2(void) {
    go_frame {
        go_defer(mustNotRecover, NULL);
        go_defer(test2_func1, NULL);
        go_panic(go_int(2));
    }
}

/* Sequential panic - like test2 but less picky. */
static void test3_func1(void *unused) {
    (void)unused;
    go_recover();
    go_frame {
        go_defer_val(mustRecover, 3);
        go_panic(go_int(3));
    }
}
static void recover1_test3(void) {
    go_frame {
        go_defer(mustNotRecover, NULL);
        go_defer(test3_func1, NULL);
        go_panic(go_int(2));
    }
}

/* Single panic. */
static void test4_func1(void *unused) {
    (void)unused;
    go_recover();
}
static void recover1_test4(void) {
    go_frame {
        go_defer(mustNotRecover, NULL);
        go_defer(test4_func1, NULL);
        go_panic(go_int(4));
    }
}

/* Single panic but recover called via defer. */
static void test5_func1(void *unused) {
    (void)unused;
    go_frame {
        go_defer_recover();
    }
}
static void recover1_test5(void) {
    go_frame {
        go_defer(mustNotRecover, NULL);
        go_defer(test5_func1, NULL);
        go_panic(go_int(5));
    }
}

/* Sequential panic.  Like test3, but changed recover to defer (same change as
 * test4 -> test5). */
static void test6_func1(void *unused) {
    (void)unused;
    go_frame {
        go_defer_recover(); /* like a normal call from this func; runs because mustRecover
                               stops the panic */
        go_defer_val(mustRecover, 3);
        go_panic(go_int(3));
    }
}
static void recover1_test6(void) {
    go_frame {
        go_defer(mustNotRecover, NULL);
        go_defer(test6_func1, NULL);
        go_panic(go_int(2));
    }
}

/* Like test6, but swapped defer order.  The recover in "defer recover()" is now a no-op,
 * because it runs called from panic, not from the func, and therefore cannot see the
 * panic of 2 (nor the panic of 3: it is at the wrong level). */
static void test7_func1(void *unused) {
    (void)unused;
    go_frame {
        go_defer_val(mustRecover, 3);
        go_defer_recover(); /* now a no-op, unlike in test6 */
        go_panic(go_int(3));
    }
}
static void recover1_test7(void) {
    go_frame {
        go_defer_val(mustRecover, 2);
        go_defer(test7_func1, NULL);
        go_panic(go_int(2));
    }
}

static const harness_case cases[] = {{"recover1_test1", recover1_test1},
                                     {"recover1_test2", recover1_test2},
                                     {"recover1_test3", recover1_test3},
                                     {"recover1_test4", recover1_test4},
                                     {"recover1_test5", recover1_test5},
                                     {"recover1_test6", recover1_test6},
                                     {"recover1_test7", recover1_test7},
                                     {0}};
int main(int argc, char **argv) {
    (void)withoutRecover;
    return harness_main(argc, argv, cases, NULL);
}
