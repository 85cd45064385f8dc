/* aarch64 (AAPCS64): the machine contract of src/arch/arch.h (frames use _setjmp and
 * libc's longjmp here): the go__sigpanic stub and the rewriting of a signal context so
 * that returning from the handler calls it, signal frames, jumps in code, stacks. */
#include "../internal.h"

#include <stddef.h>
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

/* ---- coroutines (src/coro.c) ------------------------------------------------------------
 * go__coro_swap stores the callee-saved registers (x19-x28, x29, x30, d8-d15: 160 bytes)
 * below the current sp, stores sp in *save, loads sp and reloads the same from there,
 * then returns to the x30 it loaded, with its third argument as the result there.  FPCR is not saved: coroutines share it, as threads'
 * functions calling one another would.  A new coroutine's block is zeros but x19 = its
 * argument and x30 = go__coro_boot: x29 = 0 ends frame-pointer walks, and the boot's
 * unwind entry has no return address, which ends the unwinders' (traces stop there). */
__asm__(".text\n"
        ".globl go__coro_swap\n"
        ".hidden go__coro_swap\n"
        ".type go__coro_swap,%function\n"
        ".p2align 2\n"
        "go__coro_swap:\n"
        ".cfi_startproc\n"
        "    sub sp, sp, #160\n"
        "    stp x19, x20, [sp, #0]\n"
        "    stp x21, x22, [sp, #16]\n"
        "    stp x23, x24, [sp, #32]\n"
        "    stp x25, x26, [sp, #48]\n"
        "    stp x27, x28, [sp, #64]\n"
        "    stp x29, x30, [sp, #80]\n"
        "    stp d8, d9, [sp, #96]\n"
        "    stp d10, d11, [sp, #112]\n"
        "    stp d12, d13, [sp, #128]\n"
        "    stp d14, d15, [sp, #144]\n"
        "    mov x3, sp\n"
        "    str x3, [x0]\n"
        "    mov sp, x1\n"
        "    ldp x19, x20, [sp, #0]\n"
        "    ldp x21, x22, [sp, #16]\n"
        "    ldp x23, x24, [sp, #32]\n"
        "    ldp x25, x26, [sp, #48]\n"
        "    ldp x27, x28, [sp, #64]\n"
        "    ldp x29, x30, [sp, #80]\n"
        "    ldp d8, d9, [sp, #96]\n"
        "    ldp d10, d11, [sp, #112]\n"
        "    ldp d12, d13, [sp, #128]\n"
        "    ldp d14, d15, [sp, #144]\n"
        "    add sp, sp, #160\n"
        "    and w0, w2, #0xff\n"
        "    ret\n"
        ".cfi_endproc\n"
        ".size go__coro_swap, .-go__coro_swap\n"
        "\n"
        ".type go__coro_boot,%function\n"
        ".p2align 2\n"
        "go__coro_boot:\n"
        ".cfi_startproc\n"
        ".cfi_undefined x30\n"
        "    mov x0, x19\n"
        "    bl go__coro_main\n"
        "    brk #0x3e8\n"
        ".cfi_endproc\n"
        ".size go__coro_boot, .-go__coro_boot\n"
        "\n");

/* ---- signal frames (go__sigmask_crossed) -----------------------------------------------
 * The kernel's rt_sigframe, 16-byte aligned: the siginfo (128 bytes), the ucontext, whose
 * uc_mcontext.__reserved starts with the FP/SIMD record (magic 0x46508001, 528 bytes),
 * then a {fp, lr} record and the interrupted stack pointer.  qemu-user builds the same. */
#define SF_FPSIMD (128 + offsetof(ucontext_t, uc_mcontext.__reserved))
#define SF_LINK (128 + offsetof(ucontext_t, uc_link))
_Static_assert(SF_FPSIMD == 592, "glibc's ucontext_t has the kernel's layout");

/* Stack memory is read as words, whatever the sanitizers think of it. */
__attribute__((no_sanitize_address, no_sanitize_thread))
static bool frame_at(uintptr_t f) {
    const volatile uint32_t *rec = (const volatile uint32_t *)(f + SF_FPSIMD);
    return rec[0] == 0x46508001u && rec[1] == 528 &&
           *(const volatile uintptr_t *)(f + SF_LINK) == 0;
}

const void *go__arch_sigframe_next(uintptr_t lo, uintptr_t *top) {
    for (uintptr_t f = (*top - 1) & -(uintptr_t)16; f >= lo; f -= 16) {
        if (frame_at(f)) {
            *top = f;
            return (const void *)(f + 128);
        }
    }
    return NULL;
}

const void *go__arch_sigframe_uc(uintptr_t cfa) {
    return frame_at(cfa) ? (const void *)(cfa + 128) : NULL;
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

/* go__arch_call_on(fn, arg, top): calls fn(arg) with the stack pointer at top (16-byte
 * aligned), then returns on the caller's stack.  x29 keeps the caller's frame, so the
 * unwind entry describes the frame the usual way. */
__asm__(".text\n"
        ".globl go__arch_call_on\n"
        ".hidden go__arch_call_on\n"
        ".type go__arch_call_on,%function\n"
        ".p2align 2\n"
        "go__arch_call_on:\n"
        ".cfi_startproc\n"
        "    stp x29, x30, [sp, #-16]!\n"
        ".cfi_def_cfa_offset 16\n"
        ".cfi_offset x29, -16\n"
        ".cfi_offset x30, -8\n"
        "    mov x29, sp\n"
        ".cfi_def_cfa_register x29\n"
        "    mov sp, x2\n"
        "    mov x3, x0\n"
        "    mov x0, x1\n"
        "    blr x3\n"
        "    mov sp, x29\n"
        ".cfi_def_cfa_register sp\n"
        "    ldp x29, x30, [sp], #16\n"
        ".cfi_def_cfa_offset 0\n"
        ".cfi_restore x29\n"
        ".cfi_restore x30\n"
        "    ret\n"
        ".cfi_endproc\n"
        ".size go__arch_call_on, .-go__arch_call_on\n");

extern void go__coro_boot(void) GO__HIDDEN;

void *go__arch_coro_stack(void *top, void *arg) {
    uintptr_t *sp = (uintptr_t *)(((uintptr_t)top & ~(uintptr_t)15) - 160);
    memset(sp, 0, 160);
    sp[0] = (uintptr_t)arg;           /* x19 */
    sp[11] = (uintptr_t)go__coro_boot; /* x30 */
    return sp;
}
