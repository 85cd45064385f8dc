/* Go's runtime errors, the values of the panics the runtime raises itself: one file owns
 * their types (go_is_runtime_error's table).  runtime.errorString (a static text), the
 * *runtime.PanicNilError of go_panic(nil), the one-word value of a fault (go_fault_info),
 * and runtime.boundsError with Go's texts ("index out of range [5] with length 3", "slice
 * bounds out of range [:11] with capacity 10", ...). */
#include "internal.h"
#include "fault_value.h"

#include <stdlib.h>
#include <string.h>

/* ---- runtime.errorString and *runtime.PanicNilError --------------------------------- */

static size_t runtimeError_error(go_any v, char *buf, size_t size) {
    return (size_t)snprintf(buf, size, "runtime error: %s", v.v.s);
}
static const go_type type_runtimeError = {
    .name = "runtime.errorString", .kind = GO_KIND_STRING, .error = runtimeError_error};

go_any go__runtime_error(const char *text) { return go_make_str(&type_runtimeError, text); }

static size_t panicNil_error(go_any v, char *buf, size_t size) {
    (void)v;
    return (size_t)snprintf(buf, size, "panic called with nil argument");
}
const go_type go__type_panicNil = {
    .name = "*runtime.PanicNilError", .kind = GO_KIND_POINTER, .error = panicNil_error};

/* ---- the value of a fault panic (its one-word format: fault_value.h) ----------------- */

static const char *fault_text(const go_fault *f) {
    if (f->signo != SIGFPE) return "invalid memory address or nil pointer dereference";
    switch (f->code) {
    case FPE_INTDIV: return "integer divide by zero";
    case FPE_INTOVF: return "integer overflow";
    default: return "floating point error";
    }
}

static size_t sigError_error(go_any v, char *buf, size_t size) {
    go_fault f;
    go__fault_unpack(v.v.u, &f);
    return (size_t)snprintf(buf, size, "runtime error: %s", fault_text(&f));
}

/* Go's runtime.errorString: the type of nil-dereference and division errors. */
const go_type go__type_sigError = {
    .name = "runtime.errorString", .kind = GO_KIND_UINT, .error = sigError_error};

bool go_fault_info(go_any v, go_fault *f) {
    if (v.type != &go__type_sigError) return false;
    if (f) go__fault_unpack(v.v.u, f);
    return true;
}

/* ---- runtime.boundsError ------------------------------------------------------------ */

static const go_type type_boundsError, type_boundsErrorBig; /* defined below */

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
 * (type_boundsErrorBig, released by go_any_release like go_errorf's values).
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
    if (v.type == &type_boundsErrorBig) {
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

static const go_type type_boundsError = {
    .name = "runtime.boundsError", .kind = GO_KIND_UINT, .error = bounds_error};
static const go_type type_boundsErrorBig = {.name = "runtime.boundsError",
                                            .kind = GO_KIND_POINTER,
                                            .error = bounds_error,
                                            .release = bounds_release};

static GO__NORETURN void go__bounds_fail(go_bounds kind, bool sgn, uint64_t x, int64_t y) {
    if ((unsigned)kind > GO_BOUNDS_SLICE3_C) go__throw("go_panic_bounds: bad kind");
    bounds b = {x, y, kind, sgn};
    go_any v;
    if (fits(&b)) {
        v = go_make_uint(&type_boundsError, pack(&b));
    } else {
        bounds *h = malloc(sizeof *h);
        if (!h) go__throw("out of memory making a bounds error");
        *h = b;
        v = go_make_ptr(&type_boundsErrorBig, h);
    }
    go__panic_owned(v);
}

void go_panic_bounds(go_bounds kind, int64_t x, int64_t y) {
    go__bounds_fail(kind, true, (uint64_t)x, y);
}

void go_panic_bounds_u(go_bounds kind, uint64_t x, int64_t y) {
    go__bounds_fail(kind, false, x, y);
}

/* ---- the table ---------------------------------------------------------------------- */

static const go_type *const runtime_errors[] = {&type_runtimeError, &go__type_panicNil,
                                                &go__type_sigError, &type_boundsError,
                                                &type_boundsErrorBig};

bool go_is_runtime_error(go_any v) {
    for (size_t i = 0; i < sizeof runtime_errors / sizeof runtime_errors[0]; i++)
        if (v.type == runtime_errors[i]) return true;
    return false;
}
