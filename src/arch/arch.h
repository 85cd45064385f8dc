/*
 * The machine contract: what each src/arch/<machine>.c implements, and the constants
 * that describe its machine.  A new architecture is this list filled in (and a
 * go__jmpbuf choice in include/godefer/jmpbuf.h); nothing else in src/ is machine-specific
 * beyond reading an address from a ucontext through go__arch_pc/go__arch_sp.
 * Included by internal.h.
 */
#ifndef GODEFER_ARCH_H
#define GODEFER_ARCH_H

#include <stdbool.h>
#include <stdint.h>

/* ---- constants ---------------------------------------------------------------------
 * GO__SIGPANIC_RA_BIAS  go__sigpanic's return address is the faulting pc plus this: an
 *                       unwinder that looks its caller up at return address - 1 finds
 *                       the faulting instruction (x86_64: 1; aarch64: one instruction).
 * GO__SIGFRAME_MIN      no kernel signal frame is smaller (x86_64: the handler's return
 *                       address up to the interrupted sp, under Valgrind too; aarch64:
 *                       siginfo to sp): a recovery jump shorter than this crosses none. */
#if defined(__x86_64__)
#define GO__SIGPANIC_RA_BIAS 1
#define GO__SIGFRAME_MIN 896
#elif defined(__aarch64__)
#define GO__SIGPANIC_RA_BIAS 4
#define GO__SIGFRAME_MIN 4096
#else
#error "godefer: no src/arch/ support for this machine"
#endif

/* ---- the recovery jump -------------------------------------------------------------
 * Where GO__X86_64_SJ is defined (godefer/jmpbuf.h), the arch file defines the exported
 * go__setjmp (returns_twice: saves exactly the GO__JB_* words, returns 0) and this, which
 * restores them and returns 1 from that go__setjmp.  No signal mask, no pointer
 * mangling.  Elsewhere frames use _setjmp and go__jump libc's longjmp. */
#ifdef GO__X86_64_SJ
GO__HIDDEN GO__NORETURN void go__longjmp(go__jmpbuf jb);
#endif

/* ---- faults as calls (signal.c) ----------------------------------------------------- */
/* The interrupted pc and sp of a signal's ucontext. */
GO__HIDDEN uintptr_t go__arch_pc(const void *ucontext);
GO__HIDDEN uintptr_t go__arch_sp(const void *ucontext);
/* Rewrites the interrupted context so that, when the handler returns, the thread calls
 * go__sigpanic_run(sig, code, addr, pc) through the arch file's go__sigpanic stub as if
 * the interrupted instruction had called it: the stub's return address is the faulting
 * pc + GO__SIGPANIC_RA_BIAS, and its unwind entry lets unwinders and frame-pointer walks
 * go on into the faulting function with its registers intact.  Writes below the
 * interrupted stack pointer (never into its red zone). */
GO__HIDDEN void go__arch_inject(void *ucontext, uintptr_t sig, uintptr_t code, uintptr_t addr,
                                uintptr_t pc);
GO__HIDDEN GO__NORETURN void go__sigpanic_run(uintptr_t sig, uintptr_t code, uintptr_t addr,
                                              uintptr_t pc); /* signal.c: the stub's call */
GO__HIDDEN void go__sigpanic(void); /* the stub (its address: unwind.c finds its frame) */

/* ---- signal frames (go__sigmask_jump, the reports) ----------------------------------- */
/* The ucontext of the next kernel signal frame down a stack, starting at or above lo and
 * below *top (initially the highest place one could start at, which moves below each
 * frame found), or NULL.  Every frame is seen, and so is the copy of one a returned
 * handler left in stack memory not written since. */
GO__HIDDEN const void *go__arch_sigframe_next(uintptr_t lo, uintptr_t *top);
/* The ucontext of the kernel's signal frame that the stack pointer cfa (a handler's CFA)
 * points at, or NULL. */
GO__HIDDEN const void *go__arch_sigframe_uc(uintptr_t cfa);

/* ---- code (recover's legality check, panic.c) --------------------------------------- */
/* Does the code in [lo, hi) hold a direct jump (conditional or not) to [tlo, thi)?  A
 * scan of the bytes, for telling a compiler's cold part of a function. */
GO__HIDDEN bool go__arch_jumps_into(uintptr_t lo, uintptr_t hi, uintptr_t tlo, uintptr_t thi);

/* ---- stacks (report.c, coro.c) ------------------------------------------------------ */
/* Calls fn(arg) with the stack pointer at top (16-byte aligned), then returns on the
 * caller's stack; the unwind entry keeps the caller's frame walkable. */
GO__HIDDEN void go__arch_call_on(void (*fn)(void *), void *arg, void *top);
/* The initial stack pointer of a coroutine whose stack ends at top (or of a frame made
 * below a suspended one's): the first go__coro_swap to it enters go__coro_main(arg)
 * through a boot stub whose unwind entry ends every trace there. */
GO__HIDDEN void *go__arch_coro_stack(void *top, void *arg);
/* Saves the callee-saved registers on the current stack, stores its pointer in *save,
 * and continues where sp was saved, the swap called there returning pass.  No system
 * call; the floating-point control state is shared, not switched. */
GO__HIDDEN bool go__coro_swap(void **save, void *sp, bool pass);
GO__HIDDEN GO__NORETURN void go__coro_main(void *coro); /* coro.c: the boot stub's call */

#endif /* GODEFER_ARCH_H */
