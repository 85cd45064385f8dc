/* The callbacks that instrumented builds call, as a profiler or coverage fuzzer provides
 * them (tests/check_builds.sh links this object, built without the row's flags, into
 * every program).  They record the addresses they are given per thread, then do what
 * the ABI allows any callee to do and real callbacks do (a profiler's SSE spill, a
 * fuzzer's scratch registers): an aligned 16-byte store to the stack, which faults on a
 * misaligned stack, and garbage in every call-clobbered register.  A compiler's
 * callback that returns with registers intact by chance proves nothing. */
#include <stdint.h>

#define HOOK __attribute__((no_instrument_function, used))

static __thread volatile uintptr_t ring[16]; /* volatile: read by nobody */
static __thread unsigned pos;

HOOK static void record(uintptr_t a, uintptr_t b) {
    ring[pos++ % 16] = a ^ b;
#if defined(__x86_64__)
    _Alignas(16) char spill[16];
    __asm__ volatile("movaps %%xmm0, %0\n\t"
                     "movl $0xbad0, %%eax\n\tmovl $0xbad1, %%ecx\n\tmovl $0xbad2, %%edx\n\t"
                     "movl $0xbad3, %%esi\n\tmovl $0xbad4, %%edi\n\tmovl $0xbad5, %%r8d\n\t"
                     "movl $0xbad6, %%r9d\n\tmovl $0xbad7, %%r10d\n\tmovl $0xbad8, %%r11d"
                     : "=m"(spill)
                     :
                     : "rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11");
#endif
}

/* -finstrument-functions */
HOOK void __cyg_profile_func_enter(void *fn, void *site) { record((uintptr_t)fn, (uintptr_t)site); }
HOOK void __cyg_profile_func_exit(void *fn, void *site) { record((uintptr_t)site, (uintptr_t)fn); }

/* -fsanitize-coverage=trace-pc (GCC and Clang) */
HOOK void __sanitizer_cov_trace_pc(void) { record((uintptr_t)__builtin_return_address(0), 0); }

/* -fsanitize-coverage=trace-pc-guard (Clang): guards numbered from 1, as in Clang's
 * SanitizerCoverage documentation. */
HOOK void __sanitizer_cov_trace_pc_guard_init(uint32_t *start, uint32_t *stop) {
    static uint32_t n;
    if (start == stop || *start) return;
    for (uint32_t *g = start; g < stop; g++) *g = ++n;
}
HOOK void __sanitizer_cov_trace_pc_guard(uint32_t *guard) {
    if (*guard) record((uintptr_t)__builtin_return_address(0), *guard);
}
