/* Goroutines on threads: go_go (ids, evaluation order, the report's "created by" line,
 * Goexit, misuse) and groups (wait, contained panics, the first value, reuse, misuse),
 * with ports of Go's goroutine tests (runtime/crash_test.go, test/fixedbugs). */
#define _GNU_SOURCE
#include <godefer.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <sys/syscall.h>
#include <time.h>

#include "faults.h" /* TEST_ASAN */
#include "harness.h"

/* "+0x1f" offsets become "+0x?": what the trace checks compare is everything else. */
__attribute__((unused)) static const char *no_offsets(const char *s) {
    static char out[65536];
    size_t n = 0;
    while (*s && n < sizeof out - 8) {
        if (s[0] == '+' && s[1] == '0' && s[2] == 'x') {
            memcpy(out + n, "+0x?", 4);
            n += 4;
            for (s += 3; (*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f'); s++) {
            }
        } else {
            out[n++] = *s++;
        }
    }
    out[n] = '\0';
    return out;
}

/* ---- go_go ------------------------------------------------------------------------- */

#define NIDS 16
static int64_t seen[NIDS];
static sem_t done;

static void record_id(int64_t *slot) {
    *slot = go_goid();
    sem_post(&done);
}

/* The id go_go returns is the one the goroutine sees; ids are unique and increasing. */
static void test_ids(void) {
    int64_t got[NIDS];
    sem_init(&done, 0, 0);
    for (int i = 0; i < NIDS; i++) got[i] = go_go(record_id, &seen[i]);
    for (int i = 0; i < NIDS; i++) sem_wait(&done);
    for (int i = 0; i < NIDS; i++) {
        ASSERT_INT(seen[i], got[i]);
        ASSERT(got[i] > 1);
        if (i) ASSERT(got[i] > got[i - 1]);
    }
    ASSERT_INT(go_goid(), 1);
    sem_destroy(&done);
}

/* Go evaluates the function value, then the arguments, in the calling goroutine; the
 * group first for go_group_go (the receiver of g.Go). */
static void noop(int *x) { (void)x; }
static int order_arg;
static void (*pick_fn(void))(int *) {
    tlog("fn");
    return noop;
}
static int *pick_arg(void) {
    tlog("arg");
    return &order_arg;
}
static go_group *order_group;
static go_group *pick_group(void) {
    tlog("group");
    return order_group;
}
static void test_evaluation_order(void) {
    order_group = go_group_new();
    go_group_go(pick_group(), pick_fn(), pick_arg());
    ASSERT_LOG("group fn arg");
    ASSERT(go_isnil(go_group_wait(order_group)));
    go_group_free(order_group);
    tlog_reset();
    sem_init(&done, 0, 0);
    int64_t id = go_go(pick_fn(), pick_arg());
    ASSERT_LOG("fn arg");
    ASSERT(id > 1);
    go_group *g = go_group_new();
    go_group_go(g, record_id, &seen[0]); /* posts done */
    go_group_wait(g);
    go_group_free(g);
    sem_wait(&done);
    sem_destroy(&done);
}

/* An unrecovered panic in a goroutine: Go's report for that goroutine, with "created by
 * <function> in goroutine <id>" and the place of the go statement. */
static sem_t go_ahead;
enum { PANICKER_LINE = __LINE__ + 3 }; /* go_panic's */
__attribute__((noinline)) static void panicker(int *x) {
    sem_wait(&go_ahead);
    go_panic(go_int(*x));
}
static int boom = 42;
static void child_go_panic(void) {
    sem_init(&go_ahead, 0, 0);
    int line = __LINE__ + 1;
    int64_t id = go_go(panicker, &boom);
    printf("%lld %d\n", (long long)id, line);
    fflush(stdout);
    sem_post(&go_ahead);
    for (;;) pause(); /* the goroutine's panic ends the process */
}
static void test_report_created_by(void) {
    child_result *r = run_child("go_panic");
    ASSERT_INT(r->status, 2);
    long long id = 0;
    int line = 0;
    ASSERT_INT(sscanf(r->out, "%lld %d", &id, &line), 2);
    char want[4096];
    snprintf(want, sizeof want, "panic: 42\n\ngoroutine %lld [running]:\n", id);
    ASSERT(strncmp(r->err, want, strlen(want)) == 0);
    ASSERT_CONTAINS(r->err, "\ncreated by ");
    ASSERT_CONTAINS(r->err, " in goroutine 1\n\t");
#ifdef GODEFER_TEST_SYMBOLS
    snprintf(want, sizeof want,
             "panic: 42\n\ngoroutine %lld [running]:\n"
             "panicker(...)\n\t%s:%d +0x?\n"
             "created by child_go_panic in goroutine 1\n\t%s:%d +0x?\n",
             id, __FILE__, (int)PANICKER_LINE, __FILE__, line);
    ASSERT_STR(no_offsets(r->err), want);
#endif
}

/* A goroutine made by a goroutine names its creator and the creator's id. */
static int64_t inner_parent;
static void inner_panics(int *x) { go_panic(go_int(*x)); }
static void starts_inner(int *x) {
    inner_parent = go_goid();
    printf("%lld\n", (long long)inner_parent);
    fflush(stdout);
    go_go(inner_panics, x);
    for (;;) pause();
}
static void child_nested_created_by(void) {
    go_go(starts_inner, &boom);
    for (;;) pause();
}
static void test_nested_created_by(void) {
    child_result *r = run_child("nested_created_by");
    ASSERT_INT(r->status, 2);
    long long parent = 0;
    ASSERT_INT(sscanf(r->out, "%lld", &parent), 1);
    ASSERT(parent > 1);
    char want[256];
    snprintf(want, sizeof want, " in goroutine %lld\n\t", parent);
    ASSERT_CONTAINS(r->err, want);
    IF_SYMBOLS(ASSERT_CONTAINS(r->err, "\ncreated by starts_inner in goroutine "));
}

/* A fatal error in a goroutine (here: a thread exiting inside a frame) prints the
 * created-by line too, as Go's throw does. */
static void exits_in_frame(int *x) {
    go_frame { pthread_exit(x); }
}
static void child_fatal_in_goroutine(void) {
    go_go(exits_in_frame, &boom);
    for (;;) pause();
}
static void test_fatal_in_goroutine(void) {
#ifdef __EXCEPTIONS
    SKIP("built with -fexceptions, pthread_exit runs the frame's cleanup: no fatal error "
         "(test_misuse pthread_exit_in_frame)");
#endif
    child_result *r = run_child("fatal_in_goroutine");
    ASSERT_INT(r->status, 2);
    ASSERT_CONTAINS(r->err, "fatal error: thread exited inside a go_frame");
    ASSERT_CONTAINS(r->err, " in goroutine 1\n\t");
    IF_SYMBOLS(ASSERT_CONTAINS(r->err, "\ncreated by child_fatal_in_goroutine in goroutine 1\n\t"));
}

/* runtime's TestGoexitDefer: recover returns nil in a deferred call run by Goexit, and the
 * goroutine ends (the code after go_goexit never runs). */
static atomic_int goexit_ok = 0;
static void check_goexit_recover(sem_t *s) {
    go_any r = go_recover();
    atomic_store(&goexit_ok, go_isnil(r) ? 1 : 2);
    sem_post(s);
}
static void goexits(sem_t *s) {
    go_frame {
        go_defer(check_goexit_recover, s);
        go_goexit();
    }
    atomic_store(&goexit_ok, 3); /* not reached */
}
static void test_goexit_defer(void) {
    sem_t s;
    sem_init(&s, 0, 0);
    go_go(goexits, &s);
    sem_wait(&s);
    ASSERT_INT(atomic_load(&goexit_ok), 1);
    sem_destroy(&s);
}

/* testprog GoNil: "fatal error: go of nil func value", which no recover stops. */
static void recovers(void *p) {
    (void)p;
    go_recover();
}
static void child_go_nil(void) {
    go_frame {
        go_defer(recovers, NULL);
        void (*f)(int *) = NULL;
        go_go(f, &boom);
    }
    puts("not reached");
}
static void test_go_nil(void) {
    child_result *r = run_child("go_nil");
    ASSERT_INT(r->status, 2);
    ASSERT_STR(report_head(r), "fatal error: go of nil func value\n");
    ASSERT_CONTAINS(r->err, "\n\ngoroutine 1 [running]:\n");
    IF_SYMBOLS(ASSERT_CONTAINS(r->err, "[running]:\nchild_go_nil(...)\n"));
    ASSERT_STR(r->out, "");
}

/* testprog GoexitDeadlock: goroutines end, main called Goexit. */
static void loops(int *x) {
    for (volatile int i = 0; i < 10; i++) (void)x;
}
static void child_goexit_deadlock(void) {
    go_go(loops, &boom);
    go_go(loops, &boom);
    go_goexit();
}
static void test_goexit_deadlock(void) {
#ifdef GO__TSAN
    /* ThreadSanitizer's background thread never ends (test_goexit.c, main_goexit). */
    SKIP("main's Goexit with another thread, under ThreadSanitizer");
#else
    child_result *r = run_child("goexit_deadlock");
    ASSERT_INT(r->status, 2);
    ASSERT_STR(r->err, "fatal error: no goroutines (main called runtime.Goexit) - deadlock!\n");
#endif
}

/* Go's newosproc failure: the thread cannot be made (here: no room for its stack). */
static void child_no_thread(void) {
    pthread_attr_t a;
    pthread_attr_init(&a);
    pthread_attr_setstacksize(&a, (size_t)1 << 46); /* 64 TiB */
    pthread_setattr_default_np(&a);
    go_go(noop, &order_arg);
    puts("not reached");
}
static void test_thread_creation_fails(void) {
    const char *emu = getenv("GODEFER_TEST_EMULATOR");
    if (emu && *emu) SKIP("qemu-user dies mapping the 64 TiB stack instead of failing");
    child_result *r = run_child("no_thread");
    ASSERT_INT(r->status, 2);
    int have = 0, err = 0;
    ASSERT_INT(sscanf(r->err, "runtime: failed to create new OS thread (have %d already; "
                              "errno=%d)\n", &have, &err), 2);
    ASSERT(have >= 1);
    /* EAGAIN from glibc (no memory for the stack); valgrind says EINVAL */
    char want[512];
    snprintf(want, sizeof want, " already; errno=%d)\n%sfatal error: newosproc\n\n"
             "goroutine 1 [running]:\n", err, err == EAGAIN ? "runtime: may need to increase "
             "max user processes (ulimit -u)\n" : "");
    ASSERT(err == EAGAIN || err == EINVAL);
    ASSERT_CONTAINS(r->err, want);
    ASSERT_STR(r->out, "");
}

/* Go's main returning does not wait for goroutines. */
static void blocks(int *x) {
    (void)x;
    for (;;) pause();
}
static void child_main_returns(void) {
    go_go(blocks, &boom);
    puts("main returns");
}
static void test_main_does_not_wait(void) {
    child_result *r = run_child("main_returns");
    ASSERT_INT(r->status, 0);
    ASSERT_STR(r->out, "main returns\n");
    ASSERT_STR(r->err, "");
}

/* test/fixedbugs/issue40629.go: a deferred call run by a panic starts a goroutine (that
 * uses its own stack) and waits for it; the frames below the panic stay intact, and an
 * earlier deferred call recovers. */
#define N40629 40
static void use_stack(int n) {
    volatile char pad[256];
    pad[0] = (char)n;
    if (n) use_stack(n - 1);
    (void)pad[0];
}
static void deep(int *x) { use_stack(*x); }
static void start_and_wait(void *unused) {
    (void)unused;
    static int depth = 1000;
    go_group *g = go_group_new();
    go_group_go(g, deep, &depth);
    go_any v = go_group_wait(g);
    go_group_free(g);
    if (!go_isnil(v)) tlog("group panicked");
}
static void check_intact(int *x) {
    go_recover();
    for (int i = 0; i < N40629; i++)
        if (x[i] != 0x999) tlog("corrupted x[%d]", i);
    tlog("checked");
}
static void test_issue40629(void) {
    int x[N40629];
    for (int i = 0; i < N40629; i++) x[i] = 0x999;
    go_frame {
        go_defer(check_intact, x);
        go_defer(start_and_wait, NULL);
        go_panic(go_str("fault"));
    }
    ASSERT_LOG("checked");
}

/* ---- groups ------------------------------------------------------------------------ */

#define NG 100
enum { RETURNS, RECOVERS, GOEXITS, PANICS };
static atomic_int ran_deferred, after_goexit;
static long first_tid; /* the thread of the goroutine that must panic first */

typedef struct job {
    int i, kind;
} job;
static job jobs[NG];

static void count_deferred(job *j) {
    (void)j;
    atomic_fetch_add(&ran_deferred, 1);
}
static void recover_it(job *j) {
    go_any r = go_recover();
    if (!(r.type == &go_type_int && r.v.i == j->i)) tlog("bad recover %d", j->i);
}
/* Whether the thread tid has ended (its panic, if any, was recorded before). */
static bool thread_gone(long tid) { return syscall(SYS_tgkill, getpid(), tid, 0) != 0; }

static void work(job *j) {
    go_frame {
        go_defer(count_deferred, j);
        switch (j->kind) {
        case RETURNS:
            break;
        case RECOVERS:
            go_frame {
                go_defer(recover_it, j);
                go_panic(go_int(j->i));
            }
            break;
        case GOEXITS:
            go_goexit();
            atomic_fetch_add(&after_goexit, 1); /* not reached */
            break;
        case PANICS:
            if (j->i == 3) {
                __atomic_store_n(&first_tid, gettid(), __ATOMIC_RELEASE);
                go_panicf("first %d", j->i); /* owned by godefer, then by the waiter */
            }
            while (!__atomic_load_n(&first_tid, __ATOMIC_ACQUIRE) ||
                   !thread_gone(__atomic_load_n(&first_tid, __ATOMIC_ACQUIRE)))
                nanosleep(&(struct timespec){0, 1000000}, NULL);
            if (j->i % 8 == 7) go_panic(go_int(j->i)); /* the user's value */
            go_panicf("later %d", j->i);               /* released by the group */
        }
    }
}

/* 100 goroutines: some return, some recover their own panic, some Goexit, some panic; the
 * wait returns the value of the first unrecovered panic; every deferred call ran; no
 * report (the process goes on). */
static void test_group_wait(void) {
    go_group *g = go_group_new();
    int64_t last = go_goid();
    for (int i = 0; i < NG; i++) {
        jobs[i] = (job){i, i % 4};
        int64_t id = go_group_go(g, work, &jobs[i]);
        ASSERT(id > last);
        last = id;
    }
    go_any v = go_group_wait(g);
    ASSERT_INT(atomic_load(&ran_deferred), NG);
    ASSERT_INT(atomic_load(&after_goexit), 0);
    ASSERT_LOG("");
    char buf[64] = "";
    go_sprint(buf, sizeof buf, v);
    ASSERT_STR(buf, "first 3");
    go_any_release(v); /* go_panicf's string: the caller's now */
    /* each value is returned once; the group is reusable */
    ASSERT(go_isnil(go_group_wait(g)));
    jobs[0] = (job){7, PANICS}; /* first_tid is gone: panics at once, with go_int(7) */
    go_group_go(g, work, &jobs[0]);
    v = go_group_wait(g);
    ASSERT(v.type == &go_type_int && v.v.i == 7);
    go_group_free(g);
}

/* testprog GoexitInPanic and RecoverBeforePanicAfterGoexit in group goroutines: a Goexit
 * in a deferred call cancels the panic; a panic in a Goexit's deferred call, recovered by
 * an earlier one, lets the Goexit go on.  Either way the goroutine ends normally. */
static void goexit_now(void *p) {
    (void)p;
    go_goexit();
}
static void panic_hello(void *p) {
    (void)p;
    go_panic(go_str("hello"));
}
static void must_recover(void *p) {
    (void)p;
    if (go_isnil(go_recover())) tlog("bad recover");
}
static void goexit_in_panic(int *x) {
    (void)x;
    go_frame {
        go_defer(goexit_now, NULL);
        go_panic(go_str("hello"));
    }
}
static void recover_before_panic_after_goexit(int *x) {
    (void)x;
    go_frame {
        go_defer(must_recover, NULL);
        go_defer(panic_hello, NULL);
        go_goexit();
    }
    tlog("goexit cancelled");
}
static void test_group_goexit(void) {
    go_group *g = go_group_new();
    go_group_go(g, goexit_in_panic, &boom);
    go_group_go(g, recover_before_panic_after_goexit, &boom);
    ASSERT(go_isnil(go_group_wait(g)));
    ASSERT_LOG("");
    go_group_free(g);
}
static void child_goexit_in_panic(void) {
    go_go(goexit_in_panic, &boom);
    go_goexit();
}
static void test_goexit_in_panic(void) {
#ifdef GO__TSAN
    SKIP("main's Goexit with another thread, under ThreadSanitizer");
#else
    child_result *r = run_child("goexit_in_panic");
    ASSERT_INT(r->status, 2);
    ASSERT_STR(r->err, "fatal error: no goroutines (main called runtime.Goexit) - deadlock!\n");
#endif
}

/* A group goroutine that starts more goroutines in the group while main waits. */
static go_group *spawn_group;
static atomic_int spawned;
static void leaf(int *x) {
    (void)x;
    atomic_fetch_add(&spawned, 1);
}
static void spawner(int *n) {
    for (int i = 0; i < *n; i++) go_group_go(spawn_group, leaf, n);
}
static void test_group_spawns_while_waiting(void) {
    static int n = 20;
    spawn_group = go_group_new();
    go_group_go(spawn_group, spawner, &n);
    ASSERT(go_isnil(go_group_wait(spawn_group)));
    ASSERT_INT(atomic_load(&spawned), 20);
    go_group_free(spawn_group);
    go_group_free(NULL);
}

/* Freeing a group whose goroutines were not waited for. */
static void child_free_running(void) {
    go_group *g = go_group_new();
    go_group_go(g, blocks, &boom);
    go_group_free(g);
    puts("not reached");
}
static void test_free_running(void) {
    child_result *r = run_child("free_running");
    ASSERT_INT(r->status, 2);
    ASSERT_STR(report_head(r), "fatal error: go_group_free: the group has goroutines not "
                               "waited for (call go_group_wait first)\n");
    ASSERT_STR(r->out, "");
}

/* pthread_exit in a group goroutine leaves the group's frame: the fatal error of a thread
 * exiting inside a frame (api.md: end it with go_goexit). */
static void child_pthread_exit_in_group(void) {
    go_group *g = go_group_new();
    go_group_go(g, (void (*)(int *))pthread_exit, &boom);
    go_group_wait(g);
    puts("not reached");
}
static void test_pthread_exit_in_group(void) {
#ifdef TEST_ASAN
    /* The frames pthread_exit skipped stay poisoned, and ASan's own CHECK fails describing
     * them at the fatal error's noreturn call (asan_thread.cpp:371, GCC 12's libasan). */
    SKIP("ASan's own CHECK fails on the frames pthread_exit skipped");
#else
    child_result *r = run_child("pthread_exit_in_group");
    ASSERT_INT(r->status, 2);
    ASSERT_CONTAINS(report_head(r), "fatal error: thread exited inside a go_frame");
    ASSERT_STR(r->out, "");
#endif
}

/* A goroutine of the group waiting for its own group. */
static go_group *self_group;
static void waits_for_itself(int *x) {
    (void)x;
    go_group_wait(self_group);
}
static void child_wait_self(void) {
    self_group = go_group_new();
    go_group_go(self_group, waits_for_itself, &boom);
    go_group_wait(self_group);
    puts("not reached");
}
static void test_wait_self(void) {
    child_result *r = run_child("wait_self");
    ASSERT_INT(r->status, 2);
    ASSERT_STR(report_head(r), "fatal error: go_group_wait: called by a goroutine of the "
                               "group, which would wait for itself\n");
    IF_SYMBOLS(ASSERT_CONTAINS(r->err, "\ncreated by child_wait_self in goroutine 1\n\t"));
}

static const harness_case cases[] = {
    {"ids", test_ids},
    {"evaluation_order", test_evaluation_order},
    {"report_created_by", test_report_created_by},
    {"nested_created_by", test_nested_created_by},
    {"fatal_in_goroutine", test_fatal_in_goroutine},
    {"goexit_defer", test_goexit_defer},
    {"go_nil", test_go_nil},
    {"goexit_deadlock", test_goexit_deadlock},
    {"thread_creation_fails", test_thread_creation_fails},
    {"main_does_not_wait", test_main_does_not_wait},
    {"issue40629", test_issue40629},
    {"group_wait", test_group_wait},
    {"group_goexit", test_group_goexit},
    {"goexit_in_panic", test_goexit_in_panic},
    {"group_spawns_while_waiting", test_group_spawns_while_waiting},
    {"free_running", test_free_running},
    {"pthread_exit_in_group", test_pthread_exit_in_group},
    {"wait_self", test_wait_self},
    {0}};
static const harness_case children[] = {
    {"go_panic", child_go_panic},
    {"nested_created_by", child_nested_created_by},
    {"fatal_in_goroutine", child_fatal_in_goroutine},
    {"go_nil", child_go_nil},
    {"goexit_deadlock", child_goexit_deadlock},
    {"no_thread", child_no_thread},
    {"main_returns", child_main_returns},
    {"free_running", child_free_running},
    {"goexit_in_panic", child_goexit_in_panic},
    {"pthread_exit_in_group", child_pthread_exit_in_group},
    {"wait_self", child_wait_self},
    {0}};
int main(int argc, char **argv) { return harness_main(argc, argv, cases, children); }
