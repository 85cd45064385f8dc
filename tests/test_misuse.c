/* Misuse ends the program with a clear "fatal error: ..." and status 2, never with
 * corruption: frames left by longjmp, deferred calls that longjmp out, a thread ending
 * inside a frame, a corrupted chain. */
#include <godefer.h>
#include <pthread.h>
#include <setjmp.h>

#include "harness.h"

static jmp_buf env;
static void say(const char *s) { printf("%s\n", s); }

/* An inner frame left by longjmp: found when the outer frame is left. */
__attribute__((noinline)) static void inner_jumps(void) {
    go_frame {
        go_defer(say, "inner deferred (skipped by longjmp)");
        longjmp(env, 1);
    }
}
static void child_longjmp_out_of_frame(void) {
    go_frame {
        go_defer(say, "outer deferred");
        if (setjmp(env) == 0) inner_jumps();
        printf("back in outer\n");
    }
}

/* A deferred call that longjmps out of its frame's exit: found by the next panic. */
static void jumper(void *u) {
    (void)u;
    longjmp(env, 1);
}
__attribute__((noinline)) static void leaves_by_deferred_jump(void) {
    go_frame {
        go_defer(say, "never runs");
        go_defer(jumper, NULL);
    }
}
static void child_deferred_longjmp(void) {
    if (setjmp(env) == 0) leaves_by_deferred_jump();
    printf("jumped out\n");
    go_panic(go_str("later"));
}

/* A deferred call run by a panic that longjmps out, then a new panic. */
static void child_deferred_longjmp_in_panic(void) {
    if (setjmp(env) == 0) {
        go_frame {
            go_defer(jumper, NULL);
            go_panic(go_str("first"));
        }
    }
    printf("jumped out of a panic\n");
    go_panic(go_str("second"));
}

static void *thread_exits_in_frame(void *arg) {
    go_frame {
        go_defer(say, "skipped");
        pthread_exit(arg);
    }
    return NULL;
}
static void child_pthread_exit_in_frame(void) {
    pthread_t t;
    pthread_create(&t, NULL, thread_exits_in_frame, NULL);
    pthread_join(t, NULL);
    printf("not reached\n");
}

static void child_corrupted_frame(void) {
    go_frame {
        go_defer(say, "x");
        go__f_.n = 1000; /* what a stray write over the frame would do */
        go_panic(go_str("p"));
    }
}

static void test_longjmp_out_of_frame(void) {
    child_result *r = run_child("longjmp_out_of_frame");
    ASSERT_INT(r->status, 2);
    ASSERT_STR(r->out, "back in outer\n");
    ASSERT(strncmp(r->err, "fatal error: go_frame left out of order", 39) == 0);
    ASSERT_CONTAINS(r->err, "\ngoroutine 1 [running]:\n");
}

static void test_deferred_longjmp(void) {
    child_result *r = run_child("deferred_longjmp");
    ASSERT_INT(r->status, 2);
    ASSERT_STR(r->out, "jumped out\n");
    ASSERT(strncmp(r->err, "fatal error: go_frame left by longjmp", 37) == 0);
    r = run_child("deferred_longjmp_in_panic");
    ASSERT_INT(r->status, 2);
    ASSERT_STR(r->out, "jumped out of a panic\n");
    ASSERT(strncmp(r->err, "fatal error: go_panic: an earlier panic was left by longjmp", 59) == 0);
}

static void test_pthread_exit_in_frame(void) {
    child_result *r = run_child("pthread_exit_in_frame");
#ifdef __EXCEPTIONS /* pthread_exit's unwind runs the frame's cleanup, as a recovery's */
    ASSERT_INT(r->status, 0);
    ASSERT_STR(r->out, "skipped\nnot reached\n");
#else
    ASSERT_INT(r->status, 2);
    ASSERT(strncmp(r->err, "fatal error: thread exited inside a go_frame", 44) == 0);
#endif
}

static void test_corrupted_frame(void) {
    child_result *r = run_child("corrupted_frame");
    ASSERT_INT(r->status, 2);
    ASSERT(strncmp(r->err, "fatal error: go_frame: corrupted defer chain", 44) == 0);
}

static const harness_case cases[] = {
    {"longjmp_out_of_frame", test_longjmp_out_of_frame},
    {"deferred_longjmp", test_deferred_longjmp},
    {"pthread_exit_in_frame", test_pthread_exit_in_frame},
    {"corrupted_frame", test_corrupted_frame},
    {NULL, NULL},
};
static const harness_case children[] = {
    {"longjmp_out_of_frame", child_longjmp_out_of_frame},
    {"deferred_longjmp", child_deferred_longjmp},
    {"deferred_longjmp_in_panic", child_deferred_longjmp_in_panic},
    {"pthread_exit_in_frame", child_pthread_exit_in_frame},
    {"corrupted_frame", child_corrupted_frame},
    {NULL, NULL},
};

int main(int argc, char **argv) { return harness_main(argc, argv, cases, children); }
