/* Go's defer tests (Go 1.19), ported case by case: test/defer.go (defer_test1,
 * defer_test2), test/defernil.go, test/deferprint.go, test/fixedbugs/issue8047b.go and
 * test/fixedbugs/issue14725.go (issue14725_f1 ... f3).  Go's checks are assertions. */
#pragma GCC diagnostic ignored "-Wunused-function"
#include <godefer.h>

#include "harness.h"

/* ---- test/defer.go ------------------------------------------------------------------ */
static char result[64];
static void addInt(int *i) { snprintf(result + strlen(result), sizeof result - strlen(result), "%d", *i); }

static void test1helper(void) {
    go_frame {
        for (int i = 0; i < 10; i++) go_defer_val(addInt, i);
    }
}
static void defer_test1(void) {
    result[0] = '\0';
    test1helper();
    ASSERT_STR(result, "9876543210");
}

/* addDotDotDot(v ...interface{}): result += fmt.Sprint(v...) */
struct dots {
    int n;
    go_any v[1];
};
static void addDotDotDot(struct dots *d) {
    for (int k = 0; k < d->n; k++) {
        size_t l = strlen(result);
        go_sprint(result + l, sizeof result - l, d->v[k]);
    }
}
static void test2helper(void) {
    go_frame {
        for (int i = 0; i < 10; i++) go_defer_val(addDotDotDot, ((struct dots){1, {go_int(i)}}));
    }
}
static void defer_test2(void) {
    result[0] = '\0';
    test2helper();
    ASSERT_STR(result, "9876543210");
}

/* ---- test/defernil.go: a nil deferred function panics when called, not when deferred -- */
static int x_;
static void defernil_func1(void *unused) {
    (void)unused;
    go_any err = go_recover();
    if (go_isnil(err)) HFAIL("did not panic");
    if (x_ != 1) HFAIL("FAIL");
    ASSERT(go_is_runtime_error(err));
}
static void defernil_f(void) {
    go_frame {
        void (*nilf)(void *) = NULL;
        go_defer(nilf, NULL);
        x_ = 1;
    }
}
static void defernil(void) {
    x_ = 0;
    go_frame {
        go_defer(defernil_func1, NULL);
        defernil_f();
    }
}

/* ---- test/deferprint.go: deferred prints run last-in first-out, the arguments
 * evaluated at the defer.  Ported: the "printing: " print and the println of 1..20 (the
 * first line of deferprint.out).  Not ported: the println of 42, true, ..., 1.5, "world",
 * nil chan/slice/map/func, byte(255) (Go's builtin print formats, which godefer does
 * not offer to C programs). */
struct ints20 {
    int v[20];
};
static void child_deferprint_print(const char *s) { printf("%s", s); }
static void child_deferprint_println(struct ints20 *a) {
    for (int i = 0; i < 20; i++) printf("%d%s", a->v[i], i < 19 ? " " : "\n");
}
static void child_deferprint(void) {
    go_frame {
        struct ints20 a;
        for (int i = 0; i < 20; i++) a.v[i] = i + 1;
        go_defer_val(child_deferprint_println, a);
        for (int i = 0; i < 20; i++) a.v[i] = 0; /* the deferred call has its own copy */
        go_defer(child_deferprint_print, "printing: ");
    }
}
static void deferprint(void) {
    child_result *r = run_child("deferprint");
    ASSERT_INT(r->status, 0);
    /* the first line of test/deferprint.out */
    ASSERT_STR(r->out, "printing: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20\n");
}

/* ---- test/fixedbugs/issue8047b.go: the panic of a nil deferred function replaces the
 * running panic, and recovering it ends both. --------------------------------------- */
static void issue8047b_func1(void *unused) {
    (void)unused;
    go_recover();
}
static void issue8047b_f(void) {
    go_frame {
        void (*g)(void *) = NULL;
        go_defer(g, NULL);
        go_panic(go_int(1));
    }
}
static void issue8047b(void) {
    go_frame {
        go_defer(issue8047b_func1, NULL);
        issue8047b_f();
    }
    tlog("completed");
    ASSERT_LOG("completed");
}

/* ---- test/fixedbugs/issue14725.go: a deferred call sets the named result after a
 * recovered panic(nil).  The C form of a named result: a local whose address is
 * deferred, returned after the go_frame block. ------------------------------------ */
static void set_x_1(volatile int *x) {
    go_recover();
    *x = 1;
}
static int f1(void) {
    volatile int x = 0;
    for (;;) {
        go_frame {
            go_defer(set_x_1, &x);
            go_panic(go_nil());
        }
        return x; /* Go's loop never gets here twice: the recovery returns */
    }
}
static int f2(void) {
    volatile int x = 0;
    go_frame {
        go_defer(set_x_1, &x);
        go_panic(go_nil());
    }
    return x;
}
static int f3(bool b) {
    volatile int x = 0;
    go_frame {
        go_defer(set_x_1, &x);
        if (b) go_panic(go_nil());
    }
    return x;
}
static void issue14725(void) {
    ASSERT_INT(f1(), 1);
    ASSERT_INT(f2(), 1);
    ASSERT_INT(f3(true), 1);
    ASSERT_INT(f3(false), 1);
}

static const harness_case cases[] = {{"defer_test1", defer_test1},
                                     {"defer_test2", defer_test2},
                                     {"defernil", defernil},
                                     {"deferprint", deferprint},
                                     {"issue8047b", issue8047b},
                                     {"issue14725", issue14725},
                                     {0}};
static const harness_case children[] = {{"deferprint", child_deferprint}, {0}};
int main(int argc, char **argv) { return harness_main(argc, argv, cases, children); }
