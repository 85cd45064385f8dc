/* Goexit in the main goroutine runs every deferred call, then the program dies:
 * no goroutine is left. */
#include "pair.h"

static void say(const char *s) { printf("%s\n", s); }

static void f(void) {
    go_frame {
        go_defer(say, "f deferred");
        go_goexit();
        printf("not reached\n");
    }
}

int main(void) {
    go_frame {
        go_defer(say, "main deferred");
        f();
        printf("not reached either\n");
    }
    return 0;
}
