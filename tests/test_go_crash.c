/* Go's runtime crash tests (src/runtime/crash_test.go with testdata/testprog, Go 1.19),
 * ported: each testprog function is a child scenario under its Go name, and each test
 * checks what crash_test.go checks of its output (stdout and stderr together, as Go's
 * runTestProg reads them).  Go 1.21+ texts apply (docs/conformance.md).  The same
 * programs are compared with real Go in tests/conformance/pairs/crash_*. */
#pragma GCC diagnostic ignored "-Wunused-function"
#include <godefer.h>
#include <pthread.h>

#include "harness.h"

/* What runTestProg returns: the combined output.  The children print to stdout only
 * before they crash, and the report goes to stderr after a flush. */
static const char *output(const child_result *r) {
    static char buf[2 * 65536];
    snprintf(buf, sizeof buf, "%s%s", r->out, r->err);
    return buf;
}
static bool has_prefix(const char *s, const char *p) { return strncmp(s, p, strlen(p)) == 0; }
#define ASSERT_PREFIX(s, p)                                                                  \
    do {                                                                                     \
        if (!has_prefix((s), (p))) HFAIL("output does not start with \"%s\":\n%s", (p), (s)); \
    } while (0)

static void empty_fn(void *u) { (void)u; }

/* ---- RecursivePanic ------------------------------------------------------------------------ */
typedef struct {
    unsigned char b[8192];
} big8k;
static void print_recover_func1(void *u) {
    (void)u;
    go_any r = go_recover();
    go_fprint(stdout, r);
    printf("\n");
    go_any_release(r); /* a go_panicf value owns its text (Go's GC frees it) */
}
static void RecursivePanic_func1_1(void *u) {
    (void)u;
    go_any err = go_recover();
    if (!go_isnil(err)) go_panicf("wrap: %s", err.v.s);
}
static void RecursivePanic_func1_2(big8k *x) {
    (void)x;
    go_frame {
        go_defer(RecursivePanic_func1_1, NULL);
        go_panic(go_str("bad"));
    }
}
static void RecursivePanic_func1(void) {
    go_frame {
        go_defer(print_recover_func1, NULL);
        static big8k x;
        big8k copy = x;
        RecursivePanic_func1_2(&copy);
    }
}
static void RecursivePanic(void) {
    RecursivePanic_func1();
    go_panic(go_str("again"));
}

/* ---- RecursivePanic2 ----------------------------------------------------------------------- */
static void panic_second(void *u) {
    (void)u;
    go_panic(go_str("second panic"));
}
static void RecursivePanic2_func1_2(big8k *x) {
    (void)x;
    go_frame {
        go_defer(panic_second, NULL);
        go_defer(print_recover_func1, NULL);
        go_panic(go_str("first panic"));
    }
}
static void RecursivePanic2_func1(void) {
    go_frame {
        go_defer(print_recover_func1, NULL);
        static big8k x;
        big8k copy = x;
        RecursivePanic2_func1_2(&copy);
    }
}
static void RecursivePanic2(void) {
    RecursivePanic2_func1();
    go_panic(go_str("third panic"));
}

/* ---- RecursivePanic3 ----------------------------------------------------------------------- */
static void recover_only(void *u) {
    (void)u;
    go_recover();
}
static void RecursivePanic3_func1(void *u) {
    (void)u;
    go_frame {
        go_defer(recover_only, NULL);
        go_panic(go_str("second panic"));
    }
}
static void RecursivePanic3(void) {
    go_frame {
        go_defer(RecursivePanic3_func1, NULL);
        go_panic(go_str("first panic"));
    }
}

/* ---- RecursivePanic4 ----------------------------------------------------------------------- */
static void RecursivePanic4_func1(void *u) {
    (void)u;
    go_recover();
    go_panic(go_str("second panic"));
}
static void RecursivePanic4(void) {
    go_frame {
        go_defer(RecursivePanic4_func1, NULL);
        go_panic(go_str("first panic"));
    }
}

/* ---- RecursivePanic5 ----------------------------------------------------------------------- */
static void three_func3(void *u) {
    (void)u;
    go_any r = go_recover();
    go_fprint(stdout, r);
    printf("\n");
    go_panic(go_str("second panic"));
}
__attribute__((noinline)) static void three(void) {
    go_frame {
        go_defer(empty_fn, NULL);
        go_defer(print_recover_func1, NULL);
        go_defer(three_func3, NULL);
        go_panic(go_str("first panic"));
    }
}
__attribute__((noinline)) static void two(void) {
    go_frame {
        go_defer(empty_fn, NULL);
        three();
    }
}
__attribute__((noinline)) static void one(void) {
    two();
    __asm__ volatile("");
}
static void RecursivePanic5(void) {
    one();
    go_panic(go_str("third panic"));
}

/* ---- Goexit and panics ------------------------------------------------------------------ */
static void panic_hello(void *u) {
    (void)u;
    go_panic(go_str("hello"));
}
static void PanicAfterGoexit(void) {
    go_frame {
        go_defer(panic_hello, NULL);
        go_goexit();
    }
}

static void goexit_fn(void *u) {
    (void)u;
    go_goexit();
}
static void *GoexitInPanic_func1(void *u) {
    (void)u;
    go_frame {
        go_defer(goexit_fn, NULL);
        go_panic(go_str("hello"));
    }
    return NULL;
}
static void GoexitInPanic(void) {
    pthread_t t;
    pthread_create(&t, NULL, GoexitInPanic_func1, NULL);
    go_goexit();
}

static void bad_recover_check(void *u) {
    (void)u;
    go_any r = go_recover();
    if (go_isnil(r)) go_panic(go_str("bad recover"));
}
static void RecoveredPanicAfterGoexit_func1(void *u) {
    (void)u;
    go_frame {
        go_defer(bad_recover_check, NULL);
        go_panic(go_str("hello"));
    }
}
static void RecoveredPanicAfterGoexit(void) {
    go_frame {
        go_defer(RecoveredPanicAfterGoexit_func1, NULL);
        go_goexit();
    }
}

static void RecoverBeforePanicAfterGoexit(void) {
    go_frame {
        go_defer(bad_recover_check, NULL);
        go_defer(panic_hello, NULL);
        go_goexit();
    }
}
static void RecoverBeforePanicAfterGoexit2(void) {
    go_frame {
        for (int i = 0; i < 2; i++) go_defer(empty_fn, NULL);
        go_defer(bad_recover_check, NULL);
        go_defer(panic_hello, NULL);
        go_goexit();
    }
}

static void *GoexitDeadlock_F(void *u) {
    (void)u;
    for (volatile int i = 0; i < 10; i++) {
    }
    return NULL;
}
static void GoexitDeadlock(void) {
    pthread_t t1, t2;
    pthread_create(&t1, NULL, GoexitDeadlock_F, NULL);
    pthread_create(&t2, NULL, GoexitDeadlock_F, NULL);
    go_goexit();
}

static void MainGoroutineID(void) { go_panic(go_str("test")); }

/* ---- PanicTraceback ----------------------------------------------------------------------- */
static void pt1_func1(void *u) {
    (void)u;
    go_panic(go_str("panic pt1"));
}
static void pt2_func1(void *u) {
    (void)u;
    go_panic(go_str("panic pt2"));
}
__attribute__((noinline)) static void pt2(void) {
    go_frame {
        go_defer(pt2_func1, NULL);
        go_panic(go_str("hello"));
    }
}
__attribute__((noinline)) static void pt1(void) {
    go_frame {
        go_defer(pt1_func1, NULL);
        pt2();
    }
}
static void PanicTraceback(void) {
    pt1();
    __asm__ volatile("");
}

/* ---- values whose methods run while the report is prepared ------------------------------ */
static size_t P_String(go_any self, char *buf, size_t size) {
    return (size_t)snprintf(buf, size, "%s", self.v.s);
}
static const go_type type_P = {.name = "main.P", .kind = GO_KIND_STRING, .string = P_String};
static void DoublePanic_func1(void *u) {
    (void)u;
    go_panic(go_make_str(&type_P, "YYY"));
}
static void DoublePanic(void) {
    go_frame {
        go_defer(DoublePanic_func1, NULL);
        go_panic(go_make_str(&type_P, "XXX"));
    }
}

static size_t panicError_Error(go_any self, char *buf, size_t size) {
    (void)self, (void)buf, (void)size;
    go_panic(go_str("double error"));
}
static const go_type type_panicError = {
    .name = "*main.panicError", .kind = GO_KIND_POINTER, .error = panicError_Error};
static void PanicLoop(void) {
    static char obj;
    go_panic(go_make_ptr(&type_panicError, &obj));
}

static size_t exampleError_Error(go_any self, char *buf, size_t size) {
    (void)self, (void)buf, (void)size;
    go_panic(go_str("important error message"));
}
static const go_type type_exampleError = {
    .name = "main.exampleError", .kind = GO_KIND_POINTER, .error = exampleError_Error};
static void ErrorPanic(void) { go_panic(go_make_ptr(&type_exampleError, NULL)); }

static size_t examplePanicError_Error(go_any self, char *buf, size_t size) {
    (void)self, (void)buf, (void)size;
    go_panic(go_make_ptr(&type_exampleError, NULL));
}
static const go_type type_examplePanicError = {
    .name = "main.examplePanicError", .kind = GO_KIND_POINTER, .error = examplePanicError_Error};
static void DoubleErrorPanic(void) { go_panic(go_make_ptr(&type_examplePanicError, NULL)); }

static size_t exampleStringer_String(go_any self, char *buf, size_t size) {
    (void)self, (void)buf, (void)size;
    go_panic(go_str("important stringer message"));
}
static const go_type type_exampleStringer = {
    .name = "main.exampleStringer", .kind = GO_KIND_POINTER, .string = exampleStringer_String};
static void StringerPanic(void) { go_panic(go_make_ptr(&type_exampleStringer, NULL)); }

static size_t examplePanicStringer_String(go_any self, char *buf, size_t size) {
    (void)self, (void)buf, (void)size;
    go_panic(go_make_ptr(&type_exampleStringer, NULL));
}
static const go_type type_examplePanicStringer = {.name = "main.examplePanicStringer",
                                                  .kind = GO_KIND_POINTER,
                                                  .string = examplePanicStringer_String};
static void DoubleStringerPanic(void) { go_panic(go_make_ptr(&type_examplePanicStringer, NULL)); }

static void StringPanic(void) { go_panic(go_str("important string message")); }
static void NilPanic(void) { go_panic(go_nil()); }

static const go_type type_exampleCircleEndError;
static size_t exampleCircleStartError_Error(go_any self, char *buf, size_t size) {
    (void)self, (void)buf, (void)size;
    go_panic(go_make_ptr(&type_exampleCircleEndError, NULL));
}
static const go_type type_exampleCircleStartError = {.name = "main.exampleCircleStartError",
                                                     .kind = GO_KIND_POINTER,
                                                     .error = exampleCircleStartError_Error};
static size_t exampleCircleEndError_Error(go_any self, char *buf, size_t size) {
    (void)self, (void)buf, (void)size;
    go_panic(go_make_ptr(&type_exampleCircleStartError, NULL));
}
static const go_type type_exampleCircleEndError = {.name = "main.exampleCircleEndError",
                                                   .kind = GO_KIND_POINTER,
                                                   .error = exampleCircleEndError_Error};
static void CircularPanic(void) { go_panic(go_make_ptr(&type_exampleCircleStartError, NULL)); }

/* ---- the tests, as crash_test.go checks them ----------------------------------------- */
#define WANT_PREFIX(name, want)                                                              \
    static void Test##name(void) {                                                           \
        child_result *r = run_child(#name);                                                  \
        ASSERT_INT(r->status, 2);                                                            \
        ASSERT_PREFIX(output(r), want);                                                      \
    }
#define WANT_CONTAINS(test, name, want)                                                      \
    static void test(void) {                                                                 \
        child_result *r = run_child(#name);                                                  \
        ASSERT_INT(r->status, 2);                                                            \
        ASSERT_CONTAINS(output(r), want);                                                    \
    }

WANT_PREFIX(RecursivePanic, "wrap: bad\npanic: again\n\n")
WANT_PREFIX(RecursivePanic2, "first panic\nsecond panic\npanic: third panic\n\n")
WANT_PREFIX(RecursivePanic3, "panic: first panic\n\n")
WANT_PREFIX(RecursivePanic4, "panic: first panic [recovered]\n\tpanic: second panic\n")
WANT_PREFIX(RecursivePanic5, "first panic\nsecond panic\npanic: third panic\n")
WANT_PREFIX(PanicAfterGoexit, "panic: hello")
/* Under ThreadSanitizer, whose background thread never ends, a process whose main thread
 * called Goexit while another thread ran never runs out of threads (docs/differences.md):
 * the two tests of that shape say so and check nothing there. */
#ifdef GO__TSAN
#define TSAN_SKIP(name)                                                                   \
    static void Test##name(void) {                                                        \
        SKIP("main's Goexit with another thread cannot deadlock under ThreadSanitizer"); \
    }
TSAN_SKIP(GoexitInPanic)
TSAN_SKIP(GoexitDeadlock)
#else
WANT_PREFIX(GoexitInPanic, "fatal error: no goroutines (main called runtime.Goexit) - deadlock!")
WANT_CONTAINS(TestGoexitDeadlock, GoexitDeadlock, "no goroutines (main called runtime.Goexit) - deadlock!")
#endif
WANT_PREFIX(RecoveredPanicAfterGoexit,
            "fatal error: no goroutines (main called runtime.Goexit) - deadlock!")
WANT_PREFIX(RecoverBeforePanicAfterGoexit,
            "fatal error: no goroutines (main called runtime.Goexit) - deadlock!")
WANT_PREFIX(RecoverBeforePanicAfterGoexit2,
            "fatal error: no goroutines (main called runtime.Goexit) - deadlock!")
WANT_PREFIX(MainGoroutineID, "panic: test\n\ngoroutine 1 [running]:\n")
WANT_CONTAINS(TestPanicLoop, PanicLoop, "panic while printing panic value")

static void TestPanicTraceback(void) {
    child_result *r = run_child("PanicTraceback");
    ASSERT_INT(r->status, 2);
    ASSERT_PREFIX(output(r), "panic: hello\n\tpanic: panic pt2\n\tpanic: panic pt1\n");
    /* Check functions in the traceback, in order (Go's names mapped to the C ones). */
#ifdef GODEFER_TEST_SYMBOLS /* function names need libdw */
    const char *fns[] = {"pt1_func1", "panic", "pt2_func1", "panic", "pt2", "pt1"};
    const char *out = output(r);
    for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
        char pat[128];
        snprintf(pat, sizeof pat, "\n%s(", fns[i]);
        const char *at = strstr(out, pat);
        if (!at) {
            HFAIL("expected %s function in traceback:\n%s", fns[i], output(r));
            break;
        }
        out = at + strlen(pat);
    }
#endif
}

static void TestDoublePanic(void) {
    child_result *r = run_child("DoublePanic");
    ASSERT_INT(r->status, 2);
    ASSERT_CONTAINS(output(r), "panic: XXX");
    ASSERT_CONTAINS(output(r), "panic: YYY");
}

/* TestPanicWhilePanicking, with Go 1.21's text for NilPanic (contains "nil" either way) */
static void TestPanicWhilePanicking(void) {
    static const struct {
        const char *want, *func;
    } tests[] = {
        {"panic while printing panic value: important error message", "ErrorPanic"},
        {"panic while printing panic value: important stringer message", "StringerPanic"},
        {"panic while printing panic value: type", "DoubleErrorPanic"},
        {"panic while printing panic value: type", "DoubleStringerPanic"},
        {"panic while printing panic value: type", "CircularPanic"},
        {"important string message", "StringPanic"},
        {"nil", "NilPanic"},
    };
    for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
        child_result *r = run_child(tests[i].func);
        ASSERT_INT(r->status, 2);
        ASSERT_CONTAINS(output(r), tests[i].want);
    }
    /* The trace shows the method on top of the panic, and no godefer function (Go's
     * runtime frames are hidden the same way once its runtime.* frames are dropped). */
    child_result *r = run_child("ErrorPanic");
    ASSERT_INT(r->status, 2);
    IF_SYMBOLS(ASSERT_STR(trace_funcs(r), "exampleError_Error panic ErrorPanic harness_main main"));
}

static const harness_case cases[] = {
    {"TestRecursivePanic", TestRecursivePanic},
    {"TestRecursivePanic2", TestRecursivePanic2},
    {"TestRecursivePanic3", TestRecursivePanic3},
    {"TestRecursivePanic4", TestRecursivePanic4},
    {"TestRecursivePanic5", TestRecursivePanic5},
    {"TestPanicAfterGoexit", TestPanicAfterGoexit},
    {"TestGoexitInPanic", TestGoexitInPanic},
    {"TestRecoveredPanicAfterGoexit", TestRecoveredPanicAfterGoexit},
    {"TestRecoverBeforePanicAfterGoexit", TestRecoverBeforePanicAfterGoexit},
    {"TestRecoverBeforePanicAfterGoexit2", TestRecoverBeforePanicAfterGoexit2},
    {"TestGoexitDeadlock", TestGoexitDeadlock},
    {"TestMainGoroutineID", TestMainGoroutineID},
    {"TestPanicTraceback", TestPanicTraceback},
    {"TestDoublePanic", TestDoublePanic},
    {"TestPanicLoop", TestPanicLoop},
    {"TestPanicWhilePanicking", TestPanicWhilePanicking},
    {0}};
static const harness_case children[] = {
    {"RecursivePanic", RecursivePanic},
    {"RecursivePanic2", RecursivePanic2},
    {"RecursivePanic3", RecursivePanic3},
    {"RecursivePanic4", RecursivePanic4},
    {"RecursivePanic5", RecursivePanic5},
    {"PanicAfterGoexit", PanicAfterGoexit},
    {"GoexitInPanic", GoexitInPanic},
    {"RecoveredPanicAfterGoexit", RecoveredPanicAfterGoexit},
    {"RecoverBeforePanicAfterGoexit", RecoverBeforePanicAfterGoexit},
    {"RecoverBeforePanicAfterGoexit2", RecoverBeforePanicAfterGoexit2},
    {"GoexitDeadlock", GoexitDeadlock},
    {"MainGoroutineID", MainGoroutineID},
    {"PanicTraceback", PanicTraceback},
    {"DoublePanic", DoublePanic},
    {"PanicLoop", PanicLoop},
    {"ErrorPanic", ErrorPanic},
    {"StringerPanic", StringerPanic},
    {"DoubleErrorPanic", DoubleErrorPanic},
    {"DoubleStringerPanic", DoubleStringerPanic},
    {"CircularPanic", CircularPanic},
    {"StringPanic", StringPanic},
    {"NilPanic", NilPanic},
    {0}};
int main(int argc, char **argv) { return harness_main(argc, argv, cases, children); }
