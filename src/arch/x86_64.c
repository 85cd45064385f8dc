/* x86_64 (System V): the machine contract of src/arch/arch.h: the recovery jump
 * (go__setjmp, go__longjmp), the go__sigpanic stub and the rewriting of a signal context
 * so that returning from the handler calls it, signal frames, jumps in code, stacks. */
#include "../internal.h"
#include "../valgrind.h"

#include <stddef.h>
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
#define GO__RED_ZONE 128
#define GO__RA_SKIP (GO__RED_ZONE + 8) /* the red zone and the return address */
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

uintptr_t go__arch_pc(const void *ucontext) {
    return (uintptr_t)((const ucontext_t *)ucontext)->uc_mcontext.gregs[REG_RIP];
}

uintptr_t go__arch_sp(const void *ucontext) {
    return (uintptr_t)((const ucontext_t *)ucontext)->uc_mcontext.gregs[REG_RSP];
}

/* The store goes below the interrupted stack pointer's red zone, which is left as it is
 * (the faulting function is never resumed, but its unwind entry may point there).  The
 * sanitizers must not check it: its shadow may still describe an older frame.  Memcheck
 * holds everything below the red zone inaccessible and does not see the stack grow when
 * the handler returns to the new sp: it is told, the new sp's red zone included. */
__attribute__((no_sanitize_address, no_sanitize_thread))
void go__arch_inject(void *ucontext, uintptr_t sig, uintptr_t code, uintptr_t addr,
                     uintptr_t pc) {
    greg_t *r = ((ucontext_t *)ucontext)->uc_mcontext.gregs;
    uintptr_t sp = (uintptr_t)r[REG_RSP] - GO__RA_SKIP;
    VALGRIND_MAKE_MEM_UNDEFINED(sp - GO__RED_ZONE, GO__RA_SKIP);
    *(volatile uintptr_t *)sp = (uintptr_t)r[REG_RIP] + GO__SIGPANIC_RA_BIAS;
    r[REG_RSP] = (greg_t)sp;
    r[REG_RIP] = (greg_t)(uintptr_t)go__sigpanic;
    r[REG_RDI] = (greg_t)sig;
    r[REG_RSI] = (greg_t)code;
    r[REG_RDX] = (greg_t)addr;
    r[REG_RCX] = (greg_t)pc;
}


/* ---- signal frames (go__sigmask_crossed) -----------------------------------------------
 * The kernel's rt_sigframe: the handler's return address (sa_restorer) at w, the
 * ucontext at w + 8, the siginfo, the FPU state (64-byte aligned), 128 bytes of red zone,
 * then the interrupted stack pointer.  The kernel puts the frame right below the FPU
 * state, so uc_mcontext.fpregs, at w + 232, holds w + 456, and w + 232 is 32 bytes past a
 * multiple of 64: one load per 64 bytes finds every frame.  Valgrind builds the frame
 * itself: the FPU state at w + 440, w + 232 only 16-byte aligned. */
#define SF_UC 8
#define SF_FPREGS (SF_UC + offsetof(ucontext_t, uc_mcontext.fpregs))
_Static_assert(SF_FPREGS == 232, "glibc's ucontext_t has the kernel's layout");

#define FP_KERNEL 456
#define FP_VALGRIND 440
static uintptr_t fpregs_off(void) {
    static int vg = -1; /* asked once: the request costs some 20 instructions */
    int v = __atomic_load_n(&vg, __ATOMIC_RELAXED);
    if (v < 0) __atomic_store_n(&vg, v = RUNNING_ON_VALGRIND ? 1 : 0, __ATOMIC_RELAXED);
    return v ? FP_VALGRIND : FP_KERNEL;
}

/* Then the kernel's uc_flags (UC_FP_XSTATE, UC_SIGCONTEXT_SS, UC_STRICT_RESTORE_SS), no
 * uc_link, the user code segment (0x33); Valgrind writes zeroes. */
__attribute__((no_sanitize_address, no_sanitize_thread))
static bool frame_at(uintptr_t w, uintptr_t fp) {
    const volatile ucontext_t *uc = (const volatile ucontext_t *)(w + SF_UC);
    if ((uintptr_t)uc->uc_mcontext.fpregs != w + fp || uc->uc_link) return false;
    unsigned long flags = uc->uc_flags;
    greg_t segs = uc->uc_mcontext.gregs[REG_CSGSFS];
    return fp == FP_KERNEL ? flags <= 7 && (segs & 0xffff) == 0x33 : flags == 0 && segs == 0;
}

/* Stack memory is read as words, whatever the sanitizers and Valgrind think of it (a
 * live frame's unused bytes are read too). */
__attribute__((no_sanitize_address, no_sanitize_thread))
static const void *scan(uintptr_t lo, uintptr_t *top, uintptr_t fp, uintptr_t step,
                        uintptr_t phase) {
    uintptr_t d = fp - SF_FPREGS; /* what the fpregs word holds, less its own address */
    for (uintptr_t s = ((*top - 1 + SF_FPREGS - phase) & -step) + phase;
         s >= lo + SF_FPREGS; s -= step) {
        if (*(const volatile uintptr_t *)s - s == d && frame_at(s - SF_FPREGS, fp)) {
            *top = s - SF_FPREGS;
            return (const void *)(s - SF_FPREGS + SF_UC);
        }
    }
    return NULL;
}

const void *go__arch_sigframe_next(uintptr_t lo, uintptr_t *top) {
    if (fpregs_off() == FP_KERNEL) return scan(lo, top, FP_KERNEL, 64, 32);
    VALGRIND_DISABLE_ERROR_REPORTING;
    const void *uc = scan(lo, top, FP_VALGRIND, 16, 0);
    VALGRIND_ENABLE_ERROR_REPORTING;
    return uc;
}

const void *go__arch_sigframe_uc(uintptr_t cfa) {
    VALGRIND_DISABLE_ERROR_REPORTING;
    bool yes = frame_at(cfa - SF_UC, fpregs_off());
    VALGRIND_ENABLE_ERROR_REPORTING;
    return yes ? (const void *)cfa : NULL;
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

/* A frame's recovery point, laid out as godefer/jmpbuf.h's GO__JB_* say (JB(word): that
 * word of the buffer at %rdi).  go__setjmp saves what go__longjmp restores, and nothing
 * else: no pointer mangling, no signal mask (nothing godefer does changes the mask between a
 * frame's entry and a recovery into it).  go__longjmp jumps back as if go__setjmp had
 * returned 1.  go__setjmp is exported (called from the user's frames, through the PLT
 * when linked dynamically) and starts a cache line of its own: packed between a frame's
 * hot neighbours it once made a one-defer frame about 1 ns slower on Zen 3. */
#define JB(off) GO__XSTR(off) "(%rdi)"
#ifdef GO__X86_64_SJ
_Static_assert(sizeof(go__jmpbuf) == GO__JB_SIZE, "godefer/jmpbuf.h: GO__JB_SIZE");
#endif
__asm__(".text\n"
        ".globl go__setjmp\n"
        ".type go__setjmp,@function\n"
        ".p2align 6\n"
        "go__setjmp:\n"
        ".cfi_startproc\n"
        "    movq %rbp, " JB(GO__JB_RBP) "\n"
        "    movq (%rsp), %rdx\n"
        "    movq %rdx, " JB(GO__JB_PC) "\n"
        "    leaq 8(%rsp), %rdx\n"
        "    movq %rdx, " JB(GO__JB_SP) "\n"
        "    movq %rbx, " JB(GO__JB_RBX) "\n"
        "    movq %r12, " JB(GO__JB_R12) "\n"
        "    movq %r13, " JB(GO__JB_R13) "\n"
        "    movq %r14, " JB(GO__JB_R14) "\n"
        "    movq %r15, " JB(GO__JB_R15) "\n"
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
        "    movq " JB(GO__JB_RBX) ", %rbx\n"
        "    movq " JB(GO__JB_R12) ", %r12\n"
        "    movq " JB(GO__JB_R13) ", %r13\n"
        "    movq " JB(GO__JB_R14) ", %r14\n"
        "    movq " JB(GO__JB_R15) ", %r15\n"
        "    movq " JB(GO__JB_RBP) ", %rbp\n"
        "    movq " JB(GO__JB_SP) ", %rsp\n"
        "    movl $1, %eax\n"
        "    jmpq *" JB(GO__JB_PC) "\n"
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
        "\n");

/* go__arch_call_on(fn, arg, top): calls fn(arg) with the stack pointer at top (16-byte
 * aligned), then returns on the caller's stack.  rbp keeps the caller's frame, so the
 * unwind entry describes the frame the usual way. */
__asm__(".text\n"
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
