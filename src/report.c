/* The fatal report: Go's "panic: ..." lines, the signal line, "goroutine N [running]:"
 * and the traceback, written to fd 2; then exit status 2.  Also fatal errors (throw). */
#include "internal.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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

void go__out_hex(go__out *o, uintptr_t v) {
    char b[2 + 2 * sizeof v];
    int i = sizeof b;
    do {
        b[--i] = "0123456789abcdef"[v & 15];
        v >>= 4;
    } while (v);
    b[--i] = 'x';
    b[--i] = '0';
    go__out_emit(o, b + i, sizeof b - (size_t)i);
}

void go__out_dec(go__out *o, int64_t v) {
    char b[24];
    int i = sizeof b;
    uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
    do {
        b[--i] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0) b[--i] = '-';
    go__out_emit(o, b + i, sizeof b - (size_t)i);
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
    if (atomic_compare_exchange_strong(&dying_tid, &none, me)) return;
    if (none == me) {
        static const char msg[] = "fatal error: panic during panic\n";
        if (write(2, msg, sizeof msg - 1) < 0) _exit(2);
        _exit(2);
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

static int64_t current_goid(void) {
    go__g *g = (go__g *)go__curg;
    if (g) return g->goid;
    return gettid() == getpid() ? 1 : 0;
}

static void go__trace_run(void *o) {
    void *pcs[1024];
    int n = go__capture(pcs, 1024);
    go__print_trace(pcs, n, go__out_emit, o);
}

/* Capturing and symbolizing take some 140 KiB of stack (libunwind, libdw).  Off the
 * thread's own stack (on a coroutine's, which may be small) they run on the thread's
 * alternate signal stack, unused unless a signal is being handled, and the process is
 * dying; the unwinder walks back through the switch (go__arch_call_on's unwind entry). */
static void go__print_goroutine_trace(go__out *o) {
    go__out_str(o, "\ngoroutine ");
    go__out_dec(o, current_goid());
    go__out_str(o, " [running]:\n");
    go__out_flush(o);
    const go__g *g = (const go__g *)go__curg, *own = g ? g->owner : NULL;
    uintptr_t sp = (uintptr_t)__builtin_frame_address(0);
    stack_t ss;
    if (own && (sp < own->stack_lo || sp >= own->stack_hi) && sigaltstack(NULL, &ss) == 0 &&
        !(ss.ss_flags & (SS_DISABLE | SS_ONSTACK)))
        go__arch_call_on(go__trace_run, o, (char *)ss.ss_sp + ss.ss_size);
    else
        go__trace_run(o);
}

/* Go's throw: "fatal error: msg", the goroutine's trace if asked, status 2. */
static GO__NORETURN void go__fatal(const char *msg, bool trace) {
    go__start_dying();
    go__flush_stdio();
    go__out o = {.fd = 2};
    go__out_str(&o, "fatal error: ");
    go__out_str(&o, msg);
    go__out_str(&o, "\n");
    if (trace) go__print_goroutine_trace(&o);
    go__out_flush(&o);
    _exit(2);
}

void go__fatal_notrace(const char *msg) { go__fatal(msg, false); }
void go__throw(const char *msg) { go__fatal(msg, true); }

/* ---- panics ------------------------------------------------------------------------ */

/* A value's Error or String method panicked while the report was being prepared. */
static void go__preprint_guard(void *unused) {
    (void)unused;
    go_any r = go_recover();
    if (go_isnil(r)) return;
    static const char text[] = "panic while printing panic value: ";
    char msg[512];
    if (r.type->kind == GO_KIND_STRING && (r.type == &go_type_string ||
                                           r.type == &go__type_fmtString))
        snprintf(msg, sizeof msg, "%s%s", text, r.v.s ? r.v.s : "");
    else
        snprintf(msg, sizeof msg, "%stype %s", text, r.type->name);
    go__throw(msg);
}

/* Go's preprintpanics: Error and String methods run now, before the world stops; a panic
 * that re-panics the identical value marks the older one "repanicked" (Go 1.25+). */
static void go__preprintpanics(go__g *g) {
    g->printing = true;
    go_frame {
        go_defer(go__preprint_guard, NULL);
        for (go__panic *p = g->panic; p; p = p->link) {
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

static void go__printpanics(go__out *o, const go__panic *p) {
    if (p->link) {
        go__printpanics(o, p->link);
        if (p->link->repanicked) return;
        if (!p->link->goexit) go__out_str(o, "\t");
    }
    if (p->goexit) return;
    go__out_str(o, "panic: ");
    go__format_printval(p->text ? go_str(p->text) : p->arg, go__out_emit, o);
    if (p->recovered && p->repanicked)
        go__out_str(o, " [recovered, repanicked]");
    else if (p->recovered)
        go__out_str(o, " [recovered]");
    go__out_str(o, "\n");
}

const char *go__signame(int sig) {
    switch (sig) {
    case SIGSEGV: return "SIGSEGV: segmentation violation";
    case SIGBUS: return "SIGBUS: bus error";
    case SIGFPE: return "SIGFPE: floating-point exception";
    case SIGILL: return "SIGILL: illegal instruction";
    default: return "signal";
    }
}

void go__fatalpanic(go__g *g) {
    go__preprintpanics(g);
    go__start_dying();
    go__flush_stdio();
    go__out o = {.fd = 2};
    if (g->panic) go__printpanics(&o, g->panic);
    if (g->sig.sig) { /* Go's g.sig: the last signal panic's, even recovered */
        go__out_str(&o, "[signal ");
        go__out_str(&o, go__signame(g->sig.sig));
        go__out_str(&o, " code=");
        go__out_hex(&o, (uintptr_t)g->sig.code);
        go__out_str(&o, " addr=");
        go__out_hex(&o, g->sig.addr);
        go__out_str(&o, " pc=");
        go__out_hex(&o, g->sig.pc);
        go__out_str(&o, "]\n");
    }
    go__print_goroutine_trace(&o);
    go__out_flush(&o);
    _exit(2);
}
