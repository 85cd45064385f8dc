/* Bounds-check failures: Go's runtime.boundsError, with Go's texts ("index out of range
 * [5] with length 3", "slice bounds out of range [:11] with capacity 10", ...). */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

/* The operands of a failed check.  x is the offending index (signed or not, as the C
 * expression was); y is the length, capacity or other bound, never negative. */
typedef struct bounds {
    uint64_t x;
    int64_t y;
    go_bounds kind;
    bool sgn;
} bounds;

/*
 * A value is one word when it can be: bits 0-3 kind, bit 4 signed, bits 5-34 x (30 bits,
 * two's complement when signed), bits 35-63 y (29 bits).  Larger operands go to the heap
 * (go__type_boundsErrorBig, released by go_any_release like go_errorf's values).
 */
#define XBITS 30
#define YBITS 29

static bool fits(const bounds *b) {
    if (b->y < 0 || (uint64_t)b->y >= (uint64_t)1 << YBITS) return false;
    if (b->sgn) {
        int64_t x = (int64_t)b->x;
        return x >= -((int64_t)1 << (XBITS - 1)) && x < (int64_t)1 << (XBITS - 1);
    }
    return b->x < (uint64_t)1 << XBITS;
}

static uint64_t pack(const bounds *b) {
    uint64_t x = b->x & (((uint64_t)1 << XBITS) - 1);
    return (uint64_t)b->kind | (uint64_t)b->sgn << 4 | x << 5 | (uint64_t)b->y << (5 + XBITS);
}

static void unpack(go_any v, bounds *b) {
    if (v.type == &go__type_boundsErrorBig) {
        *b = *(const bounds *)v.v.p;
        return;
    }
    uint64_t u = v.v.u;
    b->kind = (go_bounds)(u & 15);
    b->sgn = u >> 4 & 1;
    b->x = u >> 5 & (((uint64_t)1 << XBITS) - 1);
    if (b->sgn && b->x >> (XBITS - 1)) b->x |= ~(((uint64_t)1 << XBITS) - 1); /* sign */
    b->y = (int64_t)(u >> (5 + XBITS));
}

/* Go's texts, %x standing for x and %y for y; the second one when x is negative. */
static const char *const fmt_pos[] = {
    [GO_BOUNDS_INDEX] = "index out of range [%x] with length %y",
    [GO_BOUNDS_SLICE_ALEN] = "slice bounds out of range [:%x] with length %y",
    [GO_BOUNDS_SLICE_ACAP] = "slice bounds out of range [:%x] with capacity %y",
    [GO_BOUNDS_SLICE_B] = "slice bounds out of range [%x:%y]",
    [GO_BOUNDS_SLICE3_ALEN] = "slice bounds out of range [::%x] with length %y",
    [GO_BOUNDS_SLICE3_ACAP] = "slice bounds out of range [::%x] with capacity %y",
    [GO_BOUNDS_SLICE3_B] = "slice bounds out of range [:%x:%y]",
    [GO_BOUNDS_SLICE3_C] = "slice bounds out of range [%x:%y:]",
};
static const char *const fmt_neg[] = {
    [GO_BOUNDS_INDEX] = "index out of range [%x]",
    [GO_BOUNDS_SLICE_ALEN] = "slice bounds out of range [:%x]",
    [GO_BOUNDS_SLICE_ACAP] = "slice bounds out of range [:%x]",
    [GO_BOUNDS_SLICE_B] = "slice bounds out of range [%x:]",
    [GO_BOUNDS_SLICE3_ALEN] = "slice bounds out of range [::%x]",
    [GO_BOUNDS_SLICE3_ACAP] = "slice bounds out of range [::%x]",
    [GO_BOUNDS_SLICE3_B] = "slice bounds out of range [:%x:]",
    [GO_BOUNDS_SLICE3_C] = "slice bounds out of range [%x::]",
};

static size_t bounds_error(go_any v, char *buf, size_t size) {
    bounds b;
    unpack(v, &b);
    bool neg = b.sgn && (int64_t)b.x < 0;
    const char *f = (neg ? fmt_neg : fmt_pos)[b.kind];
    char out[160];
    size_t n = (size_t)snprintf(out, sizeof out, "runtime error: ");
    for (; *f && n < sizeof out - 48; f++) {
        if (f[0] == '%' && f[1] == 'x') {
            n += (size_t)(b.sgn ? snprintf(out + n, sizeof out - n, "%lld", (long long)b.x)
                                : snprintf(out + n, sizeof out - n, "%llu",
                                           (unsigned long long)b.x));
            f++;
        } else if (f[0] == '%' && f[1] == 'y') {
            n += (size_t)snprintf(out + n, sizeof out - n, "%lld", (long long)b.y);
            f++;
        } else {
            out[n++] = *f;
        }
    }
    out[n] = '\0';
    return (size_t)snprintf(buf, size, "%s", out);
}

static void bounds_release(go_any v) { free((void *)v.v.p); }

const go_type go__type_boundsError = {
    .name = "runtime.boundsError", .kind = GO_KIND_UINT, .error = bounds_error};
const go_type go__type_boundsErrorBig = {.name = "runtime.boundsError",
                                         .kind = GO_KIND_POINTER,
                                         .error = bounds_error,
                                         .release = bounds_release};

static GO__NORETURN void go__bounds_fail(go_bounds kind, bool sgn, uint64_t x, int64_t y) {
    if ((unsigned)kind > GO_BOUNDS_SLICE3_C) go__throw("go_panic_bounds: bad kind");
    bounds b = {x, y, kind, sgn};
    go_any v;
    if (fits(&b)) {
        v = go_make_uint(&go__type_boundsError, pack(&b));
    } else {
        bounds *h = malloc(sizeof *h);
        if (!h) go__throw("out of memory making a bounds error");
        *h = b;
        v = go_make_ptr(&go__type_boundsErrorBig, h);
    }
    go__panic_owned(v);
}

void go_panic_bounds(go_bounds kind, int64_t x, int64_t y) {
    go__bounds_fail(kind, true, (uint64_t)x, y);
}

void go_panic_bounds_u(go_bounds kind, uint64_t x, int64_t y) {
    go__bounds_fail(kind, false, x, y);
}
