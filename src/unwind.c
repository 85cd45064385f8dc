/* Recovery by unwinding (issue 15 §1).  When C++ frames or C compiled with -fexceptions
 * may lie between a panic and the frame that recovers it, the recovery unwinds them with
 * libgcc's forced unwind (as glibc's thread cancellation does), so that their destructors
 * and cleanup variables run, then lands in the recovering frame in one of two ways:
 *   - from its own landing pad: go_frame's cleanup (go__leave) finds GO__UNWIND in the
 *     frame's count and calls go__unwind_land; by then the cleanups of the block's
 *     variables and of callees inlined into the function have run, in order;
 *   - from the stop function at the first frame whose CFA lies above the target (its
 *     caller's), where the target has no landing pad (C without -fexceptions).
 * Either way it ends in go__jump, as a recovery without unwinding does.  Pure C keeps the
 * plain jump: unwinding is on when a C++ runtime is linked, when a translation unit
 * compiled with -fexceptions includes godefer.h, or when go_set_unwind(true) asks. */
#include "internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <unwind.h>

/* The C++ runtime, if linked (libstdc++ or libc++abi, which share the Itanium ABI's
 * names): its presence turns unwinding on; its exception counters are put back after a
 * landing, and its terminate handler reports the traps that end in std::terminate. */
struct go__cxa_eh_globals {
    void *caught;
    unsigned int uncaught;
};
extern struct go__cxa_eh_globals *__cxa_get_globals(void) __attribute__((weak));
typedef void (*go__terminate_fn)(void);
extern go__terminate_fn _ZSt13set_terminatePFvvE(go__terminate_fn) __attribute__((weak));

/* libgcc's unwinder, referenced weakly: a static link must not pull libunwind's
 * _Unwind_* (the trace library's, which would clash with libgcc_eh's), and a program
 * without libgcc's unwinder (static pure C) has no unwinding: its recoveries jump. */
#pragma weak _Unwind_ForcedUnwind
#pragma weak _Unwind_GetCFA
#pragma weak _Unwind_GetRegionStart

#define GO__UNWIND_CLASS 0x474f444546455200ull /* "GODEFER\0" */

/* One recovery's unwind, on the heap: it must outlive every frame it unwinds (the landing
 * pads' calls reuse their stack) and nest (a recovery inside a destructor that an outer
 * recovery's unwind runs), so it is neither on the stack nor thread-local. */
struct go__unwind {
    struct _Unwind_Exception exc;
    struct go__unwind *outer; /* the goroutine's older unwind in progress */
    go__g *g;
    go__frame *frame;  /* the recovering frame, NULL for a Goexit's loop */
    go__jmpbuf *jb;    /* where the recovery resumes */
    uintptr_t above;   /* an address in the target's activation */
    unsigned uncaught; /* std::uncaught_exceptions() when it started */
    bool below_fault;  /* the frame last seen was go__sigpanic's: the next one faulted */
    bool at_fault;     /* the frame being unwound is one that faulted */
};

/* -1 off, 1 on (go_set_unwind); 0: on if a C++ runtime or an -fexceptions unit is there */
static _Atomic int unwind_asked;
static _Atomic bool unwind_tu; /* a unit compiled with -fexceptions includes godefer.h */
_Atomic bool go__unwinding;    /* what they decide, the one load a recovery makes */

static void decide(void) {
    int asked = atomic_load_explicit(&unwind_asked, memory_order_relaxed);
    bool on = asked
                  ? asked > 0
                  : __cxa_get_globals || atomic_load_explicit(&unwind_tu, memory_order_relaxed);
    on = on && _Unwind_ForcedUnwind && _Unwind_GetCFA && _Unwind_GetRegionStart;
    atomic_store_explicit(&go__unwinding, on, memory_order_relaxed);
}
__attribute__((constructor)) static void decide_at_load(void) { decide(); }

void go_set_unwind(bool on) {
    atomic_store_explicit(&unwind_asked, on ? 1 : -1, memory_order_relaxed);
    decide();
}

void go__unwind_tu(void) {
    atomic_store_explicit(&unwind_tu, true, memory_order_relaxed);
    decide();
}

/* The one transfer of control to a recovery point: u's unwind is over. */
static GO__NORETURN void land(struct go__unwind *u) {
    go__jmpbuf *jb = u->jb;
    u->g->unwind = u->outer;
    if (u->frame) u->frame->n &= ~GO__UNWIND;
    if (__cxa_get_globals) __cxa_get_globals()->uncaught = u->uncaught; /* catch(...){throw;} */
    u->outer = u->g->unwind_spare; /* kept for the next recovery: no allocation each */
    u->g->unwind_spare = u;
    go__jump(*jb);
}

/* The landed unwinds kept for reuse, freed with the goroutine's pool. */
void go__unwind_free(go__g *g) {
    for (struct go__unwind *u; (u = g->unwind_spare);) {
        g->unwind_spare = u->outer;
        free(u);
    }
}

/* go_frame's cleanup met GO__UNWIND: f's landing pad, the recovery's end. */
void go__unwind_land(go__frame *f) {
    go__g *g = (go__g *)go__curg;
    struct go__unwind *u = g ? g->unwind : NULL;
    if (!u || u->frame != f) go__throw("go_frame: corrupted defer chain (unwind flag)");
    land(u);
}

static GO__NORETURN void not_reached(void) {
    go__throw("recovery: a frame between the panic and the recovering go_frame has no "
              "unwind information, or the go_frame is on another stack (compile C with "
              "-fasynchronous-unwind-tables; switch coroutines with go_g_switch)");
}

static _Unwind_Reason_Code stop(int version, _Unwind_Action actions,
                                _Unwind_Exception_Class cls, struct _Unwind_Exception *exc,
                                struct _Unwind_Context *ctx, void *arg) {
    (void)version, (void)cls, (void)exc;
    struct go__unwind *u = arg;
    if (actions & _UA_END_OF_STACK) not_reached();
    u->at_fault = u->below_fault; /* its personality runs next (on_terminate) */
    u->below_fault = _Unwind_GetRegionStart(ctx) == (uintptr_t)go__sigpanic;
    uintptr_t cfa = _Unwind_GetCFA(ctx);
    /* A handler's frames on the alternate signal stack may lie anywhere: not above. */
    if (cfa > u->above && !go__sigstack_newer(u->g, cfa, u->above)) land(u);
    return _URC_NO_REASON;
}

/* The unwind was caught and not rethrown (a C++ catch (...) that swallows it). */
static void exception_cleanup(_Unwind_Reason_Code reason, struct _Unwind_Exception *exc) {
    (void)reason, (void)exc;
    go__throw("recovery: a C++ catch (...) between the panic and the recovering go_frame "
              "caught the unwind and did not rethrow it");
}

static go__terminate_fn prev_terminate;

/* std::terminate during a recovery's unwind: from the personality of a C++ function that
 * faulted (its call-site table covers calls, not the faulting instruction: GCC's
 * -fnon-call-exceptions makes it cover it), else a noexcept function in between (or a
 * destructor that threw). */
static void on_terminate(void) {
    go__g *g = (go__g *)go__curg;
    if (g && g->unwind && g->unwind->at_fault)
        go__throw("recovery: std::terminate while unwinding a C++ function that faulted: its "
                  "exception tables do not cover the faulting instruction, so its live "
                  "objects cannot be destroyed (compile it with g++ -fnon-call-exceptions; "
                  "Clang has no equivalent)");
    if (g && g->unwind)
        go__throw("recovery: std::terminate while unwinding to the recovering go_frame (a "
                  "noexcept function between the panic and the frame, or a destructor that "
                  "threw)");
    if (prev_terminate) prev_terminate();
    abort();
}

static void install_terminate(void) {
    go__terminate_fn prev = _ZSt13set_terminatePFvvE(on_terminate);
    if (prev != on_terminate) prev_terminate = prev;
}

void go__unwind_jump(go__g *g, go__jmpbuf jb, go__frame *frame, uintptr_t above) {
    struct go__unwind *u = g->unwind_spare;
    if (u)
        g->unwind_spare = u->outer;
    else if (!(u = malloc(sizeof *u)))
        go__throw("out of memory starting a recovery's unwind");
    memset(u, 0, sizeof *u);
    u->exc.exception_class = GO__UNWIND_CLASS;
    u->exc.exception_cleanup = exception_cleanup;
    u->outer = g->unwind;
    u->g = g;
    u->frame = frame;
    u->jb = (go__jmpbuf *)(void *)jb;
    u->above = above;
    if (__cxa_get_globals) u->uncaught = __cxa_get_globals()->uncaught;
    if (_ZSt13set_terminatePFvvE) {
        static pthread_once_t once = PTHREAD_ONCE_INIT;
        pthread_once(&once, install_terminate);
    }
    if (frame) frame->n |= GO__UNWIND;
    g->unwind = u;
#ifdef GO__ASAN
    __asan_handle_no_return();
#endif
    _Unwind_ForcedUnwind(&u->exc, stop, u);
    not_reached(); /* it returns when a frame has no unwind information */
}
