/* Several panics, some recovered before the next one: each recovered one is marked. */
#include "pair.h"

static void third(void *u) {
    (void)u;
    go_recover();
    go_panic(go_str("three"));
}

static void second(void *u) {
    (void)u;
    go_frame {
        go_defer(third, NULL);
        go_recover();
        go_panic(go_str("two"));
    }
}

int main(void) {
    go_frame {
        go_defer(second, NULL);
        go_panic(go_str("one"));
    }
    return 0;
}
