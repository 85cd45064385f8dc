/* The panic of a nil deferred function is an ordinary runtime error: recoverable, and it
 * replaces the panic that was running (test/fixedbugs/issue8047b.go). */
#include "pair.h"

static void catch(void *u) {
    (void)u;
    go_any r = go_recover();
    println_any("recovered:", r);
    printf("runtime error: %s\n", go_is_runtime_error(r) ? "true" : "false");
}
static void say(const char *s) { printf("%s\n", s); }

static void f(void) {
    go_frame {
        void (*g)(void *) = NULL;
        go_defer(g, NULL);
        go_panic(go_str("first"));
    }
}

int main(void) {
    go_frame {
        go_defer(say, "main's deferred call");
        go_defer(catch, NULL);
        f();
    }
    return 0;
}
