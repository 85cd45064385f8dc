/* A large array argument is copied when the defer statement runs. */
#include "pair.h"

typedef struct {
    unsigned char b[4096];
} block;

static void sum(block *b) {
    int s = 0;
    for (int i = 0; i < 4096; i++) s += b->b[i];
    printf("deferred sum %d first %d last %d\n", s, b->b[0], b->b[4095]);
}

int main(void) {
    block b;
    for (int i = 0; i < 4096; i++) b.b[i] = (unsigned char)(i % 7);
    go_frame {
        go_defer_val(sum, b);
        memset(b.b, 0, sizeof b.b);
        printf("cleared\n");
    }
    return 0;
}
