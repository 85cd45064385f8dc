/* recover returns nil in the deferred calls run by Goexit (crash_test TestGoexitDefer).
 * go-base: main.worker
 * go2c: main.worker.func1 = check
 */
#include "pair.h"

static void check(void *u) {
    (void)u;
    println_any("recover during Goexit:", go_recover());
}

static void *worker(void *u) {
    (void)u;
    go_frame {
        go_defer(check, NULL);
        go_goexit();
    }
    return NULL;
}

int main(void) {
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    pthread_join(t, NULL);
    printf("main goes on\n");
    return 0;
}
