/* recover returns nil when nothing panics: in ordinary code and in a deferred call run
 * by a normal return. */
#include "pair.h"

static void deferred(void *u) {
    (void)u;
    println_any("deferred call got:", go_recover());
}

static void f(void) {
    go_frame {
        go_defer(deferred, NULL);
        println_any("body got:", go_recover());
    }
}

int main(void) {
    f();
    println_any("main got:", go_recover());
    return 0;
}
