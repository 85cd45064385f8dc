/* Deferred calls made in a loop run newest first (test/defer.go's shape). */
#include "pair.h"

static void print_int(int *i) { printf("%d", *i); }

static void count(void) {
    go_frame {
        for (int i = 0; i < 10; i++) go_defer_val(print_int, i);
        printf("loop done: ");
    }
}

int main(void) {
    count();
    printf("\n");
    return 0;
}
