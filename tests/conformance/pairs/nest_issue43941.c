/* runtime TestIssue43941: steps of deferred calls across recovered nested panics. */
#include "pair.h"

struct step_args {
    int *steps;
    int want;
};
static void step(struct step_args *a) {
    ++*a->steps;
    printf("step %d want %d\n", *a->steps, a->want);
}
static void expect(int n, go_any v) {
    printf("expect %d got ", n);
    go_fprint(stdout, v);
    printf("\n");
}
static void panicWith(int *n) { go_panic(go_int(*n)); }
static void empty(void *u) { (void)u; }

static void a1(void *u) {
    (void)u;
    expect(3, go_recover());
}
static void a(void *u) {
    (void)u;
    go_frame {
        go_defer(a1, NULL);
        go_defer_val(panicWith, 3);
        go_panic(go_int(2));
    }
}
static void b(void *u) {
    (void)u;
    expect(1, go_recover());
}
static void f2(void) {
    go_frame {
        go_defer(a, NULL);
        go_defer(b, NULL);
        go_defer_val(panicWith, 1);
    }
}
static void f1(int *steps) {
    go_frame {
        f2();
        go_defer(empty, NULL);
        go_defer(empty, NULL);
        go_defer_val(step, ((struct step_args){steps, 10}));
        go_defer_val(step, ((struct step_args){steps, 9}));
        step(&(struct step_args){steps, 8});
    }
}
static void g2(int *steps) {
    go_frame {
        go_defer_val(step, ((struct step_args){steps, 11}));
        go_panic(go_int(4));
    }
}
static void g1(int *steps) {
    go_frame {
        go_defer_val(step, ((struct step_args){steps, 13}));
        go_defer_val(step, ((struct step_args){steps, 12}));
        g2(steps);
    }
}
static void last(int *steps) {
    step(&(struct step_args){steps, 14});
    expect(4, go_recover());
}

int main(void) {
    int steps = 7;
    go_frame {
        go_defer(last, &steps);
        f1(&steps);
        g1(&steps);
    }
    return 0;
}
