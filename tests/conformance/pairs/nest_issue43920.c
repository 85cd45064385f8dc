/* runtime TestIssue43920: deferred panics in deferred calls; each recover gets the
 * expected value in order.  Prints replace the test's checks. */
#include "pair.h"

static void panicWith(int *n) { go_panic(go_int(*n)); }
static void show(const char *label, go_any v) { println_any(label, v); }

static void d1(void *u) {
    (void)u;
    show("d1 recovered", go_recover());
}
static void d2inner(void) { go_panic(go_int(4)); }
static void d2a(void *u) {
    (void)u;
    show("d2a recovered", go_recover());
}
static void d2(void *u) {
    (void)u;
    go_frame {
        go_defer(d2a, NULL);
        go_defer_val(panicWith, 5);
        d2inner();
    }
}
static void d3(void *u) {
    (void)u;
    show("d3 recovered", go_recover());
}
static void outer(void *u) {
    (void)u;
    go_frame {
        go_defer(d2, NULL);
        go_defer(d3, NULL);
        go_defer_val(panicWith, 3);
    }
}

struct step_args {
    int *steps;
    int want;
};
static void step(struct step_args *a) {
    ++*a->steps;
    printf("step %d want %d\n", *a->steps, a->want);
}

static void body(int *steps) {
    go_frame {
        go_defer_val(step, ((struct step_args){steps, 1}));
        go_panic(go_int(1));
    }
}

int main(void) {
    int steps = 0;
    go_frame {
        go_defer(d1, NULL);
        go_defer(outer, NULL);
        body(&steps);
    }
    return 0;
}
