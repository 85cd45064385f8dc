/* A recovered panic becomes the function's error result (a named result set by the
 * deferred call), and the caller goes on.
 * go2c: main.safeDivide.func1 = to_error
 */
#include "pair.h"

static int divide(int a, int b) {
    if (b == 0) go_panic(go_error("division by zero"));
    return a / b;
}

static void to_error(volatile go_any *err) {
    go_any r = go_recover();
    if (!go_isnil(r)) *err = r;
}

static go_any safe_divide(int a, int b, volatile int *q) {
    volatile go_any err = go_nil();
    go_frame {
        go_defer(to_error, &err);
        *q = divide(a, b);
        err = go_nil(); /* return q, nil */
    }
    return err;
}

int main(void) {
    int ds[] = {2, 0, 3};
    for (int i = 0; i < 3; i++) {
        volatile int q = 0;
        go_any err = safe_divide(12, ds[i], &q);
        printf("12 / %d = %d err: ", ds[i], q);
        go_fprint(stdout, err);
        printf("\n");
    }
    return 0;
}
