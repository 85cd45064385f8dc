/* A panic inside a deferred call, recovered within that call's own deferred calls,
 * leaves the first panic running: only it is reported (testprog RecursivePanic3).
 * go2c: main.main.func1 = second
 * go2c: main.main.func1.1 = quiet_recover
 */
#include "pair.h"

static void quiet_recover(void *u) {
    (void)u;
    go_recover();
}
static void second(void *u) {
    (void)u;
    go_frame {
        go_defer(quiet_recover, NULL);
        go_panic(go_str("second panic"));
    }
}

int main(void) {
    go_frame {
        go_defer(second, NULL);
        go_panic(go_str("first panic"));
    }
    return 0;
}
