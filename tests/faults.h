/* Helpers shared by the fault tests: functions that really fault (hidden from UBSan, which
 * would stop at the null load or the division before the CPU does), Valgrind's and the
 * sanitizers' presence, and the environment children need. */
#ifndef GODEFER_TEST_FAULTS_H
#define GODEFER_TEST_FAULTS_H

#include <godefer.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>) && __has_include(<valgrind/memcheck.h>)
#include <valgrind/memcheck.h>
#include <valgrind/valgrind.h>
#define HAVE_VALGRIND_H 1
#endif
#endif
#ifndef HAVE_VALGRIND_H
#define RUNNING_ON_VALGRIND 0
#define VALGRIND_DISABLE_ERROR_REPORTING
#define VALGRIND_ENABLE_ERROR_REPORTING
#define VALGRIND_COUNT_ERRORS 0u
#endif

#if defined(__SANITIZE_ADDRESS__)
#define TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TEST_ASAN 1
#endif
#endif
#if defined(__SANITIZE_THREAD__)
#define TEST_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define TEST_TSAN 1
#endif
#endif

#define FAULTY __attribute__((noinline, unused, no_sanitize("undefined")))
#define HELPER __attribute__((unused)) static

/* Opaque to the compiler: every access really happens. */
static volatile int *volatile nil_int;
static volatile int64_t *volatile nil_i64;
static volatile int zero_int;
static volatile int64_t zero_i64;
static volatile int minus_one = -1;
static volatile int sink;

FAULTY static int deref_nil(void) { return *nil_int; }
FAULTY static int deref_at(const volatile int *p) { return *p; }
FAULTY static int divide(int a) { return a / zero_int; }
FAULTY static int64_t divide64(int64_t a) { return a / zero_i64; }
FAULTY static void poke(volatile int *p) { *p = 1; }
FAULTY static int divide_min(void) { volatile int m = INT_MIN; return m / minus_one; }

/* A deferred call that stores what recover() returns. */
HELPER void grab(go_any *out) { *out = go_recover(); }

/* Runs fn in a frame whose deferred call recovers; returns the recovered value (nil if
 * fn returned).  Valgrind reports the faulting access before delivering the signal: the
 * fault is the point here, so its report is switched off around it. */
HELPER go_any catch_(void (*fn)(void)) {
    go_any v = go_nil();
    VALGRIND_DISABLE_ERROR_REPORTING;
    go_frame {
        go_defer(grab, &v);
        fn();
    }
    VALGRIND_ENABLE_ERROR_REPORTING;
    return v;
}

/* Memcheck's count of the errors a recovered fault made: the fault is a write to a
 * read-only page, which Memcheck does not report itself (the page is addressable), so
 * every error counted is the recovery's (0 natively).  *fault tells whether it was one. */
HELPER unsigned memcheck_errors_of_fault(bool *fault) {
    static volatile int *ro_page;
    if (!ro_page) {
        void *p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        ro_page = p == MAP_FAILED ? NULL : p;
    }
    unsigned before = VALGRIND_COUNT_ERRORS;
    go_any v = go_nil();
    go_frame {
        go_defer(grab, &v);
        poke(ro_page);
    }
    *fault = go_fault_info(v, NULL);
    return VALGRIND_COUNT_ERRORS - before;
}

/* Error() of a value, in a static buffer. */
HELPER const char *errtext(go_any v) {
    static __thread char buf[256];
    if (!v.type || !v.type->error) return "(not an error)";
    v.type->error(v, buf, sizeof buf);
    return buf;
}

/* Children inherit this: under ASan and TSan, no SEGV handler of the sanitizer's own
 * (handle_segv=0), so that what a child reports for a fault godefer does not convert is
 * godefer's report (with the sanitizer's handler installed first, godefer would chain to
 * it, as docs/signals.md says). */
HELPER void add_option(const char *var, const char *opt) {
    const char *old = getenv(var);
    char env[1024];
    snprintf(env, sizeof env, "%s%s%s", old ? old : "", old && *old ? ":" : "", opt);
    setenv(var, env, 1);
}

#ifdef GODEFER_TEST_HARNESS_H
/* A child's report without Valgrind's own lines ("==PID== ..."), which it interleaves. */
HELPER child_result *run_report_env(const char *name, const char *env) {
    child_result *r = run_child_env(name, env);
    char *w = r->err;
    for (const char *p = r->err; *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) + 1 : strlen(p);
        bool vg = p[0] == '=' && p[1] == '=' && strspn(p + 2, "0123456789") > 0 &&
                  p[2 + strspn(p + 2, "0123456789")] == '=';
        if (!vg) {
            memmove(w, p, n);
            w += n;
        }
        p += n;
    }
    *w = '\0';
    return r;
}
HELPER child_result *run_report(const char *name) { return run_report_env(name, NULL); }
#endif

HELPER void faults_child_env(void) {
#ifdef TEST_ASAN
    add_option("ASAN_OPTIONS", "handle_segv=0");
#endif
#ifdef TEST_TSAN
    /* The fatal reports symbolize (malloc, in libdw) from inside the handler on purpose:
     * the process ends right after, and a watchdog covers a deadlock.  TSan would end
     * the child first with "signal-unsafe call inside of a signal". */
    add_option("TSAN_OPTIONS", "report_signal_unsafe=0:handle_segv=0");
#endif
}

#endif
