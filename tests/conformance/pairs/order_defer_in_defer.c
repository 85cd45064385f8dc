/* A deferred function has deferred calls of its own, run when it returns. */
#include "pair.h"

static void say(const char *s) { printf("%s\n", s); }

static void cleanup(void *u) {
    (void)u;
    go_frame {
        go_defer(say, "cleanup's own deferred call");
        printf("cleanup body\n");
    }
}

static void work(void) {
    go_frame {
        go_defer(say, "work deferred 1");
        go_defer(cleanup, NULL);
        go_defer(say, "work deferred 3");
        printf("work body\n");
    }
}

int main(void) {
    work();
    return 0;
}
