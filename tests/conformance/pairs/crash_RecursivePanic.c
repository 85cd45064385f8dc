/* testprog RecursivePanic: a deferred call wraps the recovered value in a new panic,
 * recovered one level up; then a last panic. */
#include "pair.h"

typedef struct {
    unsigned char b[8192];
} big8k;

static void show(void *u) {
    (void)u;
    go_any r = go_recover();
    go_fprint(stdout, r);
    printf("\n");
    go_any_release(r); /* the go_panicf text (Go's GC frees it) */
}
static void wrap(void *u) {
    (void)u;
    go_any err = go_recover();
    if (!go_isnil(err)) go_panicf("wrap: %s", err.v.s);
}
static void func1_1(big8k x) {
    (void)x;
    go_frame {
        go_defer(wrap, NULL);
        go_panic(go_str("bad"));
    }
}
static void func1(void) {
    go_frame {
        go_defer(show, NULL);
        big8k x = {{0}};
        func1_1(x);
    }
}

int main(void) {
    func1();
    go_panic(go_str("again"));
}
