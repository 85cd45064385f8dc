/* A deferred call made by a deferred function is not called by the panic: its recover
 * returns nil (runtime TestRecoverMatching).
 * go2c: main.main.func1 = outer
 * go2c: main.main.func2 = middle
 * go2c: main.main.func2.1 = nested
 */
#include "pair.h"

static void outer(void *u) {
    (void)u;
    println_any("outer deferred call got:", go_recover());
}
static void nested(void *u) {
    (void)u;
    println_any("nested deferred call got:", go_recover());
}
static void middle(void *u) {
    (void)u;
    go_frame {
        go_defer(nested, NULL);
    }
}

int main(void) {
    go_frame {
        go_defer(outer, NULL);
        go_defer(middle, NULL);
        go_panic(go_str("panic1"));
    }
    return 0;
}
