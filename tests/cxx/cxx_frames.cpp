// C++ frames for tests/test_cxx.c: extern "C" functions that call back into C between a
// panic and the go_frame that recovers it.  They do not include godefer.h.
#include <exception>
#include <stdexcept>

extern "C" {
typedef void (*cxx_fn)(void *);
void cxx_log(const char *s); // the test's event log (tests/harness.h)

struct Logs {
    const char *what;
    ~Logs() { cxx_log(what); }
};

void cxx_with_dtor(cxx_fn fn, void *arg) {
    Logs d{"dtor"};
    fn(arg);
}

// Two objects, destroyed in reverse order, across two C++ frames.
static void __attribute__((noinline)) cxx_inner(cxx_fn fn, void *arg) {
    Logs d{"inner"};
    fn(arg);
}
void cxx_nested(cxx_fn fn, void *arg) {
    Logs d{"outer"};
    cxx_inner(fn, arg);
    cxx_log("not reached");
}

void cxx_catch_swallow(cxx_fn fn, void *arg) {
    try {
        fn(arg);
    } catch (...) {
        cxx_log("swallowed");
    }
}

void cxx_catch_rethrow(cxx_fn fn, void *arg) {
    try {
        Logs d{"dtor"};
        fn(arg);
    } catch (...) {
        cxx_log("catch");
        throw;
    }
}

static void __attribute__((noinline)) cxx_noexcept_inner(cxx_fn fn, void *arg) noexcept {
    Logs d{"dtor"};
    fn(arg);
}
void cxx_noexcept(cxx_fn fn, void *arg) { cxx_noexcept_inner(fn, arg); }

void cxx_in_catch(cxx_fn fn, void *arg) {
    try {
        throw std::runtime_error("caught");
    } catch (const std::exception &e) {
        Logs d{"in catch"};
        fn(arg);
    }
}

// A C function called directly, not through a pointer: under LTO the compiler sees that
// C built without -fexceptions cannot throw, and drops this frame's cleanup.
void c_panics(void); // test_cxx.c
void cxx_calls_c(cxx_fn fn, void *arg) {
    (void)fn, (void)arg;
    Logs d{"dtor"};
    c_panics();
}

int cxx_uncaught(void) { return std::uncaught_exceptions(); }
int cxx_has_current(void) { return std::current_exception() != nullptr; }

void cxx_throw(void) { throw 42; }

// Catches what fn throws: 1 if it threw an int.
int cxx_catch_int(cxx_fn fn, void *arg) {
    try {
        fn(arg);
    } catch (int) {
        return 1;
    }
    return 0;
}

// fn runs in a destructor while a C++ exception propagates.
void cxx_dtor_during_throw(cxx_fn fn, void *arg) {
    struct Calls {
        cxx_fn fn;
        void *arg;
        ~Calls() {
            cxx_log(std::uncaught_exceptions() == 1 ? "in dtor, throwing" : "in dtor?");
            fn(arg);
            cxx_log(std::uncaught_exceptions() == 1 ? "dtor done, throwing" : "dtor done?");
        }
    };
    try {
        Calls c{fn, arg};
        throw 7;
    } catch (int v) {
        cxx_log(v == 7 ? "caught 7" : "caught?");
    }
}
}

// A qualified C++ function for the report's demangled names (test_cxx: report_names).
namespace lib {
struct Runner {
    static void run(cxx_fn fn, void *arg);
};
__attribute__((noinline)) void Runner::run(cxx_fn fn, void *arg) {
    Logs d{"dtor"};
    fn(arg);
    cxx_log("not a tail call");
}
} // namespace lib
extern "C" void cxx_named(cxx_fn fn, void *arg) { lib::Runner::run(fn, arg); }

// fn2 runs in a destructor that the unwind of fn1's panic runs.
extern "C" void cxx_dtor_calls(cxx_fn fn1, cxx_fn fn2) {
    struct Calls {
        cxx_fn fn;
        ~Calls() { fn(nullptr); }
    } c{fn2};
    fn1(nullptr);
}
