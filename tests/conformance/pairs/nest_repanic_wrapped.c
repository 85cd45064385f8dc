/* Re-panicking with a new value made from the recovered one, then recovering that
 * (testprog RecursivePanic's shape).
 * go2c: main.inner.func1 = wrap
 * go2c: main.middle.func1 = show
 */
#include "pair.h"

static void wrap(void *u) {
    (void)u;
    go_any err = go_recover();
    if (!go_isnil(err)) go_panicf("wrap: %s", err.v.s);
}

static void inner(void) {
    go_frame {
        go_defer(wrap, NULL);
        go_panic(go_str("bad"));
    }
}

static void show(void *u) {
    (void)u;
    go_any r = go_recover();
    go_fprint(stdout, r);
    printf("\n");
    go_any_release(r); /* the go_panicf text (Go's GC frees it) */
}

static void middle(void) {
    go_frame {
        go_defer(show, NULL);
        inner();
    }
}

int main(void) {
    middle();
    go_panic(go_str("again"));
}
