/* Recovery through C++ frames and -fexceptions C frames (issue 15 §1): the recovery
 * unwinds them (libgcc's forced unwind), running destructors and cleanup variables in
 * order, then lands after the recovering block.  Built from tests/CMakeLists.txt with and
 * without -fexceptions (CXX_FEXC is 1 when this unit has it) and at -O0 and the tier's
 * level, with cxx_frames.cpp (the C++ frames) and nocfi.c (a frame without unwind
 * information). */
#include <godefer.h>
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

#include "../faults.h"
#include "../harness.h"

#ifdef __EXCEPTIONS
#define CXX_FEXC 1
#else
#define CXX_FEXC 0
#endif

typedef void (*cxx_fn)(void *);
void cxx_with_dtor(cxx_fn fn, void *arg);
void cxx_nested(cxx_fn fn, void *arg);
void cxx_catch_swallow(cxx_fn fn, void *arg);
void cxx_catch_rethrow(cxx_fn fn, void *arg);
void cxx_noexcept(cxx_fn fn, void *arg);
void cxx_in_catch(cxx_fn fn, void *arg);
int cxx_uncaught(void);
int cxx_has_current(void);
void cxx_throw(void);
int cxx_catch_int(cxx_fn fn, void *arg);
void cxx_dtor_during_throw(cxx_fn fn, void *arg);
void nocfi_call(cxx_fn fn, void *arg);
void cxx_dtor_calls(cxx_fn fn1, cxx_fn fn2);
void cxx_calls_c(cxx_fn fn, void *arg);
void cxx_named(cxx_fn fn, void *arg);
int cxx_fault_plain(volatile int *p), cxx_fault_plain_O0(volatile int *p);
int cxx_fault_nce(volatile int *p), cxx_fault_nce_O0(volatile int *p);

void cxx_log(const char *s) { tlog("%s", s); }
static void say(const char *s) { tlog("%s", s); }

static void panics(void *arg) { go_panic(go_str(arg ? (const char *)arg : "boom")); }

static void recovers(void *u) {
    (void)u;
    go_any r = go_recover();
    if (!go_isnil(r)) tlog("recovered %s", r.v.s);
}

/* go_frame { defer recovers; via(panics) } then "after": the frame under test. */
__attribute__((noinline)) static void recover_around(void (*via)(cxx_fn, void *)) {
    go_frame {
        go_defer(recovers, NULL);
        via(panics, NULL);
        tlog("not reached");
    }
    tlog("after");
}

static void test_cxx_destructor_runs(void) {
    tlog_reset();
    recover_around(cxx_with_dtor);
    ASSERT_LOG("recovered boom dtor after");
    ASSERT_INT(cxx_uncaught(), 0);
    tlog_reset();
    recover_around(cxx_nested);
    ASSERT_LOG("recovered boom inner outer after");
}

/* A C++ frame calling a C function directly (cxx_frames.cpp): the destructor runs, but
 * not where LTO drops it (known_failing in tests/check_builds.sh). */
void c_panics(void) { panics(NULL); }
static void test_cxx_calls_c(void) {
    tlog_reset();
    recover_around(cxx_calls_c);
    ASSERT_LOG("recovered boom dtor after");
}

/* go_set_unwind(false): the jump of pure C, which skips the destructor. */
static void test_unwind_off_skips(void) {
    tlog_reset();
    go_set_unwind(false);
    recover_around(cxx_with_dtor);
    go_set_unwind(true);
    ASSERT_LOG("recovered boom after");
}

static void log_cleanup(const char **s) { tlog("%s", *s); }

/* A C frame with a cleanup variable between the panic and the frame: run under
 * -fexceptions, skipped without (C without exception tables has no landing pad). */
__attribute__((noinline)) static void c_cleanup_frame(cxx_fn fn, void *arg) {
    const char *c __attribute__((cleanup(log_cleanup))) = "c cleanup";
    (void)c;
    fn(arg);
    __asm__ volatile("" ::: "memory"); /* no tail call */
}

static void test_c_cleanup(void) {
    tlog_reset();
    recover_around(c_cleanup_frame);
    ASSERT_LOG(CXX_FEXC ? "recovered boom c cleanup after" : "recovered boom after");
}

/* Cleanups in the recovering function itself: a variable of the block and one of a
 * callee inlined into it, in order, before the landing. */
__attribute__((always_inline)) static inline void inlined_callee(void) {
    const char *b __attribute__((cleanup(log_cleanup))) = "inlined";
    (void)b;
    cxx_with_dtor(panics, NULL);
}

__attribute__((noinline)) static void recover_with_block_cleanups(void) {
    const char *outer __attribute__((cleanup(log_cleanup))) = "outer var";
    go_frame {
        go_defer(recovers, NULL);
        go_defer(say, "deferred");
        const char *a __attribute__((cleanup(log_cleanup))) = "block var";
        inlined_callee();
        tlog("not reached %s", a);
    }
    tlog("after");
    (void)outer;
}

static void test_inlined_and_block_cleanups(void) {
    tlog_reset();
    recover_with_block_cleanups();
    ASSERT_LOG(CXX_FEXC ? "deferred recovered boom dtor inlined block var after outer var"
                        : "deferred recovered boom dtor after outer var");
}

/* Recovery from inside a C++ catch block: the catch ends (__cxa_end_catch), no exception
 * is left current or uncaught. */
static void test_recover_in_catch(void) {
    tlog_reset();
    recover_around(cxx_in_catch);
    ASSERT_LOG("recovered boom in catch after");
    ASSERT_INT(cxx_uncaught(), 0);
    ASSERT_INT(cxx_has_current(), 0);
}

/* catch (...) { throw; }: the unwind goes on, and uncaught_exceptions() is 0 after. */
static void test_catch_rethrow(void) {
    tlog_reset();
    recover_around(cxx_catch_rethrow);
    ASSERT_LOG("recovered boom dtor catch after");
    ASSERT_INT(cxx_uncaught(), 0);
    ASSERT_INT(cxx_has_current(), 0);
}

/* A panic recovered inside a destructor that a C++ throw runs: the throw goes on. */
static void recover_in_dtor(void *u) {
    (void)u;
    recover_around(cxx_with_dtor);
}

static void test_recover_in_dtor_during_throw(void) {
    tlog_reset();
    cxx_dtor_during_throw(recover_in_dtor, NULL);
    ASSERT_LOG("in dtor, throwing recovered boom dtor after dtor done, throwing caught 7");
    ASSERT_INT(cxx_uncaught(), 0);
}

/* A C++ exception through a C go_frame: with -fexceptions its deferred calls run and it
 * is unlinked, so what follows sees a clean chain. */
__attribute__((noinline)) static void frame_then_throw(void *u) {
    (void)u;
    go_frame {
        go_defer(say, "deferred");
        cxx_throw();
    }
}

static void test_cxx_exception_through_frame(void) {
    if (!CXX_FEXC) SKIP("without -fexceptions the frame is skipped (docs/differences.md)");
    tlog_reset();
    go_frame {
        go_defer(say, "outer deferred");
        ASSERT_INT(cxx_catch_int(frame_then_throw, NULL), 1);
        say("caught");
        recover_around(cxx_with_dtor); /* the chain is intact */
    }
    ASSERT_LOG("deferred caught recovered boom dtor after outer deferred");
}

/* A recovery that resumes a Goexit's loop unwinds to go_goexit, through C++ frames. */
static void goexit_panics(void *u) {
    (void)u;
    cxx_with_dtor(panics, "in goexit");
}

static void *goexit_thread(void *u) {
    (void)u;
    go_frame {
        go_defer(recovers, NULL);
        go_frame {
            go_defer(say, "deferred");
            go_defer(goexit_panics, NULL);
            go_goexit();
        }
    }
    return NULL;
}

static void test_goexit_resume_unwinds(void) {
    tlog_reset();
    pthread_t t;
    ASSERT(pthread_create(&t, NULL, goexit_thread, NULL) == 0);
    pthread_join(t, NULL);
    ASSERT_LOG("deferred recovered in goexit dtor");
}

/* go_goexit through C++ frames: pthread_exit's unwind runs the destructor. */
static void exits(void *u) {
    (void)u;
    go_goexit();
}
static void *goexit_cxx_thread(void *u) {
    (void)u;
    go_frame {
        go_defer(say, "deferred");
        cxx_with_dtor(exits, NULL);
    }
    return NULL;
}

static void test_goexit_through_cxx(void) {
    tlog_reset();
    pthread_t t;
    ASSERT(pthread_create(&t, NULL, goexit_cxx_thread, NULL) == 0);
    pthread_join(t, NULL);
    ASSERT_LOG("deferred dtor");
}

/* pthread_cancel through a C++ frame and a cleanup handler: godefer's link leaves glibc
 * libgcc's unwinder (libunwind's, were it linked first, could skip the destructor). */
static atomic_int cancel_ready;
static void wait_cancel(void *u) {
    (void)u;
    atomic_store(&cancel_ready, 1);
    for (;;) {
        pthread_testcancel();
        usleep(1000);
    }
}
static void cleanup_say(void *s) { tlog("%s", (const char *)s); }
static void *cancel_thread(void *u) {
    (void)u;
    pthread_cleanup_push(cleanup_say, "cleanup");
    cxx_with_dtor(wait_cancel, NULL);
    pthread_cleanup_pop(0);
    return NULL;
}

static void test_cancel_through_cxx(void) {
#ifdef TEST_ASAN
    /* GCC 12's libasan: its own CHECK (asan_thread.cpp:371) fails in the destructor's
     * __asan_handle_no_return during the cancellation's unwind, with or without godefer
     * (test_goroutines' pthread_exit_in_group meets the same CHECK). */
    SKIP("ASan's own CHECK fails in a cancelled thread's unwind");
#endif
    tlog_reset();
    pthread_t t;
    ASSERT(pthread_create(&t, NULL, cancel_thread, NULL) == 0);
    while (!atomic_load(&cancel_ready)) usleep(1000);
    pthread_cancel(t);
    void *res;
    pthread_join(t, &res);
    ASSERT(res == PTHREAD_CANCELED);
    ASSERT_LOG("dtor cleanup");
}

/* ---- faults in C++ frames (go_set_panic_on_fault) ------------------------------------ */

static void recovers_fault(void *u) {
    (void)u;
    go_any r = go_recover();
    if (go_fault_info(r, NULL)) tlog("recovered");
}

/* fault(NULL) in a frame that recovers, faults as panics on. */
__attribute__((noinline)) static void recover_fault(int (*fault)(volatile int *)) {
    bool was = go_set_panic_on_fault(true);
    VALGRIND_DISABLE_ERROR_REPORTING; /* the fault is the point */
    go_frame {
        go_defer(recovers_fault, NULL);
        fault(NULL);
        tlog("not reached");
    }
    VALGRIND_ENABLE_ERROR_REPORTING;
    go_set_panic_on_fault(was);
    tlog("after");
}

/* GCC's -fnon-call-exceptions puts the faulting load in the call-site table: the unwind
 * runs the destructor.  (Clang has no such option: the next case.) */
static void test_fault_nce(void) {
#if defined(__clang__)
    SKIP("Clang has no -fnon-call-exceptions");
#endif
    tlog_reset();
    recover_fault(cxx_fault_nce);
    ASSERT_LOG("before recovered dtor after");
    tlog_reset();
    recover_fault(cxx_fault_nce_O0);
    ASSERT_LOG("before recovered dtor after");
}

/* Without it the load is outside the table: libstdc++'s personality calls std::terminate,
 * which godefer reports naming the cause (GCC; Clang at -O2).  Clang's tables may map it
 * to "no cleanup" instead (at -O0): the destructor is skipped (docs/api.md). */
static void child_fault_plain(void) {
    recover_fault(cxx_fault_plain);
    printf("%s\n", harness_log);
}
static void child_fault_plain_O0(void) {
    recover_fault(cxx_fault_plain_O0);
    printf("%s\n", harness_log);
}
static const char fault_fatal[] =
    "recovery: std::terminate while unwinding a C++ function that faulted: its exception "
    "tables do not cover the faulting instruction, so its live objects cannot be destroyed "
    "(compile it with g++ -fnon-call-exceptions; Clang has no equivalent)";
static void test_fault_plain(void) {
    for (int o0 = 0; o0 < 2; o0++) {
        const char *child = o0 ? "fault_plain_O0" : "fault_plain";
#if defined(__clang__)
        child_result *r = run_child(child);
        if (r->status == 0) { /* Clang's "no cleanup" */
            ASSERT_STR(r->out, "before recovered after\n");
            continue;
        }
#endif
        expect_fatal(child, fault_fatal);
    }
}

/* A fault in C under a C++ frame: the unwind goes from the handler's call (src/arch's
 * go__sigpanic) through the faulting C function into the C++ frame. */
static void c_faults(void *p) { sink = deref_at(p); }
static int c_fault_under_cxx(volatile int *p) {
    cxx_with_dtor(c_faults, (void *)p);
    return 0;
}
static void test_fault_through_cxx(void) {
    tlog_reset();
    recover_fault(c_fault_under_cxx);
    ASSERT_LOG("recovered dtor after");
}

/* ---- fatal traps ------------------------------------------------------------------- */

static void child_catch_swallows(void) { recover_around(cxx_catch_swallow); }
static void child_noexcept(void) { recover_around(cxx_noexcept); }
static void child_no_unwind_info(void) {
    /* The report's trace (libunwind) guesses past the frame without unwind information,
     * reading stack words Memcheck takes for uninitialised. */
    VALGRIND_DISABLE_ERROR_REPORTING;
    recover_around(nocfi_call);
}

/* A destructor run by a recovery's unwind panics and does not recover. */
static void panics_again(void *u) {
    (void)u;
    go_panic(go_str("in dtor"));
}
static void dtor_panics(cxx_fn fn, void *arg) {
    (void)fn, (void)arg;
    cxx_dtor_calls(panics, panics_again);
}
static void child_panic_in_unwind(void) { recover_around(dtor_panics); }

static void test_panic_in_unwind(void) {
    expect_fatal("panic_in_unwind", "recovery: a destructor or cleanup run by the unwind to "
                                    "the recovering go_frame panicked and did not recover");
}

static void test_catch_swallows(void) {
    expect_fatal("catch_swallows", "recovery: a C++ catch (...) between the panic and the "
                                   "recovering go_frame caught the unwind and did not rethrow it");
}

static void test_noexcept(void) {
    expect_fatal("noexcept", "recovery: std::terminate while unwinding to the recovering "
                             "go_frame (a noexcept function between the panic and the frame, "
                             "or a destructor that threw)");
}

/* The report names a C++ frame demangled and qualified, as Go does: the name comes from
 * libdw, or without it from dladdr (the program is linked with -rdynamic). */
static void child_report_names(void) { cxx_named(panics, "unrecovered"); }
static void test_report_names(void) {
    child_result *r = run_child("report_names");
    ASSERT_INT(r->status, 2);
    ASSERT_CONTAINS(r->err, "panic: unrecovered\n\ngoroutine 1 [running]:\n");
    ASSERT_CONTAINS(r->err, "\nlib::Runner::run(...)\n");
    ASSERT_NOT_CONTAINS(r->err, "_Z");
}

static void test_no_unwind_info(void) {
    expect_fatal("no_unwind_info", "recovery: a frame between the panic and the recovering "
                                   "go_frame has no unwind information, or the go_frame is on "
                                   "another stack (compile C with -fasynchronous-unwind-tables; "
                                   "switch coroutines with go_g_switch)");
}

static const harness_case cases[] = {
    {"cxx_destructor_runs", test_cxx_destructor_runs},
    {"cxx_calls_c", test_cxx_calls_c},
    {"unwind_off_skips", test_unwind_off_skips},
    {"c_cleanup", test_c_cleanup},
    {"inlined_and_block_cleanups", test_inlined_and_block_cleanups},
    {"recover_in_catch", test_recover_in_catch},
    {"catch_rethrow", test_catch_rethrow},
    {"recover_in_dtor_during_throw", test_recover_in_dtor_during_throw},
    {"cxx_exception_through_frame", test_cxx_exception_through_frame},
    {"goexit_resume_unwinds", test_goexit_resume_unwinds},
    {"goexit_through_cxx", test_goexit_through_cxx},
    {"cancel_through_cxx", test_cancel_through_cxx},
    {"fault_through_cxx", test_fault_through_cxx},
    {"report_names", test_report_names},
    {"panic_in_unwind", test_panic_in_unwind},
    {"catch_swallows", test_catch_swallows},
    {"noexcept", test_noexcept},
    {"no_unwind_info", test_no_unwind_info},
    {"fault_nce", test_fault_nce},
    {"fault_plain", test_fault_plain},
    {0},
};
static const harness_case children[] = {
    {"report_names", child_report_names},
    {"panic_in_unwind", child_panic_in_unwind},
    {"catch_swallows", child_catch_swallows},
    {"noexcept", child_noexcept},
    {"no_unwind_info", child_no_unwind_info},
    {"fault_plain", child_fault_plain},
    {"fault_plain_O0", child_fault_plain_O0},
    {0},
};

int main(int argc, char **argv) {
    faults_child_env();
    return harness_main(argc, argv, cases, children);
}
