/* Nested panics in another goroutine, unrecovered: the chain and the trace come from
 * that goroutine.
 * go-base: main.worker
 * go2c: main.worker.func1 = recover_and_panic
 */
#include "pair.h"

static void second(void *u) {
    (void)u;
    printf("second panics\n");
    go_panic(go_str("second"));
}
static void recover_and_panic(void *u) {
    (void)u;
    go_recover();
    go_panic(go_str("after recover"));
}

static void *worker(void *u) {
    (void)u;
    go_frame {
        go_defer(second, NULL);
        go_defer(recover_and_panic, NULL);
        go_panic(go_str("first"));
    }
    return NULL;
}

int main(void) {
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    pthread_join(t, NULL);
    return 0;
}
