/* Go's test/recover2.go and test/recover3.go, ported: runtime errors are recoverable
 * panics whose value is a runtime.Error with Go's text.  Each case is named after the Go
 * function (recover2) or check name (recover3).  The Go cases about interfaces (type
 * assertions, comparing and hashing uncomparable values) have no C counterpart. */
#include "harness.h"

#include "faults.h"

/* ---- recover2.go ----------------------------------------------------------------- */

static char x[10]; /* var x = make([]byte, 10) */

/* func mustRecover(s string): the value is an error whose text contains s. */
static void must_recover(const char *s) {
    go_any v = go_recover();
    if (go_isnil(v)) go_panic(go_str("expected panic"));
    if (!go_is_error(v) || !strstr(errtext(v), s))
        go_panicf("want: %s; have: %s", s, errtext(v));
    tlog("recovered");
}

static volatile int idx123 = 123, lo11 = 11, hi9 = 9, five = 5, fifteen = 15;

static void test1(void) { /* println(x[123]) */
    go_frame {
        go_defer(must_recover, "index");
        sink = x[go_index(idx123, sizeof x)];
    }
    ASSERT_LOG("recovered");
}

static void test2(void) { /* println(x[5:15]) */
    go_frame {
        go_defer(must_recover, "slice");
        go_check_slice(five, fifteen, sizeof x);
    }
    ASSERT_LOG("recovered");
}

static void test3(void) { /* var lo = 11; var hi = 9; println(x[lo:hi]) */
    go_frame {
        go_defer(must_recover, "slice");
        go_check_slice(lo11, hi9, sizeof x);
    }
    ASSERT_LOG("recovered");
}

static void test4(void) { SKIP("interface type assertion, no C counterpart"); }
static void test5(void) { SKIP("comparing uncomparable interfaces, no C counterpart"); }
static void test6(void) { SKIP("hashing an unhashable type, no C counterpart"); }

static void test7(void) { /* var x, y int; println(x / y) */
#if defined(__x86_64__)
    go_set_panic_on_fault(true);
    VALGRIND_DISABLE_ERROR_REPORTING;
    go_frame {
        go_defer(must_recover, "divide by zero");
        sink = divide(five); /* x / y: (0 / y could be folded away) */
    }
    VALGRIND_ENABLE_ERROR_REPORTING;
    ASSERT_LOG("recovered");
#else
    SKIP("this machine's integer division does not trap");
#endif
}

/* ---- recover3.go ----------------------------------------------------------------- */

static bool didbug;

static void bug(void) {
    if (didbug) return;
    printf("BUG\n");
    didbug = true;
}

typedef struct check_args {
    const char *name, *err;
} check_args;

/* check's deferred closure */
static void check_recover(check_args *a) {
    go_any v = go_recover();
    if (go_isnil(v)) {
        bug();
        printf("%s did not panic\n", a->name);
        return;
    }
    if (!go_is_runtime_error(v)) {
        bug();
        printf("%s panicked but not with runtime.Error\n", a->name);
        return;
    }
    const char *s = errtext(v);
    if (!strstr(s, a->err)) {
        bug();
        printf("%s panicked with %s not %s\n", a->name, s, a->err);
        return;
    }
    go_any_release(v);
}

/* func check(name string, f func(), err string) */
static void check(const char *name, void (*f)(void), const char *err) {
    check_args a = {name, err};
    VALGRIND_DISABLE_ERROR_REPORTING;
    go_frame {
        go_defer(check_recover, &a);
        f();
    }
    VALGRIND_ENABLE_ERROR_REPORTING;
}

static volatile int xi;          /* var x int */
static volatile int64_t x64;     /* var x64 int64 */
static int (*volatile p)[10];    /* var p *[10]int */
static int (*volatile q)[10000]; /* var q *[10000]int */
static volatile int i = 99999;   /* i = 99999 */
static int p1[10];               /* p1 := new([10]int) */
static int *volatile sl;         /* var sl []int (nil: length 0) */

/* 1 / x: with a constant 1, GCC computes 1 / x without a division (x == 0 being
 * undefined in C), so the 1 is read from memory: only a division instruction traps. */
static volatile int one = 1;
static volatile int64_t one64 = 1;
FAULTY static void int_div_zero(void) { sink = one / xi; }
FAULTY static void int64_div_zero(void) { sink = (int)(one64 / x64); }
FAULTY static void nil_deref(void) { sink = (*p)[0]; }
FAULTY static void nil_deref_1(void) { sink = (*p)[1]; }
FAULTY static void nil_deref_big(void) { sink = (*q)[5000]; }
static void array_bounds(void) { sink = p1[go_index(i, 10)]; }
static void slice_bounds(void) { sink = sl[go_index(i, 0)]; }

/* Each check of recover3's main, as its own case; didbug fails it. */
#define CHECK_CASE(fn_, name_, err_)                                                  \
    static void case_##fn_(void) {                                                    \
        go_set_panic_on_fault(true);                                                  \
        didbug = false;                                                               \
        check(name_, fn_, err_);                                                      \
        ASSERT(!didbug);                                                              \
    }
#if defined(__x86_64__)
CHECK_CASE(int_div_zero, "int-div-zero", "integer divide by zero")
CHECK_CASE(int64_div_zero, "int64-div-zero", "integer divide by zero")
#else
static void case_int_div_zero(void) {
    (void)int_div_zero;
    SKIP("this machine's integer division does not trap");
}
static void case_int64_div_zero(void) {
    (void)int64_div_zero;
    SKIP("this machine's integer division does not trap");
}
#endif
CHECK_CASE(nil_deref, "nil-deref", "nil pointer dereference")
CHECK_CASE(nil_deref_1, "nil-deref-1", "nil pointer dereference")
CHECK_CASE(nil_deref_big, "nil-deref-big", "nil pointer dereference")
CHECK_CASE(array_bounds, "array-bounds", "index out of range")
CHECK_CASE(slice_bounds, "slice-bounds", "index out of range")
static void case_type_concrete(void) { SKIP("interface type assertion, no C counterpart"); }
static void case_type_interface(void) { SKIP("interface type assertion, no C counterpart"); }

static const harness_case cases[] = {
    {"recover2.test1", test1},
    {"recover2.test2", test2},
    {"recover2.test3", test3},
    {"recover2.test4", test4},
    {"recover2.test5", test5},
    {"recover2.test6", test6},
    {"recover2.test7", test7},
    {"recover3.int-div-zero", case_int_div_zero},
    {"recover3.int64-div-zero", case_int64_div_zero},
    {"recover3.nil-deref", case_nil_deref},
    {"recover3.nil-deref-1", case_nil_deref_1},
    {"recover3.nil-deref-big", case_nil_deref_big},
    {"recover3.array-bounds", case_array_bounds},
    {"recover3.slice-bounds", case_slice_bounds},
    {"recover3.type-concrete", case_type_concrete},
    {"recover3.type-interface", case_type_interface},
    {0},
};

int main(int argc, char **argv) { return harness_main(argc, argv, cases, NULL); }
