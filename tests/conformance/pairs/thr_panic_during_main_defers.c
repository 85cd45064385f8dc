/* The main goroutine has pending deferred calls and waits; another goroutine's panic
 * ends the program without running them.
 * go-base: main.worker
 */
#include "pair.h"

static void say(const char *s) { printf("%s\n", s); }

static void *worker(void *u) {
    (void)u;
    go_frame {
        go_defer(say, "worker deferred");
        go_panic(go_str("worker fails"));
    }
    return NULL;
}

int main(void) {
    go_frame {
        go_defer(say, "main deferred: not run");
        pthread_t t;
        pthread_create(&t, NULL, worker, NULL);
        pthread_join(t, NULL);
    }
    return 0;
}
