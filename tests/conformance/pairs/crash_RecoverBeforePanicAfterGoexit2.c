/* testprog RecoverBeforePanicAfterGoexit2: like RecoverBeforePanicAfterGoexit, with
 * deferred calls made in a loop first.
 * go2c: main.main.func1 = loop_deferred
 * go2c: main.main.func2 = catch
 * go2c: main.main.func3 = panic_hello
 */
#include "pair.h"

static void loop_deferred(void *u) {
    (void)u;
    printf("loop deferred call\n");
}
static void catch(void *u) {
    (void)u;
    go_any r = go_recover();
    if (go_isnil(r)) go_panic(go_str("bad recover"));
    println_any("recovered:", r);
}
static void panic_hello(void *u) {
    (void)u;
    go_panic(go_str("hello"));
}

int main(void) {
    go_frame {
        for (int i = 0; i < 2; i++) go_defer(loop_deferred, NULL);
        go_defer(catch, NULL);
        go_defer(panic_hello, NULL);
        go_goexit();
    }
    return 0;
}
