/* Arguments of a deferred call are evaluated when the defer statement runs; a closure
 * sees the variable as it is when it runs (C: a pointer to it).
 * go2c: main.main.func1 = closure
 */
#include "pair.h"

static void show_arg(int *i) { printf("deferred arg i = %d\n", *i); }
static void closure(int *i) { printf("closure sees i = %d\n", *i); }

int main(void) {
    int i = 1;
    go_frame {
        go_defer_val(show_arg, i);
        go_defer(closure, &i);
        i = 2;
        printf("body sets i = %d\n", i);
    }
    return 0;
}
