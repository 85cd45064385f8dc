/* Goexit, then a deferred call panics twice and an older deferred call of the same
 * function recovers: current Go (1.22+) resumes the Goexit (recover never cancels it), so
 * main never prints "end" and the program dies with "no goroutines".
 * known-failure: the oracle, Go 1.19, lets a recovery bypass a pending Goexit that is not the recovered panic's immediate link (fixed in Go 1.22); godefer follows current Go
 */
#include "pair.h"

static void f1(void *u) {
    (void)u;
    println_any("f1 recovered:", go_recover());
}
static void f3(int *a) {
    printf("f3 %d panics\n", *a);
    go_panic(go_int(*a));
}
static void f2(void *u) {
    (void)u;
    go_frame {
        go_defer_val(f3, 0);
        go_defer_val(f3, 2);
    }
}
static void f0(void) {
    go_frame {
        go_defer(f1, NULL);
        go_defer(f2, NULL);
        printf("f0 calls Goexit\n");
        go_goexit();
    }
}

int main(void) {
    f0();
    printf("end\n");
    return 0;
}
