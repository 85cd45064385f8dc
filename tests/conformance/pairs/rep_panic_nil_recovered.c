/* A recovered panic(nil) ends like any recovered panic (the value itself differs
 * between Go versions, so it is not printed).
 * go2c: main.f.func1 = set_one
 */
#include "pair.h"

static void set_one(volatile int *x) {
    go_recover();
    *x = 1;
}

static int f(void) {
    volatile int x = 0;
    go_frame {
        go_defer(set_one, &x);
        go_panic(go_nil());
    }
    return x;
}

int main(void) {
    printf("f() = %d\n", f());
    go_panic(go_nil());
}
