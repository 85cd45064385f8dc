// Built with -fnon-call-exceptions (tests/CMakeLists.txt): a fault in a C++ frame whose
// destructor is live, which the recovery's unwind runs.
extern "C" {
typedef void (*cxx_fn)(void *);
void cxx_log(const char *s); // the test's event log (tests/harness.h)

static volatile int *volatile nce_nil;
volatile int nce_sink;

__attribute__((noinline, no_sanitize("undefined"))) void cxx_nce_fault_with_dtor(cxx_fn fn,
                                                                                 void *arg) {
    struct Logs {
        ~Logs() { cxx_log("dtor"); }
    } d;
    (void)fn, (void)arg;
    nce_sink = *nce_nil;
}
}
