/*
 * godefer: Go's defer, panic and recover for C.
 *
 *   #include <godefer.h>            cc ... $(pkg-config --cflags --libs godefer)
 *
 *   static void to_error(go_any *err) {
 *       go_any r = go_recover();
 *       if (!go_isnil(r)) *err = r;
 *   }
 *
 *   go_any copy(const char *from, const char *to) {
 *       go_any err = go_nil();
 *       go_frame {                      // a defer frame: a function body or any block
 *           go_defer(to_error, &err);   // a panic below becomes the result
 *           FILE *in = fopen(from, "r");
 *           if (!in) go_panic(go_errorf("open %s", from));
 *           go_defer(fclose, in);       // runs when the block is left, however it is left
 *           ...
 *       }
 *       return err;
 *   }
 *
 * Model (Go's runtime, docs/design.md): every thread is a goroutine with a chain of
 * frames and a chain of panics, and so is every coroutine (go_coro, go_g).  go_frame links a frame record (on the C stack) at the
 * head of the chain; go_defer stores a record in it; leaving the block by any path runs
 * the records last-in first-out.  go_panic runs the pending deferred calls on top of the
 * panicking stack; a deferred call that calls go_recover() stops the panic, and the frame
 * that deferred it runs its remaining deferred calls and is left normally: execution goes
 * on after its block.
 *
 * THE VOLATILE RULE.  Recovery returns into the frame's block with a jump.  A local
 * variable of the function that holds the go_frame, assigned by the block's own code and
 * read after the block once a panic was recovered, must be declared volatile (as with
 * setjmp).  Locals only read, or not used after the block, need nothing, and neither do
 * locals changed through a pointer that the block passed to a go_defer of the frame (or to
 * a function before one): err above needs no volatile.  Exception,
 * under Clang, when the block cannot end normally (always panics, calls a _Noreturn
 * function or loops forever): a go_defer inside a loop of the block (a do { } while (0)
 * too) does not count, nor a pointer passed on after the block's last go_defer
 * (docs/api.md).
 *
 * Requires GCC >= 10 or Clang >= 11 (GNU C: statement expressions, the cleanup
 * attribute, naked functions on x86_64).  Everything named go__* is internal.
 */
#ifndef GODEFER_H
#define GODEFER_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* How a recovery returns into a frame.  x86_64: an 8-word buffer that the library's
 * go__setjmp arms and its go__longjmp jumps back to, under GCC and Clang alike, so
 * objects from both compilers mix.  Elsewhere, and under
 * ThreadSanitizer (which must see the jumps): _setjmp/longjmp.  The choice is part of
 * the ABI: objects and the library must agree, and the name of go__ginit says which one
 * a library was built with, so a mismatch fails to link. */
#if defined(__SANITIZE_THREAD__)
#define GO__TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define GO__TSAN 1
#endif
#endif
#if defined(__x86_64__) && !defined(GO__TSAN)
#define GO__X86_64_SJ 1
#define go__ginit go__ginit_x86_64_sj
#else
#include <setjmp.h>
#define go__ginit go__ginit_setjmp
#endif
#if defined(__GNUC__) && !defined(__clang__) && !defined(GODEFER_KEEP_WARNINGS)
/* With a returns_twice call in every frame, GCC gives every call of the function an edge
 * to every frame's recovery point.  Two warnings then flag variables that merely live
 * across a frame: -Wclobbered (-Wextra), and -Wmaybe-uninitialized (-Wall) for a variable
 * of a later part of the function, such as the index of a second loop that holds a frame
 * (its edges come from calls made before the variable exists).  GCC reports both at the
 * variable, outside anything godefer's macros expand to, so they are off from here to the
 * end of the including file; the real rule is the volatile rule above.  Define
 * GODEFER_KEEP_WARNINGS before including godefer.h to keep them.  (-flto: the link step,
 * which reports them again, sees no pragma; go_frame's expansion avoids the copies that
 * made GCC report a later loop's index: see go_frame.) */
#pragma GCC diagnostic ignored "-Wclobbered"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#ifdef __cplusplus
#error "godefer.h is a C header: go_frame and go_defer rely on C-only GNU extensions"
#endif

#define GODEFER_VERSION_MAJOR 0
#define GODEFER_VERSION_MINOR 1
#define GODEFER_VERSION_PATCH 0

#if defined(GODEFER_BUILD) && defined(__GNUC__)
#define GO_API __attribute__((visibility("default")))
#else
#define GO_API
#endif
#define GO__NORETURN __attribute__((noreturn))
#define GO__INLINE static inline __attribute__((always_inline))

/* ------------------------------------------------------------------------------------
 * Values: go_any is Go's interface{} (any) for C, passed by value.
 * ---------------------------------------------------------------------------------- */

/* How the payload of a go_any is stored. */
typedef enum go_kind {
    GO_KIND_BOOL = 1, /* v.b */
    GO_KIND_INT,      /* v.i: a signed integer */
    GO_KIND_UINT,     /* v.u: an unsigned integer */
    GO_KIND_FLOAT,    /* v.f: a float64 */
    GO_KIND_STRING,   /* v.s: a NUL-terminated string */
    GO_KIND_POINTER   /* v.p: anything else, by reference */
} go_kind;

typedef struct go_type go_type;

/* Go's interface{}: a type and one word of payload.  type == NULL is the nil interface.
 * Two go_any are identical when both the type and the payload bits are equal. */
typedef struct go_any {
    const go_type *type;
    union {
        bool b;
        int64_t i;
        uint64_t u;
        double f;
        const char *s;
        const void *p;
    } v;
} go_any;

/*
 * A type descriptor, normally a static const object.  Methods are optional (NULL):
 *  error   Go's Error() string: values of a type that has it are errors.  Writes the text
 *          into buf the way snprintf does (always NUL-terminated when size > 0) and
 *          returns the full length of the text.  It may call go_panic.
 *  string  Go's String() string (fmt.Stringer), same contract.
 *  unwrap  the cause of an error (errors.Unwrap), or the nil go_any.
 *  release frees what a value of this type owns (see go_any_release).
 */
struct go_type {
    const char *name; /* the Go spelling: "main.MyErr", "*fs.PathError", ... */
    go_kind kind;
    size_t (*error)(go_any self, char *buf, size_t size);
    size_t (*string)(go_any self, char *buf, size_t size);
    go_any (*unwrap)(go_any self);
    void (*release)(go_any self);
};

/* Go's predeclared types: "string", "int", "uint", "float64", "bool". */
extern GO_API const go_type go_type_string, go_type_int, go_type_uint, go_type_float64,
    go_type_bool;

/* Constructors.  None allocates; a go_str keeps the pointer, not a copy. */
GO__INLINE go_any go_nil(void) { go_any a = {0}; return a; }
GO__INLINE go_any go_str(const char *s) { go_any a = {&go_type_string, {.s = s}}; return a; }
GO__INLINE go_any go_int(int64_t i) { go_any a = {&go_type_int, {.i = i}}; return a; }
GO__INLINE go_any go_uint(uint64_t u) { go_any a = {&go_type_uint, {.u = u}}; return a; }
GO__INLINE go_any go_float(double f) { go_any a = {&go_type_float64, {.f = f}}; return a; }
GO__INLINE go_any go_bool(bool b) { go_any a = {&go_type_bool, {.b = b}}; return a; }
/* A value of a user type; pick the one that matches t->kind. */
GO__INLINE go_any go_make_int(const go_type *t, int64_t i) { go_any a = {t, {.i = i}}; return a; }
GO__INLINE go_any go_make_uint(const go_type *t, uint64_t u) { go_any a = {t, {.u = u}}; return a; }
GO__INLINE go_any go_make_float(const go_type *t, double f) { go_any a = {t, {.f = f}}; return a; }
GO__INLINE go_any go_make_bool(const go_type *t, bool b) { go_any a = {t, {.b = b}}; return a; }
GO__INLINE go_any go_make_str(const go_type *t, const char *s) { go_any a = {t, {.s = s}}; return a; }
GO__INLINE go_any go_make_ptr(const go_type *t, const void *p) { go_any a = {t, {.p = p}}; return a; }

GO__INLINE bool go_isnil(go_any v) { return v.type == NULL; }
/* Bitwise identity of type and payload (Go's interface ==, for the kinds here). */
GO__INLINE bool go_identical(go_any a, go_any b) { return a.type == b.type && a.v.u == b.v.u; }

/* errors.New(msg): an error whose text is msg (kept by pointer, not copied). */
GO_API go_any go_error(const char *msg);
/* fmt.Errorf(format, ...): a new error with a formatted text.  Owns heap memory. */
GO_API go_any go_errorf(const char *format, ...) __attribute__((format(printf, 1, 2)));
/* fmt.Errorf(format + ": %w", ..., cause): an error with a cause; its text is the
 * formatted prefix, ": ", then cause's text.  go_unwrap returns cause.  Owns heap memory
 * (the cause is not copied and stays the caller's). */
GO_API go_any go_error_wrap(go_any cause, const char *format, ...)
    __attribute__((format(printf, 2, 3)));
/* errors.Unwrap: the cause of v, or nil. */
GO_API go_any go_unwrap(go_any v);
/* Whether v is an error (its type has an Error method). */
GO_API bool go_is_error(go_any v);
/* Whether v is a runtime.Error made by godefer itself (nil dereference, nil argument to
 * go_panic, ...). */
GO_API bool go_is_runtime_error(go_any v);
/* Frees what v owns (values made by go_errorf, go_error_wrap, go_panicf) and does nothing
 * for other values.  Call it at most once per value, when no copy of v is used again. */
GO_API void go_any_release(go_any v);

/* fmt.Print(v) to f: nil is "<nil>", errors print Error(), Stringers String(), floats in
 * Go's %v form.  Returns the number of bytes written, or -1 on an output error. */
GO_API int go_fprint(FILE *f, go_any v);
/* fmt.Sprint(v) into buf, with snprintf's contract. */
GO_API size_t go_sprint(char *buf, size_t size, go_any v);

/* ------------------------------------------------------------------------------------
 * Panic and recover.
 * ---------------------------------------------------------------------------------- */

/* panic(v): runs the pending deferred calls of the calling goroutine, newest first, on
 * top of the current stack.  If one of them recovers, execution continues after the
 * go_frame block that deferred it.  Otherwise the program prints Go's report to stderr
 * and exits with status 2.  A nil v panics with the runtime error "panic called with nil
 * argument" (Go >= 1.21).  Not async-signal-safe. */
GO_API GO__NORETURN void go_panic(go_any v);
/* panic(fmt.Sprintf(format, ...)): the string is heap memory owned by the value. */
GO_API GO__NORETURN void go_panicf(const char *format, ...)
    __attribute__((format(printf, 1, 2)));

/* recover(): the value of the current panic if called directly by a deferred function
 * that the panic is running, else nil (not panicking, called from a helper of the
 * deferred function, during go_goexit, or a second time).  A function containing
 * go_recover() is never inlined, so that "directly" keeps its meaning. */
#define go_recover()                                                                  \
    __extension__({                                                                   \
        go__noinline_here_();                                                         \
        go__unique_here_();                                                           \
        go_any go__r_ = go__recover(__builtin_return_address(0));                     \
        __asm__ volatile("" ::: "memory"); /* not a tail call: go__recover must */    \
        go__r_;                            /* return into the deferred function */    \
    })
/* Makes the calling function's code differ from any other function's: GCC's identical
 * code folding would otherwise turn one of two identical recovering functions into a
 * jump to the other, which then never recovers (it is not the deferred function). */
#define go__unique_here_()                                                            \
    do {                                                                              \
        const char *volatile go__fn_ = __func__;                                      \
        volatile int go__ln_ = __LINE__;                                              \
        (void)go__fn_;                                                                \
        (void)go__ln_;                                                                \
    } while (0)
/* Makes the calling function impossible to inline.  Clang: a computed goto.  GCC: a
 * setjmp that never runs (GCC inlines no function that calls a returns_twice function);
 * go_frame's own, which unlike __builtin_setjmp does not make the function save every
 * register.  With GCC the barrier must not take a label's address: GCC 12 miscompiles
 * __builtin_setjmp in a function that holds an address-taken label, whether a computed
 * goto that became unreachable (tests/test_recover.c, dead_recover_in_block) or a label
 * address stored elsewhere (tests/test_recover.c, recover_legality). */
#if defined(__clang__)
#define go__noinline_here_()                                                          \
    do {                                                                              \
        __label__ go__rl_;                                                            \
        void *volatile go__rt_ = &&go__rl_;                                           \
        goto *go__rt_;                                                                \
    go__rl_:;                                                                         \
    } while (0)
#else
#define go__noinline_here_()                                                          \
    do {                                                                              \
        volatile int go__never_ = 0;                                                  \
        if (go__never_) {                                                             \
            go__jmpbuf go__nb_;                                                       \
            if (GO__SETJMP(go__nb_)) go__never_ = 0;                                  \
        }                                                                             \
    } while (0)
#endif

/* defer recover(): defers a call of recover itself, in the innermost go_frame.  As in Go,
 * it stops the current panic only when it runs as the frame is left (normally, or after a
 * recovery) and the function holding the frame was called directly by that panic's
 * deferred-call loop; run by a panic itself it does nothing.  (The record keeps an address
 * inside the deferring function and that function's return address.)  So
 *     static void d(void *u) { go_frame { go_defer_recover(); } }   recovers, while
 *     go_frame { go_defer_recover(); go_panic(v); }                 does not. */
#define go_defer_recover()                                                            \
    __extension__({                                                                   \
        go__rec *go__r_ = go__push(&go__f_, go__recover_deferred,                     \
                                   (void (*)(void))(uintptr_t)go__pc_here(),          \
                                   __builtin_return_address(0));                      \
        GO__PUBLISH_(&go__f_, go__r_);                                                \
    })

/* runtime.Goexit(): runs every pending deferred call of the calling goroutine, then ends
 * the thread (pthread_exit).  Recover returns nil while it runs, and it cannot be
 * cancelled.  In the main thread it waits for the other threads to end, then reports
 * "fatal error: no goroutines (main called runtime.Goexit) - deadlock!" with status 2. */
GO_API GO__NORETURN void go_goexit(void);

/* Whether a recovery unwinds the frames between the panic and the recovering go_frame
 * (libgcc's forced unwind), running their C++ destructors and -fexceptions cleanups, or
 * jumps over them (pure C's default, ~25x faster).  Unless this was called, unwinding is
 * on when a C++ runtime is linked or a translation unit compiled with -fexceptions
 * includes this header (docs/api.md, "Recovery through C++ frames").  Thread-safe. */
GO_API void go_set_unwind(bool on);
GO_API void go__unwind_tu(void);
#if defined(__EXCEPTIONS) /* -fexceptions: this unit's cleanups must run on a recovery */
__attribute__((constructor)) static void go__unwind_tu_here(void) { go__unwind_tu(); }
#endif

/* runtime.GoID-style id of the calling thread's current goroutine: the main thread's own
 * goroutine is 1. */
GO_API int64_t go_goid(void);

/* ------------------------------------------------------------------------------------
 * Goroutines on threads.
 * ---------------------------------------------------------------------------------- */

/* go fn(arg): runs fn(arg) as a new goroutine on a new (detached) thread and returns its
 * id, the one go_goid() returns in it.  fn and arg are evaluated here, fn first, and
 * checked as go_defer's are; a NULL fn is Go's "fatal error: go of nil func value".  An
 * unrecovered panic in it ends the process with Go's report for that goroutine, ending
 * with "created by <caller> in goroutine <id>" and the place of the call.  A return from
 * main does not wait for it (Go's rule). */
#define go_go(fn_, arg_)                                                              \
    __extension__({                                                                   \
        __typeof__(&*(fn_)) go__fv_ = (fn_);                                          \
        go__argtype(arg_) go__a_ = (arg_);                                            \
        go__check_arg_(go__a_);                                                       \
        int64_t go__id_ = go__go((void (*)(void))go__fv_, (void *)go__a_);            \
        __asm__ volatile("" : "+r"(go__id_)); /* no tail call: the call's place is */ \
        go__id_;                              /* the caller's ("created by") */       \
    })

/* A group of goroutines that go_group_wait waits for (Go's errgroup, sourcegraph/conc). */
typedef struct go_group go_group;

GO_API go_group *go_group_new(void);
/* go_go for the group: group, fn and arg are evaluated in that order.  A panic that the
 * goroutine does not recover ends only that goroutine, after its deferred calls ran, and
 * is not reported: go_group_wait returns its value.  A go_goexit ends it normally. */
#define go_group_go(group_, fn_, arg_)                                                \
    __extension__({                                                                   \
        go_group *go__grp_ = (group_);                                                \
        __typeof__(&*(fn_)) go__fv_ = (fn_);                                          \
        go__argtype(arg_) go__a_ = (arg_);                                            \
        go__check_arg_(go__a_);                                                       \
        int64_t go__id_ = go__group_go(go__grp_, (void (*)(void))go__fv_,             \
                                       (void *)go__a_);                               \
        __asm__ volatile("" : "+r"(go__id_)); /* as in go_go */                       \
        go__id_;                                                                      \
    })
/* Waits until every goroutine started in the group has ended; returns the value of the
 * first panic (in time) that one of them did not recover, or nil.  The value is the
 * caller's, as go_recover's is (a go_panicf string: go_any_release); each value is
 * returned once, and the group can be used again.  godefer releases the values it made
 * for the other panics (go_panicf's); values passed to go_panic stay their owner's. */
GO_API go_any go_group_wait(go_group *group);
/* Frees a group whose goroutines were all waited for (otherwise a fatal error); NULL is
 * ignored. */
GO_API void go_group_free(go_group *group);

GO_API int64_t go__go(void (*fn)(void), void *arg);
GO_API int64_t go__group_go(go_group *group, void (*fn)(void), void *arg);

/* ------------------------------------------------------------------------------------
 * Goroutines for coroutine libraries (docs/coroutines.md).  A go_g is a goroutine: its
 * own chains of frames and panics, its own id.  A thread runs one at a time, its current
 * goroutine, which is at first the thread's own.  A coroutine library (or its user) gives
 * each coroutine a go_g and makes it current around each switch into the coroutine:
 *     go_g *prev = go_g_switch(co->g);   swapcontext(&sched, &co->ctx);   go_g_switch(prev);
 * ---------------------------------------------------------------------------------- */
typedef struct go__g go_g;
/* A new goroutine, current nowhere, with a new id (from the counter of go_goid). */
GO_API go_g *go_g_new(void);
/* Makes g the calling thread's current goroutine and returns the previous one (the
 * thread's own goroutine, the first time).  No lock, no system call.  A fatal error if g
 * is current on another thread or is another thread's own goroutine. */
GO_API go_g *go_g_switch(go_g *g);
/* Frees g (NULL: nothing).  A fatal error if g still has frames or panics, is current on
 * a thread, or is a thread's own goroutine. */
GO_API void go_g_free(go_g *g);

/* ------------------------------------------------------------------------------------
 * Runtime errors: faults and bounds checks (docs/signals.md).
 * ---------------------------------------------------------------------------------- */

/*
 * debug.SetPanicOnFault for the current goroutine (each go_g has its own): when enabled, a
 * synchronous fault of this thread becomes a panic with a runtime error
 * (go_is_runtime_error), which runs the deferred calls on the stack that faulted and can
 * be recovered like any other:
 *   SIGSEGV, SIGBUS  "runtime error: invalid memory address or nil pointer dereference"
 *   SIGFPE           "runtime error: integer divide by zero" (FPE_INTDIV; x86 also
 *                    reports INT_MIN / -1 so), "integer overflow" (FPE_INTOVF),
 *                    "floating point error" (other codes: only with FP traps enabled)
 * An unrecovered one is reported as Go does, with the line
 * "[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x...]".  After a
 * recovery the thread is fully usable (its signal mask is as before the fault).  A panic
 * (a fault, or go_panic) inside a signal handler of the program's, recovered outside it,
 * leaves the mask the handler interrupted, as its sigreturn would have; not found where
 * the handler's code has no unwind tables (docs/signals.md, "Panics in signal handlers").
 * Returns the previous setting (false in a new thread); not inherited by new threads.
 *
 * The first call (with either argument) installs handlers for SIGSEGV, SIGBUS and SIGFPE
 * for the whole process.  From then on: a stack overflow in a thread that uses godefer
 * is "fatal error: stack overflow" (exit status 2, not recoverable, as in Go); a signal
 * not converted (panic-on-fault off in that thread, a fault inside godefer's own
 * bookkeeping, a signal sent with kill) goes to the handler installed before ours if
 * there was one, else ends the process with a "fatal error" report and then the signal's
 * default action (a core dump).  A fault while a fatal report is printed ends that part
 * of the report with a note, and the report goes on.  Thread-safe; not
 * async-signal-safe.
 *
 * A fault converted while its code held a lock (say inside malloc, after heap corruption)
 * leaves that lock held: godefer cannot know, as Go cannot for C code.
 */
GO_API bool go_set_panic_on_fault(bool enabled);

/*
 * debug.SetTraceback: how much the fatal reports print, as the GOTRACEBACK environment
 * variable (read at the first report or call of this) says when this is not called:
 *   "none"    the panic lines (the "fatal error" line), no goroutine
 *   "single"  and the reporting goroutine's trace (the default; also "" or NULL)
 *   "all"     and the other goroutines godefer knows (threads that used it), by id
 *   "system"  as all, the trace showing godefer's own frames, with their pc
 *   "crash"   as system, then the process dies by SIGABRT (a core dump) instead of
 *             exiting with status 2
 * Anything else: every goroutine, at the level a decimal number gives (0 none, 1 single,
 * 2 system), else none.  As in Go, a call cannot go below what GOTRACEBACK asks for.
 * Thread-safe.
 */
GO_API void go_set_traceback(const char *level);

/* What the value of a fault panic carries (Go's error has an Addr() method). */
typedef struct go_fault {
    int signo;      /* SIGSEGV, SIGBUS or SIGFPE */
    int code;       /* si_code: SEGV_MAPERR, SEGV_ACCERR, BUS_ADRERR, FPE_INTDIV, ... */
    uintptr_t addr; /* si_addr: the faulting address (SIGFPE: the instruction's) */
} go_fault;

/* If v is the value of a fault panic, stores what it carries in *f (when f is not NULL)
 * and returns true; otherwise returns false.  Async-signal-safe. */
GO_API bool go_fault_info(go_any v, go_fault *f);

/* The failed check of a bounds error, x being the offending value and y the bound (Go's
 * runtime.boundsError codes; the texts are Go's):
 *   GO_BOUNDS_INDEX        a[x], len y          index out of range [x] with length y
 *   GO_BOUNDS_SLICE_ALEN   s[:x], len y         slice bounds out of range [:x] with length y
 *   GO_BOUNDS_SLICE_ACAP   s[:x], cap y         ... [:x] with capacity y
 *   GO_BOUNDS_SLICE_B      s[x:y], x > y        ... [x:y]
 *   GO_BOUNDS_SLICE3_ALEN  s[::x], len y        ... [::x] with length y
 *   GO_BOUNDS_SLICE3_ACAP  s[::x], cap y        ... [::x] with capacity y
 *   GO_BOUNDS_SLICE3_B     s[:x:y], x > y       ... [:x:y]
 *   GO_BOUNDS_SLICE3_C     s[x:y:], x > y       ... [x:y:]
 * A negative x prints without the bound ("index out of range [-1]", "[x:]", ...). */
typedef enum go_bounds {
    GO_BOUNDS_INDEX,
    GO_BOUNDS_SLICE_ALEN,
    GO_BOUNDS_SLICE_ACAP,
    GO_BOUNDS_SLICE_B,
    GO_BOUNDS_SLICE3_ALEN,
    GO_BOUNDS_SLICE3_ACAP,
    GO_BOUNDS_SLICE3_B,
    GO_BOUNDS_SLICE3_C
} go_bounds;

/* Panics with the runtime error of a failed bounds check, x signed (go_panic_bounds) or
 * unsigned (go_panic_bounds_u).  The value needs no memory when |x| < 2^29 and
 * y < 2^29; otherwise it owns heap memory (go_any_release).  Thread-safe; not
 * async-signal-safe.  The checks below call these. */
GO_API GO__NORETURN void go_panic_bounds(go_bounds kind, int64_t x, int64_t y);
GO_API GO__NORETURN void go_panic_bounds_u(go_bounds kind, uint64_t x, int64_t y);

/* Whether an integer expression has a signed type (after the usual promotions). */
#define go__signed(x_) _Generic((x_) + 0, int: 1, long: 1, long long: 1, default: 0)
/* x as Go's unsigned comparison sees it: a negative signed value is huge. */
#define go__ux(x_) ((uint64_t)(int64_t)(x_))
#define go__bfail(k_, x_, y_)                                                         \
    (go__signed(x_) ? go_panic_bounds((k_), (int64_t)(x_), (int64_t)(y_))             \
                    : go_panic_bounds_u((k_), (uint64_t)(x_), (int64_t)(y_)))

/* go_index(i, len): i, after Go's check of a[i] (0 <= i < len); otherwise a panic with
 * "runtime error: index out of range [i] with length len".  i is any integer expression
 * (signed types may be negative), evaluated once, as is len.  a[go_index(i, n)]. */
#define go_index(i_, len_)                                                            \
    __extension__({                                                                   \
        __typeof__((i_) + 0) go__i_ = (i_);                                           \
        int64_t go__n_ = (int64_t)(len_);                                             \
        if (__builtin_expect(go__ux(go__i_) >= (uint64_t)go__n_, 0))                  \
            go__bfail(GO_BOUNDS_INDEX, go__i_, go__n_);                               \
        go__i_;                                                                       \
    })

#define go__check_slice(k_, lo_, hi_, cap_)                                           \
    __extension__({                                                                   \
        __typeof__((lo_) + 0) go__lo_ = (lo_);                                        \
        __typeof__((hi_) + 0) go__hi_ = (hi_);                                        \
        int64_t go__c_ = (int64_t)(cap_);                                             \
        if (__builtin_expect(go__ux(go__hi_) > (uint64_t)go__c_, 0))                  \
            go__bfail((k_), go__hi_, go__c_);                                         \
        if (__builtin_expect(go__ux(go__lo_) > go__ux(go__hi_), 0))                   \
            go__bfail(GO_BOUNDS_SLICE_B, go__lo_, go__hi_);                           \
        (void)0;                                                                      \
    })

#define go__check_slice3(k_, lo_, hi_, max_, cap_)                                    \
    __extension__({                                                                   \
        __typeof__((lo_) + 0) go__lo_ = (lo_);                                        \
        __typeof__((hi_) + 0) go__hi_ = (hi_);                                        \
        __typeof__((max_) + 0) go__mx_ = (max_);                                      \
        int64_t go__c_ = (int64_t)(cap_);                                             \
        if (__builtin_expect(go__ux(go__mx_) > (uint64_t)go__c_, 0))                  \
            go__bfail((k_), go__mx_, go__c_);                                         \
        if (__builtin_expect(go__ux(go__hi_) > go__ux(go__mx_), 0))                   \
            go__bfail(GO_BOUNDS_SLICE3_B, go__hi_, go__mx_);                          \
        if (__builtin_expect(go__ux(go__lo_) > go__ux(go__hi_), 0))                   \
            go__bfail(GO_BOUNDS_SLICE3_C, go__lo_, go__hi_);                          \
        (void)0;                                                                      \
    })

/* Go's checks of s[lo:hi] and s[lo:hi:max], in Go's order (the upper bound against the
 * capacity first, then each bound against the next), panicking with Go's texts.  The
 * _len forms are for arrays and strings, whose bound Go calls their length; the others
 * for slices, whose bound is their capacity.  Arguments are evaluated once each. */
#define go_check_slice(lo_, hi_, cap_) go__check_slice(GO_BOUNDS_SLICE_ACAP, lo_, hi_, cap_)
#define go_check_slice_len(lo_, hi_, len_)                                            \
    go__check_slice(GO_BOUNDS_SLICE_ALEN, lo_, hi_, len_)
#define go_check_slice3(lo_, hi_, max_, cap_)                                         \
    go__check_slice3(GO_BOUNDS_SLICE3_ACAP, lo_, hi_, max_, cap_)
#define go_check_slice3_len(lo_, hi_, max_, len_)                                     \
    go__check_slice3(GO_BOUNDS_SLICE3_ALEN, lo_, hi_, max_, len_)

/* ------------------------------------------------------------------------------------
 * Frames and deferred calls.
 * ---------------------------------------------------------------------------------- */

/* A pending deferred call.  call is the per-site typed thunk (GCC), go__panic_nilfunc for
 * a NULL fn (Go panics when the call is due), or NULL, in which case fn is called as
 * void (*)(void *) (see go__invoke). */
typedef struct go__rec {
    void (*call)(const struct go__rec *);
    void (*fn)(void);
    void *arg;
} go__rec;

#define GO__NSLOT 8 /* deferred calls stored in the frame itself */

#if defined(GO__X86_64_SJ)
/* rbp, the resume address and sp, then rbx and r12-r15 (go__setjmp's layout). */
typedef void *go__jmpbuf[8];
/* Not __builtin_setjmp.  GCC keeps no value in a register across any call in a function
 * with it, and saves all six callee-saved registers in its prologue.  Clang (14) does not
 * see a recovery as a second return from it: a stack slot that a value live across the
 * block was reloaded from right after it may be reused by a spill inside the block
 * (tests/test_recover.c, unchanged_local_after_spills).  go__setjmp is returns_twice
 * instead: GCC sees every call in the block return to it and keeps only values live
 * across it in memory, and LLVM reuses no stack slot in a function that calls one.  It
 * is the library's (src/arch/x86_64.c, beside the jump back): nothing the user's flags
 * add to compiled functions (a stack protector's canary, -finstrument-functions' and
 * -pg's calls, coverage counters) can reach it, and LTO and COMDAT rules do not apply. */
GO_API int go__setjmp(go__jmpbuf b) __attribute__((returns_twice));
#define GO__SETJMP(b) go__setjmp(b)
#else
typedef jmp_buf go__jmpbuf;
#define GO__SETJMP(b) _setjmp(b)
#endif

/* A defer frame: lives on the C stack of the function that holds the go_frame.  Only
 * link and n are set on entry; the other fields are valid once n has GO__POOLED. */
typedef struct go__frame {
    struct go__frame *link;  /* the enclosing frame of this goroutine */
    unsigned n;              /* records in slot[], | GO__POOLED once the pool was used */
    unsigned spare_;
    go__rec *top, *end;      /* the newest chunk's free records (NULL, NULL: no chunk):
                              * go_defer pushes there inline, its count is top */
    struct go__chunk *ov;    /* pool chunks that may hold records, newest first */
    struct go__chunk *spent; /* chunks a panic has popped empty (kept until left) */
    go__jmpbuf jb;           /* where a recovery resumes */
    go__rec slot[GO__NSLOT];
} go__frame;
#define GO__POOLED 0x80000000u /* the frame has pool memory: slow paths only */
#define GO__LEFT 0xffffffffu  /* n of a frame left after a recovery, before its cleanup */
#define GO__UNWIND 0x40000000u /* the frame a recovery unwinds to: its cleanup lands (unwind.c) */

/* The part of a goroutine's state that the inline paths touch. */
struct go__ghead {
    go__frame *frame; /* innermost frame */
};
extern GO_API __thread struct go__ghead *go__curg __attribute__((tls_model("initial-exec")));

GO_API struct go__ghead *go__ginit(void);
GO_API void go__leave_slow(go__frame *f);
GO_API unsigned go__leave_pool(go__frame *f);
GO_API go__rec *go__push_slow(go__frame *f); /* the record to fill */
GO_API void *go__blob(go__frame *f, size_t size, size_t align);
GO_API GO__NORETURN void go__panic_nilfunc(const go__rec *r);
GO_API go_any go__recover(void *retaddr);
GO_API void go__recover_deferred(const struct go__rec *r);
GO_API void *go__pc_here(void); /* an address in the calling function */

GO__INLINE go__frame *go__enter(go__frame *f) {
    struct go__ghead *g = go__curg;
    if (__builtin_expect(g == NULL, 0)) g = go__ginit();
    f->link = g->frame;
    f->n = 0;
    g->frame = f;
#if !defined(__clang__)
    __asm__ volatile("" : : "m"(g->frame)); /* linked before a fault: see GO__PUBLISH_ */
#endif
    return f;
}

#define GO__FILL_(r_, call_, fn_, arg_)                                               \
    ((r_)->call = (call_), (r_)->fn = (fn_), (r_)->arg = (arg_))
/* A record counts (a panic sees it) only once everything the block did before its
 * go_defer has happened: a fault there must not run it (see GO__PUBLISH_). */
#define GO__COUNT_AFTER_() __asm__ volatile("" ::: "memory")

GO__INLINE go__rec *go__push(go__frame *f, void (*call)(const go__rec *), void (*fn)(void),
                             void *arg) {
    /* GCC 12's basic-block vectorizer built the {call, fn} pair of constant addresses in
     * the abnormal dispatcher block of a function with __builtin_setjmp, where it never
     * runs, and stored garbage (tests/test_recover.c, recover_legality).  Frames no
     * longer use __builtin_setjmp, and that test passes without this; it stays, as the
     * dispatcher of a returns_twice call is built the same way, for two register moves
     * in a loop of defers: keep the addresses opaque here, where they are stored. */
    __asm__("" : "+r"(call), "+r"(fn));
    go__rec *r;
    unsigned n = f->n;
    if (__builtin_expect(n < GO__NSLOT, 1)) {
        r = &f->slot[n];
        GO__FILL_(r, call, fn, arg);
        GO__COUNT_AFTER_();
        f->n = n + 1;
    } else if (__builtin_expect((n & GO__POOLED) && f->top != f->end, 1)) {
        /* A defer in a loop, past the slots: the frame is a local of the caller, so its
         * fields stay in the caller's stack frame, and the count is no load of a chunk. */
        r = f->top;
        GO__FILL_(r, call, fn, arg);
        GO__COUNT_AFTER_();
        f->top = r + 1;
    } else {
        r = go__push_slow(f); /* counted already: a call, which the user's code precedes */
        GO__FILL_(r, call, fn, arg);
    }
    return r;
}

/* Calls one deferred call.  This is the one place where a function taking T * is called
 * through void (*)(void *): only for records made by compilers without GCC's nested
 * functions (Clang), which every ABI godefer supports passes identically. */
GO__INLINE void go__invoke(const go__rec *r) {
    if (r->call)
        r->call(r);
    else
        ((void (*)(void *))r->fn)(r->arg);
}

/* Records made in this translation unit always have a call when thunks are on. */
#if defined(__clang__) || !defined(__OPTIMIZE__) || defined(GODEFER_NO_THUNKS)
#define go__invoke_local(r) go__invoke(r)
#else
#define go__invoke_local(r) ((r)->call(r))
#endif

/* Leaving a frame: run its deferred calls, newest first, then unlink it.  Each record is
 * popped before it is called, so a panic inside it runs only the ones still pending (a
 * call that returns has not touched this frame: a recovery into it jumps instead). */
GO__INLINE void go__leave(go__frame *f) {
    unsigned n = f->n;
    if (n == GO__LEFT) return; /* after go__land; known there, so this folds away */
    if (__builtin_expect(go__curg->frame != f, 0)) {
        go__leave_slow(f);
        return;
    }
    /* Past the slots: the chunks' calls, then the slots' here.  A frame whose count is
     * known never has chunks, and this folds away. */
    if (__builtin_expect(n > GO__NSLOT, 0)) n = go__leave_pool(f);
    /* The first call is peeled off: where n is known (every frame that defers a fixed
     * number of calls) its record is at a known place. */
    if (n) {
        f->n = --n;
        go__invoke_local(&f->slot[n]);
        for (n = f->n; n; n = f->n) {
            f->n = --n;
            go__invoke_local(&f->slot[n]);
        }
    }
    go__curg->frame = f->link;
}

/* A recovery into f (go__recovery has made it the current frame again): runs its
 * remaining calls as leaving it does, and marks it left, here where the compiler sees it,
 * so that the cleanup at the block's exit is known to do nothing on this path and the
 * normal path's go__leave is compiled on its own. */
GO__INLINE void go__land(go__frame *f) {
    struct go__ghead *g = go__curg;
    if (f->n == 0 && g->frame == f) /* the recovering call was the frame's last */
        g->frame = f->link;
    else
        go__leave_slow(f);
    f->n = GO__LEFT;
}

/* go__land behind an asm that may change any memory whose address escaped before it. */
GO__INLINE void go__land_clobbered(go__frame *f) {
    __asm__ volatile("" ::: "memory");
    go__land(f);
}

/*
 * go_frame { ... }
 *
 * Opens a defer frame for the block that follows.  Every call deferred in the block runs
 * when control leaves it: falling off its end, return, goto out of it, break or continue
 * (which leave the frame, as the block is the body of a one-pass loop: to break an
 * enclosing loop from inside a frame use goto), or a recovered panic, after which
 * execution continues after the block.  Frames nest.  Do not jump into a frame's block
 * from outside, and do not leave it with longjmp: both are reported as fatal errors.
 */
/* Arming before go__enter lets the compiler see n == 0 in go_defer (the frame's state is
 * then not live across the setjmp, so it need not be reloaded after it).  The block is the
 * body of a loop that runs once; a recovery lands in GO__LANDED_ (see GO__PUBLISH_).
 * GCC: a loop without a condition, left by a goto from its latch.  A condition known on
 * entry (go__fp_ below) is threaded, which copies the loop's variables that live across
 * frames, and GCC never propagates such a copy (an abnormal SSA name): GCC 12's
 * -Wmaybe-uninitialized took it for a use of a later loop's index, at link time under
 * -flto, where no pragma of this header applies. */
#if defined(__clang__)
#define go_frame                                                                      \
    for (go__frame go__f_ __attribute__((cleanup(go__leave))), *go__fp_ = &go__f_;    \
         go__fp_; go__fp_ = GO__LATCH_(go__fp_))                                      \
        if (GO__SETJMP(go__f_.jb) ? (GO__LANDED_(), 1) : (go__enter(&go__f_), 0)) {   \
        } else
#else
#define go_frame GO__FRAME_(__COUNTER__)
#define GO__FRAME_(n) GO__FRAME__(n)
#define GO__FRAME__(n)                                                                \
    if (0) {                                                                          \
    go__left_##n:;                                                                    \
    } else                                                                            \
        for (go__frame go__f_ __attribute__((cleanup(go__leave)));;                   \
             __extension__({ goto go__left_##n; }))                                   \
            if (GO__SETJMP(go__f_.jb) ? (GO__LANDED_(), 1) : (go__enter(&go__f_), 0)) { \
            } else
#endif

/*
 * Publishing a deferred call.  Go runs a deferred call once its defer statement has
 * executed, whatever faults after it, and never one whose defer statement has not.  The
 * stores that link the frame, fill the record and count it are plain C stores, which the
 * compiler may move across, merge with or delete around an access that it assumes cannot
 * trap, and a fault made a panic by go_set_panic_on_fault would then find a stale frame.
 * So the count is stored after a compiler barrier (GO__COUNT_AFTER_: what the block did
 * before happens first), and after it an asm that reads the frame, the record and the
 * goroutine's frame link makes them happen before what follows (it emits nothing; GCC's,
 * volatile, reads the link in go__enter).  The count is loaded before the barrier, so the
 * compiler still knows it from the go_defer before.
 *
 * Under Clang it also adds a control-flow edge.  A local whose address a go_defer in the
 * block passes on (go_defer(to_error, &err)) and that the deferred call changes during a
 * panic must be reloaded after the recovery lands.  LLVM forwards the value stored before
 * the frame instead when no path in its control-flow graph leads from the go_defer that
 * captured the address to the landing, as when the block cannot end normally (it ends in
 * go_panic or another noreturn call, or in an endless loop): the recovery's return from
 * go__setjmp is no edge from the block.  So under Clang the landing is in the frame loop's
 * latch, behind an asm that may write any memory whose address escaped before it, and each
 * go_defer may, as far as the compiler knows, continue the loop as a landing would (its
 * asm is not volatile, so that the compiler keeps what it knows of the frame, such as its
 * count; the branch on its result keeps it).  The latch ends the loop on every path, so
 * the block is in no loop.  GCC needs none of this: it gives every call in the block an
 * edge to the returns_twice call.  A go_defer in a loop of the user's inside the block
 * continues that loop instead (see THE VOLATILE RULE at the top).
 */
#if defined(__clang__)
#define GO__LANDING_ ((go__frame *)((char *)&go__f_ + 1))
#define GO__LANDED_() (go__fp_ = GO__LANDING_)
#define GO__LATCH_(fp_) ((fp_) == &go__f_ ? NULL : (go__land_clobbered(&go__f_), NULL))
#define GO__PUBLISH_(f_, r_)                                                          \
    __extension__({                                                                   \
        int go__again_ = 0;                                                           \
        __asm__("" : "+r"(go__again_) : "m"(*(f_)), "m"(*(r_)), "m"(go__curg->frame)); \
        if (__builtin_expect(go__again_, 0)) {                                        \
            go__fp_ = GO__LANDING_;                                                   \
            continue;                                                                 \
        }                                                                             \
        (void)0;                                                                      \
    })
#else
#define GO__LANDED_() go__land(&go__f_)
#define GO__PUBLISH_(f_, r_) __asm__ volatile("" : : "m"(*(f_)), "m"(*(r_)))
#endif

/* The argument's type after array-to-pointer decay. */
#define go__argtype(a) __typeof__(1 ? (a) : (a))

/* go__defer_typed(f, fn, arg): f, fn and arg already evaluated, in Go's order (the
 * function value first), into locals go__fv_ and go__a_.  GCC makes a per-site thunk when
 * optimizing.  At -O0 it would build a trampoline on the stack for any nested function
 * whose address is taken, so unoptimized code (and Clang, which has no nested functions)
 * takes the cast in go__invoke instead. */
#define go__check_arg_(a_)                                                            \
    _Static_assert(__builtin_classify_type(a_) == 5,                                  \
                   "fn(arg): the argument must be a pointer");                        \
    _Pragma("GCC diagnostic push")                                                    \
    _Pragma("GCC diagnostic error \"-Wint-conversion\"")                              \
    _Pragma("GCC diagnostic error \"-Wincompatible-pointer-types\"")                  \
    (void)sizeof(go__fv_(a_), 0); /* fn must accept the argument: an error, not a    \
                                   * warning, whatever the warning flags (but -w) */  \
    _Pragma("GCC diagnostic pop")
/* GCC: a nested function per site calls fn with its own type; it uses nothing of the
 * enclosing function, so it needs no trampoline and no executable stack (were one ever
 * needed, -Wtrampolines is an error here).  GO__THUNK_DEF_(a_) defines it (fn is go__fv_),
 * GO__THUNK_ is a record's call for it: NULL on the cast path. */
#if defined(__clang__) || !defined(__OPTIMIZE__) || defined(GODEFER_NO_THUNKS)
#define GO__THUNK_DEF_(a_)
#define GO__THUNK_ NULL
#else
#define GO__THUNK_DEF_(a_)                                                            \
    _Pragma("GCC diagnostic push")                                                    \
    _Pragma("GCC diagnostic error \"-Wtrampolines\"")                                 \
    void go__thunk_(const go__rec *go__tr_) {                                         \
        ((__typeof__(go__fv_))go__tr_->fn)((__typeof__(a_))go__tr_->arg);             \
    }                                                                                 \
    _Pragma("GCC diagnostic pop")
#define GO__THUNK_ go__thunk_
#endif
#define go__defer_typed(F_, a_)                                                       \
    __extension__({                                                                   \
        go__check_arg_(a_);                                                           \
        GO__THUNK_DEF_(a_)                                                            \
        void (*go__fn_)(void) = (void (*)(void))go__fv_;                              \
        go__rec *go__r_ = go__push((F_), go__fn_ ? GO__THUNK_ : go__panic_nilfunc,     \
                                   go__fn_, (void *)(a_));                            \
        GO__PUBLISH_((F_), go__r_);                                                   \
    })

/*
 * go_defer(fn, arg): defer the call fn(arg).  fn and arg are evaluated now, in that order
 * (Go's); fn is any function (or function pointer) taking one pointer, checked against
 * arg at compile time: go_defer(free, p), go_defer(fclose, f), go_defer(unlock, &mu).  Its
 * result, if any, is discarded.  A NULL fn panics when the call is due (at frame exit), as
 * in Go.  Deferred calls accumulate until the frame is left, also in loops.  Only valid
 * inside a go_frame block: elsewhere it does not compile.
 */
#define go_defer(fn_, arg_)                                                           \
    __extension__({                                                                   \
        __typeof__(&*(fn_)) go__fv_ = (fn_);                                          \
        go__argtype(arg_) go__a_ = (arg_);                                            \
        go__defer_typed(&go__f_, go__a_);                                             \
    })

/*
 * go_defer_val(fn, value): defer fn(&copy), where copy is a copy of value (of any complete
 * type T, e.g. a struct or a compound literal; a const or volatile one is copied as a plain
 * T) made now, after fn is evaluated, as Go copies a deferred call's arguments.  fn takes a
 * T *.  The copy lives in the thread's pool until the call ran.
 *   go_defer_val(show, ((struct point){x, y}));
 */
#define go_defer_val(fn_, value_)                                                     \
    __extension__({                                                                   \
        __typeof__(&*(fn_)) go__fv_ = (fn_);                                          \
        __typeof__((void)0, value_) go__v_ = (value_);                                \
        __typeof__(go__v_) *go__vp_ = (__typeof__(go__v_) *)go__blob(                 \
            &go__f_, sizeof go__v_, _Alignof(__typeof__(go__v_)));                    \
        __builtin_memcpy(go__vp_, &go__v_, sizeof go__v_);                            \
        __asm__("" : "+r"(go__vp_) : "m"(*go__vp_)); /* the copy, before the record */ \
        go__defer_typed(&go__f_, go__vp_);                                            \
    })

/* ------------------------------------------------------------------------------------
 * Coroutines (docs/coroutines.md): each runs fn(arg) on a stack of its own, as a
 * goroutine of its own; switching saves only the callee-saved registers (no system call).
 * ---------------------------------------------------------------------------------- */
typedef struct go_coro go_coro;

/* go_coro_new(fn, arg): a suspended coroutine that will run fn(arg), fn and arg checked
 * and evaluated as go_defer's (fn takes a T *, arg is a T *); a NULL fn is Go's fatal
 * error "go of nil func value".  Its stack is GO_CORO_STACK bytes (go_coro_new_sized:
 * stack_bytes, rounded up to pages), mmap'd below a guard page: only touched pages are
 * committed.  Not async-signal-safe. */
#define GO_CORO_STACK (256 * 1024)
#define go_coro_new(fn_, arg_) go_coro_new_sized(fn_, arg_, GO_CORO_STACK)
#define go_coro_new_sized(fn_, arg_, stack_bytes_)                                    \
    __extension__({                                                                   \
        __typeof__(&*(fn_)) go__fv_ = (fn_);                                          \
        go__argtype(arg_) go__a_ = (arg_);                                            \
        go__check_arg_(go__a_);                                                       \
        GO__THUNK_DEF_(go__a_)                                                        \
        go__coro_new(GO__THUNK_, (void (*)(void))go__fv_, (void *)go__a_,             \
                     (stack_bytes_));                                                 \
    })
GO_API go_coro *go__coro_new(void (*call)(const go__rec *), void (*fn)(void), void *arg,
                             size_t stack_bytes);

/* Runs c on the calling thread until it calls go_coro_yield (returns true) or ends:
 * fn returned, or it called go_goexit (false).  A fatal error if c has ended, or is
 * running (on this thread or another). */
GO_API bool go_coro_resume(go_coro *c);
/* Inside a coroutine: back to the go_coro_resume that runs it, inside any number of
 * frames; the next resume continues here.  A fatal error outside a coroutine. */
GO_API void go_coro_yield(void);
/* Frees c (NULL: nothing).  A suspended c first runs its pending deferred calls on its
 * own stack, as go_goexit runs them (one of them yielding is a fatal error).  A fatal
 * error if c is running. */
GO_API void go_coro_free(go_coro *c);

#endif /* GODEFER_H */
