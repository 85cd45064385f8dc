// godefer.hpp, the C++ API (issue 15 §2): frames, deferred callables, results, recover's
// rule, recoveries across C++ objects, C++ exceptions through a frame, and the reports.
#include <godefer.hpp>

#include "../harness.h"

#include <pthread.h>

#include <atomic>
#include <exception>
#include <stdexcept>
#include <string>

// Count the library's malloc calls (linked with -Wl,--wrap=malloc, as test_defer).
extern "C" void *__real_malloc(size_t n);
static long mallocs;
extern "C" void *__wrap_malloc(size_t n) {
    mallocs++;
    return __real_malloc(n);
}

// An object whose destruction is logged.
struct Logged {
    const char *what;
    explicit Logged(const char *w) : what(w) {}
    Logged(const Logged &) = delete;
    ~Logged() { tlog("~%s", what); }
};

// A callable with a destructor that counts its copies still alive.
static int live_copies;
struct Counted {
    int id;
    explicit Counted(int i) : id(i) { live_copies++; }
    Counted(const Counted &o) : id(o.id) { live_copies++; }
    ~Counted() { live_copies--; }
    void operator()() const { tlog("c%d", id); }
};

static void say_fn() { tlog("fn"); }

// ---- order, storage ----------------------------------------------------------------

// Deferred calls run once f has returned: what they refer to must outlive f (x here).
static void test_order(void) {
    int x = 7;
    go::frame([&x](go::scope &s) {
        s.defer(say_fn);                                         // a function
        s.defer([] { tlog("a"); });                              // in the record
        s.defer([&x] { tlog("x=%d", x); });                      // one reference: in the record
        s.defer([x, y = 8, z = 9] { tlog("%d%d%d", x, y, z); }); // in the pool
        s.defer(Counted(1));                                     // non-trivial: pool, destroyed
        x = 70;
        tlog("body");
    });
    ASSERT_LOG("body c1 789 x=70 a fn");
    ASSERT_INT(live_copies, 0);
}

static void test_loop_order(void) {
    go::frame([](go::scope &s) {
        for (int i = 0; i < 5; i++) s.defer([i] { tlog("%d", i); });
        for (int i = 5; i < 8; i++) s.defer(Counted(i));
        ASSERT_INT(live_copies, 3);
    });
    ASSERT_LOG("c7 c6 c5 4 3 2 1 0");
    ASSERT_INT(live_copies, 0);
}

// 1000 deferred calls per frame, in the record and in the pool: once the goroutine's
// pool has grown, no more malloc.
static long sum;
static void thousand(void) {
    go::frame([](go::scope &s) {
        for (int i = 0; i < 1000; i++) {
            s.defer([i] { sum += i; });
            s.defer([i, j = i, k = i] { sum += i + j - k; });
        }
    });
}
static void test_loop_no_heap(void) {
    sum = 0;
    thousand();
    long before = mallocs;
    for (int r = 0; r < 10; r++) thousand();
    ASSERT_INT(mallocs - before, 0);
    ASSERT_INT(sum, 11L * 2 * 999 * 1000 / 2);
}

// A deferred lambda captures by value when deferred (Go evaluates the function value
// then), by reference when it runs.
static void test_capture_time(void) {
    int v = 1;
    go::frame([&](go::scope &s) {
        s.defer([v] { tlog("value %d", v); });
        s.defer([&v] { tlog("ref %d", v); });
        v = 2;
    });
    ASSERT_LOG("ref 2 value 1");
}

// ---- captures of f's locals ------------------------------------------------------------

// A deferred callable holding the address of a local of f, or of a function f called, is
// a fatal error at the defer: the call would run after f returned.  In the record (one
// reference), in the pool (two), and deferred by a helper of f on f's scope.
static const char dead_capture[] =
    "go::scope::defer: the deferred callable holds the address of a local of go::frame's "
    "function, which is gone when the call runs; capture it by value";
static void child_dead_record(void) {
    go::frame([](go::scope &s) {
        FILE *fp = stdout;
        s.defer([&fp] { fflush(fp); });
        printf("not reached\n");
    });
}
static void child_dead_pool(void) {
    go::frame([](go::scope &s) {
        int a = 1, b = 2;
        s.defer([&a, &b] { tlog("%d", a + b); });
        printf("not reached\n");
    });
}
__attribute__((noinline)) static void defer_own_local(go::scope &s) {
    long mine = 3;
    s.defer([p = &mine] { tlog("%ld", *p); });
    printf("not reached\n");
}
static void child_dead_callee(void) {
    go::frame([](go::scope &s) { defer_own_local(s); });
}
// With padding (GCC clears it before the check; Clang leaves such a callable unchecked).
static void child_dead_padded(void) {
    go::frame([](go::scope &s) {
        int a = 1;
        s.defer([c = 'c', &a] { tlog("%c%d", c, a); });
        printf("not reached\n");
    });
}
static void test_dead_capture(void) {
    for (const char *child : {"dead_record", "dead_pool", "dead_callee"
#ifdef GO__HPP_CLEAR_PADDING
                              ,
                              "dead_padded"
#endif
         }) {
        expect_fatal(child, dead_capture);
        ASSERT_NOT_CONTAINS(run_child(child)->out, "not reached");
    }
}

// What outlives f is captured quietly: values, the enclosing function's locals, `this`,
// globals, the heap, and in a nested frame the outer f's locals.
static long global_value = 4;
struct Holder {
    int v = 6;
    void defer_this(go::scope &s) {
        s.defer([this] { tlog("this %d", v); });
    }
};
static void test_live_captures(void) {
    int outer = 1;
    Holder h;
    int *heap = new int(5);
    go::frame([&](go::scope &s) {
        int local = 2;
        long big[3] = {3, 3, 3};
        s.defer([local, &outer] { tlog("%d %d", local, outer); });
        s.defer([g = &global_value] { tlog("global %ld", *g); });
        s.defer([heap, &outer, g = &global_value] { tlog("hp %d %d %ld", *heap, outer, *g); });
        s.defer([big0 = big[0], l = (long)local] { tlog("by value %ld %ld", big0, l); });
        s.defer([c = 'c', &outer] { tlog("padded %c%d", c, outer); });
        h.defer_this(s);
        go::frame([&](go::scope &t) { t.defer([&local] { tlog("inner %d", local); }); });
    });
    delete heap;
    ASSERT_LOG("inner 2 this 6 padded c1 by value 3 2 hp 5 1 4 global 4 2 1");
}

// ---- results -------------------------------------------------------------------------

static void test_result(void) {
    int r = go::frame([](go::scope &s) {
        s.defer([] { tlog("d"); });
        return 42;
    });
    ASSERT_INT(r, 42);
    std::string str = go::frame([](go::scope &) { return std::string("text"); });
    ASSERT_STR(str.c_str(), "text");
    ASSERT_LOG("d");
}

static volatile int always = 1;

// A panic in f: the zero value.  A std::string result made by f's return is not leaked
// when a deferred call panics afterwards (ASan, Valgrind).
static void test_result_zero_after_recovery(void) {
    int r = go::frame([](go::scope &s) {
        s.defer([] { go::recover(); });
        go::panic("boom");
        return 42;
    });
    ASSERT_INT(r, 0);
    std::string str = go::frame([](go::scope &s) {
        s.defer([] { go::recover(); });
        if (always) go::panic(1);
        return std::string("never");
    });
    ASSERT(str.empty());
}

// f returned, then a deferred call panicked and an older one recovered: f's result stays
// (Go: the return statement set the result before the deferred calls ran).
static void test_result_kept_after_deferred_panic(void) {
    std::string str = go::frame([](go::scope &s) {
        s.defer([] { tlog("%s", go::sprint(go::recover()).c_str()); });
        s.defer([] { go::panic("late"); });
        return std::string("a result long enough for the heap, not the SSO buffer");
    });
    ASSERT_STR(str.c_str(), "a result long enough for the heap, not the SSO buffer");
    ASSERT_LOG("late");
}

// Go's named results: a variable the deferred call captures (err, as in Go's try idiom).
static go::any parse(int bad) {
    go::any err = go_nil();
    go::frame([&](go::scope &s) {
        s.defer([&err] {
            go::any r = go::recover();
            if (!go_isnil(r)) err = r;
        });
        if (bad) go::panic(go::error("bad input"));
    });
    return err;
}
static void test_named_result(void) {
    ASSERT(go_isnil(parse(0)));
    std::string text = go::sprint(parse(1));
    ASSERT_STR(text.c_str(), "bad input");
}

// ---- recover's rule ---------------------------------------------------------------------

static go::any helper_recover() { return go::recover(); }
static void deferred_fn_recovers() { tlog("fn:%s", go::sprint(go::recover()).c_str()); }

static void test_recover_direct_only(void) {
    go::frame([](go::scope &s) {
        s.defer([] {
            tlog("helper:%s", go::sprint(helper_recover()).c_str());
            auto nested = [] { return go::recover(); };
            tlog("nested:%s", go::sprint(nested()).c_str());
            tlog("direct:%s", go::sprint(go::recover()).c_str());
            tlog("again:%s", go::sprint(go::recover()).c_str());
        });
        go::panic(5);
    });
    ASSERT_LOG("helper:<nil> nested:<nil> direct:5 again:<nil>");
    ASSERT(go_isnil(go::recover())); // not panicking
    tlog_reset();
    go::frame([](go::scope &s) {
        s.defer(deferred_fn_recovers); // a function passed by pointer recovers too
        go::panic("p");
    });
    ASSERT_LOG("fn:p");
}

// A functor's operator() is the deferred callable: it recovers; its destructor runs.
struct Recoverer {
    std::string name = "a functor with a heap-allocated name, destroyed after its call";
    void operator()() const { tlog("functor:%s", go::sprint(go::recover()).c_str()); }
};
static void test_recover_in_functor(void) {
    go::frame([](go::scope &s) {
        s.defer(Recoverer{});
        go::panic("f");
    });
    ASSERT_LOG("functor:f");
}

// (GCC 12 takes the noreturn panic for "never returns" and calls the recursion infinite)
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12
#pragma GCC diagnostic ignored "-Winfinite-recursion"
#endif

// The recovery resumes the frame that deferred the recovering call, from calls nested
// below it, and runs the destructors of the objects in between, innermost first.
__attribute__((noinline)) static void deep(int n) {
    Logged l(n == 0 ? "d0" : n == 1 ? "d1" : "d2");
    if (n == 0) go::panic("deep");
    deep(n - 1);
    tlog("not reached");
}
static void test_recover_nested_calls(void) {
    int r = go::frame([](go::scope &s) {
        Logged outer("frame");
        s.defer([] { tlog("recovered %s", go::sprint(go::recover()).c_str()); });
        deep(2);
        return 1;
    });
    ASSERT_INT(r, 0);
    ASSERT_LOG("recovered deep ~d0 ~d1 ~d2 ~frame");
    ASSERT_INT(std::uncaught_exceptions(), 0);
}

// An inner frame's panic, recovered by an outer frame: the inner frame's deferred calls
// run first, its objects are destroyed, the outer one returns its zero value.
static void test_recover_in_outer_frame(void) {
    int r = go::frame([](go::scope &s) {
        s.defer([] { tlog("outer %s", go::sprint(go::recover()).c_str()); });
        int in = go::frame([](go::scope &t) {
            Logged l("inner obj");
            t.defer([] { tlog("inner defer"); });
            go::panic("x");
            return 3;
        });
        tlog("not reached %d", in);
        return 4;
    });
    ASSERT_INT(r, 0);
    ASSERT_LOG("inner defer outer x ~inner obj");
}

// A re-panic in a deferred call, recovered by the outer frame: the new value.
static void test_repanic_recovered(void) {
    go::frame([](go::scope &s) {
        s.defer([] {
            go::any r = go::recover();
            tlog("got %s", go::sprint(r).c_str());
            go_any_release(r); // the copied string (Go's GC frees it)
        });
        go::frame([](go::scope &t) {
            t.defer([] {
                go::any r = go::recover();
                go::panic(std::string("wrapped: ") + go::sprint(r)); // copied: outlives it
            });
            go::panic("inner");
        });
    });
    ASSERT_LOG("got wrapped: inner");
}

// A nil function deferred panics when the call is due (Go's nil dereference).
static void test_nil_function(void) {
    go::frame([](go::scope &s) {
        s.defer([] {
            go::any r = go::recover();
            tlog("%d %s", go_is_runtime_error(r), go::sprint(r).c_str());
        });
        void (*nothing)() = nullptr;
        s.defer(nothing);
        tlog("body");
    });
    ASSERT_LOG("body 1 runtime error: invalid memory address or nil pointer dereference");
}

// Frames inside a deferred call that a panic runs: a panic there recovered there.
static void test_frame_in_deferred_call(void) {
    go::frame([](go::scope &s) {
        s.defer([] { tlog("outer %s", go::sprint(go::recover()).c_str()); });
        s.defer([] {
            go::frame([](go::scope &t) {
                t.defer([] { tlog("inner %s", go::sprint(go::recover()).c_str()); });
                go::panic("second");
            });
        });
        go::panic("first");
    });
    ASSERT_LOG("inner second outer first");
}

// ---- C++ exceptions ---------------------------------------------------------------------

static void test_exception_runs_deferred(void) {
    bool caught = false;
    try {
        go::frame([](go::scope &s) {
            s.defer([] { tlog("outer %s", go::sprint(go::recover()).c_str()); });
            go::frame([](go::scope &t) {
                Logged l("obj");
                t.defer([] { tlog("inner"); });
                t.defer(Counted(9));
                throw std::runtime_error("thrown");
            });
        });
    } catch (const std::runtime_error &e) {
        caught = std::string(e.what()) == "thrown";
    }
    ASSERT(caught);
    ASSERT_LOG("~obj c9 inner outer <nil>");
    ASSERT_INT(live_copies, 0);
    // The frames were unlinked: a panic now is recovered by a new frame.
    tlog_reset();
    go::frame([](go::scope &s) {
        s.defer([] { tlog("after %s", go::sprint(go::recover()).c_str()); });
        go::panic("next");
    });
    ASSERT_LOG("after next");
}

// An exception caught inside f does not leave the frame.
static void test_exception_caught_inside(void) {
    int r = go::frame([](go::scope &s) {
        s.defer([] { tlog("deferred"); });
        try {
            throw 1;
        } catch (int) {
            tlog("caught");
        }
        return 2;
    });
    ASSERT_INT(r, 2);
    ASSERT_LOG("caught deferred");
}

// A frame used inside a catch block: a recovery through it works.
static void test_recover_inside_catch(void) {
    try {
        throw std::runtime_error("outer");
    } catch (const std::exception &) {
        go::frame([](go::scope &s) {
            s.defer([] { tlog("%s", go::sprint(go::recover()).c_str()); });
            Logged l("in catch");
            go::panic("p");
        });
    }
    ASSERT_LOG("p ~in catch");
    ASSERT_INT(std::uncaught_exceptions(), 0);
}

// ---- reports (child processes) -----------------------------------------------------------

namespace app {
struct Worker {
    __attribute__((noinline)) void boom(int depth) {
        Logged l("unused");
        if (depth == 0) go::panic("worker failed");
        boom(depth - 1);
        tlog("keep the call");
    }
};
} // namespace app

static void child_unrecovered(void) {
    go::frame([](go::scope &s) {
        s.defer([] { printf("deferred ran\n"); });
        app::Worker w;
        w.boom(1);
    });
    tlog("not a tail call: this function stays in the trace");
}
static void test_report_unrecovered(void) {
    child_result *r = run_child("unrecovered");
    ASSERT_INT(r->status, 2);
    ASSERT_STR(r->out, "deferred ran\n");
    ASSERT_CONTAINS(r->err, "panic: worker failed\n\ngoroutine 1 [running]:\n");
    ASSERT_NOT_CONTAINS(r->err, "_Z");          // names demangled
    ASSERT_NOT_CONTAINS(r->err, "godefer.hpp"); // go::frame's own frames hidden
    IF_SYMBOLS(ASSERT_CONTAINS(trace_funcs(r), "app::Worker::boom app::Worker::boom "));
    IF_SYMBOLS(ASSERT_CONTAINS(trace_funcs(r), " child_unrecovered"));
}

static void child_repanic(void) {
    go::frame([](go::scope &s) {
        s.defer([] {
            go::recover();
            go::panic("second");
        });
        go::panic("first");
    });
}
static void test_report_repanic(void) {
    child_result *r = run_child("repanic");
    ASSERT_INT(r->status, 2);
    ASSERT_STR(report_head(r), "panic: first [recovered]\n\tpanic: second\n");
}

// A deferred call that a C++ exception runs panics, and the panic is recovered outside
// it: C++ ends that in std::terminate (an exception may not leave a destructor that
// unwinding runs), which godefer reports.
static void child_panic_during_exception(void) {
    go::frame([](go::scope &s) {
        s.defer([] { go::recover(); });
        try {
            go::frame([](go::scope &t) {
                t.defer([] { go::panic("in cleanup"); });
                throw 1;
            });
        } catch (int) {
        }
    });
}
static void test_report_panic_during_exception(void) {
    child_result *r = run_child("panic_during_exception");
    ASSERT_INT(r->status, 2);
    ASSERT_CONTAINS(r->err,
                    "fatal error: recovery: std::terminate while unwinding to the recovering");
}

// A noexcept deferred callable whose panic an outer frame recovers: the unwind may not
// leave it (std::terminate), reported as a fatal error (docs/api.md: leave deferred
// callables without noexcept unless they never panic).
static void child_noexcept_deferred(void) {
    go::frame([](go::scope &s) {
        s.defer([] { go::recover(); });
        go::frame([](go::scope &t) { t.defer([]() noexcept { go::panic("from noexcept"); }); });
    });
}
static void test_report_noexcept_deferred(void) {
    child_result *r = run_child("noexcept_deferred");
    ASSERT_INT(r->status, 2);
    ASSERT_CONTAINS(r->err,
                    "fatal error: recovery: std::terminate while unwinding to the recovering");
}

// The deferred calls of a frame that a goroutine's Goexit leaves run (go_goexit through
// go::frame), and the objects in between are destroyed.
static void *goexit_thread(void *) {
    go::frame([](go::scope &s) {
        s.defer([] { tlog("deferred"); });
        Logged l("obj");
        go_goexit();
    });
    return nullptr;
}
static void test_goexit_through_frame(void) {
    pthread_t t;
    pthread_create(&t, nullptr, goexit_thread, nullptr);
    pthread_join(t, nullptr);
    ASSERT_LOG("deferred ~obj");
}

// pthread_cancel's unwind through a frame runs its deferred calls and destructors (under
// ASan too: test_cxx's cancel_through_cxx meets libasan's CHECK, this one does not).
static std::atomic<int> cancel_ready;
static void *cancel_thread(void *) {
    go::frame([](go::scope &s) {
        s.defer([] { tlog("deferred"); });
        Logged l("obj");
        cancel_ready = 1;
        for (;;) pthread_testcancel();
    });
    return nullptr;
}
static void test_cancel_through_frame(void) {
    pthread_t t;
    pthread_create(&t, nullptr, cancel_thread, nullptr);
    while (!cancel_ready) usleep(1000);
    pthread_cancel(t);
    void *res;
    pthread_join(t, &res);
    ASSERT(res == PTHREAD_CANCELED);
    ASSERT_LOG("~obj deferred");
}

// A deferred callable that throws (which it must not) on a normal exit: the frame's
// other calls still run (from its cleanup) and the exception goes on.
static void test_throw_from_deferred_call(void) {
    int caught = 0;
    try {
        go::frame([](go::scope &s) {
            s.defer([] { tlog("older"); });
            s.defer([] { throw 5; });
        });
    } catch (int x) {
        caught = x;
    }
    ASSERT_INT(caught, 5);
    ASSERT_LOG("older");
}

/* One that throws while a panic or go_goexit runs it would leave the loop half done:
 * fatal, with the reason, when the search for a handler reaches the loop (before: the
 * exception went on, and a later panic reported an earlier one "left by longjmp"). */
static void child_throw_in_panic(void) {
    try {
        go::frame([](go::scope &s) {
            s.defer([] { throw 5; });
            go::panic("boom");
        });
    } catch (int) {
        std::puts("caught"); /* must not be reached */
    }
}
static void child_throw_in_panic_uncaught(void) {
    go::frame([](go::scope &s) {
        s.defer([] { throw 5; });
        go::panic("boom");
    });
}
static void child_throw_in_goexit(void) {
    go::frame([](go::scope &s) {
        s.defer([] { throw 5; });
        go_goexit();
    });
}
static void test_throw_while_panicking(void) {
    static const char msg[] =
        "a deferred call threw a C++ exception while a panic ran it (deferred calls must not "
        "throw)";
    expect_fatal("throw_in_panic", msg);
    expect_fatal("throw_in_panic_uncaught", msg); /* not std::terminate's message */
    expect_fatal("throw_in_goexit",
                 "a deferred call threw a C++ exception while go_goexit ran it");
}

static const harness_case cases[] = {
    {"order", test_order},
    {"loop_order", test_loop_order},
    {"loop_no_heap", test_loop_no_heap},
    {"capture_time", test_capture_time},
    {"dead_capture", test_dead_capture},
    {"live_captures", test_live_captures},
    {"result", test_result},
    {"result_zero_after_recovery", test_result_zero_after_recovery},
    {"result_kept_after_deferred_panic", test_result_kept_after_deferred_panic},
    {"named_result", test_named_result},
    {"recover_direct_only", test_recover_direct_only},
    {"recover_in_functor", test_recover_in_functor},
    {"recover_nested_calls", test_recover_nested_calls},
    {"recover_in_outer_frame", test_recover_in_outer_frame},
    {"repanic_recovered", test_repanic_recovered},
    {"nil_function", test_nil_function},
    {"frame_in_deferred_call", test_frame_in_deferred_call},
    {"exception_runs_deferred", test_exception_runs_deferred},
    {"exception_caught_inside", test_exception_caught_inside},
    {"recover_inside_catch", test_recover_inside_catch},
    {"report_unrecovered", test_report_unrecovered},
    {"report_repanic", test_report_repanic},
    {"report_panic_during_exception", test_report_panic_during_exception},
    {"report_noexcept_deferred", test_report_noexcept_deferred},
    {"goexit_through_frame", test_goexit_through_frame},
    {"cancel_through_frame", test_cancel_through_frame},
    {"throw_from_deferred_call", test_throw_from_deferred_call},
    {"throw_while_panicking", test_throw_while_panicking},
    {nullptr, nullptr}};
static const harness_case children[] = {
    {"throw_in_panic", child_throw_in_panic},
    {"throw_in_panic_uncaught", child_throw_in_panic_uncaught},
    {"throw_in_goexit", child_throw_in_goexit},
    {"dead_record", child_dead_record},
    {"dead_pool", child_dead_pool},
    {"dead_callee", child_dead_callee},
    {"dead_padded", child_dead_padded},
    {"unrecovered", child_unrecovered},
    {"repanic", child_repanic},
    {"panic_during_exception", child_panic_during_exception},
    {"noexcept_deferred", child_noexcept_deferred},
    {nullptr, nullptr}};

int main(int argc, char **argv) { return harness_main(argc, argv, cases, children); }
