/* Deferred calls made in a loop each add to the named result, after the return value
 * was set; one of them recovers a panic raised after the loop. */
#include "pair.h"

struct add_args {
    volatile int *total;
    int n;
};
static void add(struct add_args *a) {
    *a->total += a->n;
    printf("add %d -> %d\n", a->n, *a->total);
}
static void catch(volatile int *total) {
    go_any r = go_recover();
    if (!go_isnil(r)) {
        printf("recovered ");
        go_fprint(stdout, r);
        printf(" at total %d\n", *total);
        *total = -*total;
    }
}

static int sum(int n, bool fail) {
    volatile int total = 0;
    go_frame {
        go_defer(catch, &total);
        for (int i = 1; i <= n; i++) go_defer_val(add, ((struct add_args){&total, i}));
        if (fail) go_panic(go_str("failed"));
        total = 100; /* return 100 */
    }
    return total;
}

int main(void) {
    printf("sum: %d\n", sum(4, false));
    printf("sum: %d\n", sum(3, true));
    return 0;
}
