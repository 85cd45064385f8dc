/* After a recovery, the function returns the named result as it stands, set before the
 * panic and then by the deferred call.
 * go2c: main.work.func1 = on_failure
 */
#include "pair.h"

static char buf[64];

static void on_failure(const char *volatile *status) {
    go_any r = go_recover();
    if (!go_isnil(r)) {
        printf("recovered %s with status %s\n", r.v.s, *status);
        snprintf(buf, sizeof buf, "failed: %s", r.v.s);
        *status = buf;
    }
}

static const char *work(bool fail) {
    const char *volatile status = "";
    go_frame {
        go_defer(on_failure, &status);
        status = "started";
        if (fail) go_panic(go_str("disk full"));
        status = "done";
    }
    return status;
}

int main(void) {
    printf("%s\n", work(false));
    printf("%s\n", work(true));
    return 0;
}
