/* Re-panics through every level, none handles it: one report line per level in Go
 * 1.19, one line [recovered, repanicked] in Go 1.25+. */
#include "pair.h"

static void handler(int *level) {
    go_any e = go_recover();
    if (!go_isnil(e)) {
        printf("level %d re-panics ", *level);
        go_fprint(stdout, e);
        printf("\n");
        go_panic(e);
    }
}

static void interpreter(int level) {
    go_frame {
        go_defer_val(handler, level);
        if (level < 3)
            interpreter(level + 1);
        else
            go_panic(go_int(99));
    }
}

int main(void) {
    interpreter(0);
    return 0;
}
