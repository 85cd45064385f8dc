/* A deferred call recovers and panics with a new value: the report lists the first
 * panic as [recovered] (testprog RecursivePanic4).
 * go2c: main.main.func1 = recover_and_panic
 */
#include "pair.h"

static void recover_and_panic(void *u) {
    (void)u;
    go_recover();
    go_panic(go_str("second panic"));
}

int main(void) {
    go_frame {
        go_defer(recover_and_panic, NULL);
        go_panic(go_str("first panic"));
    }
    return 0;
}
