/* The program of tests/check_linkmodes.sh: recovering functions of a shared library
 * (liblm.so) deferred by the program, a frame in the library deferring the program's
 * function or the library's own, and a module loaded with dlopen (LM_MODULE, in the mode
 * LM_DLOPEN: local or global), in the main thread and in another.  Built PIE, non-PIE,
 * -fno-plt, run with and without LD_BIND_NOW. */
#include <dlfcn.h>
#include <pthread.h>

#include "../harness.h"
#include "lm.h"

static void prog_recover(int *n) {
    if (!go_isnil(go_recover())) ++*n;
}

static void test_library_function(void) {
    ASSERT_INT(lm_panics_into(lm_recover, prog_recover), 100 + LM_RECOVERED);
    ASSERT_INT(lm_panics_into(lm_defer_recover, prog_recover), LM_RECOVERED);
    ASSERT_INT(lm_panics_into(prog_recover, lm_recover), 100 + LM_RECOVERED);
}

/* Go's rule holds through the PLT: a helper of the deferred function gets nil. */
static void test_library_helpers(void) {
    ASSERT_INT(lm_panics_into(lm_calls_helper, prog_recover), LM_NOT_RECOVERED);
    ASSERT_INT(lm_panics_into(lm_tail_calls_helper, prog_recover), LM_NOT_RECOVERED);
    ASSERT_INT(lm_panics_into(lm_tail_calls_helper, lm_recover), LM_NOT_RECOVERED);
}

/* The frame in the library: the deferred function is the program's, or the library's
 * with the address the program sees. */
static void test_frame_in_library(void) {
    static int n;
    n = 0;
    lm_run(prog_recover, &n);
    ASSERT_INT(n, 1);
    lm_run(lm_recover, &n);
    ASSERT_INT(n, 2);
    lm_run(lm_defer_recover, &n);
    ASSERT_INT(n, 2);
}

static void test_dlopen_module(void) {
    const char *path = getenv("LM_MODULE"), *mode = getenv("LM_DLOPEN");
    int global = mode && strcmp(mode, "global") == 0;
    void *h = path ? dlopen(path, RTLD_NOW | (global ? RTLD_GLOBAL : RTLD_LOCAL)) : NULL;
    if (!h) {
        HFAIL("dlopen %s: %s", path ? path : "(LM_MODULE not set)", dlerror());
        return;
    }
    int (*run)(void) = (int (*)(void))dlsym(h, "lm_mod_run");
    ASSERT(run != NULL);
    if (run) ASSERT_INT(run(), 0);
    /* The module's own function, with the address dlsym gives. */
    void (*mod_recover)(int *) = (void (*)(int *))dlsym(h, "lm_mod_recover");
    ASSERT(mod_recover != NULL);
    if (mod_recover) ASSERT_INT(lm_panics_into(mod_recover, prog_recover), 100 + LM_RECOVERED);
}

static void *in_thread(void *arg) {
    (void)arg;
    test_library_function();
    test_library_helpers();
    test_frame_in_library();
    return NULL;
}

static void test_in_thread(void) {
    pthread_t t;
    ASSERT_INT(pthread_create(&t, NULL, in_thread, NULL), 0);
    pthread_join(t, NULL);
}

static const harness_case cases[] = {
    {"library_function", test_library_function},
    {"library_helpers", test_library_helpers},
    {"frame_in_library", test_frame_in_library},
    {"dlopen_module", test_dlopen_module},
    {"in_thread", test_in_thread},
    {0},
};
static const harness_case children[] = {{0}};

int main(int argc, char **argv) { return harness_main(argc, argv, cases, children); }
