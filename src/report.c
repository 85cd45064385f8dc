/* The fatal report: Go's "panic: ..." lines, the signal line, "goroutine N [running]:"
 * and the traceback, written to fd 2; then exit status 2.  Also fatal errors (throw). */
#include "internal.h"

#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "valgrind.h"

/* ---- output to fd 2 ---------------------------------------------------------------- */

void go__out_flush(go__out *o) {
    size_t off = 0;
    while (off < o->n) {
        ssize_t w = write(o->fd, o->buf + off, o->n - off);
        if (w <= 0) break;
        off += (size_t)w;
    }
    o->n = 0;
}

void go__out_emit(void *ctx, const char *s, size_t n) {
    go__out *o = ctx;
    while (n) {
        if (o->n == sizeof o->buf) go__out_flush(o);
        size_t k = sizeof o->buf - o->n;
        if (k > n) k = n;
        memcpy(o->buf + o->n, s, k);
        o->n += k;
        s += k;
        n -= k;
    }
}

void go__out_str(go__out *o, const char *s) { go__out_emit(o, s, strlen(s)); }

/* The one number formatter of reports and traces: hex with 0x, or decimal. */
void go__emit_num(go__emit_fn emit, void *ctx, uint64_t v, bool hex) {
    char b[2 + 20]; /* "0x" and 16 digits, or 20 decimal ones */
    int i = sizeof b;
    do {
        b[--i] = "0123456789abcdef"[hex ? v & 15 : v % 10];
        v = hex ? v >> 4 : v / 10;
    } while (v);
    if (hex) {
        b[--i] = 'x';
        b[--i] = '0';
    }
    emit(ctx, b + i, sizeof b - (size_t)i);
}

void go__out_hex(go__out *o, uintptr_t v) { go__emit_num(go__out_emit, o, v, true); }

void go__out_dec(go__out *o, int64_t v) {
    if (v < 0) go__out_emit(o, "-", 1);
    go__emit_num(go__out_emit, o, v < 0 ? -(uint64_t)v : (uint64_t)v, false);
}

/* ---- GOTRACEBACK -------------------------------------------------------------------
 * Go's setting in Go's encoding (runtime/runtime1.go): level << 2 | all << 1 | crash.
 * The variable is read at the first report or go_set_traceback call; as with Go's
 * debug.SetTraceback, the setter cannot lower what the variable asks for (the two are
 * or'ed). */
enum { TB_CRASH = 1, TB_ALL = 2, TB_SHIFT = 2 };
#define TB_READ (1u << 31) /* the word was set */

static _Atomic uint32_t tb_env, tb_set;

/* Go's setTraceback: a name, else every goroutine at the level a decimal number gives
 * (uint32, shifted as Go does), else at level 0. */
static uint32_t tb_parse(const char *s) {
    if (!s || !*s || strcmp(s, "single") == 0) return 1u << TB_SHIFT;
    if (strcmp(s, "none") == 0) return 0;
    if (strcmp(s, "all") == 0) return 1u << TB_SHIFT | TB_ALL;
    if (strcmp(s, "system") == 0) return 2u << TB_SHIFT | TB_ALL;
    if (strcmp(s, "crash") == 0) return 2u << TB_SHIFT | TB_ALL | TB_CRASH;
    uint64_t n = 0;
    const char *p = s;
    for (; *p >= '0' && *p <= '9' && n <= UINT32_MAX; p++) n = n * 10 + (uint64_t)(*p - '0');
    return TB_ALL | (!*p && n <= UINT32_MAX ? (uint32_t)n << TB_SHIFT : 0);
}

static uint32_t tb_env_flags(void) {
    uint32_t e = atomic_load(&tb_env);
    if (!(e & TB_READ)) {
        e = tb_parse(getenv("GOTRACEBACK")) | TB_READ;
        atomic_store(&tb_env, e);
    }
    return e;
}

static uint32_t tb_flags(void) {
    uint32_t t = atomic_load(&tb_set);
    return (t & TB_READ ? t : tb_env_flags()) & ~TB_READ;
}

void go_set_traceback(const char *level) {
    atomic_store(&tb_set, tb_parse(level) | tb_env_flags());
}

/* How every fatal report ends: by SIGABRT for GOTRACEBACK=crash (Go's crash), else by
 * sig's default action if sig is not 0, else status 2. */
void go__report_end(int sig) {
    if (tb_flags() & TB_CRASH) go__die_by_signal(SIGABRT);
    if (sig) go__die_by_signal(sig);
    _exit(2);
}

/* ---- dying ------------------------------------------------------------------------- */

static _Atomic long dying_tid;

long go__dying_tid(void) { return atomic_load(&dying_tid); }

/* Another thread is reporting: stop here until it ends the process (async-signal-safe). */
void go__stop(void) {
    for (;;) pause();
}

/* Only one thread reports; the others stop.  A second fatal error in the reporting
 * thread itself ends the process at once instead of hanging. */
void go__start_dying(void) {
    long me = gettid(), none = 0;
    if (atomic_compare_exchange_strong(&dying_tid, &none, me)) {
        go__catch_faults();
        return;
    }
    if (none == me) {
        static const char msg[] = "fatal error: panic during panic\n";
        if (write(2, msg, sizeof msg - 1) < 0) {
        }
        go__report_end(0);
    }
    go__stop();
}

/* C's stdio buffers hold what the program printed; Go's output would already be out.
 * Flush them unless this thread was interrupted inside stdio (the lock is busy).  The
 * report must follow even if they cannot be written (a reader gone, a full disk, a closed
 * fd): errors are ignored, and the SIGPIPE a closed pipe raises in this thread is held
 * back by the mask and discarded before the mask is restored. */
void go__flush_stdio(void) {
    sigset_t pipe_set, old;
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
    FILE *fs[] = {stdout, stderr};
    for (size_t i = 0; i < sizeof fs / sizeof fs[0]; i++) {
        if (ftrylockfile(fs[i]) == 0) {
            fflush_unlocked(fs[i]);
            funlockfile(fs[i]);
        }
    }
    static const struct timespec now = {0, 0};
    while (sigtimedwait(&pipe_set, NULL, &now) == SIGPIPE) {
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/* ---- a fault while reporting -------------------------------------------------------
 * The parts of the report that read the program's data (panic values, frames) may fault:
 * a bad go_type name, a corrupted chain.  The handler (signal.c), installed when the
 * report starts if it was not before, sends a fault of the reporting thread back here:
 * the part ends with a note and the report goes on, to its usual end. */

static sigjmp_buf *guard; /* set only by the reporting thread */
static volatile sig_atomic_t guard_sig;
static volatile uintptr_t guard_addr;

void go__report_fault(int sig, uintptr_t addr) {
    if (!guard) return;
    guard_sig = sig;
    guard_addr = addr;
    siglongjmp(*guard, 1);
}

static void guarded(go__out *o, void (*part)(go__out *, const void *), const void *arg) {
    sigset_t faults; /* a report printed by the handler runs with the fault blocked */
    sigemptyset(&faults);
    sigaddset(&faults, SIGSEGV);
    sigaddset(&faults, SIGBUS);
    sigaddset(&faults, SIGFPE);
    pthread_sigmask(SIG_UNBLOCK, &faults, NULL);
    sigjmp_buf jb;
    sigjmp_buf *volatile outer = guard;
    if (sigsetjmp(jb, 1) == 0) {
        guard = &jb;
        part(o, arg);
    } else {
        go__out_str(o, "\n[godefer: ");
        go__out_str(o, go__signame(guard_sig));
        go__out_str(o, " addr=");
        go__out_hex(o, guard_addr);
        go__out_str(o, " while printing the report; the rest of this part is unreadable]\n");
    }
    guard = outer;
    go__out_flush(o);
}

/* ---- traces ------------------------------------------------------------------------ */

/* Symbolizing takes some 140 KiB of stack (libdw): a report on a small stack (a
 * coroutine's) or on one of unknown size symbolizes on a new one. */
#define TRACE_STACK (192 * 1024)
#define NEW_STACK (1024 * 1024)
#define NEW_STACK_GUARD (64 * 1024)

static uintptr_t stack_room(bool *on_altstack) {
    char here;
    uintptr_t sp = (uintptr_t)&here;
    stack_t ss;
    *on_altstack = sigaltstack(NULL, &ss) == 0 && (ss.ss_flags & SS_ONSTACK);
    if (*on_altstack) return sp - (uintptr_t)ss.ss_sp;
    const go__g *g = (const go__g *)go__curg;
    if (g && sp > g->stack_lo && sp <= g->stack_hi) return sp - g->stack_lo;
    return 0;
}

static void print_raw_pcs(go__out *o, void **pcs, int n, const char *why) {
    go__out_str(o, why);
    for (int i = 0; i < n; i++) {
        go__out_str(o, "\t");
        go__out_hex(o, (uintptr_t)pcs[i]);
        go__out_str(o, "\n");
    }
}

typedef struct trace_job {
    go__out *o;
    void **pcs;
    int n;
    bool system;
    const go__g *g; /* whose "created by" line ends the trace */
} trace_job;

static void run_trace_job(void *arg) {
    trace_job *j = arg;
    go__print_trace(j->pcs, j->n, j->system, go__out_emit, j->o);
    go__print_created_by(j->g, go__out_emit, j->o);
}

/* Runs the job on a new stack (never unmapped: the process is ending); false if no
 * memory could be mapped. */
static bool on_new_stack(trace_job *j) {
    char *m = go__stack_map(NEW_STACK, NEW_STACK_GUARD);
    if (!m) return false;
    /* Valgrind must see a switch of stacks, not the coroutine's stack popped up to an sp
     * above it (whether it is above depends on where mmap puts it) */
    (void)VALGRIND_STACK_REGISTER(m + NEW_STACK_GUARD, m + NEW_STACK_GUARD + NEW_STACK);
    go__arch_call_on(run_trace_job, j, m + NEW_STACK_GUARD + NEW_STACK);
    return true;
}

static void print_pcs_part(go__out *o, const void *arg) {
    trace_job j = *(const trace_job *)arg;
    bool alt;
    if (stack_room(&alt) >= TRACE_STACK)
        run_trace_job(&j);
    else if (alt) /* a sanitizer's alternate stack, in a thread godefer never saw */
        print_raw_pcs(o, j.pcs, j.n,
                      "(signal stack too small to symbolize; program counters:)\n");
    else if (!on_new_stack(&j))
        print_raw_pcs(o, j.pcs, j.n, "(no stack to symbolize on; program counters:)\n");
}

/* "goroutine N [state]:" and what follows it (state_on: " [state]:\n..."). */
static void goroutine_line(go__out *o, int64_t goid, const char *state_on) {
    go__out_str(o, "\ngoroutine ");
    go__out_dec(o, goid);
    go__out_str(o, state_on);
}

static void sort_by_id(int64_t *ids, bool *running, int n) {
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && ids[j - 1] > ids[j]; j--) {
            int64_t t = ids[j];
            bool r = running[j];
            ids[j] = ids[j - 1], running[j] = running[j - 1];
            ids[j - 1] = t, running[j - 1] = r;
        }
}

/* GOTRACEBACK=all: the other goroutines godefer knows, by id.  Those current on another
 * thread run on: their stacks cannot be read safely, and Go says so for its own in that
 * case; those switched out of every thread (coroutines) are not walked either. */
static void print_others(go__out *o) {
    enum { MAXG = 4096 };     /* goroutines listed */
    static int64_t ids[MAXG]; /* the reporting thread's */
    static bool running[MAXG];
    int n = go__other_goids(ids, running, MAXG);
    if (n < 0) {
        go__out_str(o, "\n(other goroutines not listed: their registry is busy)\n");
        return;
    }
    sort_by_id(ids, running, n < MAXG ? n : MAXG); /* in id order, as Go lists them */
    for (int i = 0; i < n && i < MAXG; i++) {
        /* running on another thread, or switched out of every thread (Go's state of a
         * coroutine's goroutine) */
        goroutine_line(
            o, ids[i],
            running[i] ? " [running]:\n\tgoroutine running on other thread; stack unavailable\n"
                       : " [coroutine]:\n\tgoroutine not running; stack not shown\n");
    }
    if (n > MAXG) {
        go__out_str(o, "\n...");
        go__out_dec(o, n - MAXG);
        go__out_str(o, " more goroutines not listed...\n");
    }
    go__out_flush(o);
}

/* The goroutines part of a report, as GOTRACEBACK says: none, the reporting goroutine
 * (godefer's frames too at system), then the others at all; a fatal error lists the
 * others at every level but none, as Go's throw does. */
static void print_goroutines(go__out *o, void **pcs, int n, bool fatal_error) {
    uint32_t t = tb_flags();
    if (t >> TB_SHIFT == 0) return;
    const go__g *g = (const go__g *)go__curg;
    goroutine_line(o, g ? g->goid : gettid() == getpid() ? 1 : 0, " [running]:\n");
    go__out_flush(o);
    trace_job j = {o, pcs, n, t >> TB_SHIFT >= 2, g};
    guarded(o, print_pcs_part, &j);
    if (t & TB_ALL || fatal_error) print_others(o);
}

/* The trace of the code a signal interrupted (uc), or else of the caller's, whose leading
 * go__ frames the trace hides; then the goroutines part. */
void go__report_goroutines(go__out *o, void *uc, bool fatal_error) {
    static void *pcs[GO__TRACE_MAX]; /* only the reporting thread gets here */
    int n = uc ? go__capture_uc(uc, pcs, GO__TRACE_MAX) : go__capture(pcs, GO__TRACE_MAX);
    print_goroutines(o, pcs, n, fatal_error);
}

/* Go's throw: "fatal error: msg", the goroutines if asked, status 2. */
static GO__NORETURN void go__fatal(const char *msg, bool trace) {
    go__start_dying();
    go__flush_stdio();
    go__out o = {.fd = 2};
    go__out_str(&o, "fatal error: ");
    go__out_str(&o, msg);
    go__out_str(&o, "\n");
    if (trace) go__report_goroutines(&o, NULL, true);
    go__out_flush(&o);
    go__report_end(0);
}

void go__fatal_notrace(const char *msg) { go__fatal(msg, false); }
void go__throw(const char *msg) { go__fatal(msg, true); }
void go__fatal_misuse(const char *msg) { go__fatal(msg, true); }

/* ---- panics ------------------------------------------------------------------------ */

/* A value's Error or String method panicked while the report was being prepared. */
static void go__preprint_guard(void *unused) {
    (void)unused;
    go_any r = go_recover();
    if (go_isnil(r)) return;
    static const char text[] = "panic while printing panic value: ";
    char msg[512];
    if (r.type->kind == GO_KIND_STRING &&
        (r.type == &go_type_string || r.type == &go__type_fmtString))
        snprintf(msg, sizeof msg, "%s%s", text, r.v.s ? r.v.s : "");
    else
        snprintf(msg, sizeof msg, "%stype %s", text, r.type->name);
    go__throw(msg);
}

#define MAXPANICS 1000 /* panics a report walks: more is a corrupted (cyclic) chain */

/* Go's preprintpanics: Error and String methods run now, before the world stops; a panic
 * that re-panics the identical value marks the older one "repanicked" (Go 1.25+). */
static void go__preprintpanics(go__g *g) {
    g->printing = true;
    go_frame {
        go_defer(go__preprint_guard, NULL);
        int k = 0;
        for (go__panic *p = g->panic; p && k < MAXPANICS; p = p->link, k++) {
            if (p->link && go_identical(p->link->arg, p->arg)) {
                p->link->repanicked = true;
                continue;
            }
            if (p->arg.type && (p->arg.type->error || p->arg.type->string))
                p->text = go__text_alloc(p->arg, NULL);
        }
    }
    g->printing = false;
}

/* The panic lines, oldest first; a panic that was repanicked is shown by its repanic. */
static void printpanics(go__out *o, const void *newest) {
    static const go__panic *chain[MAXPANICS]; /* newest first; the reporting thread's */
    int n = 0;
    for (const go__panic *p = newest; p && n < MAXPANICS; p = p->link) chain[n++] = p;
    for (int i = n - 1; i >= 0; i--) {
        const go__panic *p = chain[i], *older = i + 1 < n ? chain[i + 1] : NULL;
        if (older && older->repanicked) continue;
        if (older && !older->goexit) go__out_str(o, "\t");
        if (p->goexit) continue;
        go__out_str(o, "panic: ");
        go__format_printval(p->text ? go_str(p->text) : p->arg, go__out_emit, o);
        if (p->recovered && p->repanicked)
            go__out_str(o, " [recovered, repanicked]");
        else if (p->recovered)
            go__out_str(o, " [recovered]");
        go__out_str(o, "\n");
    }
}

void go__fatalpanic(go__g *g) {
    go__preprintpanics(g);
    go__start_dying();
    go__flush_stdio();
    go__out o = {.fd = 2};
    if (g->panic) guarded(&o, printpanics, g->panic);
    if (g->sig.sig) { /* Go's g.sig: the last signal panic's, even recovered */
        go__signal_line(&o, g->sig.sig, g->sig.code, g->sig.addr, g->sig.pc);
    }
    go__report_goroutines(&o, NULL, false);
    go__out_flush(&o);
    go__report_end(0);
}
