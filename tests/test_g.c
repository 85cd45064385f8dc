/* Goroutines of foreign coroutines (go_g_new, go_g_switch, go_g_free): with the hook
 * around each switch, coroutines of swapcontext, Boost.Context's fcontext and the
 * Portable Coroutine Library each have their own chains; without it, the misuse of
 * issue 11 stays a fatal error. */
#include <godefer.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <ucontext.h>

#include "faults.h"
#include "harness.h"
#include "two_level.h"

#ifndef HAVE_VALGRIND_H
#define VALGRIND_STACK_REGISTER(lo, hi) ((void)(lo), (void)(hi), 0u)
#define VALGRIND_STACK_DEREGISTER(id) ((void)(id))
#endif

#define STACK (256 * 1024)

/* ---- one scheduler, three switchers -------------------------------------------------
 * A switcher starts a coroutine, resumes it until it yields or ends, and yields back. */
typedef struct co co;
typedef struct switcher {
    const char *name;
    void (*start)(co *c, void (*body)(co *));
    void (*resume)(co *c); /* returns when c yields or ends */
    void (*yield)(co *c);
    void (*destroy)(co *c);
} switcher;

struct co {
    const char *name;
    go_g *g;
    int64_t id;
    bool done;
    const switcher *sw;
    void (*body)(co *);
    void *impl;      /* the switcher's context */
    void *stack;
    unsigned vg;     /* Valgrind's id of the stack */
    void *fiber;     /* ThreadSanitizer's */
    void *fake;      /* AddressSanitizer's fake stack while switched out */
    bool hook;       /* go_g_switch around resume (false: issue 11's misuse) */
};

/* The sanitizers must see each switch, as with any coroutine library: right around it,
 * in the function that makes it. */
#if defined(TEST_ASAN)
void __sanitizer_start_switch_fiber(void **fake, const void *bottom, size_t size);
void __sanitizer_finish_switch_fiber(void *fake, const void **bottom, size_t *size);
static const void *sched_bottom;
static size_t sched_size;
#define SAN_INTO(c) __sanitizer_start_switch_fiber(&sched_fake, (c)->stack, STACK)
#define SAN_BACK() __sanitizer_finish_switch_fiber(sched_fake, NULL, NULL)
#define SAN_OUT(c, dying) __sanitizer_start_switch_fiber((dying) ? NULL : &(c)->fake, \
                                                         sched_bottom, sched_size)
#define SAN_IN(c) __sanitizer_finish_switch_fiber((c)->fake, &sched_bottom, &sched_size)
static void *sched_fake;
#elif defined(TEST_TSAN)
void *__tsan_get_current_fiber(void);
void *__tsan_create_fiber(unsigned flags);
void __tsan_destroy_fiber(void *fiber);
void __tsan_switch_to_fiber(void *fiber, unsigned flags);
static void *sched_fiber;
#define SAN_INTO(c)                                                                   \
    (sched_fiber = __tsan_get_current_fiber(),                                        \
     (c)->fiber = (c)->fiber ? (c)->fiber : __tsan_create_fiber(0),                  \
     __tsan_switch_to_fiber((c)->fiber, 0))
#define SAN_BACK() ((void)0)
#define SAN_OUT(c, dying) ((void)(c), __tsan_switch_to_fiber(sched_fiber, 0))
#define SAN_IN(c) ((void)(c))
#else
#define SAN_INTO(c) ((void)0)
#define SAN_BACK() ((void)0)
#define SAN_OUT(c, dying) ((void)(c))
#define SAN_IN(c) ((void)(c))
#endif

/* The hook: the resumed coroutine's goroutine is current while it runs. */
static void run(co *c) {
    go_g *prev = c->hook ? go_g_switch(c->g) : NULL;
    c->sw->resume(c);
    if (c->hook) go_g_switch(prev);
}

static co *running; /* the coroutine being resumed */
static void yield(void) {
    running->sw->yield(running);
}

/* Round robin until every coroutine has ended. */
static void schedule(co *cs, int n) {
    for (bool any = true; any;) {
        any = false;
        for (int i = 0; i < n; i++) {
            if (cs[i].done) continue;
            running = &cs[i];
            run(&cs[i]);
            running = NULL;
            any = true;
        }
    }
}

/* A stack of STACK bytes, known to Valgrind as one (it would take a switch between two
 * heap blocks for a huge stack frame). */
static void *stack_new(co *c) {
    c->stack = malloc(STACK);
    c->vg = VALGRIND_STACK_REGISTER(c->stack, (char *)c->stack + STACK);
    return c->stack;
}
static void stack_free(co *c) {
#if defined(TEST_TSAN)
    if (c->fiber) __tsan_destroy_fiber(c->fiber);
#endif
    VALGRIND_STACK_DEREGISTER(c->vg);
    free(c->stack);
}

static void entry(co *c) {
    SAN_IN(c);
    c->body(c);
    c->done = true;
}

/* ---- swapcontext --------------------------------------------------------------------- */
static ucontext_t uc_sched;

/* Each switcher's last switch out of a coroutine follows SAN_OUT directly: ThreadSanitizer
 * would take the return of a function in between for one of the fiber switched to. */
static void uc_entry(unsigned hi, unsigned lo) {
    co *c = (co *)(((uintptr_t)hi << 32) | lo);
    entry(c);
    SAN_OUT(c, true);
    setcontext(&uc_sched);
}
static void uc_start(co *c, void (*body)(co *)) {
    ucontext_t *u = calloc(1, sizeof *u);
    getcontext(u);
    u->uc_stack.ss_sp = stack_new(c);
    u->uc_stack.ss_size = STACK;
    uintptr_t p = (uintptr_t)c;
    makecontext(u, (void (*)(void))uc_entry, 2, (unsigned)(p >> 32), (unsigned)p);
    c->impl = u;
    c->body = body;
}
static void uc_resume(co *c) {
    SAN_INTO(c);
    swapcontext(&uc_sched, c->impl);
    SAN_BACK();
}
static void uc_yield(co *c) {
    SAN_OUT(c, false);
    swapcontext(c->impl, &uc_sched);
    SAN_IN(c);
}
static void uc_destroy(co *c) {
    free(c->impl);
    stack_free(c);
}
static const switcher sw_ucontext = {"ucontext", uc_start, uc_resume, uc_yield, uc_destroy};

/* ---- Boost.Context: make_fcontext / jump_fcontext (declared as Boost's asm defines them:
 * its header is C++) ------------------------------------------------------------------- */
#ifdef GODEFER_TEST_FCONTEXT
typedef void *fcontext_t;
typedef struct transfer_t {
    fcontext_t fctx;
    void *data;
} transfer_t;
transfer_t jump_fcontext(fcontext_t const to, void *vp);
fcontext_t make_fcontext(void *sp, size_t size, void (*fn)(transfer_t));

static fcontext_t fc_sched; /* where the running coroutine yields to */

static void fc_entry(transfer_t t) {
    fc_sched = t.fctx;
    entry(t.data);
    SAN_OUT((co *)t.data, true);
    jump_fcontext(fc_sched, NULL); /* never resumed again */
}
static void fc_start(co *c, void (*body)(co *)) {
    c->impl = make_fcontext((char *)stack_new(c) + STACK, STACK, fc_entry);
    c->body = body;
}
static void fc_resume(co *c) {
    SAN_INTO(c);
    c->impl = jump_fcontext(c->impl, c).fctx;
    SAN_BACK();
}
static void fc_yield(co *c) {
    SAN_OUT(c, false);
    fc_sched = jump_fcontext(fc_sched, NULL).fctx;
    SAN_IN(c);
}
static void fc_destroy(co *c) { stack_free(c); }
static const switcher sw_fcontext = {"fcontext", fc_start, fc_resume, fc_yield, fc_destroy};
#endif

/* ---- the Portable Coroutine Library ---------------------------------------------------- */
#ifdef GODEFER_TEST_PCL
#include <pcl.h>

static void pcl_entry(void *c) {
    entry(c);
    SAN_OUT((co *)c, true);
    co_exit(); /* ends (and deletes) it */
}
static void pcl_start(co *c, void (*body)(co *)) {
    c->body = body;
    c->impl = co_create(pcl_entry, c, stack_new(c), STACK);
}
static void pcl_resume(co *c) {
    SAN_INTO(c);
    co_call(c->impl);
    SAN_BACK();
}
static void pcl_yield(co *c) {
    SAN_OUT(c, false);
    co_resume();
    SAN_IN(c);
}
static void pcl_destroy(co *c) { stack_free(c); }
static const switcher sw_pcl = {"pcl", pcl_start, pcl_resume, pcl_yield, pcl_destroy};
#endif

/* ---- the scenario: frames, yields inside them, a panic recovered while the other
 * coroutine is suspended inside its own frames ----------------------------------------- */
static void check_goid(void *arg) {
    co *c = arg;
    if (go_goid() != c->id) tlog("%s:wrong-goid", c->name);
}
static void two_level(co *c) { two_level_run(&c->name, yield, check_goid, c); }

static void main_done(void *u) {
    (void)u;
    tlog("main.deferred");
}

static void scenario(const switcher *sw) {
    tlog_reset();
    co cs[2] = {{.name = "A", .sw = sw, .hook = true}, {.name = "B", .sw = sw, .hook = true}};
    for (int i = 0; i < 2; i++) {
        cs[i].g = go_g_new();
        go_g *prev = go_g_switch(cs[i].g);
        cs[i].id = go_goid();
        go_g_switch(prev);
        sw->start(&cs[i], two_level);
    }
    go_frame {
        go_defer(main_done, NULL);
        schedule(cs, 2);
        tlog("main.goid=%lld", (long long)go_goid());
    }
    ASSERT_LOG("A.start B.start A.inner A.recovered=A A.after B.inner B.recovered=B B.after "
               "A.outer A.end B.outer B.end main.goid=1 main.deferred");
    ASSERT(cs[0].id > 1 && cs[1].id > cs[0].id);
    for (int i = 0; i < 2; i++) {
        go_g_free(cs[i].g);
        sw->destroy(&cs[i]);
    }
}

static void test_ucontext(void) { scenario(&sw_ucontext); }
#ifdef GODEFER_TEST_FCONTEXT
static void test_fcontext(void) { scenario(&sw_fcontext); }
#endif
#ifdef GODEFER_TEST_PCL
static void test_pcl(void) { scenario(&sw_pcl); }
#endif

/* A fault in a coroutine becomes a panic on its own stack, recovered there, while the
 * other one waits inside its frame (panic-on-fault is per goroutine, as in Go). */
static void fault_recover(co *c) {
    go_any r = go_recover();
    go_fault f;
    if (go_fault_info(r, &f)) tlog("%s.fault@%lx", c->name, (unsigned long)f.addr);
}
static void fault_body(co *c) {
    go_frame {
        go_defer(log_outer, &c->name);
        if (c->name[0] == 'F') {
            go_set_panic_on_fault(true);
            go_frame {
                go_defer(fault_recover, c);
                VALGRIND_DISABLE_ERROR_REPORTING; /* the fault is the point */
                sink = deref_nil();
            }
            VALGRIND_ENABLE_ERROR_REPORTING;
        } else {
            yield();
        }
        tlog("%s.after", c->name);
    }
}

static void test_fault(void) {
    co cs[2] = {{.name = "W", .sw = &sw_ucontext, .hook = true},
                {.name = "F", .sw = &sw_ucontext, .hook = true}};
    for (int i = 0; i < 2; i++) {
        cs[i].g = go_g_new();
        sw_ucontext.start(&cs[i], fault_body);
    }
    schedule(cs, 2);
    ASSERT_LOG("F.fault@0 F.after F.outer W.after W.outer");
    ASSERT(!go_set_panic_on_fault(false)); /* the main goroutine's flag was not set */
    for (int i = 0; i < 2; i++) {
        go_g_free(cs[i].g);
        sw_ucontext.destroy(&cs[i]);
    }
}

/* Ids: unique and increasing, from the counter that threads use too. */
static void *thread_id(void *out) {
    *(int64_t *)out = go_goid();
    return NULL;
}
static void test_ids(void) {
    go_g *a = go_g_new(), *b = go_g_new();
    go_g *prev = go_g_switch(a);
    int64_t ia = go_goid();
    go_g_switch(b);
    int64_t ib = go_goid();
    go_g *back = go_g_switch(prev);
    ASSERT(back == b);
    ASSERT_INT(go_goid(), 1);
    int64_t it = 0;
    pthread_t t;
    pthread_create(&t, NULL, thread_id, &it);
    pthread_join(t, NULL);
    ASSERT(ia > 1 && ib > ia && it > ib);
    ASSERT(go_g_switch(prev) == prev); /* a switch to the current one changes nothing */
    go_g_free(a);
    go_g_free(b);
    go_g_free(NULL);
}

/* ---- crashes ------------------------------------------------------------------------- */

/* Issue 11: two coroutines in frames, switched without the hook: still misuse. */
static void child_no_hook(void) {
    co cs[2] = {{.name = "A", .sw = &sw_ucontext}, {.name = "B", .sw = &sw_ucontext}};
    for (int i = 0; i < 2; i++) sw_ucontext.start(&cs[i], two_level);
    schedule(cs, 2);
}

/* An unrecovered panic in a coroutine: the report names its goroutine. */
static void boom(co *c) {
    go_frame {
        go_defer(log_outer, &c->name);
        yield();
        printf("goid=%lld\n", (long long)go_goid());
        go_panic(go_str("coroutine boom"));
    }
}
static void child_panic(void) {
    co cs[2] = {{.name = "A", .sw = &sw_ucontext, .hook = true},
                {.name = "B", .sw = &sw_ucontext, .hook = true}};
    for (int i = 0; i < 2; i++) {
        cs[i].g = go_g_new();
        sw_ucontext.start(&cs[i], i ? boom : two_level);
    }
    schedule(cs, 2);
}

/* go_g_free of a goroutine suspended inside a frame. */
static void child_free_framed(void) {
    co c = {.name = "A", .sw = &sw_ucontext, .hook = true, .g = go_g_new()};
    sw_ucontext.start(&c, two_level);
    running = &c;
    run(&c);
    go_g_free(c.g);
}
static void child_free_current(void) {
    go_g *g = go_g_new();
    go_g_switch(g);
    go_g_free(g);
}
static void child_free_own(void) { go_g_free(go_g_switch(go_g_new())); }
static void *switch_to(void *g) {
    go_g_switch(g);
    return NULL;
}
static void child_switch_other_own(void) {
    go_g *own = go_g_switch(go_g_new()); /* main's own goroutine, now switched out */
    pthread_t t;
    pthread_create(&t, NULL, switch_to, own);
    pthread_join(t, NULL);
}
static void child_switch_nil(void) { go_g_switch(NULL); }

static void test_no_hook_is_misuse(void) {
    child_result *r = run_child("no_hook");
    ASSERT_INT(r->status, 2);
    /* A's panic is recovered in B's frame, on B's stack.  The jump lands there and leaves
     * frames out of order (or by longjmp); where a C++ runtime is linked (Boost.Context's)
     * the recovery unwinds A's stack instead, which ends without reaching B's frame (or,
     * if B's stack lies above A's, lands as the jump does): fatal either way. */
    const char *left = "fatal error: go_frame left ";
    const char *unwound = "fatal error: recovery: a frame between the panic and the recovering "
                          "go_frame has no unwind information, or the go_frame is on another stack";
    if (!strstr(r->err, left)) ASSERT_CONTAINS(r->err, unwound);
}

static void test_panic_names_goroutine(void) {
    expect_panic_in_goroutine(run_child("panic"), "coroutine boom");
}

static void test_misuse(void) {
    expect_fatal("free_framed", "go_g_free: goroutine has frames or panics");
    expect_fatal("free_current", "go_g_free: goroutine is current on a thread");
    expect_fatal("free_own", "go_g_free: a thread's own goroutine");
    expect_fatal("switch_other_own", "go_g_switch: another thread's own goroutine");
    expect_fatal("switch_nil", "go_g_switch: nil goroutine");
}

static const harness_case cases[] = {
    {"ucontext", test_ucontext},
#ifdef GODEFER_TEST_FCONTEXT
    {"fcontext", test_fcontext},
#endif
#ifdef GODEFER_TEST_PCL
    {"pcl", test_pcl},
#endif
    {"fault", test_fault},
    {"ids", test_ids},
    {"no_hook_is_misuse", test_no_hook_is_misuse},
    {"panic_names_goroutine", test_panic_names_goroutine},
    {"misuse", test_misuse},
    {0},
};
static const harness_case children[] = {
    {"no_hook", child_no_hook},
    {"panic", child_panic},
    {"free_framed", child_free_framed},
    {"free_current", child_free_current},
    {"free_own", child_free_own},
    {"switch_other_own", child_switch_other_own},
    {"switch_nil", child_switch_nil},
    {0},
};

int main(int argc, char **argv) { return harness_main(argc, argv, cases, children); }
