/* recover called directly by a deferred function stops the panic; the function that
 * deferred it returns normally and its caller goes on. */
#include "pair.h"

static void catch(void *u) {
    (void)u;
    println_any("recovered:", go_recover());
}
static void say(const char *s) { printf("%s\n", s); }

static void f(void) {
    go_frame {
        go_defer(say, "f's first deferred call still runs");
        go_defer(catch, NULL);
        printf("f panics\n");
        go_panic(go_str("boom"));
    }
}

int main(void) {
    f();
    printf("main goes on\n");
    return 0;
}
