/* Three panics, none recovered: the report lists them oldest first, and the trace shows
 * each deferred call on top of the panic that ran it. */
#include "pair.h"

static void third(void *u) {
    (void)u;
    printf("third deferred call panics\n");
    go_panic(go_str("three"));
}

static void second(void *u) {
    (void)u;
    go_frame {
        go_defer(third, NULL);
        printf("second deferred call panics\n");
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
