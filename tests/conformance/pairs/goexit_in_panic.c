/* testprog GoexitInPanic: Goexit called by a deferred call during a panic cancels the
 * panic silently; the goroutine ends.
 * go-base: main.worker
 * go2c: main.worker.func1 = exit_now
 */
#include "pair.h"

static void exit_now(void *u) {
    (void)u;
    printf("deferred call calls Goexit\n");
    go_goexit();
}

static void *worker(void *u) {
    (void)u;
    go_frame {
        go_defer(exit_now, NULL);
        go_panic(go_str("hello"));
    }
    return NULL;
}

int main(void) {
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    pthread_join(t, NULL);
    printf("the panic was cancelled; main goes on\n");
    return 0;
}
