/* The defer chain: the slow paths of frames (records past the frame's own slots, copied
 * values, leaving a frame that used the pool) and the pool itself. */
#include "internal.h"

#include <stdlib.h>

static go__chunk *chunk_get(go__g *g, size_t need) {
    go__chunk *c = g->pool;
    if (__builtin_expect(need <= GO__CHUNK_BYTES && c != NULL, 1)) {
        /* Pooled chunks all have the standard size (chunk_put frees the others). */
        g->pool = c->next;
        g->npool--;
        c->low = GO__CHUNK_BYTES;
        c->lim = GO__CHUNK_BYTES / (uint32_t)sizeof(go__rec);
    } else {
        size_t cap = need <= GO__CHUNK_BYTES ? GO__CHUNK_BYTES : need;
        if (cap > UINT32_MAX - 64) go__throw("go_defer_val: value too large");
        c = malloc(sizeof *c + cap);
        if (!c) go__throw("out of memory allocating a defer record");
        c->cap = (uint32_t)cap;
        c->low = c->cap;
        c->lim = c->cap / (uint32_t)sizeof(go__rec);
    }
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
    while (g->pool) {
        go__chunk *c = g->pool;
        g->pool = c->next;
        free(c);
    }
    g->npool = 0;
}

static go__chunk *chunk_push(go__g *g, go__frame *f, size_t need) {
    go__chunk *c = chunk_get(g, need);
    c->next = f->ov;
    f->ov = c;
    return c;
}

/* The frame's pool fields are set when it first needs them. */
static void pooled(go__frame *f) {
    if (!(f->n & GO__POOLED)) {
        f->ov = f->spent = NULL;
        f->n |= GO__POOLED;
    }
}

static __attribute__((noinline)) void push_chunk(go__frame *f, void (*call)(const go__rec *),
                                                 void (*fn)(void), void *arg) {
    pooled(f);
    go__chunk *c = chunk_push(go__getg(), f, sizeof(go__rec));
    go__rec *r = &c->rec[c->nrec++];
    r->call = call;
    r->fn = fn;
    r->arg = arg;
}

/* Past the slots (or after a copied value), records go to the newest chunk.  The common
 * case saves no register, so that a loop of defers pays little for leaving the slots. */
void go__push_slow(go__frame *f, void (*call)(const go__rec *), void (*fn)(void), void *arg) {
    go__chunk *c;
    unsigned k;
    if (__builtin_expect((f->n & GO__POOLED) && (c = f->ov) && (k = c->nrec) < c->lim, 1)) {
        go__rec *r = &c->rec[k];
        c->nrec = k + 1;
        r->call = call;
        r->fn = fn;
        r->arg = arg;
        return;
    }
    push_chunk(f, call, fn, arg);
}

/* Room for a copied value, below the records of the frame's newest chunk. */
static void *carve(go__chunk *c, size_t size, size_t align) {
    uintptr_t base = (uintptr_t)c->rec, used = base + c->nrec * sizeof(go__rec);
    uintptr_t top = base + c->low;
    if (top - used < size) return NULL;
    uintptr_t p = (top - size) & ~(uintptr_t)(align - 1);
    if (p < used) return NULL;
    c->low = (uint32_t)(p - base);
    c->lim = c->low / (uint32_t)sizeof(go__rec);
    return (void *)p;
}

void *go__blob(go__frame *f, size_t size, size_t align) {
    if (align == 0 || (align & (align - 1)) || align > 4096)
        go__throw("go_defer_val: unsupported alignment");
    if (size == 0) size = 1;
    if (size > (1u << 30)) go__throw("go_defer_val: value too large");
    pooled(f);
    void *p = f->ov ? carve(f->ov, size, align) : NULL;
    if (!p) p = carve(chunk_push(go__getg(), f, size + align), size, align);
    return p;
}

/* Pops the newest pending record of a frame that has pool memory.  Records in chunks are
 * newer than those in the slots (the slots fill first, or the chunks held only copied
 * values when the slots were filled).  Chunks whose records have all been popped move to
 * f->spent (their copied values may still be in use) so that popping stays O(1).  The
 * record stays where it is until the frame is released, so callers call it in place. */
const go__rec *go__pop_pooled(go__frame *f) {
    go__chunk *c;
    while ((c = f->ov) && c->nrec == 0) {
        f->ov = c->next;
        c->next = f->spent;
        f->spent = c;
    }
    if (c) return &c->rec[--c->nrec];
    unsigned n = f->n & ~GO__POOLED;
    if (n > GO__NSLOT) go__throw("go_frame: corrupted defer chain");
    if (!n) return NULL;
    f->n--;
    return &f->slot[n - 1];
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
    f->ov = f->spent = NULL;
}

/* Runs rec[0 .. count) newest first, each popped (count lowered, keeping the bits in keep)
 * before its call.  A call that returns has left the count as it was: a panic that popped
 * more of this frame's records either recovered into this frame or beyond it (a jump) or
 * ended the program, and a Goexit never returns (see go__leave). */
static inline void go__run_records(go__rec *rec, unsigned *count, unsigned keep) {
    for (unsigned n = *count & ~keep; n;) {
        *count = keep | --n;
        go__invoke(&rec[n]);
    }
}

void go__leave_slow(go__frame *f) {
    go__g *g = go__getg();
    if (g->head.frame != f) {
        if (g->exiting) return; /* unwinding a thread after go_goexit */
        go__throw("go_frame left out of order: an inner frame was left by longjmp, or "
                  "this frame was entered by a jump into its block");
    }
    /* go__pop's order, a chunk at a time, then the slots (the frame is pooled here or had
     * no chunk at all).  Chunks on f->spent were emptied by a panic's pops, whose calls
     * ran in place. */
    for (go__chunk *c; (f->n & GO__POOLED) && (c = f->ov);) {
        go__run_records(c->rec, &c->nrec, 0);
        /* Its calls have returned, and records only use values copied into their own
         * chunk or an older one (the value is carved before its record is pushed): the
         * chunk can be reused at once, also by the calls still to run. */
        f->ov = c->next;
        chunk_put(g, c);
    }
    if ((f->n & ~GO__POOLED) > GO__NSLOT) go__throw("go_frame: corrupted defer chain");
    go__run_records(f->slot, &f->n, f->n & GO__POOLED);
    if ((f->n & GO__POOLED) && f->spent) go__release_pooled(g, f);
    g->head.frame = f->link;
}
