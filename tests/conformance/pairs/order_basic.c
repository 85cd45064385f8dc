/* Deferred calls run last-in first-out when the function returns. */
#include <godefer.h>

static void say(const char *s) { printf("%s\n", s); }

static void f(void) {
    go_frame {
        go_defer(say, "first deferred");
        go_defer(say, "second deferred");
        printf("body\n");
    }
}

int main(void) {
    f();
    printf("after f\n");
    return 0;
}
