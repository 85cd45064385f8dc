/* x86_64 (System V): the go__sigpanic stub, and the rewriting of a signal context so that
 * returning from the handler calls it, as if the faulting instruction had made the call. */
#include "../internal.h"

#include <ucontext.h>

#if !defined(__x86_64__)
#error "src/arch/x86_64.c is for x86_64"
#endif

/*
 * go__sigpanic is entered (by the handler's sigreturn) with faulting pc + 1 stored as its
 * return address and the faulting function's registers otherwise intact, except the
 * argument registers, which carry (sig, code, addr, pc) for go__sigpanic_run.
 *
 * pc + 1, not pc: every unwinder looks a caller up at its return address - 1, which is
 * then the faulting instruction itself, even when it is the first of its function (a
 * signal-frame mark, 'S', would say the same, but libunwind's fast tracer and libgcc
 * then expect the kernel's sigreturn frame and stop).  The stub saves rbp (the faulting
 * function may use it as its frame pointer) and realigns the stack, which was only
 * 8-byte aligned at the fault, for the C code.  It lives in its own section so that no
 * compile unit's line table covers it.
 */
__asm__(".pushsection .text.godefer_sigpanic,\"ax\",@progbits\n"
        ".globl go__sigpanic\n"
        ".hidden go__sigpanic\n"
        ".type go__sigpanic,@function\n"
        ".p2align 4\n"
        "go__sigpanic:\n"
        ".cfi_startproc\n"
        "    pushq %rbp\n"
        ".cfi_adjust_cfa_offset 8\n"
        ".cfi_rel_offset %rbp, 0\n"
        "    movq %rsp, %rbp\n"
        ".cfi_def_cfa_register %rbp\n"
        "    andq $-16, %rsp\n"
        "    call go__sigpanic_run\n"
        "    ud2\n"
        ".cfi_endproc\n"
        ".size go__sigpanic, .-go__sigpanic\n"
        ".popsection\n");

extern void go__sigpanic(void) GO__HIDDEN;

uintptr_t go__arch_pc(const void *ucontext) {
    return (uintptr_t)((const ucontext_t *)ucontext)->uc_mcontext.gregs[REG_RIP];
}

uintptr_t go__arch_sp(const void *ucontext) {
    return (uintptr_t)((const ucontext_t *)ucontext)->uc_mcontext.gregs[REG_RSP];
}

/* The store below the interrupted stack pointer lands in the faulting function's red
 * zone, which is dead: that function is never resumed.  The sanitizers must not check it:
 * its shadow may still describe the faulting frame. */
__attribute__((no_sanitize_address, no_sanitize_thread))
void go__arch_inject(void *ucontext, uintptr_t sig, uintptr_t code, uintptr_t addr,
                     uintptr_t pc) {
    greg_t *r = ((ucontext_t *)ucontext)->uc_mcontext.gregs;
    uintptr_t sp = (uintptr_t)r[REG_RSP] - sizeof(uintptr_t);
    *(volatile uintptr_t *)sp = (uintptr_t)r[REG_RIP] + GO__SIGPANIC_RA_BIAS;
    r[REG_RSP] = (greg_t)sp;
    r[REG_RIP] = (greg_t)(uintptr_t)go__sigpanic;
    r[REG_RDI] = (greg_t)sig;
    r[REG_RSI] = (greg_t)code;
    r[REG_RDX] = (greg_t)addr;
    r[REG_RCX] = (greg_t)pc;
}

/* A frame's recovery point (go__jmpbuf in godefer.h: rbp, the resume address, sp, then
 * rbx and r12-r15).  go__setjmp saves what go__longjmp restores, and nothing else: no
 * pointer mangling, no signal mask (nothing godefer does changes the mask between a
 * frame's entry and a recovery into it).  go__longjmp jumps back as if go__setjmp had
 * returned 1.  go__setjmp is exported (called from the user's frames, through the PLT
 * when linked dynamically) and starts a cache line of its own: packed between a frame's
 * hot neighbours it once made a one-defer frame about 1 ns slower on Zen 3. */
__asm__(".text\n"
        ".globl go__setjmp\n"
        ".type go__setjmp,@function\n"
        ".p2align 6\n"
        "go__setjmp:\n"
        ".cfi_startproc\n"
        "    movq %rbp, 0(%rdi)\n"
        "    movq (%rsp), %rdx\n"
        "    movq %rdx, 8(%rdi)\n"
        "    leaq 8(%rsp), %rdx\n"
        "    movq %rdx, 16(%rdi)\n"
        "    movq %rbx, 24(%rdi)\n"
        "    movq %r12, 32(%rdi)\n"
        "    movq %r13, 40(%rdi)\n"
        "    movq %r14, 48(%rdi)\n"
        "    movq %r15, 56(%rdi)\n"
        "    xorl %eax, %eax\n"
        "    ret\n"
        ".cfi_endproc\n"
        ".size go__setjmp, .-go__setjmp\n"
        "\n"
        ".globl go__longjmp\n"
        ".hidden go__longjmp\n"
        ".type go__longjmp,@function\n"
        ".p2align 4\n"
        "go__longjmp:\n"
        ".cfi_startproc\n"
        "    movq 24(%rdi), %rbx\n"
        "    movq 32(%rdi), %r12\n"
        "    movq 40(%rdi), %r13\n"
        "    movq 48(%rdi), %r14\n"
        "    movq 56(%rdi), %r15\n"
        "    movq 0(%rdi), %rbp\n"
        "    movq 16(%rdi), %rsp\n"
        "    movl $1, %eax\n"
        "    jmpq *8(%rdi)\n"
        ".cfi_endproc\n"
        ".size go__longjmp, .-go__longjmp\n");

/* ---- coroutines (src/coro.c) ------------------------------------------------------------
 * go__coro_swap pushes the callee-saved registers (rbp, rbx, r12-r15) on the current
 * stack, stores its pointer in *save, loads sp and pops the same six from there, then
 * returns into the code that saved them, with its third argument as the result there.
 * It returns by a jump, not ret: the return stack predictor holds the other stack's
 * returns (Boost.Context does the same).  MXCSR and the x87 control word are not saved:
 * godefer's coroutines share them, as threads' functions calling one another would.
 * A new coroutine's stack holds six zeros but r12 = its argument, and go__coro_boot as the
 * return address: rbp = 0 ends frame-pointer walks there, and the boot's unwind entry
 * has no return address, which ends the unwinders' (traces stop at the entry). */
__asm__(".text\n"
        ".globl go__coro_swap\n"
        ".hidden go__coro_swap\n"
        ".type go__coro_swap,@function\n"
        ".p2align 4\n"
        "go__coro_swap:\n"
        ".cfi_startproc\n"
        "    pushq %rbp\n"
        "    pushq %rbx\n"
        "    pushq %r12\n"
        "    pushq %r13\n"
        "    pushq %r14\n"
        "    pushq %r15\n"
        "    movq %rsp, (%rdi)\n"
        "    movq %rsi, %rsp\n"
        "    popq %r15\n"
        "    popq %r14\n"
        "    popq %r13\n"
        "    popq %r12\n"
        "    popq %rbx\n"
        "    popq %rbp\n"
        "    movzbl %dl, %eax\n"
        "    popq %rdx\n"
        "    jmpq *%rdx\n"
        ".cfi_endproc\n"
        ".size go__coro_swap, .-go__coro_swap\n"
        "\n"
        ".type go__coro_boot,@function\n"
        ".p2align 4\n"
        "go__coro_boot:\n"
        ".cfi_startproc\n"
        ".cfi_undefined %rip\n"
        "    movq %r12, %rdi\n"
        "    call go__coro_main\n"
        "    ud2\n"
        ".cfi_endproc\n"
        ".size go__coro_boot, .-go__coro_boot\n"
        "\n"
        ".globl go__arch_call_on\n"
        ".hidden go__arch_call_on\n"
        ".type go__arch_call_on,@function\n"
        ".p2align 4\n"
        "go__arch_call_on:\n"
        ".cfi_startproc\n"
        "    pushq %rbp\n"
        ".cfi_adjust_cfa_offset 8\n"
        ".cfi_rel_offset %rbp, 0\n"
        "    movq %rsp, %rbp\n"
        ".cfi_def_cfa_register %rbp\n"
        "    andq $-16, %rdx\n"
        "    movq %rdx, %rsp\n"
        "    movq %rdi, %rax\n"
        "    movq %rsi, %rdi\n"
        "    call *%rax\n"
        "    movq %rbp, %rsp\n"
        "    popq %rbp\n"
        ".cfi_def_cfa %rsp, 8\n"
        "    ret\n"
        ".cfi_endproc\n"
        ".size go__arch_call_on, .-go__arch_call_on\n");

extern void go__coro_boot(void) GO__HIDDEN;

/* After the six pops and the return into go__coro_boot, sp is 16-byte aligned, so the
 * boot's call enters go__coro_main as the ABI wants. */
void *go__arch_coro_stack(void *top, void *arg) {
    uintptr_t *sp = (uintptr_t *)(((uintptr_t)top & ~(uintptr_t)15) - 9 * sizeof(uintptr_t));
    memset(sp, 0, 9 * sizeof(uintptr_t));
    sp[3] = (uintptr_t)arg; /* r12 (popped fourth: r15, r14, r13, r12, rbx, rbp) */
    sp[6] = (uintptr_t)go__coro_boot;
    return sp;
}
