/* Thirty deferred calls in one function (more than a frame's inline slots). */
#include "pair.h"

static void show(int *i) { printf("deferred %d\n", *i); }
static void say(const char *s) { printf("%s\n", s); }

static void many(void) {
    go_frame {
        for (int i = 0; i < 30; i++) go_defer_val(show, i);
        go_defer(say, "last deferred");
    }
}

int main(void) {
    many();
    printf("done\n");
    return 0;
}
