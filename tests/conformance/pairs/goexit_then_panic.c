/* testprog PanicAfterGoexit: a deferred call run by Goexit panics; the report shows
 * the panic alone and runtime.Goexit in the trace.
 * go2c: main.main.func1 = panic_hello
 */
#include "pair.h"

static void panic_hello(void *u) {
    (void)u;
    go_panic(go_str("hello"));
}

int main(void) {
    go_frame {
        go_defer(panic_hello, NULL);
        go_goexit();
    }
    return 0;
}
