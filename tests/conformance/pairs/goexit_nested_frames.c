/* Goexit from deep in the stack runs the deferred calls of every function, innermost
 * first, and a recover among them sees nothing.
 * go-base: main.a
 * go2c: main.c.func1 = c_recover
 */
#include "pair.h"

static void say(const char *s) { printf("%s\n", s); }
static void c_recover(void *u) {
    (void)u;
    println_any("c's recover:", go_recover());
}

static void c(void) {
    go_frame {
        go_defer(say, "c deferred");
        go_defer(c_recover, NULL);
        go_goexit();
    }
}
static void b(void) {
    go_frame {
        go_defer(say, "b deferred");
        c();
    }
}
static void *a(void *u) {
    (void)u;
    go_frame {
        go_defer(say, "a deferred");
        b();
    }
    return NULL;
}

int main(void) {
    pthread_t t;
    pthread_create(&t, NULL, a, NULL);
    pthread_join(t, NULL);
    printf("main: the goroutine ended\n");
    return 0;
}
