/* Neither a helper nor a helper's helper may recover (test/recover.go's
 * withoutRecoverRecursive); the panic stays for the next deferred call. */
#include "pair.h"

static void withoutRecoverRecursive(int *n) {
    if (*n == 0) {
        withoutRecoverRecursive(&(int){1});
    } else {
        printf("helper at depth %d got: ", *n);
        go_fprint(stdout, go_recover());
        printf("\n");
    }
}

static void mustRecover(void *u) {
    (void)u;
    println_any("mustRecover got:", go_recover());
}

int main(void) {
    go_frame {
        go_defer(mustRecover, NULL);
        go_defer_val(withoutRecoverRecursive, 0);
        go_panic(go_str("deep"));
    }
    return 0;
}
