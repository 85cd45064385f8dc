/* recover1.go test7 without the older recovering call, in a goroutine: panic 3's loop
 * calls the deferred recover, which does nothing; a deferred call of D recovers 3, D
 * returns, and panic 2 goes on unrecovered.  The report lists panic 2 only (3 is gone).
 * go-base: main.worker
 */
#include "pair.h"

static void say(const char *s) { printf("%s\n", s); }

static void catch(const char *who) {
    printf("%s ", who);
    println_any("recovered", go_recover());
}

static void d(void *u) {
    (void)u;
    go_frame {
        go_defer(catch, "inner:");
        go_defer_recover();
        go_panic(go_int(3));
    }
}

static void run(void) {
    go_frame {
        go_defer(say, "run: deferred");
        go_defer(d, NULL);
        go_panic(go_int(2));
    }
}

static void *worker(void *u) {
    (void)u;
    go_frame {
        go_defer(say, "worker: deferred");
        run();
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
