/* A loop calls a function that panics and recovers on every other iteration.
 * go2c: main.step.func1 = on_panic
 */
#include "pair.h"

struct step_state {
    int i;
    volatile bool *ok;
};

static void on_panic(struct step_state *s) {
    go_any r = go_recover();
    if (!go_isnil(r)) {
        printf("step %d recovered ", s->i);
        go_fprint(stdout, r);
        printf("\n");
        *s->ok = false;
    }
}

static bool step(int i) {
    volatile bool ok = false;
    go_frame {
        go_defer_val(on_panic, ((struct step_state){i, &ok}));
        if (i % 2 == 1) go_panic(go_int(i * 100));
        printf("step %d fine\n", i);
        ok = true;
    }
    return ok;
}

int main(void) {
    int good = 0;
    for (int i = 0; i < 6; i++)
        if (step(i)) good++;
    printf("good steps: %d\n", good);
    return 0;
}
