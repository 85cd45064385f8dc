/* testprog GoexitDeadlock: main calls Goexit while other goroutines run; when they end,
 * the program dies because no goroutine is left. */
#include "pair.h"

static void *F(void *arg) {
    int n = (int)(intptr_t)arg;
    volatile int s = 0;
    for (int i = 0; i < n; i++) s += i;
    (void)s;
    return NULL;
}

int main(void) {
    pthread_t t1, t2;
    pthread_create(&t1, NULL, F, (void *)(intptr_t)10);
    pthread_create(&t2, NULL, F, (void *)(intptr_t)20);
    printf("main calls Goexit\n");
    go_goexit();
}
