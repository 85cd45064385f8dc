/*
 * godefer/abi.h: what compiled user code depends on, besides the public names.
 *
 * THE ABI LIST.  go_frame, go_defer and the other macros expand, in the user's objects,
 * to references to the following names and layouts; changing any of them (a name, a
 * signature, a field's place or meaning, a constant) breaks objects compiled against an
 * older godefer.h, so it bumps the library's SOVERSION (CMakeLists.txt):
 *   functions    go__ginit (spelt go__ginit_x86_64_sj or go__ginit_setjmp, godefer/jmpbuf.h),
 *                go__setjmp (x86_64 without ThreadSanitizer), go__leave_slow,
 *                go__leave_pool, go__push_slow, go__blob, go__panic_nilfunc, go__recover,
 *                go__recover_deferred, go__pc_here, go__unwind_tu, go__fatal_misuse, go__go,
 *                go__group_go,
 *                go__coro_new (and the public go_panic_bounds, go_panic_bounds_u, go_type_*)
 *   variables    go__curg (initial-exec TLS; what it points at starts with go__ghead)
 *   layouts      go__rec, go__frame (GO__NSLOT, GO__POOLED, GO__LEFT, GO__UNWIND),
 *                go__ghead, go__jmpbuf (its size; its words are the library's: GO__JB_* in
 *                godefer/jmpbuf.h), go_any, go_type, go_fault, go_bounds
 *   conventions  a record whose call is NULL is called as ((void (*)(void *))fn)(arg);
 *                otherwise as call(record) (a per-site thunk of the user's object)
 * Everything else spelt go__ or GO__ in these headers is inline or a macro: it is
 * compiled into the user's objects and may change freely, as long as it keeps to the
 * layouts above.
 */
#ifndef GODEFER_ABI_H
#define GODEFER_ABI_H

#ifndef GODEFER_H
#error "include <godefer.h>, not godefer/abi.h"
#endif

#include "jmpbuf.h"

/* A pending deferred call.  call is the per-site typed thunk (GCC), go__panic_nilfunc for
 * a NULL fn (Go panics when the call is due), or NULL, in which case fn is called as
 * void (*)(void *) (see go__invoke). */
typedef struct go__rec {
    void (*call)(const struct go__rec *);
    void (*fn)(void);
    void *arg;
} go__rec;

#define GO__NSLOT 8 /* deferred calls stored in the frame itself */

/* A defer frame: lives on the C stack of the function that holds the go_frame.  Only
 * link and n are set on entry; the other fields are valid once n has GO__POOLED. */
typedef struct go__frame {
    struct go__frame *link; /* the enclosing frame of this goroutine */
    unsigned n;             /* records in slot[], | GO__POOLED once the pool was used */
    unsigned spare_;
    go__rec *top, *end;      /* the newest chunk's free records (NULL, NULL: no chunk):
                              * go_defer pushes there inline, its count is top */
    struct go__chunk *ov;    /* pool chunks that may hold records, newest first */
    struct go__chunk *spent; /* chunks a panic has popped empty (kept until left) */
    go__jmpbuf jb;           /* where a recovery resumes */
    go__rec slot[GO__NSLOT];
} go__frame;
#define GO__POOLED 0x80000000u /* the frame has pool memory: slow paths only */
#define GO__LEFT 0xffffffffu   /* n of a frame left after a recovery, before its cleanup */
#define GO__UNWIND 0x40000000u /* the frame a recovery unwinds to: its cleanup lands */

/* The part of a goroutine's state that the inline paths touch. */
struct go__ghead {
    go__frame *frame; /* innermost frame */
};
extern GO_API __thread struct go__ghead *go__curg __attribute__((tls_model("initial-exec")));

GO_API struct go__ghead *go__ginit(void);
GO_API void go__leave_slow(go__frame *f);
GO_API unsigned go__leave_pool(go__frame *f);
GO_API go__rec *go__push_slow(go__frame *f); /* the record to fill */
GO_API void *go__blob(go__frame *f, size_t size, size_t align);
GO_API GO__NORETURN void go__panic_nilfunc(const go__rec *r);
GO_API go_any go__recover(void *retaddr);
GO_API void go__recover_deferred(const struct go__rec *r);
GO_API void *go__pc_here(void); /* an address in the calling function */
/* A unit compiled with -fexceptions includes the header: its cleanups must run on a
 * recovery, so recoveries unwind (src/unwind.c). */
GO_API void go__unwind_tu(void);
#if defined(__EXCEPTIONS)
__attribute__((constructor)) static void go__unwind_tu_here(void) { go__unwind_tu(); }
#endif
/* Go's throw for a misuse that the header's inline code detects: "fatal error: msg", the
 * trace, status 2. */
GO_API GO__NORETURN void go__fatal_misuse(const char *msg) __attribute__((cold));

GO_API int64_t go__go(void (*fn)(void), void *arg);
GO_API int64_t go__group_go(go_group *group, void (*fn)(void), void *arg);
GO_API go_coro *go__coro_new(void (*call)(const go__rec *), void (*fn)(void), void *arg,
                             size_t stack_bytes);

#endif /* GODEFER_ABI_H */
