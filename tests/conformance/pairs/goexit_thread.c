/* Goexit ends only its goroutine (thread), after its deferred calls; the main
 * goroutine goes on.  Go's channel is a pthread_join here.
 * go-base: main.worker
 */
#include "pair.h"

static void say(const char *s) { printf("%s\n", s); }

static void work(void) {
    go_frame {
        go_defer(say, "work deferred");
        go_goexit();
    }
}

static void *worker(void *u) {
    (void)u;
    go_frame {
        go_defer(say, "worker deferred");
        work();
        printf("not reached\n");
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
