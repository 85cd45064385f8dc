/* Each goroutine has its own panics: a panic recovered in a goroutine does not touch the
 * main goroutine, which then panics and recovers on its own.
 * go-base: main.worker
 */
#include "pair.h"

static void catch(const char *who) {
    printf("%s ", who);
    println_any("recovered:", go_recover());
}

static void *worker(void *u) {
    (void)u;
    go_frame {
        go_defer(catch, "worker");
        go_panic(go_str("in worker"));
    }
    return NULL;
}

int main(void) {
    go_frame {
        go_defer(catch, "main");
        pthread_t t;
        pthread_create(&t, NULL, worker, NULL);
        pthread_join(t, NULL);
        go_panic(go_str("in main"));
    }
    return 0;
}
