/* Go's src/runtime/defer_test.go (Go 1.19), ported case by case under the Go test names,
 * plus TestGoexitDefer of crash_test.go.  t.Fatal becomes a test failure; closures become
 * named C functions (Go's name with _funcN); `defer panic(n)` becomes a deferred call of
 * a function that panics with n (the panic starts at the same place on the stack).  Go's
 * open-coded/stack/heap defer kinds do not exist in godefer: the tests that exercise them
 * (TestOpenAndNonOpenDefers, TestNonOpenAndOpenDefers, TestDisappearingDefer,
 * TestIssue37688) check the same observable behaviour with go_frame's slots and pool. */
#pragma GCC diagnostic ignored "-Wunused-function"
#include <godefer.h>
#include <pthread.h>

#include "harness.h"

#define t_Fatal(...) HFAIL(__VA_ARGS__)

static bool is_str(go_any v, const char *s) {
    return v.type == &go_type_string && strcmp(v.v.s, s) == 0;
}

static void panic_int(int *n) { go_panic(go_int(*n)); } /* defer panic(n) */

/* ---- TestUnconditionalPanic ---------------------------------------------------------- */
static void TestUnconditionalPanic_func1(void *u) {
    (void)u;
    if (!is_str(go_recover(), "testUnconditional")) t_Fatal("expected unconditional panic");
}
static void TestUnconditionalPanic(void) {
    go_frame {
        go_defer(TestUnconditionalPanic_func1, NULL);
        go_panic(go_str("testUnconditional"));
    }
}

/* ---- TestOpenAndNonOpenDefers, TestNonOpenAndOpenDefers ------------------------------ */
static volatile int glob = 3;
static void nonOpen_func(int *n) {
    (void)n;
    if (!is_str(go_recover(), "testNonOpenDefer")) t_Fatal("expected testNonOpen panic");
}
static void testOpen_func1(int *n) {
    (void)n;
    if (!is_str(go_recover(), "testOpenDefer")) t_Fatal("expected testOpen panic");
}
__attribute__((noinline)) static void testOpen(int arg) {
    go_frame {
        go_defer_val(testOpen_func1, 4);
        if (arg > 2) go_panic(go_str("testOpenDefer"));
    }
}
static void TestOpenAndNonOpenDefers(void) {
    go_frame {
        for (;;) {
            go_defer_val(nonOpen_func, 3); /* in a loop (Go: a non-open-coded defer) */
            if (glob > 2) break;
        }
        testOpen(47);
        go_panic(go_str("testNonOpenDefer"));
    }
}
static void TestNonOpenAndOpenDefers(void) {
    go_frame {
        testOpen(47);
        for (;;) {
            go_defer_val(nonOpen_func, 3);
            if (glob > 2) break;
        }
        go_panic(go_str("testNonOpenDefer"));
    }
}

/* ---- TestConditionalDefers ------------------------------------------------------------ */
static int list[10], nlist;
static void doappend(int *i) { list[nlist++] = *i; }
static void TestConditionalDefers_func1(void *u) {
    (void)u;
    if (!is_str(go_recover(), "testConditional")) t_Fatal("expected panic");
    if (!(nlist == 3 && list[0] == 4 && list[1] == 2 && list[2] == 1))
        t_Fatal("wanted [4 2 1], got %d entries", nlist);
}
static void testConditionalDefers(int n) {
    go_frame {
        go_defer_val(doappend, 1);
        if (n > 5) {
            go_defer_val(doappend, 2);
            if (n > 8)
                go_defer_val(doappend, 3);
            else
                go_defer_val(doappend, 4);
        }
        go_panic(go_str("testConditional"));
    }
}
static void TestConditionalDefers(void) {
    nlist = 0;
    go_frame {
        go_defer(TestConditionalDefers_func1, NULL);
        testConditionalDefers(8);
    }
}

/* ---- TestDisappearingDefer: a defer removed as dead code ------------------------------ */
static void TestDisappearingDefer_func1(void *u) {
    (void)u;
    t_Fatal("Defer shouldn't run");
}
static void TestDisappearingDefer(void) {
    go_frame {
        if (strcmp("linux", "invalidOS") == 0) go_defer(TestDisappearingDefer_func1, NULL);
    }
}

/* ---- TestAbortedPanic ------------------------------------------------------------------- */
static void TestAbortedPanic_func1(void *u) {
    (void)u;
    go_any r = go_recover();
    if (!go_isnil(r)) t_Fatal("wanted nil recover");
}
static void TestAbortedPanic_func2(void *u) {
    (void)u;
    go_any r = go_recover();
    if (!is_str(r, "panic2")) t_Fatal("wanted panic2");
}
static void TestAbortedPanic_func3(void *u) {
    (void)u;
    go_panic(go_str("panic2"));
}
static void TestAbortedPanic(void) {
    go_frame {
        go_defer(TestAbortedPanic_func1, NULL);
        go_defer(TestAbortedPanic_func2, NULL);
        go_defer(TestAbortedPanic_func3, NULL);
        go_panic(go_str("panic1"));
    }
}

/* ---- TestRecoverMatching ---------------------------------------------------------------- */
static void TestRecoverMatching_func1(void *u) {
    (void)u;
    if (!is_str(go_recover(), "panic1")) t_Fatal("wanted panic1");
}
static void TestRecoverMatching_func2_1(void *u) {
    (void)u;
    /* Shouldn't succeed, even though it is called directly from a deferred function,
     * since this deferred function was not directly called by the panic. */
    if (!go_isnil(go_recover())) t_Fatal("wanted nil recover");
}
static void TestRecoverMatching_func2(void *u) {
    (void)u;
    go_frame {
        go_defer(TestRecoverMatching_func2_1, NULL);
    }
}
static void TestRecoverMatching(void) {
    go_frame {
        go_defer(TestRecoverMatching_func1, NULL);
        go_defer(TestRecoverMatching_func2, NULL);
        go_panic(go_str("panic1"));
    }
}

/* ---- TestNonSSAableArgs: arguments evaluated once, at the defer ----------------------- */
typedef struct {
    unsigned char b[128];
} nonSSAable;
typedef struct {
    int64_t x, y, z, w, p, q;
} bigStruct;
typedef struct {
    bigStruct element;
} containsBigStruct;
static int globint1, globint2, globint3;
static nonSSAable mknonSSAable(void) {
    globint1++;
    nonSSAable n = {{0, 0, 0, 0, 5}};
    return n;
}
__attribute__((noinline)) static int64_t sideeffect(int64_t n) {
    globint2++;
    return n;
}
static containsBigStruct sideeffect2(containsBigStruct in) {
    globint3++;
    return in;
}
struct saves {
    unsigned char save1;
    int64_t save2, save3, save4;
};
struct arg_n {
    nonSSAable n;
    struct saves *s;
};
struct arg_b {
    bigStruct b;
    struct saves *s;
};
static void nonSSA_check(struct saves *s) {
    if (globint1 != 1) t_Fatal("globint1: wanted: 1, got %d", globint1);
    if (s->save1 != 5) t_Fatal("save1: wanted: 5, got %d", s->save1);
    if (globint2 != 1) t_Fatal("globint2: wanted: 1, got %d", globint2);
    if (s->save2 != 2) t_Fatal("save2: wanted: 2, got %lld", (long long)s->save2);
    if (s->save3 != 4) t_Fatal("save3: wanted: 4, got %lld", (long long)s->save3);
    if (globint3 != 1) t_Fatal("globint3: wanted: 1, got %d", globint3);
    if (s->save4 != 4) t_Fatal("save4: wanted: 4, got %lld", (long long)s->save4);
}
static void nonSSA_func2(struct arg_n *a) { a->s->save1 = a->n.b[4]; }
static void nonSSA_func3(struct arg_b *a) { a->s->save2 = a->b.y; }
static void nonSSA_func4(struct arg_b *a) { a->s->save3 = a->b.z; }
static void nonSSA_func5(struct arg_b *a) { a->s->save4 = a->b.z; }
static void TestNonSSAableArgs(void) {
    globint1 = globint2 = globint3 = 0;
    struct saves s = {0, 0, 0, 0};
    go_frame {
        go_defer(nonSSA_check, &s);
        go_defer_val(nonSSA_func2, ((struct arg_n){mknonSSAable(), &s}));
        go_defer_val(nonSSA_func3, ((struct arg_b){{1, 2, 3, 4, 5, sideeffect(6)}, &s}));
        containsBigStruct foo = {{0, 0, 0, 0, 0, 0}};
        foo.element.z = 4;
        go_defer_val(nonSSA_func4, ((struct arg_b){foo.element, &s}));
        go_defer_val(nonSSA_func5, ((struct arg_b){sideeffect2(foo).element, &s}));
    }
}

/* ---- TestDeferForFuncWithNoExit ---------------------------------------------------------- */
__attribute__((noinline)) static void doPanic(void) { go_panic(go_str("Test panic")); }
__attribute__((noinline)) static void growStackIter(volatile int *p, int n) {
    if (n == 0) {
        *p = -1;
        return;
    }
    volatile char pad[64];
    pad[0] = (char)n;
    (void)pad;
    growStackIter(p, n - 1);
}
static void NoExit_func1(volatile int *cond) {
    if (*cond != 2) t_Fatal("cond: wanted 2, got %d", *cond);
    if (!is_str(go_recover(), "Test panic")) t_Fatal("Didn't find expected panic");
}
static void TestDeferForFuncWithNoExit(void) {
    volatile int cond = 1;
    go_frame {
        go_defer(NoExit_func1, &cond);
        volatile int x = 0;
        growStackIter(&x, 1000);
        cond = 2;
        doPanic();
        /* This function has no exit/return, since it ends with an infinite loop */
        for (;;) {
        }
    }
}

/* ---- TestDeferWithRepeatedRepanics ---------------------------------------------------- */
static void interpreter_func1(int *level) {
    go_any e = go_recover();
    if (go_isnil(e)) return;
    if (*level != e.v.i) go_panic(e); /* re-panicking */
}
static void interpreter(int level, int maxlevel, int rec) {
    go_frame {
        go_defer(interpreter_func1, &level);
        if (level + 1 < maxlevel)
            interpreter(level + 1, maxlevel, rec);
        else
            go_panic(go_int(rec));
    }
}
static volatile uint32_t saveInt;
/* GCC 12 takes the noreturn panic for "never returns" and the recursion for infinite */
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12
#pragma GCC diagnostic ignored "-Winfinite-recursion"
#endif
static void recurseFn(int level, int maxlevel) {
    volatile uint32_t a[40];
    for (int i = 0; i < 40; i++) a[i] = 0xffffffff;
    if (level + 1 < maxlevel) {
        saveInt = a[4]; /* make sure a is referenced */
        recurseFn(level + 1, maxlevel);
    } else {
        go_panic(go_str("recurseFn panic"));
    }
}
static void recurseFnPanicRec_func1(void *u) {
    (void)u;
    go_recover();
}
static void recurseFnPanicRec(int level, int maxlevel) {
    go_frame {
        go_defer(recurseFnPanicRec_func1, NULL);
        recurseFn(level, maxlevel);
    }
}
static void TestDeferWithRepeatedRepanics(void) {
    interpreter(0, 6, 2);
    recurseFnPanicRec(0, 10);
    interpreter(0, 5, 1);
    recurseFnPanicRec(0, 10);
    interpreter(0, 6, 3);
    recurseFnPanicRec(0, 10);
    tlog("done");
    ASSERT_LOG("done");
}

/* ---- TestIssue37688: many deferred method calls, big arguments, deep stacks ------------ */
typedef struct {
    char unused;
} foo;
__attribute__((noinline)) static void foo_method1(foo *f) { (void)f; }
__attribute__((noinline)) static void foo_method2(foo *f) { (void)f; }
static struct {
    int a, b, c, d, e, f, g, h, i;
} globstruct;
struct ff1_args {
    foo *ap;
    int a, b, c, d, e, f, g, h, i;
};
static void ff1_func1(struct ff1_args *x) {
    go_any v = go_recover();
    (void)v;
    globstruct.a = x->a;
    globstruct.b = x->b;
    globstruct.c = x->c;
    globstruct.d = x->d;
    globstruct.e = x->e;
    globstruct.f = x->f;
    globstruct.g = x->g;
    globstruct.h = x->h;
}
static void ff1(foo *ap, int a, int b, int c, int d, int e, int f, int g, int h, int i) {
    go_frame {
        go_defer(foo_method1, ap);
        go_defer_val(ff1_func1, ((struct ff1_args){ap, a, b, c, d, e, f, g, h, i}));
        go_panic(go_str("ff1 panic"));
    }
}
__attribute__((noinline)) static void rec1(int max) {
    if (max > 0) rec1(max - 1);
    __asm__ volatile("");
}
static void g2(void) {
    foo a;
    foo *ap = &a;
    go_frame {
        for (int i = 0; i < 1; i++) go_defer(foo_method1, ap);
        go_defer(foo_method2, ap);
        go_defer(foo_method1, ap);
        ff1(ap, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        rec1(2000);
    }
}
__attribute__((noinline)) static void g3(void) {
    g2();
    __asm__ volatile("");
}
static void TestIssue37688(void) {
    for (int j = 0; j < 10; j++) {
        g2();
        g3();
    }
    ASSERT_INT(globstruct.h, 8);
}

/* ---- TestIssue43921 ---------------------------------------------------------------------- */
static void expect(int n, go_any err) {
    if (!go_identical(err, go_int(n))) t_Fatal("have another value, want %d", n);
}
static void TestIssue43921_func1(void *u) {
    (void)u;
    expect(1, go_recover());
}
static void empty(void *u) { (void)u; }
static void TestIssue43921_func2_2_1(void *u) {
    (void)u;
    expect(4, go_recover());
}
static void TestIssue43921_func2_2(void *u) {
    (void)u;
    go_frame {
        go_defer(TestIssue43921_func2_2_1, NULL);
        go_panic(go_int(4));
    }
}
static void TestIssue43921_func2(void) {
    go_frame {
        for (;;) { /* Prevent open-coded defers */
            go_defer(empty, NULL);
            break;
        }
        go_defer(TestIssue43921_func2_2, NULL);
        go_panic(go_int(1));
    }
}
static void TestIssue43921(void) {
    go_frame {
        go_defer(TestIssue43921_func1, NULL);
        TestIssue43921_func2();
    }
}

/* ---- TestIssue43920 ---------------------------------------------------------------------- */
struct step_args {
    volatile int *steps;
    int want;
};
static void step(struct step_args *a) {
    ++*a->steps;
    if (*a->steps != a->want) t_Fatal("have %d, want %d", *a->steps, a->want);
}
static void TestIssue43920_func1(void *u) {
    (void)u;
    expect(1, go_recover());
}
static void TestIssue43920_func2_1_1(void *u) {
    (void)u;
    expect(5, go_recover());
}
static void TestIssue43920_func2_1_2(void) { go_panic(go_int(4)); }
static void TestIssue43920_func2_1(void *u) {
    (void)u;
    go_frame {
        go_defer(TestIssue43920_func2_1_1, NULL);
        go_defer_val(panic_int, 5);
        TestIssue43920_func2_1_2();
    }
}
static void TestIssue43920_func2_2(void *u) {
    (void)u;
    expect(3, go_recover());
}
static void TestIssue43920_func2(void *u) {
    (void)u;
    go_frame {
        go_defer(TestIssue43920_func2_1, NULL);
        go_defer(TestIssue43920_func2_2, NULL);
        go_defer_val(panic_int, 3);
    }
}
static void TestIssue43920_func3(volatile int *steps) {
    go_frame {
        go_defer_val(step, ((struct step_args){steps, 1}));
        go_panic(go_int(1));
    }
}
static void TestIssue43920(void) {
    volatile int steps = 0; /* changed in the block, read after a recovery */
    go_frame {
        go_defer(TestIssue43920_func1, NULL);
        go_defer(TestIssue43920_func2, NULL);
        TestIssue43920_func3(&steps);
    }
    ASSERT_INT(steps, 1);
}

/* ---- TestIssue43941 ---------------------------------------------------------------------- */
static void TestIssue43941_func1(volatile int *steps) {
    step(&(struct step_args){steps, 14});
    expect(4, go_recover());
}
static void TestIssue43941_func2_1_1_1(void *u) {
    (void)u;
    expect(3, go_recover());
}
static void TestIssue43941_func2_1_1(void *u) {
    (void)u;
    go_frame {
        go_defer(TestIssue43941_func2_1_1_1, NULL);
        go_defer_val(panic_int, 3);
        go_panic(go_int(2));
    }
}
static void TestIssue43941_func2_1_2(void *u) {
    (void)u;
    expect(1, go_recover());
}
static void TestIssue43941_func2_1(void) {
    go_frame {
        go_defer(TestIssue43941_func2_1_1, NULL);
        go_defer(TestIssue43941_func2_1_2, NULL);
        go_defer_val(panic_int, 1);
    }
}
static void TestIssue43941_func2(volatile int *steps) {
    go_frame {
        TestIssue43941_func2_1();
        go_defer(empty, NULL);
        go_defer(empty, NULL);
        go_defer_val(step, ((struct step_args){steps, 10}));
        go_defer_val(step, ((struct step_args){steps, 9}));
        step(&(struct step_args){steps, 8});
    }
}
static void TestIssue43941_func3_1(volatile int *steps) {
    go_frame {
        go_defer_val(step, ((struct step_args){steps, 11}));
        go_panic(go_int(4));
    }
}
static void TestIssue43941_func3(volatile int *steps) {
    go_frame {
        go_defer_val(step, ((struct step_args){steps, 13}));
        go_defer_val(step, ((struct step_args){steps, 12}));
        TestIssue43941_func3_1(steps);
        /* Code below isn't executed */
        go_defer(empty, NULL);
        go_defer_val(panic_int, -1);
        go_defer_val(step, ((struct step_args){steps, -1}));
        go_defer_val(step, ((struct step_args){steps, -1}));
        go_defer(empty, NULL);
    }
}
static void TestIssue43941(void) {
    volatile int steps = 7; /* changed in the block, read after a recovery */
    go_frame {
        go_defer(TestIssue43941_func1, &steps);
        TestIssue43941_func2(&steps);
        TestIssue43941_func3(&steps);
    }
    ASSERT_INT(steps, 14);
}

/* ---- crash_test.go TestGoexitDefer: recover is nil during Goexit ----------------------- */
static volatile int goexit_recovered = -1;
static void TestGoexitDefer_func1_1(void *u) {
    (void)u;
    goexit_recovered = !go_isnil(go_recover());
}
static void *TestGoexitDefer_func1(void *u) {
    (void)u;
    go_frame {
        go_defer(TestGoexitDefer_func1_1, NULL);
        go_goexit();
    }
    return NULL;
}
static void TestGoexitDefer(void) {
    pthread_t t;
    ASSERT_INT(pthread_create(&t, NULL, TestGoexitDefer_func1, NULL), 0);
    pthread_join(t, NULL); /* if the deferred call fails to run, this still returns */
    if (goexit_recovered != 0) t_Fatal("non-nil recover during Goexit (or no deferred call)");
}

static const harness_case cases[] = {
    {"TestUnconditionalPanic", TestUnconditionalPanic},
    {"TestOpenAndNonOpenDefers", TestOpenAndNonOpenDefers},
    {"TestNonOpenAndOpenDefers", TestNonOpenAndOpenDefers},
    {"TestConditionalDefers", TestConditionalDefers},
    {"TestDisappearingDefer", TestDisappearingDefer},
    {"TestAbortedPanic", TestAbortedPanic},
    {"TestRecoverMatching", TestRecoverMatching},
    {"TestNonSSAableArgs", TestNonSSAableArgs},
    {"TestDeferForFuncWithNoExit", TestDeferForFuncWithNoExit},
    {"TestDeferWithRepeatedRepanics", TestDeferWithRepeatedRepanics},
    {"TestIssue37688", TestIssue37688},
    {"TestIssue43921", TestIssue43921},
    {"TestIssue43920", TestIssue43920},
    {"TestIssue43941", TestIssue43941},
    {"TestGoexitDefer", TestGoexitDefer},
    {0}};
int main(int argc, char **argv) { return harness_main(argc, argv, cases, NULL); }
