/* The defer chain: the slow paths of frames (records past the frame's own slots, copied
 * values, leaving a frame that used the pool) and the pool itself. */
#include "internal.h"

#include <stdlib.h>

/* A chunk from the pool (not empty); pooled chunks all have the standard size (chunk_put
 * frees the others). */
static inline go__chunk *pool_take(go__g *g) {
    go__chunk *c = g->pool;
    g->pool = c->next;
    g->npool--;
    c->low = GO__CHUNK_BYTES;
    c->lim = GO__CHUNK_BYTES / (uint32_t)sizeof(go__rec);
    c->nrec = 0;
    return c;
}

static go__chunk *chunk_get(go__g *g, size_t need) {
    if (need <= GO__CHUNK_BYTES && g->pool) return pool_take(g);
    size_t cap = need <= GO__CHUNK_BYTES ? GO__CHUNK_BYTES : need;
    if (cap > UINT32_MAX - 64) go__throw("go_defer_val: value too large");
    go__chunk *c = malloc(sizeof *c + cap);
    if (!c) go__throw("out of memory allocating a defer record");
    c->cap = (uint32_t)cap;
    c->low = c->cap;
    c->lim = c->cap / (uint32_t)sizeof(go__rec);
    c->nrec = 0;
    return c;
}

static void chunk_put(go__g *g, go__chunk *c) {
    if (c->cap > GO__CHUNK_BYTES || g->npool >= GO__POOL_MAX) {
        free(c);
        return;
    }
    c->next = g->pool;
    g->pool = c;
    g->npool++;
}

void go__free_pool(go__g *g) {
    go__unwind_free(g); /* a recovery's unwind state is pool memory too */
    while (g->pool) {
        go__chunk *c = g->pool;
        g->pool = c->next;
        free(c);
    }
    g->npool = 0;
}

/* The newest chunk's records in use are counted by the frame's top, where go_defer
 * pushes inline; an older chunk's by its nrec, set when a newer one is pushed. */
static void newest(go__frame *f, go__chunk *c) {
    f->ov = c;
    f->top = c ? &c->rec[c->nrec] : NULL;
    f->end = c ? &c->rec[c->lim] : NULL;
}

static void chunk_link(go__frame *f, go__chunk *c) {
    if (f->ov) f->ov->nrec = (unsigned)(f->top - f->ov->rec);
    c->next = f->ov;
    newest(f, c);
}

/* The frame's pool fields are set when it first needs them. */
static void pooled(go__frame *f) {
    if (!(f->n & GO__POOLED)) {
        f->spent = NULL;
        newest(f, NULL);
        f->n |= GO__POOLED;
    }
}

static __attribute__((noinline)) go__rec *push_cold(go__frame *f) {
    pooled(f);
    if (f->top == f->end) chunk_link(f, chunk_get(go__getg(), sizeof(go__rec)));
    return f->top++;
}

/* go_defer when the slots are full and the newest chunk (if any) is too: the record to
 * fill, in a chunk from the pool, in a leaf function (anything else is push_cold's). */
go__rec *go__push_slow(go__frame *f) {
    go__g *g = (go__g *)go__curg;
    if (!(g && g->pool && (!(f->n & GO__POOLED) || f->top == f->end))) return push_cold(f);
    pooled(f);
    chunk_link(f, pool_take(g));
    return f->top++;
}

/* Room for a copied value in the frame's newest chunk, below its records. */
static void *carve(go__frame *f, size_t size, size_t align) {
    go__chunk *c = f->ov;
    uintptr_t base = (uintptr_t)c->rec, used = (uintptr_t)f->top;
    uintptr_t top = base + c->low;
    if (top - used < size) return NULL;
    uintptr_t p = (top - size) & ~(uintptr_t)(align - 1);
    if (p < used) return NULL;
    c->low = (uint32_t)(p - base);
    c->lim = c->low / (uint32_t)sizeof(go__rec);
    f->end = &c->rec[c->lim];
    return (void *)p;
}

void *go__blob(go__frame *f, size_t size, size_t align) {
    if (align == 0 || (align & (align - 1)) || align > 4096)
        go__throw("go_defer_val: unsupported alignment");
    if (size == 0) size = 1;
    if (size > (1u << 30)) go__throw("go_defer_val: value too large");
    pooled(f);
    void *p = f->ov ? carve(f, size, align) : NULL;
    if (!p) {
        chunk_link(f, chunk_get(go__getg(), size + align));
        p = carve(f, size, align);
    }
    return p;
}

/* The newest record of c, f's newest chunk, whose records end at top (f->top, which a
 * loop of calls keeps in a register: THE RECORDS RULE in godefer/frame.h), popped; or
 * NULL once c holds none. */
static inline go__rec *pop_chunk(go__frame *f, go__chunk *c, go__rec *top) {
    return top != c->rec ? (f->top = top - 1) : NULL;
}

/* Pops the newest pending record of a frame that has pool memory.  Records in chunks are
 * newer than those in the slots (the slots fill first, or the chunks held only copied
 * values when the slots were filled).  Chunks whose records have all been popped move to
 * f->spent (their copied values may still be in use) so that popping stays O(1).  The
 * record stays where it is until the frame is released, so callers call it in place. */
const go__rec *go__pop_pooled(go__frame *f) {
    for (go__chunk *c; (c = f->ov);) {
        const go__rec *r = pop_chunk(f, c, f->top);
        if (r) return r;
        newest(f, c->next);
        c->next = f->spent;
        f->spent = c;
    }
    unsigned n = f->n & ~GO__POOLED;
    if (n > GO__NSLOT) go__throw("go_frame: corrupted defer chain");
    return n ? go__pop_slot(f, n, GO__POOLED) : NULL;
}

static void put_list(go__g *g, go__chunk *c) {
    while (c) {
        go__chunk *next = c->next;
        chunk_put(g, c);
        c = next;
    }
}

void go__release_pooled(go__g *g, go__frame *f) {
    put_list(g, f->ov);
    put_list(g, f->spent);
    f->spent = NULL;
    newest(f, NULL);
}

/* Leaving a pooled frame that is the innermost: runs the records in its chunks, which are
 * newer than those in its slots, in go__pop's order (THE RECORDS RULE in godefer/frame.h),
 * and gives every chunk back; the
 * frame is then an ordinary one (nothing still pending uses a chunk: a record in a slot
 * never refers to a copied value, as a frame that copied one pushes only to chunks).
 * Returns its slot count, for the caller to run those. */
unsigned go__leave_pool(go__frame *f) {
    if (f->n & GO__UNWIND) go__unwind_land(f); /* in its landing pad (unwind.c) */
    if (!(f->n & GO__POOLED)) go__throw("go_frame: corrupted defer chain");
    go__g *g = go__getg();
    for (go__chunk *c; (c = f->ov);) {
        for (go__rec *r = f->top; (r = pop_chunk(f, c, r));) go__invoke(r);
        /* Its calls have returned, and records only use values copied into their own
         * chunk or an older one (the value is carved before its record is pushed): the
         * chunk can be reused at once, also by the calls still to run.  Chunks on
         * f->spent were emptied by a panic's pops, whose calls ran in place. */
        newest(f, c->next);
        chunk_put(g, c);
    }
    go__release_pooled(g, f); /* the spent chunks */
    f->n &= ~GO__POOLED;
    if (f->n > GO__NSLOT) go__throw("go_frame: corrupted defer chain");
    return f->n;
}

void go__leave_slow(go__frame *f) {
    go__g *g = go__getg();
    if (g->head.frame != f) {
        if (g->exiting) return; /* unwinding a thread after go_goexit */
        go__throw("go_frame left out of order: an inner frame was left by longjmp, or "
                  "this frame was entered by a jump into its block");
    }
    unsigned n = f->n > GO__NSLOT ? go__leave_pool(f) : f->n;
    GO__RUN_SLOTS_(f, n, go__invoke);
    g->head.frame = f->link;
}
