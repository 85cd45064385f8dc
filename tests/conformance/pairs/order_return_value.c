/* A plain (unnamed) result is computed before the deferred calls run: changing the
 * variable afterwards does not change what the function returns.
 * go2c: main.f.func1 = set_two
 */
#include "pair.h"

static void set_two(int *x) {
    *x = 2;
    printf("deferred sets x to %d\n", *x);
}

static int f(void) {
    int x = 1, result = 0;
    go_frame {
        go_defer(set_two, &x);
        result = x; /* return x */
    }
    return result;
}

int main(void) {
    printf("f returned %d\n", f());
    return 0;
}
