/* Internal declarations shared by the runtime's source files.
 * Names: go_ is the API; go__ a cross-file internal (go__<file>_... where a file has
 * several, as go__out_, go__sigstack_); a static function has a plain name, unless it can
 * be a frame of a trace a report prints (a caller of go_panic or go__throw, a thread's
 * start, a deferred call of the runtime): those keep go__, which the trace hides
 * (traceback.c's is_api_name) in a static link too. */
#ifndef GODEFER_INTERNAL_H
#define GODEFER_INTERNAL_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "godefer.h"

#include <signal.h>
#include <stdatomic.h>
#include <string.h>

#define GO__HIDDEN __attribute__((visibility("hidden")))

#include "arch/arch.h" /* what src/arch/<machine>.c implements */

/* Pool memory of a frame: deferred calls past the frame's slots grow up from rec[],
 * copied values (go_defer_val) grow down from the end.  A frame's chunks are returned
 * to the goroutine's pool as leaving the frame empties each one, or when the frame is
 * abandoned by a recovery. */
typedef struct go__chunk {
    struct go__chunk *next; /* older chunk of the frame, or next free chunk */
    unsigned nrec;          /* records in use, once a newer chunk was pushed (the
                             * frame's newest chunk counts them by f->top) */
    uint32_t lim;           /* records that fit below low (f->end of the newest) */
    uint32_t cap;           /* bytes after the header; more than GO__CHUNK_BYTES for a
                             * chunk made for one big value, which is freed, not pooled */
    uint32_t low;           /* offset of the lowest copied value (== cap when none) */
    go__rec rec[];
} go__chunk;

#define GO__CHUNK_BYTES 1024 /* payload of a pooled chunk: 42 records */
#define GO__POOL_MAX 256     /* chunks a goroutine keeps for reuse */

/* A panic or a Goexit in progress; lives in go_panic's (go_goexit's) stack frame. */
typedef struct go__panic {
    /* cleared by GO__PANIC_CLEAR */
    go_any arg;
    const char *text;       /* arg's Error() or String() text, once the report made it */
    const go__rec *rec;     /* the deferred call this panic's loop is running, or NULL */
    uintptr_t bound;        /* the entry point's CFA: live frames and panics lie above it */
    bool recovered;
    bool goexit;
    bool repanicked;
    bool owned;             /* arg was made by godefer and not yet handed to the user */
    /* signal panics (runtime errors from faults) */
    int sig, sigcode;
    uintptr_t sigaddr, sigpc;
    /* set when the panic starts (go__panic_with, go_goexit) */
    struct go__panic *link; /* older panic */
    go__frame *frame;       /* cursor: the frame whose deferred calls run next */
    go__frame *top;         /* innermost frame when the panic started */
    go__jmpbuf resume;      /* Goexit: where its loop resumes after a recovery */
} go__panic;

/* Clears a new panic record's first fields, the ones not always set when it starts: at
 * most 80 bytes, which GCC clears with a few stores, where a larger clear became a slow
 * `rep stos` (96 bytes did). */
#define GO__PANIC_CLEAR(p) memset((p), 0, offsetof(go__panic, link))
_Static_assert(offsetof(go__panic, link) <= 80, "GO__PANIC_CLEAR: keep the cleared part small");

#define GO__FCACHE 8 /* entries of go__g's function-entry cache (a power of two) */

/* A goroutine: one per thread (or per coroutine). */
typedef struct go__g {
    struct go__ghead head;  /* must be first: the inline paths see only this */
    go__panic *panic;       /* newest panic */
    int64_t goid;
    int64_t parent_goid;    /* go_go: the creator's id and the call's return address, */
    void *gopc;             /* for Go's "created by" line (NULL: not made by go_go) */
    go__chunk *pool;        /* free chunks */
    unsigned npool;
    uint32_t reg_index;     /* its place in the registry of goroutines (g.c) */
    struct go__g *owner;    /* the g0 of the thread it is current on, or NULL */
    struct go__g *home;     /* a thread's own goroutine: itself, which no other thread
                             * may switch to; NULL for go_g_new's */
    struct {                /* the last signal panic's, while any panic is in progress:
                             * Go's report shows its [signal] line even once it was
                             * recovered, until no panic is left (Go's g.sig) */
        int sig, code;
        uintptr_t addr, pc;
    } sig;
    bool exiting;           /* Goexit finished: frames left behind are gone */
    bool coro;              /* the goroutine of a go_coro (coro.c), which embeds it */
    bool printing;          /* preprintpanics is calling Error/String methods */
    /* signals (signal.c) */
    volatile bool panic_on_fault; /* go_set_panic_on_fault; read by the signal handler */
    bool sigstk_ours;       /* sigstk was allocated by go__sigstack_init */
    bool panicking;         /* a panic of this thread is running deferred calls or being
                             * reported: exit waits for it (g.c) */
    void *sigstk;           /* the alternate signal stack (mapping incl. guard) */
    size_t sigstk_size;
    stack_t sigstk_prev;    /* the one it replaced (a sanitizer's), restored at exit */
    uintptr_t stack_lo, stack_hi; /* the thread's stack, for telling an overflow */
    struct go__unwind *unwind; /* recoveries unwinding to their frame, newest first */
    struct go__unwind *unwind_spare; /* landed ones, for reuse (unwind.c) */
    struct go__fent {       /* recover's lookups, by code address (panic.c) */
        void *pc, *entry, *alias;
    } fcache[GO__FCACHE];
} go__g;

/* Publishes whether a panic is in flight in g, for the exit hook (g.c), which reads it
 * with a relaxed atomic load.  Only g's own thread writes it.  The store is a plain byte
 * store (atomic on every machine godefer supports), except under ThreadSanitizer, which
 * must see an atomic one: GCC's atomic store, though the same instruction, made every
 * panic about 2.5 ns slower (it orders the stores around it). */
static inline void go__set_panicking(go__g *g, bool on) {
#if defined(GO__TSAN)
    __atomic_store_n(&g->panicking, on, __ATOMIC_RELAXED);
#else
    g->panicking = on;
#endif
}

/* Who may read g->owner: another thread's go_g_free and exit wait (relaxed atomics
 * under ThreadSanitizer, plain stores otherwise, as go__set_panicking). */
static inline void go__owner_set(go__g *g, go__g *owner) {
#if defined(GO__TSAN)
    __atomic_store_n(&g->owner, owner, __ATOMIC_RELAXED);
#else
    g->owner = owner;
#endif
}

/* Makes g current on the calling thread instead of old, its current goroutine (whose
 * owner is the thread's own goroutine).  The callers check that g may run here. */
static inline void go__make_current(go__g *old, go__g *g) {
    go__g *self = old->owner;
    go__owner_set(old, NULL);
    go__owner_set(g, self);
    go__curg = &g->head;
}

/* The calling thread's goroutine, created on first use. */
static inline go__g *go__getg(void) {
    struct go__ghead *h = go__curg;
    if (__builtin_expect(h == NULL, 0)) h = go__ginit();
    return (go__g *)h;
}

/* g.c: the ids of the other goroutines, and whether each is current on a thread (at most
 * max stored; how many there are), or -1 if the registry stays locked */
GO__HIDDEN int go__other_goids(int64_t *ids, bool *running, int max);
GO__HIDDEN int64_t go__new_goid(void);
GO__HIDDEN go__g *go__ginit_goid(int64_t goid);
/* g.c: a goroutine's state besides the thread's own (go_g_new, go_coro_new) */
GO__HIDDEN void go__g_setup(go__g *g);
GO__HIDDEN void go__g_teardown(go__g *g);

/* coro.c */
GO__HIDDEN GO__NORETURN void go__coro_end(go__g *g); /* g->coro: fn returned or Goexit */

#if defined(__SANITIZE_ADDRESS__)
#define GO__ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define GO__ASAN 1
#endif
#endif

/* frame.c */
GO__HIDDEN const go__rec *go__pop_pooled(go__frame *f);
GO__HIDDEN void go__release_pooled(go__g *g, go__frame *f);
GO__HIDDEN void go__free_pool(go__g *g);

/* panic.c */
GO__HIDDEN GO__NORETURN void go__panic_with(go__g *g, go__panic *p);
GO__HIDDEN GO__NORETURN void go__panic_owned(go_any v);
GO__HIDDEN GO__NORETURN void go__jump(go__jmpbuf jb);
GO__HIDDEN void go__calibrate(void); /* measures the panic loop's call sites (g.c) */
/* unwind.c: whether recoveries unwind; a recovery's transfer to jb, in the activation
 * holding above (the recovering frame, or a Goexit's record), unwinding the frames on the
 * way (panic.c's transfer calls it when go__unwinding) */
extern GO__HIDDEN _Atomic bool go__unwinding;
GO__HIDDEN GO__NORETURN void go__unwind_jump(go__g *g, go__jmpbuf jb, go__frame *frame,
                                             uintptr_t above);
GO__HIDDEN GO__NORETURN void go__unwind_land(go__frame *f);
GO__HIDDEN void go__unwind_free(go__g *g); /* the spares, with the pool */

GO__HIDDEN GO__NORETURN void go__throw(const char *msg); /* report.c, declared here for go__pop */

/* Pops the newest pending record of f, or NULL: it is called in place (THE RECORDS RULE
 * in godefer/frame.h; go__pop_pooled for a frame with pool memory). */
static inline const go__rec *go__pop(go__frame *f) {
    unsigned n = f->n;
    if (n - 1u < GO__NSLOT) return go__pop_slot(f, n, 0);
    if (n & GO__POOLED) return go__pop_pooled(f);
    if (n)
        go__throw(n & GO__UNWIND /* f is a recovery's target, still unwinding (unwind.c) */
                      ? "recovery: a destructor or cleanup run by the unwind to the "
                        "recovering go_frame panicked and did not recover"
                      : "go_frame: corrupted defer chain");
    return NULL;
}

/* Gives a left or abandoned frame's pool memory back. */
static inline void go__release_frame(go__g *g, go__frame *f) {
    if (f->n & GO__POOLED) go__release_pooled(g, f);
}

/* sigstack.c: is a, on the alternate signal stack, newer than b, on another stack?  (A
 * handler running there interrupted b's code, whatever the addresses say.)  Asked only
 * where addresses compare the wrong way: no system call for a on the thread's stack. */
GO__HIDDEN bool go__sigstack_newer(const go__g *g, uintptr_t a, uintptr_t b);

/* value.c */
extern GO__HIDDEN const go_type go__type_errorString, go__type_wrapError, go__type_fmtString;
GO__HIDDEN size_t go__text(go_any v, char *buf, size_t size, bool *is_string);
GO__HIDDEN char *go__text_alloc(go_any v, bool *is_string); /* error/String text, malloc'd */
GO__HIDDEN void go__format_printval(go_any v, void (*emit)(void *, const char *, size_t),
                                    void *ctx);
GO__HIDDEN char *go__vformat(const char *format, va_list ap);

/* sigmask.c */
GO__HIDDEN void go__sigmask_crossed(go__g *g, uintptr_t lo, uintptr_t hi);

/* A recovery jumps from panic p up to hi, the frame it resumes.  If that passes over a
 * signal handler's frame (p started in a handler), the jump skips the sigreturn that
 * would have restored the mask: restore it.  The kernel's frame lies above p's entry
 * point (or one word below, where a handler tail-called it) and below hi.  A jump
 * shorter than any signal frame (most) costs this compare. */
static inline void go__sigmask_jump(go__g *g, const go__panic *p, uintptr_t hi) {
    if (__builtin_expect(hi - p->bound >= GO__SIGFRAME_MIN - sizeof(void *), 0))
        go__sigmask_crossed(g, p->bound - sizeof(void *), hi);
}

/* runtime_error.c: the values of Go's runtime errors (go_is_runtime_error) */
extern GO__HIDDEN const go_type go__type_panicNil;
GO__HIDDEN go_any go__runtime_error(const char *text); /* static text, "runtime error: " added */
/* go__fault_error, the value of a fault: fault_value.h */

/* signal.c: the handler */
GO__HIDDEN void go__install_handlers(void);
GO__HIDDEN void go__catch_faults(void); /* installs the handler for a fatal report */
GO__HIDDEN GO__NORETURN void go__die_by_signal(int sig);
GO__HIDDEN void go__sig_handle(int sig, void (*fn)(int)); /* sa_handler, no flags or mask */
GO__HIDDEN void go__sig_unblock(int sig);

/* sigstack.c */
GO__HIDDEN void go__sigstack_init(go__g *g);
GO__HIDDEN void go__sigstack_free(go__g *g);
/* A mapping of guard bytes (no access) then size bytes of stack, or NULL. */
GO__HIDDEN char *go__stack_map(size_t size, size_t guard);
/* Overflow detection, inline: the handler asks it of every fault. */
/* A fault this close to the stack pointer is the stack running out (a push, a call, a
 * probe, a big frame: nothing else faults there). */
#define GO__OVERFLOW_NEAR (64 * 1024)
/* How far below a thread's stack an overflowing stack pointer may have got (a frame this
 * big skips the guard). */
#define GO__OVERFLOW_GAP (1024 * 1024)

/* Was this SIGSEGV the stack running out?  The fault is close to the stack pointer, or
 * the stack pointer is at the bottom of the thread's stack and the fault just below it.
 * (A fault below the stack with sp elsewhere is an ordinary one: mappings may lie right
 * below it, and so is one above the stack that sp is in: a mapping may lie right above a
 * thread's.) */
static inline bool go__stack_overflowed(const go__g *g, int sig, const siginfo_t *si,
                                        uintptr_t sp) {
    if (sig != SIGSEGV || si->si_code <= 0 || !g) return false;
    uintptr_t a = (uintptr_t)si->si_addr;
    uintptr_t lo = g->stack_lo, hi = g->stack_hi;
    if (sp >= lo && sp < hi && a >= hi) return false;
    if (a < sp ? sp - a < GO__OVERFLOW_NEAR : a - sp < GO__OVERFLOW_NEAR) return true;
    return lo && sp < lo + GO__OVERFLOW_NEAR && sp + GO__OVERFLOW_GAP >= lo &&
           a < lo + GO__OVERFLOW_NEAR && a + GO__OVERFLOW_GAP >= lo;
}

/* Is sp on g's thread stack, or below it where an overflow got to? */
static inline bool go__on_thread_stack(const go__g *g, uintptr_t sp) {
    return g->stack_hi && sp >= g->stack_lo - GO__OVERFLOW_GAP && sp < g->stack_hi;
}

/* report.c */
typedef void (*go__emit_fn)(void *ctx, const char *s, size_t n);
/* A small write-through buffer for fd 2, usable when malloc may not be. */
typedef struct go__out {
    int fd;
    size_t n;
    char buf[512];
} go__out;
GO__HIDDEN void go__out_emit(void *ctx, const char *s, size_t n);
GO__HIDDEN void go__out_str(go__out *o, const char *s);
GO__HIDDEN void go__out_hex(go__out *o, uintptr_t v);
GO__HIDDEN void go__out_dec(go__out *o, int64_t v);
GO__HIDDEN void go__out_flush(go__out *o);
GO__HIDDEN void go__emit_num(go__emit_fn emit, void *ctx, uint64_t v, bool hex);
GO__HIDDEN GO__NORETURN void go__fatalpanic(go__g *g);
GO__HIDDEN void go__start_dying(void);
GO__HIDDEN long go__dying_tid(void); /* the reporting thread's id, 0 if none */
GO__HIDDEN GO__NORETURN void go__stop(void);
GO__HIDDEN void go__flush_stdio(void);
GO__HIDDEN GO__NORETURN void go__fatal_notrace(const char *msg);
GO__HIDDEN void go__report_fault(int sig, uintptr_t addr); /* returns if no part is guarded */
GO__HIDDEN GO__NORETURN void go__report_end(int sig); /* exit 2, sig or SIGABRT (crash) */
/* The goroutines part of a report (GOTRACEBACK): the trace of the code the signal context
 * uc interrupted, or of the caller if uc is NULL, symbolized on a stack with room for it */
GO__HIDDEN void go__report_goroutines(go__out *o, void *uc, bool fatal_error);

/* fatal.c: the reports of signals not turned into panics */
enum go__sigwhy {
    GO__SIG_NOT_ENABLED, /* a fault, no fault panics asked for */
    GO__SIG_IN_RUNTIME,  /* a fault in the runtime's bookkeeping */
    GO__SIG_SENT         /* kill, raise, sigqueue: not a fault */
};
GO__HIDDEN const char *go__signame(int sig);
GO__HIDDEN void go__signal_line(go__out *o, int sig, int code, uintptr_t addr, uintptr_t pc);
GO__HIDDEN GO__NORETURN void go__fatal_signal(int sig, siginfo_t *si, void *uc,
                                              enum go__sigwhy why);
GO__HIDDEN GO__NORETURN void go__fatal_overflow(go__g *g, int sig, siginfo_t *si, void *uc);
GO__HIDDEN GO__NORETURN void go__fatal_in_report(int sig, siginfo_t *si, void *uc);

/* traceback.c */
#define GO__TRACE_MAX 1024 /* program counters a report's trace captures */
GO__HIDDEN int go__capture(void **pcs, int max);
GO__HIDDEN int go__capture_uc(void *ucontext, void **pcs, int max); /* from a signal context */
GO__HIDDEN void go__print_trace(void **pcs, int n, bool system, go__emit_fn emit, void *ctx);
/* Walks the calling thread's stack up from its caller: visit(ctx, sp, sig) for each frame
 * until it returns false, sp the frame's stack pointer, sig the unwinder's signal-frame
 * flag (libgcc's on the interrupted frame, libunwind's on the handler's return into the
 * kernel's frame, whose sp is then that frame's). */
GO__HIDDEN void go__walk_stack(bool (*visit)(void *ctx, uintptr_t sp, bool sig), void *ctx);
GO__HIDDEN void go__print_created_by(const go__g *g, go__emit_fn emit, void *ctx);

#endif
