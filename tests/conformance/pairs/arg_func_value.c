/* The deferred function value itself is evaluated at the defer statement. */
#include "pair.h"

static void a(void *u) {
    (void)u;
    printf("a runs\n");
}
static void b(void *u) {
    (void)u;
    printf("b runs\n");
}

int main(void) {
    void (*f)(void *) = a;
    go_frame {
        go_defer(f, NULL);
        f = b;
        go_defer(f, NULL);
        f = NULL;
        printf("body done\n");
    }
    return 0;
}
