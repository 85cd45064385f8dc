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
 * attribute; nested functions under GCC).  This file is the manual, in the order a user
 * needs it: frames and defer, panic and recover, values, runtime errors, goroutines and
 * coroutines, configuration.  What the macros expand to lives in the godefer/ headers
 * installed beside it; every name spelt go__* or GO__* is internal, and godefer/abi.h
 * lists those that compiled user code depends on (the ABI).
 */
#ifndef GODEFER_H
#define GODEFER_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "godefer/base.h" /* GO_API, attributes, GCC's warnings (see the volatile rule) */

/* C++: the declarations and the inline machinery, for godefer.hpp (the C++ API); the
 * macros below need C-only GNU extensions and fail with a message (godefer/base.h). */
GO__EXTERN_C_BEGIN

typedef struct go_any go_any; /* Go's interface{}: see Values */

/* ------------------------------------------------------------------------------------
 * Frames and deferred calls.
 * ---------------------------------------------------------------------------------- */

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

/* runtime.GoID-style id of the calling thread's current goroutine: the main thread's own
 * goroutine is 1. */
GO_API int64_t go_goid(void);

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
/* (The payload's 8 bytes zeroed, then the member set: go_identical compares all 8, and
 * the form is C and C++17 alike, which have no common designated initializer.) */
#define GO__ANY_(t_, m_, x_)                                                                  \
    go_any a;                                                                                 \
    a.type = (t_);                                                                            \
    a.v.u = 0;                                                                                \
    a.v.m_ = (x_);                                                                            \
    return a
GO__INLINE go_any go_nil(void) { GO__ANY_(NULL, u, 0); }
GO__INLINE go_any go_str(const char *s) { GO__ANY_(&go_type_string, s, s); }
GO__INLINE go_any go_int(int64_t i) { GO__ANY_(&go_type_int, i, i); }
GO__INLINE go_any go_uint(uint64_t u) { GO__ANY_(&go_type_uint, u, u); }
GO__INLINE go_any go_float(double f) { GO__ANY_(&go_type_float64, f, f); }
GO__INLINE go_any go_bool(bool b) { GO__ANY_(&go_type_bool, b, b); }
/* A value of a user type; pick the one that matches t->kind. */
GO__INLINE go_any go_make_int(const go_type *t, int64_t i) { GO__ANY_(t, i, i); }
GO__INLINE go_any go_make_uint(const go_type *t, uint64_t u) { GO__ANY_(t, u, u); }
GO__INLINE go_any go_make_float(const go_type *t, double f) { GO__ANY_(t, f, f); }
GO__INLINE go_any go_make_bool(const go_type *t, bool b) { GO__ANY_(t, b, b); }
GO__INLINE go_any go_make_str(const go_type *t, const char *s) { GO__ANY_(t, s, s); }
GO__INLINE go_any go_make_ptr(const go_type *t, const void *p) { GO__ANY_(t, p, p); }

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

/* ------------------------------------------------------------------------------------
 * Configuration.
 * ---------------------------------------------------------------------------------- */

#define GODEFER_VERSION_MAJOR 0
#define GODEFER_VERSION_MINOR 1
#define GODEFER_VERSION_PATCH 0

/* Defined before including godefer.h:
 *  GODEFER_KEEP_WARNINGS  keep GCC's -Wclobbered and -Wmaybe-uninitialized, which every
 *                         frame otherwise makes it give for variables that merely live
 *                         across the frame (godefer/base.h; THE VOLATILE RULE above)
 *  GODEFER_NO_THUNKS      GCC: defer through the cast path, as at -O0 and under Clang,
 *                         instead of a nested function per go_defer (godefer/frame.h) */

/* What the macros above expand to. */
#include "godefer/abi.h"
#include "godefer/frame.h"
#include "godefer/checks.h"

GO__EXTERN_C_END

#ifdef __cplusplus
/* The macros need C-only GNU extensions (nested functions, _Generic, the cleanup
 * attribute on a C block): C++ has godefer.hpp's go::frame, scope.defer, go::recover. */
#define GO__C_ONLY_(what_) static_assert(false, what_ " is C only: use godefer.hpp")
#undef go_frame
#undef go_defer
#undef go_defer_val
#undef go_recover
#undef go_defer_recover
#undef go_index
#undef go_check_slice
#undef go_check_slice_len
#undef go_check_slice3
#undef go_check_slice3_len
#undef go_go
#undef go_group_go
#undef go_coro_new
#undef go_coro_new_sized
#define go_frame GO__C_ONLY_("go_frame")
#define go_defer(...) GO__C_ONLY_("go_defer")
#define go_defer_val(...) GO__C_ONLY_("go_defer_val")
#define go_recover(...) GO__C_ONLY_("go_recover")
#define go_defer_recover(...) GO__C_ONLY_("go_defer_recover")
#define go_index(...) GO__C_ONLY_("go_index")
#define go_check_slice(...) GO__C_ONLY_("go_check_slice")
#define go_check_slice_len(...) GO__C_ONLY_("go_check_slice_len")
#define go_check_slice3(...) GO__C_ONLY_("go_check_slice3")
#define go_check_slice3_len(...) GO__C_ONLY_("go_check_slice3_len")
#define go_go(...) GO__C_ONLY_("go_go")
#define go_group_go(...) GO__C_ONLY_("go_group_go")
#define go_coro_new(...) GO__C_ONLY_("go_coro_new")
#define go_coro_new_sized(...) GO__C_ONLY_("go_coro_new_sized")
#endif

#endif /* GODEFER_H */
