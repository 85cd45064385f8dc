/* An unrecovered panic: the deferred calls run, then Go's report and exit status 2.
 * Here a deferred call recovers and panics again with more context, so the report lists
 * both panics, the first marked [recovered]. */
#include <godefer.h>

static void cleanup(const char *what) { printf("cleanup: %s\n", what); }

static void add_context(int *n) {
    go_any r = go_recover();
    if (!go_isnil(r)) go_panic(go_error_wrap(r, "process record %d", *n));
}

static void process(int n) {
    go_frame {
        go_defer(cleanup, "process");
        go_defer(add_context, &n);
        if (n > 2) go_panic(go_error("bad checksum"));
    }
}

int main(void) {
    for (int i = 0; i < 5; i++) {
        printf("record %d\n", i);
        process(i);
    }
    return 0;
}
