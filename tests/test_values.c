/* go_any values: go_fprint/go_sprint print as Go's fmt.Print does (expected strings were
 * produced by running the same values through Go), errors and their causes, release. */
#include <godefer.h>
#include <float.h>
#include <math.h>

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

static const harness_case cases[] = {
    {"basic_kinds", test_basic_kinds},
    {"floats", test_floats},
    {"user_types", test_user_types},
    {"errors", test_errors},
    {"sprint_truncates_like_snprintf", test_sprint_truncates_like_snprintf},
    {"fprint", test_fprint},
    {"identity", test_identity},
    {NULL, NULL},
};

int main(int argc, char **argv) { return harness_main(argc, argv, cases, NULL); }
