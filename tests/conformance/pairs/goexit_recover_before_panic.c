/* testprog RecoverBeforePanicAfterGoexit: Goexit runs a deferred call that panics; an
 * older deferred call recovers it, and Goexit resumes: recover cannot cancel Goexit.
 * go2c: main.main.func1 = catch
 * go2c: main.main.func2 = panic_hello
 */
#include "pair.h"

static void say(const char *s) { printf("%s\n", s); }
static void catch(void *u) {
    (void)u;
    println_any("recovered:", go_recover());
}
static void panic_hello(void *u) {
    (void)u;
    go_panic(go_str("hello"));
}

int main(void) {
    go_frame {
        go_defer(say, "oldest deferred call: Goexit resumed");
        go_defer(catch, NULL);
        go_defer(panic_hello, NULL);
        go_goexit();
    }
    return 0;
}
