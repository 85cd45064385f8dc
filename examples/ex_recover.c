/* A panic in a handler becomes an error for its caller: the frame whose deferred call
 * recovers is left normally, and execution continues after its block. */
#include <godefer.h>

static void to_error(go_any *err) {
    go_any r = go_recover();
    if (!go_isnil(r)) *err = r;
}

static int divide(int a, int b) {
    if (b == 0) go_panic(go_error("division by zero"));
    return a / b;
}

/* Go's `func safeDivide(a, b int) (q int, err error)` */
static go_any safe_divide(int a, int b, int *q) {
    go_any err = go_nil();
    go_frame {
        go_defer(to_error, &err);
        *q = divide(a, b);
    }
    return err;
}

int main(void) {
    int inputs[][2] = {{10, 2}, {1, 0}, {9, 3}};
    for (int i = 0; i < 3; i++) {
        int q = 0;
        go_any err = safe_divide(inputs[i][0], inputs[i][1], &q);
        if (go_isnil(err)) {
            printf("%d / %d = %d\n", inputs[i][0], inputs[i][1], q);
        } else {
            printf("%d / %d failed: ", inputs[i][0], inputs[i][1]);
            go_fprint(stdout, err);
            printf("\n");
        }
    }
    return 0;
}
