/* testprog RecursivePanic2: the first recover and the second panic in separate
 * deferred calls, run in order. */
#include "pair.h"

typedef struct {
    unsigned char b[8192];
} big8k;

static void show(void *u) {
    (void)u;
    go_fprint(stdout, go_recover());
    printf("\n");
}
static void second(void *u) {
    (void)u;
    go_panic(go_str("second panic"));
}
static void func1_2(big8k x) {
    (void)x;
    go_frame {
        go_defer(second, NULL);
        go_defer(show, NULL);
        go_panic(go_str("first panic"));
    }
}
static void func1(void) {
    go_frame {
        go_defer(show, NULL);
        big8k x = {{0}};
        func1_2(x);
    }
}

int main(void) {
    func1();
    go_panic(go_str("third panic"));
}
