/* recover called by a helper of the deferred function returns nil; the deferred
 * function's own call then recovers. */
#include "pair.h"

static go_any helper(void) { return go_recover(); }

static void catch(void *u) {
    (void)u;
    println_any("helper got:", helper());
    println_any("direct got:", go_recover());
    println_any("second direct call got:", go_recover());
}
static void say(const char *s) { printf("%s\n", s); }

int main(void) {
    go_frame {
        go_defer(say, "main returns normally");
        go_defer(catch, NULL);
        go_panic(go_int(42));
    }
    return 0;
}
