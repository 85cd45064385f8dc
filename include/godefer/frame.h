/* godefer/frame.h: the inline machinery of go_frame, go_defer and go_recover. */
#ifndef GODEFER_FRAME_H
#define GODEFER_FRAME_H

#ifndef GODEFER_H
#error "include <godefer.h>, not godefer/frame.h"
#endif

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
GO__INLINE void go__invoke_local(const go__rec *r) {
#if defined(__clang__) || !defined(__OPTIMIZE__) || defined(GODEFER_NO_THUNKS)
    go__invoke(r);
#else
    r->call(r);
#endif
}

/*
 * THE RECORDS RULE.  A frame's records are consumed newest first, each popped (the count
 * lowered) before it is called, so that a panic inside the call runs only those still
 * pending.  A call that returns has left the count as it was: a panic that popped more of
 * the frame's records either recovered into this frame or beyond it (a jump) or ended the
 * program, and a Goexit never returns.  Records live in the frame's slots, popped by
 * go__pop_slot, and past them in pool chunks, popped in src/frame.c (pop_chunk).  Leaving
 * a frame calls them with GO__RUN_SLOTS_ (inline in go__leave, and in the library's
 * go__leave_slow, which a landing uses) after go__leave_pool's chunk loop; a panic pops
 * them with go__pop (src/internal.h) and calls each from go__call_deferred (src/panic.c).
 */

/* Pops the newest of the n records in f's slots (n > 0), keeping the flag bits keep
 * (GO__POOLED or 0) in the count. */
GO__INLINE go__rec *go__pop_slot(go__frame *f, unsigned n, unsigned keep) {
    f->n = (n - 1) | keep;
    return &f->slot[n - 1];
}

/* Pops and calls f's slot records, n of them (n == f->n, no flag), newest first.  The
 * first call is peeled off: where n is known (every frame that defers a fixed number of
 * calls) its record is at a known place. */
#define GO__RUN_SLOTS_(f_, n_, invoke_)                                               \
    do {                                                                              \
        if (n_) {                                                                     \
            invoke_(go__pop_slot((f_), (n_), 0));                                     \
            for ((n_) = (f_)->n; (n_); (n_) = (f_)->n)                                \
                invoke_(go__pop_slot((f_), (n_), 0));                                 \
        }                                                                             \
    } while (0)

/* Leaving a frame: run its deferred calls (THE RECORDS RULE), then unlink it. */
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
    GO__RUN_SLOTS_(f, n, go__invoke_local);
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

#endif /* GODEFER_FRAME_H */
