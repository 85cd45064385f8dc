/* What the program printed before dying is all on stdout (C's buffers are flushed). */
#include "pair.h"

int main(void) {
    for (int i = 0; i < 100; i++) printf("%d ", i);
    printf("no newline at the end");
    go_panic(go_str("exit"));
}
