// A C++ function that faults while an object with a destructor is live, after its last
// call: outside the ranges of its call-site table unless GCC's -fnon-call-exceptions
// adds the faulting instruction.  Built four times (tests/CMakeLists.txt): CXX_FAULT is
// the name, with and without -fnon-call-exceptions, at the tier's level and at -O0.
extern "C" {
void cxx_log(const char *s); // the test's event log (tests/harness.h)

struct LogsOnExit {
    const char *what;
    ~LogsOnExit() { cxx_log(what); }
};

// (Hidden from UBSan, which would stop at the null load before the CPU does.)
__attribute__((no_sanitize("undefined"))) int CXX_FAULT(volatile int *p) {
    LogsOnExit d{"dtor"};
    cxx_log("before");
    return *p;
}
}
