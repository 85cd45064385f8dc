/* test/recover.go's try: run g; if it panics, return the panic value, else deflt.
 * go2c: main.try.func1 = keep_panic
 */
#include "pair.h"

static void keep_panic(volatile go_any *x) {
    go_any v = go_recover();
    if (!go_isnil(v)) *x = v;
}

static go_any try_(void (*g)(void *), go_any deflt) {
    volatile go_any x = go_nil();
    go_frame {
        go_defer(keep_panic, &x);
        go_defer(g, NULL);
        x = deflt; /* return deflt */
    }
    return x;
}

static void panics(void *u) {
    (void)u;
    go_panic(go_int(5));
}
static void quiet(void *u) { (void)u; }

int main(void) {
    go_fprint(stdout, try_(panics, go_int(55)));
    printf("\n");
    go_fprint(stdout, try_(quiet, go_str("hi")));
    printf("\n");
    return 0;
}
