/* `defer recover()` and Goexit, in a goroutine: in a function called by a panic raised in
 * a Goexit's deferred call it recovers that panic when the function returns, and Goexit
 * resumes (recover cannot cancel Goexit): the next deferred call's recover gets nil.
 * go-base: main.worker
 * go2c: main.worker.func1 = then_recover
 */
#include "pair.h"

static void say(const char *s) { printf("%s\n", s); }

static void defersRecover(const char *who) {
    go_frame {
        go_defer_recover();
        printf("%s returns\n", who);
    }
}

static void then_recover(void *u) {
    (void)u;
    println_any("worker: then recover gets", go_recover());
}

static void panicker(void *u) {
    (void)u;
    go_panic(go_str("in a Goexit deferred call"));
}

static void *worker(void *u) {
    (void)u;
    go_frame {
        go_defer(say, "worker: Goexit resumed");
        go_defer(then_recover, NULL);
        go_defer(defersRecover, "called by the panic:");
        go_defer(panicker, NULL);
        go_goexit();
    }
    return NULL;
}

int main(void) {
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    pthread_join(t, NULL);
    printf("main: end\n");
    return 0;
}
