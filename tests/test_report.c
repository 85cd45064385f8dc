/* The fatal report of an unrecovered panic, checked in child processes: Go's panic lines
 * and marks, value printing, the signal line, the goroutine line, the trace, status 2. */
#include <godefer.h>
#include <fcntl.h>
#include <pthread.h>

#include "harness.h"

/* ---- children ---------------------------------------------------------------------- */

__attribute__((noinline)) static void child_simple(void) { go_panic(go_str("boom")); }

static void panic_second(void *u) {
    (void)u;
    go_panic(go_str("second"));
}
__attribute__((noinline)) static void child_nested(void) {
    go_frame {
        go_defer(panic_second, NULL);
        go_panic(go_str("first"));
    }
}

static void recover_and_panic(void *u) {
    (void)u;
    go_recover();
    go_panic(go_str("second"));
}
static void child_recovered_then_second(void) {
    go_frame {
        go_defer(recover_and_panic, NULL);
        go_panic(go_str("first"));
    }
}

static void repanic_recovered(void *u) {
    (void)u;
    go_panic(go_recover());
}
static void child_repanicked(void) {
    go_frame {
        go_defer(repanic_recovered, NULL);
        go_panic(go_str("first"));
    }
}

/* The same text in a different string: not the identical value, so two lines. */
static void repanic_copy(void *u) {
    (void)u;
    static char copy[16];
    go_any r = go_recover();
    strcpy(copy, r.v.s);
    go_panic(go_str(copy));
}
static void child_repanic_copy(void) {
    go_frame {
        go_defer(repanic_copy, NULL);
        go_panic(go_str("first"));
    }
}

/* Go 1.26: an identical re-panic without a recover prints the value once, unmarked. */
static const char *const shared_text = "same";
static void panic_same(void *u) {
    (void)u;
    go_panic(go_str(shared_text));
}
static void child_identical_not_recovered(void) {
    go_frame {
        go_defer(panic_same, NULL);
        go_panic(go_str(shared_text));
    }
}

static void child_multiline(void) { go_panic(go_str("line1\nline2\nline3")); }
static void child_error(void) { go_panic(go_error("file not found")); }
static void child_wrapped(void) {
    go_panic(go_error_wrap(go_error("file not found"), "open %s", "x.txt"));
}
static void child_panicf(void) { go_panicf("bad record %d", 7); }
static void child_int(void) { go_panic(go_int(42)); }
static void child_negative(void) { go_panic(go_int(-7)); }
static void child_uint(void) { go_panic(go_uint(18446744073709551615u)); }
static void child_float(void) { go_panic(go_float(1.5)); }
static void child_bool(void) { go_panic(go_bool(true)); }
static void child_nil(void) { go_panic(go_nil()); }

static const go_type MyInt = {.name = "main.MyInt", .kind = GO_KIND_INT};
static const go_type MyStr = {.name = "main.MyStr", .kind = GO_KIND_STRING};
static const go_type MyFloat = {.name = "main.MyFloat", .kind = GO_KIND_FLOAT};
static const go_type PtrT = {.name = "*main.T", .kind = GO_KIND_POINTER};
static void child_myint(void) { go_panic(go_make_int(&MyInt, 7)); }
static void child_mystr(void) { go_panic(go_make_str(&MyStr, "hi")); }
static void child_myfloat(void) { go_panic(go_make_float(&MyFloat, -0.25)); }
static void child_ptr(void) {
    static int obj;
    go_panic(go_make_ptr(&PtrT, &obj));
}

static size_t celsius_string(go_any v, char *buf, size_t n) {
    return (size_t)snprintf(buf, n, "%.1f°C", v.v.f);
}
static const go_type Celsius = {
    .name = "main.Celsius", .kind = GO_KIND_FLOAT, .string = celsius_string};
static void child_stringer(void) { go_panic(go_make_float(&Celsius, 21.5)); }

static void child_nil_deferred(void) {
    void (*f)(void *) = NULL;
    go_frame {
        go_defer(f, NULL);
        printf("after defer\n");
    }
}

/* PanicLoop: an Error method that panics. */
static size_t bad_error_str(go_any v, char *buf, size_t n) {
    (void)v, (void)buf, (void)n;
    go_panic(go_str("inner msg"));
}
static const go_type BadErrStr = {.name = "main.BadErr", .kind = GO_KIND_POINTER,
                                  .error = bad_error_str};
static size_t bad_error_val(go_any v, char *buf, size_t n);
static const go_type BadErrVal = {.name = "main.MyErr", .kind = GO_KIND_POINTER,
                                  .error = bad_error_val};
static size_t bad_error_val(go_any v, char *buf, size_t n) {
    (void)v, (void)buf, (void)n;
    go_panic(go_make_ptr(&BadErrVal, NULL));
}
static void child_print_panic_str(void) { go_panic(go_make_ptr(&BadErrStr, NULL)); }
static void child_print_panic_type(void) { go_panic(go_make_ptr(&BadErrVal, NULL)); }

static void child_stdout_flushed(void) {
    printf("buffered output");
    go_panic(go_str("x"));
}

/* A user's function whose name starts with go_ is the user's, in the trace too. */
__attribute__((noinline)) void go_handle_request(int n);
__attribute__((noinline)) void go_handle_request(int n) {
    if (n > 0) go_panicf("request %d failed", n);
    __asm__ volatile(""); /* not a tail call */
}
static void child_go_named(void) {
    go_handle_request(3);
    __asm__ volatile("");
}

/* Issue 11: stdout that cannot be written must not cost the report (status 2, stderr).
 * The program of `prog | head -1`: the reader took the first lines and left, then more
 * output is pending when the panic comes. */
static void child_stdout_reader_gone(void) {
    signal(SIGPIPE, SIG_DFL);
    int p[2];
    if (pipe(p) != 0 || dup2(p[1], 1) < 0) _exit(97);
    close(p[1]);
    for (int i = 0; i < 100; i++) printf("line %d\n", i);
    fflush(stdout);
    close(p[0]);
    printf("buffered\n");
    go_panic(go_str("important failure"));
}
static void child_stdout_full(void) {
    int fd = open("/dev/full", O_WRONLY);
    if (fd < 0 || dup2(fd, 1) < 0) _exit(97);
    close(fd);
    printf("buffered\n");
    go_panic(go_str("important failure"));
}
static void child_stdout_closed(void) {
    close(1);
    printf("buffered\n");
    go_panic(go_str("important failure"));
}

__attribute__((noinline)) static void *thread_body(void *arg) {
    (void)arg;
    go_panic(go_str("in thread"));
}
static void child_thread(void) {
    go_goid(); /* the main thread is goroutine 1 */
    pthread_t t;
    pthread_create(&t, NULL, thread_body, NULL);
    pthread_join(t, NULL);
}

static volatile int never;
__attribute__((noinline)) static void recurse(int n) {
    if (never) return;
    if (n == 0) go_panic(go_str("deep"));
    recurse(n - 1);
    __asm__ volatile(""); /* not a tail call */
}
static void child_deep(void) {
    recurse(150);
    __asm__ volatile("");
}

static void deferred_panics_named(void *u) {
    (void)u;
    go_panic(go_str("from deferred"));
}
__attribute__((noinline)) static void panicking_site(void) {
    go_frame {
        go_defer(deferred_panics_named, NULL);
        go_panic(go_str("at site"));
    }
}
static void child_trace_frames(void) {
    panicking_site();
    __asm__ volatile(""); /* keep this frame: not a tail call */
}

/* ---- tests ------------------------------------------------------------------------- */

static void expect_report(const char *child, const char *head) {
    child_result *r = run_child(child);
    ASSERT_INT(r->status, 2);
    ASSERT_STR(report_head(r), head);
    ASSERT_CONTAINS(r->err, "\ngoroutine 1 [running]:\n");
}

static void test_simple(void) {
    child_result *r = run_child("simple");
    ASSERT_INT(r->status, 2);
    ASSERT_INT(r->signal, 0);
    ASSERT_STR(report_head(r), "panic: boom\n");
    ASSERT_CONTAINS(r->err, "panic: boom\n\ngoroutine 1 [running]:\n");
    ASSERT_CONTAINS(r->err, " +0x");
    ASSERT(trace_count(r) > 0);
    IF_SYMBOLS(ASSERT_CONTAINS(r->err, "[running]:\nchild_simple(...)\n\t"));
    IF_SYMBOLS(ASSERT_CONTAINS(r->err, "tests/test_report.c:"));
    IF_SYMBOLS(ASSERT_STR(trace_funcs(r), "child_simple harness_main main"));
}

static void test_nested(void) {
    child_result *r = run_child("nested");
    ASSERT_INT(r->status, 2);
    ASSERT_STR(report_head(r), "panic: first\n\tpanic: second\n");
    IF_SYMBOLS(ASSERT_STR(trace_funcs(r), "panic_second panic child_nested harness_main main"));
}

static void test_marks(void) {
    expect_report("recovered_then_second", "panic: first [recovered]\n\tpanic: second\n");
    expect_report("repanicked", "panic: first [recovered, repanicked]\n");
    expect_report("repanic_copy", "panic: first [recovered]\n\tpanic: first\n");
    expect_report("identical_not_recovered", "panic: same\n");
}

static void test_values(void) {
    expect_report("multiline", "panic: line1\n\tline2\n\tline3\n");
    expect_report("error", "panic: file not found\n");
    expect_report("wrapped", "panic: open x.txt: file not found\n");
    expect_report("panicf", "panic: bad record 7\n");
    expect_report("int", "panic: 42\n");
    expect_report("negative", "panic: -7\n");
    expect_report("uint", "panic: 18446744073709551615\n");
    expect_report("float", "panic: +1.500000e+000\n");
    expect_report("bool", "panic: true\n");
    expect_report("nil", "panic: panic called with nil argument\n");
    expect_report("myint", "panic: main.MyInt(7)\n");
    expect_report("mystr", "panic: main.MyStr(\"hi\")\n");
    expect_report("myfloat", "panic: main.MyFloat(-2.500000e-001)\n");
    expect_report("stringer", "panic: 21.5°C\n");
    child_result *r = run_child("ptr");
    ASSERT_INT(r->status, 2);
    ASSERT(strncmp(r->err, "panic: (*main.T) 0x", 19) == 0);
}

static void test_nil_deferred(void) {
    child_result *r = run_child("nil_deferred");
    ASSERT_INT(r->status, 2);
    ASSERT_STR(r->out, "after defer\n");
    ASSERT(strncmp(r->err,
                   "panic: runtime error: invalid memory address or nil pointer dereference\n"
                   "[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x",
                   131) == 0);
    ASSERT_CONTAINS(r->err, "]\n\ngoroutine 1 [running]:\n");
}

static void test_panic_while_printing(void) {
    child_result *r = run_child("print_panic_str");
    ASSERT_INT(r->status, 2);
    ASSERT_STR(report_head(r), "fatal error: panic while printing panic value: inner msg\n");
    r = run_child("print_panic_type");
    ASSERT_INT(r->status, 2);
    ASSERT_STR(report_head(r), "fatal error: panic while printing panic value: type main.MyErr\n");
}

static void test_stdout_flushed(void) {
    child_result *r = run_child("stdout_flushed");
    ASSERT_INT(r->status, 2);
    ASSERT_STR(r->out, "buffered output");
}

static void test_go_named_user_function(void) {
    child_result *r = run_child("go_named");
    ASSERT_INT(r->status, 2);
    ASSERT_STR(report_head(r), "panic: request 3 failed\n");
    IF_SYMBOLS(ASSERT_STR(trace_funcs(r), "go_handle_request child_go_named harness_main main"));
    IF_SYMBOLS(ASSERT_CONTAINS(r->err, "[running]:\ngo_handle_request(...)\n\t"));
    IF_SYMBOLS(ASSERT_CONTAINS(r->err, "tests/test_report.c:"));
    ASSERT_NOT_CONTAINS(r->err, "go_panicf(");
}

static void test_stdout_unwritable(void) {
    const char *kinds[] = {"stdout_reader_gone", "stdout_full", "stdout_closed"};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        int before = harness_failures;
        child_result *r = run_child(kinds[i]);
        ASSERT_INT(r->signal, 0);
        ASSERT_INT(r->status, 2);
        ASSERT_STR(report_head(r), "panic: important failure\n");
        ASSERT_CONTAINS(r->err, "panic: important failure\n\ngoroutine 1 [running]:\n");
        ASSERT_STR(r->out, "");
        if (harness_failures != before) HFAIL("(the failures above are child %s's)", kinds[i]);
    }
}

static void test_thread_goroutine(void) {
    child_result *r = run_child("thread");
    ASSERT_INT(r->status, 2);
    ASSERT_STR(report_head(r), "panic: in thread\n");
    ASSERT_NOT_CONTAINS(r->err, "goroutine 1 [running]");
    ASSERT_CONTAINS(r->err, "\ngoroutine 2 [running]:\n");
    IF_SYMBOLS(ASSERT_CONTAINS(r->err, "\ngoroutine 2 [running]:\nthread_body(...)\n"));
    IF_SYMBOLS(ASSERT_STR(trace_funcs(r), "thread_body"));
}

static void test_elided_frames(void) {
    child_result *r = run_child("deep");
    ASSERT_INT(r->status, 2);
    /* 151 recurse frames, child_deep, harness_main, main: the top and bottom 50 */
    ASSERT_CONTAINS(r->err, " frames elided...\n");
    IF_SYMBOLS(ASSERT_CONTAINS(r->err, "\n...54 frames elided...\n"));
    IF_SYMBOLS(ASSERT_INT(trace_count(r), 100));
    IF_SYMBOLS(ASSERT_CONTAINS(r->err, "\nmain(...)\n"));
}

static void test_trace_frames(void) {
    child_result *r = run_child("trace_frames");
    ASSERT_INT(r->status, 2);
    ASSERT_STR(report_head(r), "panic: at site\n\tpanic: from deferred\n");
    IF_SYMBOLS(ASSERT_STR(
        trace_funcs(r),
        "deferred_panics_named panic panicking_site child_trace_frames harness_main main"));
}

/* ---- the [signal ...] line ------------------------------------------------------------
 * The [signal ...] line of a report follows Go's g.sig: set by a signal panic (here the
 * panic of a nil deferred function), kept when that panic is recovered while an older
 * panic is still running, forgotten once no panic is left.  Found by the differential
 * fuzzer against Go (seed 858725099336). */

static void (*volatile nilfn)(void *);

static void recover_it(void *u) {
    (void)u;
    go_recover();
}

/* A deferred call whose own frame faults on a nil deferred function and recovers that. */
static void faults_and_recovers(void *u) {
    (void)u;
    go_frame {
        go_defer(recover_it, NULL);
        go_defer(nilfn, NULL);
    }
}

static void child_kept(void) {
    go_frame {
        go_defer(faults_and_recovers, NULL);
        go_panic(go_str("older")); /* still running when the signal panic is recovered */
    }
}

static void child_forgotten(void) {
    faults_and_recovers(NULL); /* recovered, no panic left */
    go_panic(go_str("later"));
}

static void test_signal_line_kept_while_older_panic_runs(void) {
    child_result *r = run_child("signal_kept");
    ASSERT_INT(r->status, 2);
    ASSERT_CONTAINS(report_head(r), "panic: older\n[signal SIGSEGV: segmentation violation");
}

static void test_signal_line_forgotten_when_no_panic_left(void) {
    child_result *r = run_child("signal_forgotten");
    ASSERT_INT(r->status, 2);
    ASSERT_STR(report_head(r), "panic: later\n");
}


/* ---- traces of split functions --------------------------------------------------------
 * Traces of functions that GCC splits (partial inlining, -O2): the split function must
 * show as one frame.  Found by the differential fuzzer (seed 4), where the trace read
 * "f3 f3 panic f2 ..." against Go's "f3 panic f2 ...". */

__attribute__((noinline)) void split_other(int *ap) { printf("other %d\n", *ap); }

/* A cold noreturn branch before a call: GCC splits the function at -O2. */
void split_me(int *ap) {
    int a = *ap;
    printf("split_me %d\n", a);
    if (a == 0) {
        printf("split_me panics\n");
        go_panic(go_str("split"));
    }
    split_other(&(int){3});
}

/* The same, called where its head is inlined and the cold part is outlined as
 * split_part.part.0, a frame of its own (fuzzer seed 238). */
void split_part(int *ap) {
    int a = *ap;
    printf("split_part %d\n", a);
    if (a == 3) {
        printf("split_part panics\n");
        go_panic(go_int(28238));
    }
    printf("split_part %d done\n", a);
}

__attribute__((noinline)) static void split_part_caller(void) {
    go_frame {
        split_part(&(int){1});
        split_part(&(int){3});
    }
}

static void child_part(void) {
    split_part_caller();
    __asm__ volatile("");
}

static void test_split_part_frame_once(void) {
    child_result *r = run_child("split_part");
    ASSERT_INT(r->status, 2);
    ASSERT_STR(report_head(r), "panic: 28238\n");
    IF_SYMBOLS(ASSERT_STR(trace_funcs(r), "split_part split_part_caller child_part harness_main main"));
}

static void child_split(void) {
    for (int i = 2; i >= 0; i--) split_me(&i);
}

static void test_split_frame_once(void) {
    child_result *r = run_child("split");
    ASSERT_INT(r->status, 2);
    ASSERT_STR(report_head(r), "panic: split\n");
    IF_SYMBOLS(ASSERT_STR(trace_funcs(r), "split_me child_split harness_main main"));
}


/* ---- where a trace starts -------------------------------------------------------------
 * Where a trace starts, as measured with Go: runtime frames on top are hidden, panic
 * entries included (Go prints gopanic only after another frame), but runtime.Goexit is
 * always shown: a nil deferred function called by Goexit's loop faults there, and Go's
 * first frame is runtime.Goexit.  Found by the differential fuzzer (seed 65). */

__attribute__((noinline)) static void goexit_with_nil_defer(void) {
    go_frame {
        go_defer(nilfn, NULL);
        go_goexit();
    }
}

__attribute__((noinline)) static void panic_with_nil_defer(void) {
    go_frame {
        go_defer(nilfn, NULL);
        go_panic(go_str("first"));
    }
}

/* (the asm statements keep the calls from becoming tail jumps) */
static void child_goexit(void) {
    goexit_with_nil_defer();
    __asm__ volatile("");
}
static void child_panic(void) {
    panic_with_nil_defer();
    __asm__ volatile("");
}

static void test_trace_starts_at_goexit(void) {
    child_result *r = run_child("goexit_nil_defer");
    ASSERT_INT(r->status, 2);
    ASSERT_CONTAINS(report_head(r), "panic: runtime error: invalid memory address or nil "
                                    "pointer dereference\n[signal SIGSEGV: segmentation "
                                    "violation code=0x1 addr=0x0 pc=");
    IF_SYMBOLS(ASSERT_STR(trace_funcs(r), "go_goexit goexit_with_nil_defer child_goexit harness_main main"));
}

static void test_trace_starts_below_panic(void) {
    child_result *r = run_child("panic_nil_defer");
    ASSERT_INT(r->status, 2);
    ASSERT_CONTAINS(report_head(r), "panic: first\n\tpanic: runtime error: invalid memory");
    IF_SYMBOLS(ASSERT_STR(trace_funcs(r), "panic_with_nil_defer child_panic harness_main main"));
}

static const harness_case cases[] = {
    {"simple", test_simple},
    {"nested", test_nested},
    {"marks", test_marks},
    {"values", test_values},
    {"nil_deferred", test_nil_deferred},
    {"panic_while_printing", test_panic_while_printing},
    {"stdout_flushed", test_stdout_flushed},
    {"stdout_unwritable", test_stdout_unwritable},
    {"go_named_user_function", test_go_named_user_function},
    {"thread_goroutine", test_thread_goroutine},
    {"elided_frames", test_elided_frames},
    {"trace_frames", test_trace_frames},
    {"signal_line_kept_while_older_panic_runs", test_signal_line_kept_while_older_panic_runs},
    {"signal_line_forgotten_when_no_panic_left", test_signal_line_forgotten_when_no_panic_left},
    {"split_frame_once", test_split_frame_once},
    {"split_part_frame_once", test_split_part_frame_once},
    {"trace_starts_at_goexit", test_trace_starts_at_goexit},
    {"trace_starts_below_panic", test_trace_starts_below_panic},
    {NULL, NULL},
};

static const harness_case children[] = {
    {"simple", child_simple},
    {"nested", child_nested},
    {"recovered_then_second", child_recovered_then_second},
    {"repanicked", child_repanicked},
    {"repanic_copy", child_repanic_copy},
    {"identical_not_recovered", child_identical_not_recovered},
    {"multiline", child_multiline},
    {"error", child_error},
    {"wrapped", child_wrapped},
    {"panicf", child_panicf},
    {"int", child_int},
    {"negative", child_negative},
    {"uint", child_uint},
    {"float", child_float},
    {"bool", child_bool},
    {"nil", child_nil},
    {"myint", child_myint},
    {"mystr", child_mystr},
    {"myfloat", child_myfloat},
    {"ptr", child_ptr},
    {"stringer", child_stringer},
    {"nil_deferred", child_nil_deferred},
    {"print_panic_str", child_print_panic_str},
    {"print_panic_type", child_print_panic_type},
    {"stdout_flushed", child_stdout_flushed},
    {"stdout_reader_gone", child_stdout_reader_gone},
    {"stdout_full", child_stdout_full},
    {"go_named", child_go_named},
    {"stdout_closed", child_stdout_closed},
    {"thread", child_thread},
    {"deep", child_deep},
    {"trace_frames", child_trace_frames},
    {"signal_kept", child_kept},
    {"signal_forgotten", child_forgotten},
    {"split", child_split},
    {"split_part", child_part},
    {"goexit_nil_defer", child_goexit},
    {"panic_nil_defer", child_panic},
    {NULL, NULL},
};

int main(int argc, char **argv) { return harness_main(argc, argv, cases, children); }
