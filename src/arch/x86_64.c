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
 * The return address lies below the interrupted sp's red zone (GO__RA_SKIP bytes down),
 * not at sp - 8: the faulting function's unwind entry may still describe registers it
 * popped (GCC's, after `pop %rbp`, keeps rbp at CFA - 16, i.e. sp - 8), and the walk
 * from there needs them.  The unwind entry below says so: CFA (the interrupted sp) =
 * entry sp + GO__RA_SKIP, return address at CFA - GO__RA_SKIP.
 *
 * pc + 1, not pc: every unwinder looks a caller up at its return address - 1, which is
 * then the faulting instruction itself, even when it is the first of its function (a
 * signal-frame mark, 'S', would say the same, but libunwind's fast tracer and libgcc
 * then expect the kernel's sigreturn frame and stop).  The stub saves rbp (the faulting
 * function may use it as its frame pointer: rbp chains stay walkable) and realigns the
 * stack for the C code.  It lives in its own section so that no compile unit's line
 * table covers it.
 */
#define GO__RA_SKIP 136 /* the red zone (128 bytes) and the return address */
#define GO__STR(x) #x
#define GO__XSTR(x) GO__STR(x)
__asm__(".pushsection .text.godefer_sigpanic,\"ax\",@progbits\n"
        ".globl go__sigpanic\n"
        ".hidden go__sigpanic\n"
        ".type go__sigpanic,@function\n"
        ".p2align 4\n"
        "go__sigpanic:\n"
        ".cfi_startproc\n"
        ".cfi_def_cfa_offset " GO__XSTR(GO__RA_SKIP) "\n"
        ".cfi_offset %rip, -" GO__XSTR(GO__RA_SKIP) "\n"
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

/* The store goes below the interrupted stack pointer's red zone, which is left as it is
 * (the faulting function is never resumed, but its unwind entry may point there).  The
 * sanitizers must not check it: its shadow may still describe an older frame. */
__attribute__((no_sanitize_address, no_sanitize_thread))
void go__arch_inject(void *ucontext, uintptr_t sig, uintptr_t code, uintptr_t addr,
                     uintptr_t pc) {
    greg_t *r = ((ucontext_t *)ucontext)->uc_mcontext.gregs;
    uintptr_t sp = (uintptr_t)r[REG_RSP] - GO__RA_SKIP;
    *(volatile uintptr_t *)sp = (uintptr_t)r[REG_RIP] + GO__SIGPANIC_RA_BIAS;
    r[REG_RSP] = (greg_t)sp;
    r[REG_RIP] = (greg_t)(uintptr_t)go__sigpanic;
    r[REG_RDI] = (greg_t)sig;
    r[REG_RSI] = (greg_t)code;
    r[REG_RDX] = (greg_t)addr;
    r[REG_RCX] = (greg_t)pc;
}

/* jmp rel32 (e9) and jcc rel32 (0f 80-8f), read at every byte: the cold part of a
 * function is out of reach of rel8, and a stray match would also have to land in
 * [tlo, thi). */
bool go__arch_jumps_into(uintptr_t lo, uintptr_t hi, uintptr_t tlo, uintptr_t thi) {
    for (uintptr_t a = lo; a + 5 <= hi; a++) {
        const unsigned char *b = (const unsigned char *)a;
        size_t op = b[0] == 0xe9 ? 1 : b[0] == 0x0f && (b[1] & 0xf0) == 0x80 ? 2 : 0;
        if (!op || a + op + 4 > hi) continue;
        int32_t rel;
        memcpy(&rel, b + op, sizeof rel);
        uintptr_t t = a + op + 4 + (uintptr_t)(intptr_t)rel;
        if (t >= tlo && t < thi) return true;
    }
    return false;
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
