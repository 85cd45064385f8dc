/* A request handler that dereferences NULL does not take the server down: with
 * go_set_panic_on_fault, the fault is Go's runtime error panic, and the loop recovers it. */
#include <godefer.h>
#include <string.h>

struct request { const char *path; const char *body; };

static size_t handle(const struct request *rq) {
    return strlen(rq->body); /* a request without a body crashes here */
}

static void log_failure(const struct request *rq) {
    go_any r = go_recover();
    if (go_isnil(r)) return;
    printf("request %s failed: ", rq->path);
    go_fprint(stdout, r);
    printf("\n");
}

static void serve(const struct request *rq) {
    go_frame {
        go_defer(log_failure, rq);
        printf("request %s: %zu bytes\n", rq->path, handle(rq));
    }
}

int main(void) {
    go_set_panic_on_fault(true);
    struct request reqs[] = {{"/a", "hello"}, {"/b", NULL}, {"/c", "still serving"}};
    for (int i = 0; i < 3; i++) serve(&reqs[i]);
    return 0;
}
