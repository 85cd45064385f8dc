/* Goroutines run one after another, each with its own deferred calls, panics and
 * recoveries; one ends by Goexit.
 * go-base: main.run
 * go2c: main.job.func1 = job_catch
 */
#include "pair.h"

static void job_done(int *n) { printf("job %d deferred\n", *n); }
static void job_catch(int *n) {
    go_any r = go_recover();
    if (!go_isnil(r)) {
        printf("job %d recovered ", *n);
        go_fprint(stdout, r);
        printf("\n");
    }
}

static void job(int n) {
    go_frame {
        go_defer_val(job_done, n);
        go_defer_val(job_catch, n);
        switch (n) {
        case 1: go_panic(go_int(n * 10));
        case 2: go_goexit();
        }
        printf("job %d done\n", n);
    }
}

static void *run(void *arg) {
    job((int)(intptr_t)arg);
    return NULL;
}

int main(void) {
    for (int n = 0; n < 4; n++) {
        pthread_t t;
        pthread_create(&t, NULL, run, (void *)(intptr_t)n);
        pthread_join(t, NULL);
    }
    printf("all jobs ended\n");
    return 0;
}
