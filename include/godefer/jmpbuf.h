/* godefer/jmpbuf.h: a frame's recovery point, and how it is armed. */
#ifndef GODEFER_JMPBUF_H
#define GODEFER_JMPBUF_H

#ifndef GODEFER_H
#error "include <godefer.h>, not godefer/jmpbuf.h"
#endif

/* How a recovery returns into a frame.  x86_64: an 8-word buffer that the library's
 * go__setjmp arms and its go__longjmp jumps back to, under GCC and Clang alike, so
 * objects from both compilers mix.  Elsewhere, and under
 * ThreadSanitizer (which must see the jumps): _setjmp/longjmp.  The choice is part of
 * the ABI: objects and the library must agree, and the name of go__ginit says which one
 * a library was built with, so a mismatch fails to link. */
#if defined(__x86_64__) && !defined(GO__TSAN)
#define GO__X86_64_SJ 1
#define go__ginit go__ginit_x86_64_sj
#else
#include <setjmp.h>
#define go__ginit go__ginit_setjmp
#endif

#if defined(__x86_64__)
/* go__setjmp's buffer layout, byte offsets of 8-byte words: the one definition that
 * src/arch/x86_64.c's go__setjmp and go__longjmp are written with. */
#define GO__JB_RBP 0
#define GO__JB_PC 8  /* the resume address: go__setjmp's return address */
#define GO__JB_SP 16 /* the stack pointer after go__setjmp's return */
#define GO__JB_RBX 24
#define GO__JB_R12 32
#define GO__JB_R13 40
#define GO__JB_R14 48
#define GO__JB_R15 56
#define GO__JB_SIZE 64
#endif

#if defined(GO__X86_64_SJ)
typedef void *go__jmpbuf[GO__JB_SIZE / 8];
/* Not __builtin_setjmp.  GCC keeps no value in a register across any call in a function
 * with it, and saves all six callee-saved registers in its prologue.  Clang (14) does not
 * see a recovery as a second return from it: a stack slot that a value live across the
 * block was reloaded from right after it may be reused by a spill inside the block
 * (tests/test_recover.c, unchanged_local_after_spills).  go__setjmp is returns_twice
 * instead: GCC sees every call in the block return to it and keeps only values live
 * across it in memory, and LLVM reuses no stack slot in a function that calls one.  It
 * is the library's (src/arch/x86_64.c, beside the jump back): nothing the user's flags
 * add to compiled functions (a stack protector's canary, -finstrument-functions' and
 * -pg's calls, coverage counters) can reach it, and LTO and COMDAT rules do not apply. */
GO_API int go__setjmp(go__jmpbuf b) __attribute__((returns_twice));
#define GO__SETJMP(b) go__setjmp(b)
#else
typedef jmp_buf go__jmpbuf;
#define GO__SETJMP(b) _setjmp(b)
#endif

#endif /* GODEFER_JMPBUF_H */
