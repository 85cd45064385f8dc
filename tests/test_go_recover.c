/* Go's test/recover.go (Go 1.19), ported case by case.  Each Go function testN is the
 * case recover_testN; Go's die() is a test failure.  Not ported (docs/conformance.md):
 * the reflect tests (test9reflect1 ... test14reflect2, test15, test16).  `defer recover()`
 * (test2, test4) is go_defer_recover().  Closures become named C functions; an interface
 * method call `defer i.M()` becomes a deferred call through a method table, with the
 * receiver copied by go_defer_val when Go copies it (value receivers). */
#pragma GCC diagnostic ignored "-Wunused-function"
#include <godefer.h>

#include "harness.h"

#define die(...) HFAIL(__VA_ARGS__)

static bool same(go_any v, int x) { return go_identical(v, go_int(x)); }

static void mustRecoverBody(go_any v1, go_any v2, go_any v3, int x) {
    go_any v = v1;
    if (!go_isnil(v)) die("spurious recover");
    v = v2;
    if (go_isnil(v)) die("missing recover %d", x);
    else if (!same(v, x)) die("wrong value, want %d", x);
    /* the value should be gone now regardless */
    v = v3;
    if (!go_isnil(v)) die("recover didn't recover");
}

static go_any doubleRecover(void) { return go_recover(); }

static void mustRecover(int *x) {
    go_any a = doubleRecover(); /* Go evaluates the arguments left to right */
    go_any b = go_recover();
    go_any c = go_recover();
    mustRecoverBody(a, b, c, *x);
}

static void mustNotRecover(void *unused) {
    (void)unused;
    go_any v = go_recover();
    if (!go_isnil(v)) die("spurious recover");
}

static void withoutRecover(void *unused) {
    (void)unused;
    mustNotRecover(NULL); /* because it's a sub-call */
}

static void withoutRecoverRecursive(int *n) {
    if (*n == 0) {
        withoutRecoverRecursive(&(int){1});
    } else {
        go_any v = go_recover();
        if (!go_isnil(v)) die("spurious recover (recursive)");
    }
}

static void recover_test1(void) {
    go_frame {
        go_defer(mustNotRecover, NULL);        /* because mustRecover will squelch it */
        go_defer_val(mustRecover, 1);          /* because of panic below */
        go_defer(withoutRecover, NULL);        /* should be no-op, leaving for mustRecover */
        go_defer_val(withoutRecoverRecursive, 0); /* ditto */
        go_panic(go_int(1));
    }
}

/* test1WithClosures: the closures, named. */
static void test1WithClosures_func1(void *unused) {
    (void)unused;
    go_any v = go_recover();
    if (!go_isnil(v)) die("spurious recover in closure");
}
static void test1WithClosures_func2(int *x) {
    mustNotRecover(NULL);
    go_any v = go_recover();
    if (go_isnil(v)) die("missing recover %d", *x);
    else if (!same(v, *x)) die("wrong value, want %d", *x);
}
static void test1WithClosures_func3(void *unused) {
    (void)unused;
    mustNotRecover(NULL);
}
static void recover_test1WithClosures(void) {
    go_frame {
        go_defer(test1WithClosures_func1, NULL);
        go_defer_val(test1WithClosures_func2, 1);
        go_defer(test1WithClosures_func3, NULL);
        go_panic(go_int(1));
    }
}

/* Recover only sees the panic argument if it is called from a deferred call: not from a
 * call within a deferred call (too late), nor when it *is* the deferred call (too early).
 * If the deferred recover took the panic, mustRecover would find none. */
static void recover_test2(void) {
    go_frame {
        go_defer_val(mustRecover, 2);
        go_defer_recover(); /* should be no-op */
        go_panic(go_int(2));
    }
}

static void test3_func1(void *unused) {
    (void)unused;
    go_recover(); /* should squelch */
}
static void recover_test3(void) {
    go_frame {
        go_defer(mustNotRecover, NULL);
        go_defer(test3_func1, NULL);
        go_panic(go_int(3));
    }
}

/* Equivalent to test3 but using defer to make the call.  Unrecovered, the panic would
 * end the test with its report. */
static void test4_func1(void *unused) {
    (void)unused;
    go_frame {
        go_defer_recover(); /* should squelch */
    }
}
static void recover_test4(void) {
    go_frame {
        go_defer(mustNotRecover, NULL);
        go_defer(test4_func1, NULL);
        go_panic(go_int(4));
    }
}

/* Check that closures can set output arguments: run g(); if it panics, return the
 * panic value, else deflt.  x is Go's named result. */
static void try_func1(volatile go_any *x) {
    go_any v = go_recover();
    if (!go_isnil(v)) *x = v;
}
static go_any try_(void (*g)(void *), go_any deflt) {
    volatile go_any x = go_nil();
    go_frame {
        go_defer(try_func1, &x);
        go_defer(g, NULL);
        x = deflt; /* return deflt */
    }
    return x;
}
/* try1 differs from try only in Go's spelling (x = deflt; return). */
static go_any try1(void (*g)(void *), go_any deflt) {
    volatile go_any x = go_nil();
    go_frame {
        go_defer(try_func1, &x);
        go_defer(g, NULL);
        x = deflt;
    }
    return x;
}
static void panic5(void *unused) {
    (void)unused;
    go_panic(go_int(5));
}
static void nothing(void *unused) { (void)unused; }

static void recover_test5(void) {
    go_any v = try_(panic5, go_int(55));
    if (v.type != &go_type_int || v.v.i != 5) die("wrong value, want 5");
    go_any s = try_(nothing, go_str("hi"));
    if (s.type != &go_type_string || strcmp(s.v.s, "hi") != 0) die("wrong value, want hi");
    v = try1(panic5, go_int(55));
    if (v.type != &go_type_int || v.v.i != 5) die("try1 wrong value, want 5");
    s = try1(nothing, go_str("hi"));
    if (s.type != &go_type_string || strcmp(s.v.s, "hi") != 0) die("try1 wrong value, want hi");
}

/* A deferred call with a giant frame must not confuse recover. */
static void big(bool *mustRecover_) {
    volatile int64_t x[100000];
    x[0] = 1;
    x[99999] = 1;
    (void)x;
    go_any v = go_recover();
    if (*mustRecover_) {
        if (go_isnil(v)) die("missing big recover");
    } else {
        if (!go_isnil(v)) die("spurious big recover");
    }
}
static void recover_test6(void) {
    go_frame {
        go_defer_val(big, (bool)false);
        go_defer_val(big, (bool)true);
        go_panic(go_int(6));
    }
}

static void test6WithClosures_func1(void *unused) {
    (void)unused;
    volatile int64_t x[100000];
    x[0] = 1;
    x[99999] = 1;
    (void)x;
    if (!go_isnil(go_recover())) die("spurious big closure recover");
}
static void test6WithClosures_func2(void *unused) {
    (void)unused;
    volatile int64_t x[100000];
    x[0] = 1;
    x[99999] = 1;
    (void)x;
    if (go_isnil(go_recover())) die("missing big closure recover");
}
static void recover_test6WithClosures(void) {
    go_frame {
        go_defer(test6WithClosures_func1, NULL);
        go_defer(test6WithClosures_func2, NULL);
        go_panic(go_str("6WithClosures"));
    }
}

/* After mustRecover stops the panic, the earlier deferred call still runs. */
static void set_true(volatile bool *ok) { *ok = true; }
static void test7_func1(volatile bool *ok) {
    go_frame {
        go_defer(set_true, ok);
        go_defer_val(mustRecover, 7);
        go_panic(go_int(7));
    }
}
static void recover_test7(void) {
    volatile bool ok = false;
    test7_func1(&ok);
    if (!ok) die("did not run ok func");
}

/* Go's variadic deferred call varargs(&r, 1, 2, 3): the arguments, copied at the defer. */
struct varargs_args {
    volatile int *s;
    int n;
    int a[3];
};
static void varargs(struct varargs_args *v) {
    *v->s = 0;
    for (int i = 0; i < v->n; i++) *v->s += v->a[i];
    if (!go_isnil(go_recover())) *v->s += 100;
}
static int test8a(void) {
    volatile int r = 0;
    go_frame {
        go_defer_val(varargs, ((struct varargs_args){&r, 3, {1, 2, 3}}));
        go_panic(go_int(0));
    }
    return r;
}
static int test8b(void) {
    volatile int r = 0;
    go_frame {
        go_defer_val(varargs, ((struct varargs_args){&r, 3, {4, 5, 6}}));
    }
    return r;
}
static void recover_test8(void) {
    if (test8a() != 106 || test8b() != 15) die("wrong value");
}

/* Interfaces: I has one method M; an interface value is a method table and a pointer
 * to the receiver (Go boxes value receivers, and a deferred i.M() copies them). */
typedef struct I {
    void (*M)(void *recv);
    void *recv;
} I;

/* pointer receiver, so no wrapper in i.M() */
struct T1 {
    char unused;
};
static void T1_M(void *recv) {
    (void)recv;
    go_any a = doubleRecover(), b = go_recover(), c = go_recover();
    mustRecoverBody(a, b, c, 9);
}
static void recover_test9(void) {
    static struct T1 t1;
    I i = {T1_M, &t1};
    go_frame {
        go_defer(i.M, i.recv);
        go_panic(go_int(9));
    }
}

/* word-sized value receiver */
typedef uintptr_t T2;
static void T2_M(T2 *recv) {
    (void)recv;
    go_any a = doubleRecover(), b = go_recover(), c = go_recover();
    mustRecoverBody(a, b, c, 10);
}
static void recover_test10(void) {
    go_frame {
        go_defer_val(T2_M, (T2)0);
        go_panic(go_int(10));
    }
}

/* tiny receiver */
struct T3 {
    char unused;
};
static void T3_M(struct T3 *recv) {
    (void)recv;
    go_any a = doubleRecover(), b = go_recover(), c = go_recover();
    mustRecoverBody(a, b, c, 11);
}
static void recover_test11(void) {
    go_frame {
        go_defer_val(T3_M, (struct T3){0});
        go_panic(go_int(11));
    }
}

/* i.M panics inside a call made by the deferred method, and is recovered there:
 * nothing of that must be left for the outer recover. */
static void Tiny_M(void *recv) {
    (void)recv;
    go_panic(go_int(112));
}
static void badstate_func1(void *unused) {
    (void)unused;
    go_recover();
}
static void badstate(void) {
    go_frame {
        go_defer(badstate_func1, NULL);
        I i = {Tiny_M, NULL};
        i.M(i.recv);
    }
}
static void T3deeper_M(struct T3 *recv) {
    (void)recv;
    badstate(); /* difference from T3 */
    go_any a = doubleRecover(), b = go_recover(), c = go_recover();
    mustRecoverBody(a, b, c, 111);
}
static void recover_test111(void) {
    go_frame {
        go_defer_val(T3deeper_M, (struct T3){0});
        go_panic(go_int(111));
    }
}

/* large receiver */
typedef struct {
    const char *s[2];
} T4;
static void T4_M(T4 *recv) {
    (void)recv;
    go_any a = doubleRecover(), b = go_recover(), c = go_recover();
    mustRecoverBody(a, b, c, 12);
}
static void recover_test12(void) {
    go_frame {
        go_defer_val(T4_M, ((T4){{"", ""}}));
        go_panic(go_int(12));
    }
}

/* enormous receiver, copied at the defer */
typedef struct {
    unsigned char b[8192];
} T5;
static void T5_M(T5 *recv) {
    (void)recv;
    go_any a = doubleRecover(), b = go_recover(), c = go_recover();
    mustRecoverBody(a, b, c, 13);
}
static void recover_test13(void) {
    static T5 t5;
    go_frame {
        go_defer_val(T5_M, t5);
        go_panic(go_int(13));
    }
}

/* enormous receiver and enormous method frame */
typedef struct {
    unsigned char b[8192];
} T6;
static volatile unsigned char global;
static void T6_M(T6 *recv) {
    (void)recv;
    volatile unsigned char x[8192] = {0};
    x[0] = 1;
    x[1] = 2;
    for (size_t i = 0; i < sizeof x; i++) global += x[i];
    go_any a = doubleRecover(), b = go_recover(), c = go_recover();
    mustRecoverBody(a, b, c, 14);
}
static void recover_test14(void) {
    static T6 t6;
    go_frame {
        go_defer_val(T6_M, t6);
        go_panic(go_int(14));
    }
}

static const harness_case cases[] = {
    {"recover_test1", recover_test1},
    {"recover_test1WithClosures", recover_test1WithClosures},
    {"recover_test2", recover_test2},
    {"recover_test3", recover_test3},
    {"recover_test4", recover_test4},
    {"recover_test5", recover_test5},
    {"recover_test6", recover_test6},
    {"recover_test6WithClosures", recover_test6WithClosures},
    {"recover_test7", recover_test7},
    {"recover_test8", recover_test8},
    {"recover_test9", recover_test9},
    {"recover_test10", recover_test10},
    {"recover_test11", recover_test11},
    {"recover_test111", recover_test111},
    {"recover_test12", recover_test12},
    {"recover_test13", recover_test13},
    {"recover_test14", recover_test14},
    {0}};
int main(int argc, char **argv) { return harness_main(argc, argv, cases, NULL); }
