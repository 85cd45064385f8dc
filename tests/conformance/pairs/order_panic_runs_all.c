/* An unrecovered panic runs every pending deferred call, innermost function first,
 * then the program dies with the report. */
#include "pair.h"

static void say(const char *s) { printf("%s\n", s); }

static void c(void) {
    go_frame {
        go_defer(say, "c deferred");
        go_panic(go_str("from c"));
    }
}

static void b(void) {
    go_frame {
        go_defer(say, "b deferred 1");
        go_defer(say, "b deferred 2");
        c();
    }
}

int main(void) {
    go_frame {
        go_defer(say, "main deferred");
        b();
    }
    return 0;
}
