/* testprog RecursivePanic5: a recover in a deferred call of three() while other deferred
 * calls are pending further up. */
#include "pair.h"

static void empty(void *u) { (void)u; }
static void show(void *u) {
    (void)u;
    go_fprint(stdout, go_recover());
    printf("\n");
}
static void show_and_panic(void *u) {
    (void)u;
    go_fprint(stdout, go_recover());
    printf("\n");
    go_panic(go_str("second panic"));
}

__attribute__((noinline)) static void three(void) {
    go_frame {
        go_defer(empty, NULL);
        go_defer(show, NULL);
        go_defer(show_and_panic, NULL);
        go_panic(go_str("first panic"));
    }
}
__attribute__((noinline)) static void two(void) {
    go_frame {
        go_defer(empty, NULL);
        three();
    }
}
__attribute__((noinline)) static void one(void) { two(); }

int main(void) {
    one();
    go_panic(go_str("third panic"));
}
