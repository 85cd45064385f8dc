/* An unrecovered panic in another goroutine ends the program; the report names that
 * goroutine (not goroutine 1) and its trace ends at the goroutine's function.
 * go-base: main.worker
 */
#include "pair.h"

static void say(const char *s) { printf("%s\n", s); }

static void process(int n) {
    go_frame {
        go_defer(say, "process deferred");
        if (n > 2) go_panicf("bad item %d", n);
    }
}

static void *worker(void *u) {
    (void)u;
    go_frame {
        go_defer(say, "worker deferred");
        for (int i = 0; i < 5; i++) {
            printf("item %d\n", i);
            process(i);
        }
    }
    return NULL;
}

int main(void) {
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    pthread_join(t, NULL);
    printf("not reached\n");
    return 0;
}
