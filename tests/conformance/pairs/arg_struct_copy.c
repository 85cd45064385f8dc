/* A struct argument is copied at the defer: later changes do not reach the call. */
#include "pair.h"

struct point {
    int x, y;
};

static void show(struct point *p) { printf("deferred point %d %d\n", p->x, p->y); }

int main(void) {
    struct point p = {1, 2};
    go_frame {
        go_defer_val(show, p);
        p.x = 10, p.y = 20;
        go_defer_val(show, p);
        p.x = 100;
        printf("final point %d %d\n", p.x, p.y);
    }
    return 0;
}
