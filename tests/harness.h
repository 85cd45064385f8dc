/* A small test harness in the libuv/mimalloc style: one program per area, ASSERT macros,
 * an event log for ordering checks, and child processes for crash reports.
 *
 *   static void test_order(void) { ... ASSERT_LOG("c b a"); }
 *   static void child_boom(void) { go_panic(go_str("boom")); }
 *   static const harness_case cases[] = {{"order", test_order}, {0}};
 *   static const harness_case children[] = {{"boom", child_boom}, {0}};
 *   int main(int argc, char **argv) { return harness_main(argc, argv, cases, children); }
 *
 * In a test, run_child("boom") re-executes this program with "--child boom" and returns
 * its stdout, stderr and exit status.
 *
 * A case that cannot check what it is about here (another machine, a tool's limitation,
 * no C counterpart of a Go case) says SKIP("why") and reports "skip N - name: why".  The
 * program then exits 0, or HARNESS_SKIPPED (CTest's SKIP_RETURN_CODE) if every case it ran
 * was skipped.  A missing tool is not such a reason: it leaves the whole program out, in
 * CMake or .ci/probe, where STRICT=1 makes it an error.  `prog NAME` runs only case NAME,
 * and fails when no case has that name.
 */
#ifndef GODEFER_TEST_HARNESS_H
#define GODEFER_TEST_HARNESS_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct harness_case {
    const char *name;
    void (*fn)(void);
} harness_case;

static int harness_failures;
static const char *harness_current;
static char *harness_argv0;
static char harness_skip_reason[256]; /* set by SKIP: the current case is skipped */

#define HARNESS_SKIPPED 77 /* exit status when every case was skipped (CTest: Skipped) */

#define HFAIL(...)                                                                    \
    do {                                                                              \
        fprintf(stderr, "  FAIL %s:%d: ", __FILE__, __LINE__);                        \
        fprintf(stderr, __VA_ARGS__);                                                 \
        fprintf(stderr, "\n");                                                        \
        harness_failures++;                                                           \
    } while (0)

#define ASSERT(c)                                                                     \
    do {                                                                              \
        if (!(c)) HFAIL("%s", #c);                                                    \
    } while (0)
#define ASSERT_INT(a, b)                                                              \
    do {                                                                              \
        long long a_ = (long long)(a), b_ = (long long)(b);                           \
        if (a_ != b_) HFAIL("%s == %lld, want %lld", #a, a_, b_);                     \
    } while (0)
#define ASSERT_STR(a, b)                                                              \
    do {                                                                              \
        const char *a_ = (a), *b_ = (b);                                              \
        if (!a_ || strcmp(a_, b_) != 0)                                               \
            HFAIL("%s:\n    got  \"%s\"\n    want \"%s\"", #a, a_ ? a_ : "(null)", b_); \
    } while (0)
#define ASSERT_CONTAINS(hay, needle)                                                  \
    do {                                                                              \
        const char *h_ = (hay), *n_ = (needle);                                       \
        if (!h_ || !strstr(h_, n_))                                                   \
            HFAIL("%s does not contain \"%s\":\n%s", #hay, n_, h_ ? h_ : "(null)");   \
    } while (0)
#define ASSERT_NOT_CONTAINS(hay, needle)                                              \
    do {                                                                              \
        const char *h_ = (hay), *n_ = (needle);                                       \
        if (h_ && strstr(h_, n_))                                                     \
            HFAIL("%s contains \"%s\":\n%s", #hay, n_, h_);                           \
    } while (0)

/* Ends the current case as skipped, saying why (a printf format). */
#define SKIP(...)                                                                     \
    do {                                                                              \
        snprintf(harness_skip_reason, sizeof harness_skip_reason, __VA_ARGS__);        \
        return;                                                                       \
    } while (0)

/* Checks of function names and file:line in traces need libdw (GODEFER_TEST_SYMBOLS is
 * defined by tests/CMakeLists.txt when the library was built with it). */
#ifdef GODEFER_TEST_SYMBOLS
#define IF_SYMBOLS(x) x
#else
#define IF_SYMBOLS(x) ((void)0)
#endif

/* ---- event log: tlog("a"); ... ASSERT_LOG("a b") ------------------------------------ */
static char harness_log[8192];
static size_t harness_loglen;
__attribute__((unused)) static void tlog_reset(void) {
    harness_loglen = 0;
    harness_log[0] = '\0';
}
__attribute__((format(printf, 1, 2), unused)) static void tlog(const char *fmt, ...) {
    if (harness_loglen && harness_loglen < sizeof harness_log - 1)
        harness_log[harness_loglen++] = ' ';
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(harness_log + harness_loglen, sizeof harness_log - harness_loglen, fmt, ap);
    va_end(ap);
    if (n > 0) harness_loglen += (size_t)n;
    if (harness_loglen >= sizeof harness_log) harness_loglen = sizeof harness_log - 1;
}
#define ASSERT_LOG(want) ASSERT_STR(harness_log, want)

/* ---- child processes ------------------------------------------------------------ */
typedef struct child_result {
    int status;   /* exit status, or -1 if killed by a signal */
    int signal;   /* terminating signal, or 0 */
    char out[65536], err[65536];
} child_result;

static void harness_drain(int fds[2], char *bufs[2]) {
    size_t len[2] = {0, 0};
    bool open_[2] = {true, true};
    while (open_[0] || open_[1]) {
        struct pollfd p[2] = {{fds[0], POLLIN, 0}, {fds[1], POLLIN, 0}};
        if (poll(p, 2, -1) < 0 && errno != EINTR) break;
        for (int i = 0; i < 2; i++) {
            if (!open_[i] || !(p[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            char tmp[4096];
            ssize_t r = read(fds[i], tmp, sizeof tmp);
            if (r <= 0) {
                open_[i] = false;
                p[i].fd = -1;
                continue;
            }
            size_t room = 65535 - len[i], k = (size_t)r < room ? (size_t)r : room;
            memcpy(bufs[i] + len[i], tmp, k);
            len[i] += k;
        }
    }
    bufs[0][len[0]] = bufs[1][len[1]] = '\0';
}

/* Runs this program's child scenario `name` with extra environment `env` (or NULL). */
__attribute__((unused)) static child_result *run_child_env(const char *name, const char *env) {
    static child_result r;
    memset(&r, 0, sizeof r);
    int po[2], pe[2];
    if (pipe(po) || pipe(pe)) {
        perror("pipe");
        exit(99);
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(po[1], 1);
        dup2(pe[1], 2);
        close(po[0]);
        close(pe[0]);
        if (env) putenv((char *)env);
        /* argv[0], not /proc/self/exe, which is valgrind itself under valgrind */
        const char *self = strchr(harness_argv0, '/') ? harness_argv0 : "/proc/self/exe";
        /* A cross-built test runs under an emulator that cannot start a child of the
         * guest's machine by itself (qemu-user without binfmt_misc): the aarch64 tier
         * names it, e.g. GODEFER_TEST_EMULATOR="qemu-aarch64 -L /usr/aarch64-linux-gnu". */
        const char *emu = getenv("GODEFER_TEST_EMULATOR");
        if (emu && *emu) {
            static char words[512];
            char *argv[24];
            int n = 0;
            snprintf(words, sizeof words, "%s", emu);
            for (char *w = strtok(words, " "); w && n < 20; w = strtok(NULL, " ")) argv[n++] = w;
            argv[n++] = (char *)self;
            argv[n++] = (char *)"--child"; /* C++ too (tests/cxx/test_hpp.cpp) */
            argv[n++] = (char *)name;
            argv[n] = NULL;
            execvp(argv[0], argv);
            _exit(98);
        }
        execl(self, harness_argv0, "--child", name, (char *)NULL);
        _exit(98);
    }
    close(po[1]);
    close(pe[1]);
    int fds[2] = {po[0], pe[0]};
    char *bufs[2] = {r.out, r.err};
    harness_drain(fds, bufs);
    close(po[0]);
    close(pe[0]);
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    r.signal = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
    return &r;
}
__attribute__((unused)) static child_result *run_child(const char *name) { return run_child_env(name, NULL); }

/* The child ends as Go's throw does: "fatal error: msg", status 2. */
__attribute__((unused)) static void expect_fatal(const char *child, const char *msg) {
    child_result *r = run_child(child);
    ASSERT_INT(r->status, 2);
    char want[512]; /* the longest message, whole */
    snprintf(want, sizeof want, "fatal error: %s\n", msg);
    ASSERT_CONTAINS(r->err, want);
}

/* The child printed "goid=N" (N > 1, not the main goroutine) on stdout, then panicked
 * with text (status 2): the report names goroutine N. */
__attribute__((unused)) static void expect_panic_in_goroutine(const child_result *r,
                                                              const char *text) {
    ASSERT_INT(r->status, 2);
    long long id = 0;
    const char *o = strstr(r->out, "goid=");
    ASSERT(o && sscanf(o, "goid=%lld", &id) == 1 && id > 1);
    char want[512]; /* the longest message, whole */
    snprintf(want, sizeof want, "panic: %s\n\ngoroutine %lld [running]:\n", text, id);
    ASSERT_CONTAINS(r->err, want);
}

/* The header of a report: its lines before the blank line that precedes the goroutine
 * line ("panic: ...\n" lines, a "[signal ...]" line, or "fatal error: ...\n"). */
__attribute__((unused)) static const char *report_head(const child_result *r) {
    static char head[65536];
    const char *g = strstr(r->err, "\n\ngoroutine ");
    size_t n = g ? (size_t)(g - r->err) + 1 : strlen(r->err);
    memcpy(head, r->err, n);
    head[n] = '\0';
    return head;
}

/* How many frames the trace printed. */
__attribute__((unused)) static int trace_count(const child_result *r) {
    int n = 0;
    for (const char *p = strstr(r->err, "[running]:\n"); p && (p = strstr(p, "(...)\n")); p++) n++;
    return n;
}

/* Function names of the trace lines, in order, space-separated ("f g main"). */
__attribute__((unused)) static const char *trace_funcs(const child_result *r) {
    static char names[8192];
    size_t n = 0;
    names[0] = '\0';
    const char *p = strstr(r->err, "[running]:\n");
    if (!p) return names;
    p = strchr(p, '\n') + 1;
    while (*p && *p != '\n') {
        const char *e = strstr(p, "(...)\n");
        const char *nl = strchr(p, '\n');
        if (!e || !nl || e > nl) break;
        if (n && n < sizeof names - 1) names[n++] = ' ';
        size_t k = (size_t)(e - p);
        if (n + k >= sizeof names) break;
        memcpy(names + n, p, k);
        n += k;
        names[n] = '\0';
        p = strchr(nl + 1, '\n'); /* skip the file:line line */
        if (!p) break;
        p++;
    }
    return names;
}

/* Runs one case and prints its line; returns 'f' (failed), 's' (skipped) or 'o' (ok). */
static char harness_run(const harness_case *c, int n) {
    int before = harness_failures;
    harness_current = c->name;
    harness_skip_reason[0] = '\0';
    tlog_reset();
    c->fn();
    char how = harness_failures != before ? 'f' : harness_skip_reason[0] ? 's' : 'o';
    if (how == 's')
        printf("skip %d - %s: %s\n", n, c->name, harness_skip_reason);
    else
        printf("%s %d - %s\n", how == 'o' ? "ok" : "not ok", n, c->name);
    fflush(stdout);
    return how;
}

#ifdef GODEFER_TEST_UNWINDS
#include <godefer.h>
/* The program's recoveries unwind (it is built with -fexceptions, whose constructor turns
 * unwinding on: tests/CMakeLists.txt's _fexceptions variants): a cleanup variable between
 * a panic and the recovering frame runs.  The first case of such a program. */
static int harness_cleanups;
static void harness_count_cleanup(int *unused) {
    (void)unused;
    harness_cleanups++;
}
__attribute__((noinline)) static void harness_panic_past_cleanup(void) {
    int c __attribute__((cleanup(harness_count_cleanup))) = 0;
    (void)c;
    go_panic(go_str("unwinding check"));
}
static void harness_recovers(void *unused) {
    (void)unused;
    go_recover();
}
static void harness_unwinding_on(void) {
    harness_cleanups = 0;
    go_frame {
        go_defer(harness_recovers, NULL);
        harness_panic_past_cleanup();
    }
    ASSERT_INT(harness_cleanups, 1);
}
#endif

static int harness_main(int argc, char **argv, const harness_case *cases,
                        const harness_case *children) {
    harness_argv0 = argv[0];
    setvbuf(stdout, NULL, _IOFBF, 1 << 16);
    if (argc == 3 && strcmp(argv[1], "--child") == 0) { /* here: traces end "harness_main main" */
        for (const harness_case *c = children; c && c->name; c++) {
            if (strcmp(c->name, argv[2]) == 0) {
                c->fn();
                fflush(NULL);
                return 0;
            }
        }
        fprintf(stderr, "no child scenario %s\n", argv[2]);
        return 97;
    }
    unsetenv("GOTRACEBACK"); /* children get the reports they check (or set it themselves) */
    const char *only = argc > 1 ? argv[1] : NULL;
    int n = 0, failed = 0, skipped = 0;
#ifdef GODEFER_TEST_UNWINDS
    static const harness_case unwinding_on = {"unwinding_on", harness_unwinding_on};
    if (!only || strcmp(only, unwinding_on.name) == 0) {
        char how = harness_run(&unwinding_on, ++n);
        failed += how == 'f';
    }
#endif
    for (const harness_case *c = cases; c->name; c++) {
        if (only && strcmp(only, c->name) != 0) continue;
        char how = harness_run(c, ++n);
        failed += how == 'f';
        skipped += how == 's';
    }
    if (only && n == 0) {
        fprintf(stderr, "%s: no test case named \"%s\"\n", argv[0], only);
        return 2;
    }
    printf("%d tests, %d failed, %d skipped\n", n, failed, skipped);
    return failed ? 1 : n && skipped == n ? HARNESS_SKIPPED : 0;
}

#endif
