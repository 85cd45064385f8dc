/* A deferred closure changes a named result after "return 4" set it.  C's named result:
 * a local whose address is deferred, returned after the go_frame block.
 * go2c: main.f.func1 = times_ten
 */
#include "pair.h"

static void times_ten(int *x) { *x *= 10; }

static int f(void) {
    int x = 0;
    go_frame {
        go_defer(times_ten, &x);
        x = 4; /* return 4 */
    }
    return x;
}

int main(void) {
    printf("f() = %d\n", f());
    return 0;
}
