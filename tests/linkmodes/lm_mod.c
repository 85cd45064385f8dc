/* lm_mod.so for tests/check_linkmodes.sh, loaded with dlopen (RTLD_LOCAL or RTLD_GLOBAL):
 * a module that defers and recovers, with its own function and with liblm.so's. */
#include "lm.h"

void lm_mod_recover(int *n) {
    if (!go_isnil(go_recover())) ++*n;
}

int lm_mod_run(void) {
    int failed = 0;
    failed += lm_panics_into(lm_mod_recover, lm_recover) != 100 + LM_RECOVERED;
    failed += lm_panics_into(lm_recover, lm_mod_recover) != 100 + LM_RECOVERED;
    failed += lm_panics_into(lm_defer_recover, lm_recover) != LM_RECOVERED;
    failed += lm_panics_into(lm_calls_helper, lm_mod_recover) != LM_NOT_RECOVERED;
    failed += lm_panics_into(lm_tail_calls_helper, lm_mod_recover) != LM_NOT_RECOVERED;
    return failed;
}
