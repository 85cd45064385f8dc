/* Each function's deferred calls run when that function returns. */
#include "pair.h"

static void say(const char *s) { printf("%s\n", s); }

static void inner(void) {
    go_frame {
        go_defer(say, "inner 1");
        go_defer(say, "inner 2");
        printf("inner body\n");
    }
}

static void middle(void) {
    go_frame {
        go_defer(say, "middle 1");
        inner();
        go_defer(say, "middle 2");
        printf("middle body\n");
    }
}

int main(void) {
    go_frame {
        go_defer(say, "main 1");
        middle();
        printf("main body\n");
    }
    return 0;
}
