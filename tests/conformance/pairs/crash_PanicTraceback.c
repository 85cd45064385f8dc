/* runtime/testdata/testprog PanicTraceback: panics in deferred calls chain, and the
 * trace shows each deferred call on top of the panic that ran it.
 *
 * go2c: main.pt1.func1 = pt1_func1
 * go2c: main.pt2.func1 = pt2_func1
 */
#include <godefer.h>

static void pt1_func1(void *u) { (void)u; go_panic(go_str("panic pt1")); }
static void pt2_func1(void *u) { (void)u; go_panic(go_str("panic pt2")); }

static void pt2(void) {
    go_frame {
        go_defer(pt2_func1, NULL);
        go_panic(go_str("hello"));
    }
}

static void pt1(void) {
    go_frame {
        go_defer(pt1_func1, NULL);
        pt2();
    }
}

int main(void) {
    pt1();
    return 0;
}
