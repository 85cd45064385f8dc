/* `defer recover()` in the panicking function itself is too early: the panic's own loop
 * calls recover, which is not called by a deferred function, so it does nothing and the
 * panic goes on (recover.go test2).  A later `defer recover()` after a recovery in the
 * same function is too early as well: nothing is panicking any more.  The report shows the
 * first panic recovered by the later deferred call, which panics again.
 * go2c: main.afterRecovery.func1 = afterRecovery_catch
 * go2c: main.main.func1 = repanic
 */
#include "pair.h"

static void say(const char *s) { printf("%s\n", s); }

static void afterRecovery_catch(void *u) {
    (void)u;
    println_any("afterRecovery: recovered", go_recover());
}
static void afterRecovery(void) {
    go_frame {
        go_defer(say, "afterRecovery: returns");
        go_defer_recover();
        go_defer(afterRecovery_catch, NULL);
        go_panic(go_str("first"));
    }
}

static void repanic(void *u) {
    (void)u;
    println_any("main: still panicking:", go_recover());
    go_panic(go_str("again"));
}

int main(void) {
    afterRecovery();
    go_frame {
        go_defer(say, "main: oldest deferred call");
        go_defer(repanic, NULL);
        go_defer_recover();
        go_defer(say, "main: newest deferred call");
        printf("main: panicking\n");
        go_panic(go_str("too early"));
    }
    return 0;
}
