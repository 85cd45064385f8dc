/* liblm.so for tests/check_linkmodes.sh: recovering functions exported from a shared
 * library, whose address in a program built without -fPIE is the program's PLT entry. */
#include "lm.h"

void lm_recover(int *n) {
    if (!go_isnil(go_recover())) ++*n;
}

void lm_defer_recover(int *n) {
    (void)n;
    go_frame { go_defer_recover(); }
}

/* Called by a deferred function, not by the panic: Go's recover returns nil. */
void lm_helper(int *n) {
    if (!go_isnil(go_recover())) *n += 100;
}

void lm_calls_helper(int *n) {
    lm_helper(n);
    __asm__ volatile(""); /* not a tail call */
}

void lm_tail_calls_helper(int *n) { lm_helper(n); } /* a jump at -O2 */

void lm_run(void (*fn)(int *), int *n) {
    go_frame {
        go_defer(fn, n);
        go_panic(go_str("lm_run"));
    }
}
