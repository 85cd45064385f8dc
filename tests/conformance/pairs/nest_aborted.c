/* A panic in a deferred call, recovered in the frame that started the first panic,
 * aborts the first one too: a later recover gets nil (runtime TestAbortedPanic).
 * go2c: main.main.func1 = last
 * go2c: main.main.func2 = catch
 * go2c: main.main.func3 = panic2
 */
#include "pair.h"

static void last(void *u) {
    (void)u;
    println_any("last deferred call got:", go_recover());
}
static void catch(void *u) {
    (void)u;
    println_any("recovered:", go_recover());
}
static void panic2(void *u) {
    (void)u;
    go_panic(go_str("panic2"));
}

int main(void) {
    go_frame {
        go_defer(last, NULL);
        go_defer(catch, NULL);
        go_defer(panic2, NULL);
        go_panic(go_str("panic1"));
    }
    return 0;
}
