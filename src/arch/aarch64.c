/* aarch64 (AAPCS64): the go__sigpanic stub, and the rewriting of a signal context so that
 * returning from the handler calls it, as if the faulting instruction had made the call. */
#include "../internal.h"

#include <ucontext.h>

#if !defined(__aarch64__)
#error "src/arch/aarch64.c is for aarch64"
#endif

/*
 * A call would put the return address in x30, but the faulting function may keep its own
 * return address there (a leaf that never saved it), so the handler leaves x30 alone and
 * stores a 32-byte block below the interrupted sp instead:
 *
 *   sp+0  faulting x29     } a frame record {fp, lr} for frame-pointer walkers,
 *   sp+8  faulting pc + 4  } so go__sigpanic's "caller" is the faulting function
 *   sp+16 faulting x30
 *   sp+24 0 (padding: sp stays 16-byte aligned)
 *
 * The unwind entry says so: the return address is in its own column (96, the one libgcc
 * uses for kernel signal frames), and x29 and x30 are restored from the block.  The
 * return address is pc + 4, as if the faulting instruction were the call: unwinders look
 * the caller up at return address - 1, inside the faulting instruction.  x0-x3 carry
 * (sig, code, addr, pc) for go__sigpanic_run.
 */
__asm__(".pushsection .text.godefer_sigpanic,\"ax\",%progbits\n"
        ".globl go__sigpanic\n"
        ".hidden go__sigpanic\n"
        ".type go__sigpanic,%function\n"
        ".p2align 2\n"
        "go__sigpanic:\n"
        ".cfi_startproc\n"
        ".cfi_return_column 96\n"
        ".cfi_def_cfa sp, 32\n"
        ".cfi_offset x29, -32\n"
        ".cfi_offset 96, -24\n"
        ".cfi_offset x30, -16\n"
        "    mov x29, sp\n"
        ".cfi_def_cfa x29, 32\n"
        "    bl go__sigpanic_run\n"
        "    brk #0x3e8\n"
        ".cfi_endproc\n"
        ".size go__sigpanic, .-go__sigpanic\n"
        ".popsection\n");

extern void go__sigpanic(void) GO__HIDDEN;

uintptr_t go__arch_pc(const void *ucontext) {
    return (uintptr_t)((const ucontext_t *)ucontext)->uc_mcontext.pc;
}

uintptr_t go__arch_sp(const void *ucontext) {
    return (uintptr_t)((const ucontext_t *)ucontext)->uc_mcontext.sp;
}

__attribute__((no_sanitize_address, no_sanitize_thread))
void go__arch_inject(void *ucontext, uintptr_t sig, uintptr_t code, uintptr_t addr,
                     uintptr_t pc) {
    mcontext_t *m = &((ucontext_t *)ucontext)->uc_mcontext;
    uintptr_t sp = (uintptr_t)m->sp - 32;
    volatile uintptr_t *blk = (volatile uintptr_t *)sp;
    blk[0] = (uintptr_t)m->regs[29];
    blk[1] = (uintptr_t)m->pc + GO__SIGPANIC_RA_BIAS;
    blk[2] = (uintptr_t)m->regs[30];
    blk[3] = 0;
    m->sp = sp;
    m->pc = (uintptr_t)go__sigpanic;
    m->regs[0] = sig;
    m->regs[1] = code;
    m->regs[2] = addr;
    m->regs[3] = pc;
}

/* b, b.cond, cbz/cbnz and tbz/tbnz, with their signed word offsets. */
bool go__arch_jumps_into(uintptr_t lo, uintptr_t hi, uintptr_t tlo, uintptr_t thi) {
    for (uintptr_t a = (lo + 3) & ~(uintptr_t)3; a + 4 <= hi; a += 4) {
        uint32_t i = *(const uint32_t *)a;
        int64_t off;
        if ((i & 0xfc000000u) == 0x14000000u)
            off = (int64_t)((int32_t)(i << 6) >> 6);
        else if ((i & 0xff000010u) == 0x54000000u || (i & 0x7e000000u) == 0x34000000u)
            off = (int64_t)((int32_t)(i << 8) >> 13);
        else if ((i & 0x7e000000u) == 0x36000000u)
            off = (int64_t)((int32_t)(i << 13) >> 18);
        else
            continue;
        uintptr_t t = a + (uintptr_t)(off * 4);
        if (t >= tlo && t < thi) return true;
    }
    return false;
}
