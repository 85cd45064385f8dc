/* The defer chain: the slow paths of frames (records past the frame's own slots, copied
 * values, leaving a frame that used the pool) and the pool itself. */
#include "internal.h"

#include <stdlib.h>

static go__chunk *chunk_get(go__g *g, size_t need) {
    go__chunk *c;
    if (need <= GO__CHUNK_BYTES && g->pool) {
        c = g->pool;
        g->pool = c->next;
        g->npool--;
    } else {
        size_t cap = need <= GO__CHUNK_BYTES ? GO__CHUNK_BYTES : need;
        if (cap > UINT32_MAX - 64) go__throw("go_defer_val: value too large");
        c = malloc(sizeof *c + cap);
        if (!c) go__throw("out of memory allocating a defer record");
        c->cap = (uint32_t)cap;
        c->big = cap > GO__CHUNK_BYTES;
    }
    c->nrec = 0;
    c->low = c->cap;
    return c;
}

static void chunk_put(go__g *g, go__chunk *c) {
    if (c->big || g->npool >= GO__POOL_MAX) {
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

void go__push_slow(go__frame *f, void (*call)(const go__rec *), void (*fn)(void), void *arg) {
    pooled(f);
    go__rec *r;
    unsigned n = f->n & ~GO__POOLED;
    if (n < GO__NSLOT && !f->ov) {
        r = &f->slot[n]; /* copied values came first: the slots are still the newest */
        f->n++;
    } else {
        go__chunk *c = f->ov;
        if (!c || (c->nrec + 1) * sizeof(go__rec) > c->low)
            c = chunk_push(go__getg(), f, sizeof(go__rec));
        r = &c->rec[c->nrec++];
    }
    r->call = call;
    r->fn = fn;
    r->arg = arg;
}

/* Room for a copied value, below the records of the frame's newest chunk. */
static void *carve(go__chunk *c, size_t size, size_t align) {
    uintptr_t base = (uintptr_t)c->rec, used = base + c->nrec * sizeof(go__rec);
    uintptr_t top = base + c->low;
    if (top - used < size) return NULL;
    uintptr_t p = (top - size) & ~(uintptr_t)(align - 1);
    if (p < used) return NULL;
    c->low = (uint32_t)(p - base);
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

/* Pops the newest pending record of f.  Records in chunks are newer than those in the
 * slots, unless the chunks held only copied values when the slots were filled.  Chunks
 * whose records have all been popped move to f->spent (their copied values may still be
 * in use) so that popping stays O(1). */
static bool pop(go__frame *f, go__rec *out) {
    unsigned n = f->n;
    if (n & GO__POOLED) {
        go__chunk *c;
        while ((c = f->ov) && c->nrec == 0) {
            f->ov = c->next;
            c->next = f->spent;
            f->spent = c;
        }
        if (c) {
            *out = c->rec[--c->nrec];
            return true;
        }
        n &= ~GO__POOLED;
        if (n > GO__NSLOT) go__throw("go_frame: corrupted defer chain");
        if (n) {
            f->n--;
            *out = f->slot[n - 1];
            return true;
        }
        return false;
    }
    if (n) {
        if (n > GO__NSLOT) go__throw("go_frame: corrupted defer chain");
        f->n = n - 1;
        *out = f->slot[n - 1];
        return true;
    }
    return false;
}

static void put_list(go__g *g, go__chunk *c) {
    while (c) {
        go__chunk *next = c->next;
        chunk_put(g, c);
        c = next;
    }
}

void go__release_frame(go__g *g, go__frame *f) {
    if (!(f->n & GO__POOLED)) return;
    put_list(g, f->ov);
    put_list(g, f->spent);
    f->ov = f->spent = NULL;
}

void go__leave_slow(go__frame *f) {
    go__g *g = go__getg();
    if (g->head.frame != f) {
        if (g->exiting) return; /* unwinding a thread after go_goexit */
        go__throw("go_frame left out of order: an inner frame was left by longjmp, or "
                  "this frame was entered by a jump into its block");
    }
    go__rec r;
    while (pop(f, &r)) go__invoke(&r);
    go__release_frame(g, f);
    g->head.frame = f->link;
}

/* The panic loop's source of deferred calls: pops the newest pending record, moving the
 * panic's cursor down the frame chain.  Frames are never unlinked here: only leaving a
 * frame or a recovery does that. */
bool go__next_defer(go__g *g, go__panic *p, go__rec *out) {
    (void)g;
    for (go__frame *f = p->frame; f; f = f->link) {
        /* Every frame this panic walks was linked before it started, so it lies above the
         * entry point's activation; one below was left by longjmp and its memory reused. */
        if ((uintptr_t)f < p->bound)
            go__throw("go_frame left by longjmp (or by a deferred call that longjmped out): "
                      "its deferred calls can no longer run");
        p->frame = f;
        if (pop(f, out)) return true;
    }
    p->frame = NULL;
    return false;
}
