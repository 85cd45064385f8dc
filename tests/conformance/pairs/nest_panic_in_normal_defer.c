/* A deferred call that panics during a normal return starts a panic like any other;
 * the remaining deferred calls run and one of them recovers. */
#include "pair.h"

static void catch(void *u) {
    (void)u;
    println_any("recovered:", go_recover());
}
static void say(const char *s) { printf("%s\n", s); }
static void failing(void *u) {
    (void)u;
    printf("failing deferred call\n");
    go_panic(go_str("cleanup failed"));
}

static void f(void) {
    go_frame {
        go_defer(catch, NULL);
        go_defer(say, "runs after the failing one");
        go_defer(failing, NULL);
        printf("f returns normally\n");
    }
}

int main(void) {
    f();
    printf("main continues\n");
    return 0;
}
