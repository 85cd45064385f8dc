/* Two deferred calls change the named result in turn, newest first.
 * go2c: main.f.func1 = twice_plus_one
 * go2c: main.f.func2 = plus_three
 */
#include "pair.h"

static void twice_plus_one(int *n) {
    *n = *n * 2 + 1;
    printf("second step: %d\n", *n);
}
static void plus_three(int *n) {
    *n += 3;
    printf("first step: %d\n", *n);
}

static int f(void) {
    int n = 0;
    go_frame {
        go_defer(twice_plus_one, &n);
        go_defer(plus_three, &n);
        n = 1;
    }
    return n;
}

int main(void) {
    printf("f() = %d\n", f());
    return 0;
}
