/* runtime TestDeferWithRepeatedRepanics: each level recovers and re-panics until the
 * level named by the value handles it. */
#include "pair.h"

static void handler(int *level) {
    go_any e = go_recover();
    if (go_isnil(e)) return;
    if (*level != e.v.i) {
        printf("level %d re-panics %lld\n", *level, (long long)e.v.i);
        go_panic(e);
    }
    printf("level %d handles %lld\n", *level, (long long)e.v.i);
}

static void interpreter(int level, int maxlevel, int rec) {
    go_frame {
        go_defer_val(handler, level);
        if (level + 1 < maxlevel) {
            interpreter(level + 1, maxlevel, rec);
        } else {
            printf("level %d panics with %d\n", level, rec);
            go_panic(go_int(rec));
        }
    }
}

int main(void) {
    interpreter(0, 6, 2);
    interpreter(0, 5, 1);
    interpreter(0, 4, 0);
    printf("done\n");
    return 0;
}
