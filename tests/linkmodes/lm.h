/* The shared library and the module of tests/check_linkmodes.sh, and the check they and
 * the program make. */
#ifndef GODEFER_TEST_LM_H
#define GODEFER_TEST_LM_H

#include <godefer.h>

/* liblm.so */
void lm_recover(int *n);             /* recovers: *n += 1 */
void lm_defer_recover(int *n);       /* recovers with go_defer_recover */
void lm_calls_helper(int *n);        /* its helper must not recover: *n += 100 if it does */
void lm_tail_calls_helper(int *n);   /* the same, the helper reached by a tail call */
void lm_run(void (*fn)(int *), int *n); /* a frame in the library defers fn(n), panics */

/* lm_mod.so, loaded with dlopen: the number of failed checks */
int lm_mod_run(void);

/* Not locals of lm_panics_into: these tests are about linking, not the volatile rule. */
static __thread int lm_n, lm_caught, lm_after;

/* A frame deferring fn(&lm_n) panics inside a frame deferring outer(&lm_caught).  The
 * outcome is lm_n * 100 + (the code after the inner frame ran) * 10 + lm_caught. */
#define LM_RECOVERED 10    /* fn recovered, outer got nil (plus 100 per count fn made) */
#define LM_NOT_RECOVERED 1 /* fn did not recover, outer did */
__attribute__((unused)) static int lm_panics_into(void (*fn)(int *), void (*outer)(int *)) {
    lm_n = lm_caught = lm_after = 0;
    go_frame {
        go_defer(outer, &lm_caught);
        go_frame {
            go_defer(fn, &lm_n);
            go_panic(go_str("lm"));
        }
        lm_after = 1;
    }
    return lm_n * 100 + lm_after * 10 + lm_caught;
}

#endif
