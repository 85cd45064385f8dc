/* testprog RecoveredPanicAfterGoexit: a panic in a Goexit's deferred call, recovered
 * inside it; Goexit goes on and the main goroutine ends.
 * go2c: main.main.func1 = panics
 * go2c: main.main.func1.1 = catch
 */
#include "pair.h"

static void catch(void *u) {
    (void)u;
    println_any("recovered:", go_recover());
}
static void panics(void *u) {
    (void)u;
    go_frame {
        go_defer(catch, NULL);
        go_panic(go_str("hello"));
    }
}

int main(void) {
    go_frame {
        go_defer(panics, NULL);
        go_goexit();
    }
    return 0;
}
