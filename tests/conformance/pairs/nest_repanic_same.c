/* Re-panicking with the recovered value: Go 1.25+ prints one line marked
 * [recovered, repanicked] (Go 1.19 printed two).
 * go2c: main.main.func1 = repanic
 */
#include "pair.h"

static void repanic(void *u) {
    (void)u;
    go_any r = go_recover();
    println_any("re-panicking with", r);
    go_panic(r);
}

int main(void) {
    go_frame {
        go_defer(repanic, NULL);
        go_panic(go_str("original"));
    }
    return 0;
}
