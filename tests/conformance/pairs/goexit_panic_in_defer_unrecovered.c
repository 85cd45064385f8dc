/* Goexit, then a deferred call panics and nothing recovers: the panic is reported alone
 * (no line for the Goexit), with runtime.Goexit in the trace.
 * go2c: main.inner.func1 = boom
 */
#include "pair.h"

static void say(const char *s) { printf("%s\n", s); }
static void boom(void *u) {
    (void)u;
    go_panic(go_str("in goexit defer"));
}

static void inner(void) {
    go_frame {
        go_defer(boom, NULL);
        go_defer(say, "inner deferred");
        go_goexit();
    }
}

int main(void) {
    go_frame {
        go_defer(say, "main deferred");
        inner();
    }
    return 0;
}
