/* A nil deferred function panics when it is called, at the function's exit, not at
 * the defer statement: a runtime error with a signal line. */
#include "pair.h"

static void f(void) {
    go_frame {
        void (*g)(void *) = NULL;
        go_defer(g, NULL);
        printf("after the defer statement\n");
    }
}

int main(void) {
    f();
    printf("not reached\n");
    return 0;
}
