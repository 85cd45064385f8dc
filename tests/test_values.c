/* go_any values: go_fprint/go_sprint print as Go's fmt.Print does (expected strings were
 * produced by running the same values through Go), errors and their causes, release. */
#include <godefer.h>
#include <float.h>
#include <math.h>
#include <pthread.h>

#include "harness.h"

static const char *sp(go_any v) {
    static char buf[256];
    go_sprint(buf, sizeof buf, v);
    return buf;
}

static void test_basic_kinds(void) {
    ASSERT_STR(sp(go_nil()), "<nil>");
    ASSERT_STR(sp(go_bool(false)), "false");
    ASSERT_STR(sp(go_bool(true)), "true");
    ASSERT_STR(sp(go_int(-9223372036854775807 - 1)), "-9223372036854775808");
    ASSERT_STR(sp(go_uint(18446744073709551615u)), "18446744073709551615");
    ASSERT_STR(sp(go_str("hi there")), "hi there");
    ASSERT_STR(sp(go_str("")), "");
}

/* fmt's %v for float64, checked against go1.19's output for the same values. */
static void test_floats(void) {
    static const struct { double f; const char *want; } cases[] = {
        {1.5, "1.5"},
        {1e6, "1e+06"},
        {123456789.0, "1.23456789e+08"},
        {1e20, "1e+20"},
        {1e21, "1e+21"},
        {0.0001, "0.0001"},
        {0.00001, "1e-05"},
        {100, "100"},
        {1.0 / 3, "0.3333333333333333"},
        {2.5e-7, "2.5e-07"},
        {-1.5, "-1.5"},
        {123456.0, "123456"},
        {1234567.0, "1.234567e+06"},
        {DBL_MAX, "1.7976931348623157e+308"},
        {5e-324, "5e-324"},
        {0.30000000000000004, "0.30000000000000004"},
        {12345.678, "12345.678"},
        {100000, "100000"},
        {999999.9999, "999999.9999"},
        {0.000123, "0.000123"},
        {0.0, "0"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        ASSERT_STR(sp(go_float(cases[i].f)), cases[i].want);
    ASSERT_STR(sp(go_float(-0.0)), "-0");
    ASSERT_STR(sp(go_float(NAN)), "NaN");
    ASSERT_STR(sp(go_float(INFINITY)), "+Inf");
    ASSERT_STR(sp(go_float(-INFINITY)), "-Inf");
}

static const go_type MyInt = {.name = "main.MyInt", .kind = GO_KIND_INT};
static size_t point_string(go_any v, char *buf, size_t n) {
    const int *p = v.v.p;
    return (size_t)snprintf(buf, n, "(%d,%d)", p[0], p[1]);
}
static const go_type Point = {.name = "*main.Point", .kind = GO_KIND_POINTER,
                              .string = point_string};

static void test_user_types(void) {
    ASSERT_STR(sp(go_make_int(&MyInt, 7)), "7"); /* fmt prints the underlying value */
    static const int pt[2] = {3, 4};
    ASSERT_STR(sp(go_make_ptr(&Point, pt)), "(3,4)");
}

static void test_errors(void) {
    go_any e = go_error("file not found");
    ASSERT(go_is_error(e));
    ASSERT(!go_is_error(go_str("file not found")));
    ASSERT_STR(sp(e), "file not found");
    ASSERT(go_isnil(go_unwrap(e)));

    go_any w = go_error_wrap(e, "open %s", "x.txt");
    ASSERT(go_is_error(w));
    ASSERT_STR(sp(w), "open x.txt: file not found");
    ASSERT(go_identical(go_unwrap(w), e));
    go_any w2 = go_error_wrap(w, "load config");
    ASSERT_STR(sp(w2), "load config: open x.txt: file not found");
    ASSERT(go_identical(go_unwrap(go_unwrap(w2)), e));

    go_any f = go_errorf("code %d", 42);
    ASSERT_STR(sp(f), "code 42");
    ASSERT(!go_is_runtime_error(f));
    go_any_release(w2);
    go_any_release(w);
    go_any_release(f);
    go_any_release(e); /* owns nothing: a no-op */
}

static void test_sprint_truncates_like_snprintf(void) {
    char buf[6];
    size_t n = go_sprint(buf, sizeof buf, go_str("hello world"));
    ASSERT_INT(n, 11);
    ASSERT_STR(buf, "hello");
    go_any w = go_error_wrap(go_error("cause"), "ctx");
    n = go_sprint(buf, sizeof buf, w);
    go_any_release(w);
    ASSERT_INT(n, 10);
    ASSERT_STR(buf, "ctx: ");
    ASSERT_INT(go_sprint(NULL, 0, go_int(12345)), 5);
}

static void test_fprint(void) {
    FILE *f = tmpfile();
    ASSERT(f != NULL);
    ASSERT_INT(go_fprint(f, go_float(2.5e-7)), 7);
    ASSERT_INT(go_fprint(f, go_str(" ")), 1);
    ASSERT_INT(go_fprint(f, go_nil()), 5);
    rewind(f);
    char line[64] = {0};
    ASSERT(fgets(line, sizeof line, f) != NULL);
    ASSERT_STR(line, "2.5e-07 <nil>");
    fclose(f);
}

static void test_identity(void) {
    static const char text[] = "x";
    ASSERT(go_identical(go_str(text), go_str(text)));
    ASSERT(!go_identical(go_int(1), go_uint(1))); /* different types */
    ASSERT(go_identical(go_int(5), go_int(5)));
    ASSERT(go_identical(go_nil(), go_nil()));
}

/* ---- values of aborted panics: godefer's own are released (valgrind: no leak) ------- */

static void recover_and_release(void *u) {
    go_any r = go_recover();
    tlog("%s", sp(r));
    go_any_release(r);
    (void)u;
}
static void panicf_second(void *u) {
    (void)u;
    go_panicf("second %d", 2);
}
static void panic_bounds_big(void *u) {
    (void)u;
    go_panic_bounds(GO_BOUNDS_INDEX, (int64_t)1 << 40, (int64_t)1 << 40);
}

/* The aborted panic's go_panicf string can never reach the user: godefer frees it. */
static void test_aborted_panicf_released(void) {
    go_frame {
        go_defer(recover_and_release, NULL);
        go_frame {
            go_defer(panicf_second, NULL);
            go_panicf("first %d", 1);
        }
    }
    ASSERT_LOG("second 2");
}

/* The same for an aborted bounds error that owns memory, and for an aborted go_panicf
 * under a bounds error. */
static void test_aborted_bounds_released(void) {
    go_frame {
        go_defer(recover_and_release, NULL);
        go_frame {
            go_defer(panicf_second, NULL);
            go_panic_bounds(GO_BOUNDS_INDEX, (int64_t)1 << 40, (int64_t)1 << 40);
        }
    }
    go_frame {
        go_defer(recover_and_release, NULL);
        go_frame {
            go_defer(panic_bounds_big, NULL);
            go_panicf("first %d", 1);
        }
    }
    ASSERT_LOG("second 2 runtime error: index out of range [1099511627776] with length "
               "1099511627776");
}

/* go_defer_recover recovers without handing the value to anyone. */
static void stop_panics(void *u) {
    (void)u;
    go_frame { go_defer_recover(); }
}
static void test_recovered_unseen_released(void) {
    go_frame {
        go_defer(stop_panics, NULL);
        go_panicf("unseen %d", 3);
    }
    tlog("after");
    ASSERT_LOG("after");
}

/* A Goexit that aborts a panic ends the thread: the panic's value goes with it. */
static void do_goexit(void *u) {
    (void)u;
    go_goexit();
}
static void *goexit_body(void *u) {
    go_frame {
        go_defer(do_goexit, NULL);
        go_panicf("aborted by goexit %d", 5);
    }
    return u;
}
static void test_goexit_aborted_released(void) {
    pthread_t t;
    ASSERT_INT(pthread_create(&t, NULL, goexit_body, NULL), 0);
    ASSERT_INT(pthread_join(t, NULL), 0);
}

/* A value the user recovered is the user's: it stays valid after the recovery, also when
 * the user panics with it again and that panic is aborted. */
static go_any kept;
static void recover_keep(void *u) {
    (void)u;
    kept = go_recover();
}
static void repanic_kept(void *u) {
    (void)u;
    go_frame {
        go_defer(panicf_second, NULL);
        go_panic(kept);
    }
}
static void test_recovered_value_stays_users(void) {
    go_frame {
        go_defer(recover_keep, NULL);
        go_panicf("mine %d", 4);
    }
    go_frame {
        go_defer(recover_and_release, NULL);
        go_frame { go_defer(repanic_kept, NULL); }
    }
    ASSERT_STR(sp(kept), "mine 4");
    go_any_release(kept);
    ASSERT_LOG("second 2");
}

static const harness_case cases[] = {
    {"basic_kinds", test_basic_kinds},
    {"floats", test_floats},
    {"user_types", test_user_types},
    {"errors", test_errors},
    {"sprint_truncates_like_snprintf", test_sprint_truncates_like_snprintf},
    {"fprint", test_fprint},
    {"identity", test_identity},
    {"aborted_panicf_released", test_aborted_panicf_released},
    {"aborted_bounds_released", test_aborted_bounds_released},
    {"recovered_unseen_released", test_recovered_unseen_released},
    {"recovered_value_stays_users", test_recovered_value_stays_users},
    {"goexit_aborted_released", test_goexit_aborted_released},
    {NULL, NULL},
};

int main(int argc, char **argv) { return harness_main(argc, argv, cases, NULL); }
