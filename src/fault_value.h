/* The value of a fault panic, built in the signal path (inline: no call where the fault
 * is turned into a panic) and read by go_fault_info and its Error method
 * (runtime_error.c, which owns its type).
 *
 * One word, no allocation (the fault may have hit inside malloc):
 *   bits 0-1  signal: 1 SIGSEGV, 2 SIGBUS, 3 SIGFPE
 *   bits 2-6  si_code, 31 standing for SI_KERNEL
 *   bit  7    the address's top byte is 0xff (a kernel address)
 *   bits 8-63 the low 56 bits of the address
 * User addresses have a zero top byte on x86_64 (even with 5-level paging) and on
 * aarch64 (the kernel clears tag bits in si_addr); kernel addresses an all-ones one. */
#ifndef GODEFER_SRC_FAULT_VALUE_H
#define GODEFER_SRC_FAULT_VALUE_H

#include "internal.h"

#define GO__FAULT_CODE_KERNEL 31 /* the code field's SI_KERNEL */

extern GO__HIDDEN const go_type go__type_sigError;

static inline uint64_t go__fault_pack(int sig, int code, uintptr_t addr) {
    uint64_t s = sig == SIGSEGV ? 1 : sig == SIGBUS ? 2 : 3;
    uint64_t c = code == SI_KERNEL                          ? GO__FAULT_CODE_KERNEL
                 : code > 0 && code < GO__FAULT_CODE_KERNEL ? (uint64_t)code
                                                            : 0;
    uint64_t hi = (uint64_t)addr >> 56 == 0xff;
    return s | c << 2 | hi << 7 | ((uint64_t)addr << 8);
}

static inline void go__fault_unpack(uint64_t u, go_fault *f) {
    static const int sig_of[4] = {0, SIGSEGV, SIGBUS, SIGFPE};
    f->signo = sig_of[u & 3];
    unsigned c = (unsigned)(u >> 2) & 31;
    f->code = c == GO__FAULT_CODE_KERNEL ? SI_KERNEL : (int)c;
    uint64_t a = u >> 8;
    if (u >> 7 & 1) a |= (uint64_t)0xff << 56;
    f->addr = (uintptr_t)a;
}

/* The value of the fault (sig, code, addr): a runtime error (go_fault_info's). */
static inline go_any go__fault_error(int sig, int code, uintptr_t addr) {
    return go_make_uint(&go__type_sigError, go__fault_pack(sig, code, addr));
}

#endif
