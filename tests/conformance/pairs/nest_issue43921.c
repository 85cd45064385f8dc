/* runtime TestIssue43921: a panic recovered inside a deferred call leaves the outer
 * panic to the outer recover. */
#include "pair.h"

static void expect(int n, go_any v) {
    printf("expect %d got ", n);
    go_fprint(stdout, v);
    printf("\n");
}
static void empty(void *u) { (void)u; }
static void inner(void *u) {
    (void)u;
    expect(4, go_recover());
}
static void middle(void *u) {
    (void)u;
    go_frame {
        go_defer(inner, NULL);
        go_panic(go_int(4));
    }
}
static void body(void) {
    go_frame {
        for (;;) {
            go_defer(empty, NULL);
            break;
        }
        go_defer(middle, NULL);
        go_panic(go_int(1));
    }
}
static void outer(void *u) {
    (void)u;
    expect(1, go_recover());
}

int main(void) {
    go_frame {
        go_defer(outer, NULL);
        body();
    }
    return 0;
}
