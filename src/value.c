/* go_any: Go's interface{} values, errors, and the two ways Go prints them
 * (fmt.Print for go_fprint, the runtime's print for panic reports). */
#include "internal.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const go_type go_type_string = {.name = "string", .kind = GO_KIND_STRING};
const go_type go_type_int = {.name = "int", .kind = GO_KIND_INT};
const go_type go_type_uint = {.name = "uint", .kind = GO_KIND_UINT};
const go_type go_type_float64 = {.name = "float64", .kind = GO_KIND_FLOAT};
const go_type go_type_bool = {.name = "bool", .kind = GO_KIND_BOOL};

static size_t copy_text(const char *s, char *buf, size_t size) {
    size_t n = s ? strlen(s) : 0;
    if (size) {
        size_t k = n < size ? n : size - 1;
        if (k) memcpy(buf, s, k);
        buf[k] = '\0';
    }
    return n;
}

static void release_str(go_any v) { free((void *)v.v.s); }

/* A string made by go_panicf: a Go string that owns its bytes. */
const go_type go__type_fmtString = {.name = "string", .kind = GO_KIND_STRING,
                                    .release = release_str};

/* errors.New */
static size_t errorString_error(go_any v, char *buf, size_t size) {
    return copy_text(v.v.s, buf, size);
}
const go_type go__type_errorString = {
    .name = "*errors.errorString", .kind = GO_KIND_STRING, .error = errorString_error};
/* fmt.Errorf without %w: the same Go type, owning its text. */
static const go_type type_errorString_owned = {.name = "*errors.errorString",
                                               .kind = GO_KIND_STRING,
                                               .error = errorString_error,
                                               .release = release_str};

/* fmt.Errorf with %w */
typedef struct wrap_error {
    go_any cause;
    char text[];
} wrap_error;
static size_t wrapError_error(go_any v, char *buf, size_t size) {
    return copy_text(((const wrap_error *)v.v.p)->text, buf, size);
}
static go_any wrapError_unwrap(go_any v) { return ((const wrap_error *)v.v.p)->cause; }
static void wrapError_release(go_any v) { free((void *)v.v.p); }
const go_type go__type_wrapError = {.name = "*fmt.wrapError",
                                    .kind = GO_KIND_POINTER,
                                    .error = wrapError_error,
                                    .unwrap = wrapError_unwrap,
                                    .release = wrapError_release};

bool go_is_error(go_any v) { return v.type && v.type->error; }
go_any go_unwrap(go_any v) {
    return v.type && v.type->unwrap ? v.type->unwrap(v) : go_nil();
}
void go_any_release(go_any v) {
    if (v.type && v.type->release) v.type->release(v);
}

char *go__vformat(const char *format, va_list ap) {
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, format, ap2);
    va_end(ap2);
    if (n < 0) n = 0;
    char *s = malloc((size_t)n + 1);
    if (!s) go__fatal_notrace("out of memory formatting a panic value");
    vsnprintf(s, (size_t)n + 1, format, ap);
    return s;
}

go_any go_error(const char *msg) { return go_make_str(&go__type_errorString, msg); }

go_any go_errorf(const char *format, ...) {
    va_list ap;
    va_start(ap, format);
    char *s = go__vformat(format, ap);
    va_end(ap);
    return go_make_str(&type_errorString_owned, s);
}

go_any go_error_wrap(go_any cause, const char *format, ...) {
    va_list ap;
    va_start(ap, format);
    char *prefix = go__vformat(format, ap);
    va_end(ap);
    char *ctext = go__text_alloc(cause, NULL);
    size_t np = strlen(prefix), nc = strlen(ctext);
    wrap_error *w = malloc(sizeof *w + np + 2 + nc + 1);
    if (!w) go__fatal_notrace("out of memory in go_error_wrap");
    w->cause = cause;
    memcpy(w->text, prefix, np);
    memcpy(w->text + np, ": ", 2);
    memcpy(w->text + np + 2, ctext, nc + 1);
    free(prefix);
    free(ctext);
    return go_make_ptr(&go__type_wrapError, w);
}

/* ---- printing ---------------------------------------------------------------------- */

/* Appends to a snprintf-style destination. */
typedef struct sbuf {
    char *buf;
    size_t size, len;
} sbuf;
static void sb_put(void *ctx, const char *s, size_t n) {
    sbuf *b = ctx;
    if (b->len + 1 < b->size) {
        size_t room = b->size - 1 - b->len;
        memcpy(b->buf + b->len, s, n < room ? n : room);
    }
    b->len += n;
    if (b->size) b->buf[b->len < b->size ? b->len : b->size - 1] = '\0';
}
static void sb_str(sbuf *b, const char *s) { sb_put(b, s, strlen(s)); }

/* The text of a value that has an Error or String method (errors first, as fmt and
 * preprintpanics do); *is_string tells whether there was one. */
size_t go__text(go_any v, char *buf, size_t size, bool *is_string) {
    size_t (*m)(go_any, char *, size_t) = NULL;
    if (v.type) m = v.type->error ? v.type->error : v.type->string;
    if (is_string) *is_string = m != NULL;
    if (m) return m(v, buf, size);
    return go_sprint(buf, size, v);
}

char *go__text_alloc(go_any v, bool *is_string) {
    char small[256];
    size_t n = go__text(v, small, sizeof small, is_string);
    char *s = malloc(n + 1);
    if (!s) go__fatal_notrace("out of memory printing a value");
    if (n < sizeof small)
        memcpy(s, small, n + 1);
    else
        go__text(v, s, n + 1, NULL);
    return s;
}

/* The shortest decimal digits that read back as f (f finite, not 0) into digs (at most
 * 17, no trailing zeros), their count in *nd; returns the decimal exponent. */
static int shortest_digits(double f, char *digs, int *nd) {
    char e[40];
    int p;
    for (p = 1; p < 17; p++) {
        snprintf(e, sizeof e, "%.*e", p - 1, f);
        if (strtod(e, NULL) == f) break;
    }
    if (p == 17) snprintf(e, sizeof e, "%.*e", 16, f);
    /* e is [-]d[.ddd]e(+|-)xx */
    const char *s = e + (*e == '-');
    int n = 0;
    for (; *s && *s != 'e'; s++)
        if (*s != '.') digs[n++] = *s;
    while (n > 1 && digs[n - 1] == '0') n--;
    *nd = n;
    return atoi(s + 1);
}

/* fmt's %v for float64: the shortest digits that read back as f, in %e form when the
 * decimal exponent is < -4 or >= 6 (strconv's rule for the shortest form). */
static void fmt_float(sbuf *b, double f) {
    if (isnan(f)) return sb_str(b, "NaN");
    if (isinf(f)) return sb_str(b, f > 0 ? "+Inf" : "-Inf");
    if (f == 0) return sb_str(b, signbit(f) ? "-0" : "0");
    char digs[24], out[64];
    int nd, o = 0, x = shortest_digits(f, digs, &nd);
    if (f < 0) out[o++] = '-';
    if (x < -4 || x >= 6) {
        out[o++] = digs[0];
        if (nd > 1) {
            out[o++] = '.';
            memcpy(out + o, digs + 1, (size_t)nd - 1);
            o += nd - 1;
        }
        o += snprintf(out + o, sizeof out - (size_t)o, "e%c%02d", x < 0 ? '-' : '+',
                      x < 0 ? -x : x);
    } else if (x < 0) {
        out[o++] = '0';
        out[o++] = '.';
        for (int i = 0; i < -x - 1; i++) out[o++] = '0';
        memcpy(out + o, digs, (size_t)nd);
        o += nd;
    } else {
        for (int i = 0; i <= x || i < nd; i++) {
            if (i == x + 1) out[o++] = '.';
            out[o++] = i < nd ? digs[i] : '0';
        }
    }
    sb_put(b, out, (size_t)o);
}

size_t go_sprint(char *buf, size_t size, go_any v) {
    sbuf b = {buf, size, 0};
    if (size) buf[0] = '\0';
    if (!v.type) {
        sb_str(&b, "<nil>");
        return b.len;
    }
    if (v.type->error || v.type->string) return go__text(v, buf, size, NULL);
    char num[32];
    switch (v.type->kind) {
    case GO_KIND_BOOL: sb_str(&b, v.v.b ? "true" : "false"); break;
    case GO_KIND_INT: snprintf(num, sizeof num, "%" PRId64, v.v.i); sb_str(&b, num); break;
    case GO_KIND_UINT: snprintf(num, sizeof num, "%" PRIu64, v.v.u); sb_str(&b, num); break;
    case GO_KIND_FLOAT: fmt_float(&b, v.v.f); break;
    case GO_KIND_STRING: sb_str(&b, v.v.s ? v.v.s : ""); break;
    case GO_KIND_POINTER:
    default:
        if (!v.v.p) {
            sb_str(&b, "<nil>");
        } else {
            snprintf(num, sizeof num, "%#" PRIxPTR, (uintptr_t)v.v.p);
            sb_str(&b, num);
        }
        break;
    }
    return b.len;
}

int go_fprint(FILE *f, go_any v) {
    char small[256];
    size_t n = go_sprint(small, sizeof small, v);
    if (n < sizeof small) return fwrite(small, 1, n, f) == n ? (int)n : -1;
    char *s = malloc(n + 1);
    if (!s) return -1;
    go_sprint(s, n + 1, v);
    int r = fwrite(s, 1, n, f) == n ? (int)n : -1;
    free(s);
    return r;
}

/* ---- the runtime's print, for panic reports ------------------------------------- */

enum { PRINT_DIGITS = 7 }; /* Go's print(float64) shows 7 significant digits */

/* Scales v (finite, > 0) to [1, 10), rounded to PRINT_DIGITS digits: returns the decimal
 * exponent. */
static int print_scale(double *v) {
    int e = 0;
    while (*v >= 10) {
        e++;
        *v /= 10;
    }
    while (*v < 1) {
        e--;
        *v *= 10;
    }
    double h = 5.0;
    for (int i = 0; i < PRINT_DIGITS; i++) h /= 10;
    *v += h;
    if (*v >= 10) {
        e++;
        *v /= 10;
    }
    return e;
}

/* Go's print(float64): +d.dddddde+ddd, computed the way the runtime does. */
static void print_float(go__emit_fn emit, void *ctx, double v) {
    if (v != v) return emit(ctx, "NaN", 3);
    if (v + v == v && v > 0) return emit(ctx, "+Inf", 4);
    if (v + v == v && v < 0) return emit(ctx, "-Inf", 4);
    enum { N = PRINT_DIGITS };
    char buf[N + 7];
    buf[0] = v < 0 || (v == 0 && signbit(v)) ? '-' : '+';
    int e = v == 0 ? 0 : (v = fabs(v), print_scale(&v));
    for (int i = 0; i < N; i++) {
        int d = (int)v;
        buf[i + 2] = (char)(d + '0');
        v -= d;
        v *= 10;
    }
    buf[1] = buf[2];
    buf[2] = '.';
    buf[N + 2] = 'e';
    buf[N + 3] = e < 0 ? '-' : '+';
    if (e < 0) e = -e;
    buf[N + 4] = (char)(e / 100 + '0');
    buf[N + 5] = (char)(e / 10 % 10 + '0');
    buf[N + 6] = (char)(e % 10 + '0');
    emit(ctx, buf, sizeof buf);
}

/* Go >= 1.23 prints each newline of a string value as newline + tab. */
static void print_indented(go__emit_fn emit, void *ctx, const char *s) {
    if (!s) return;
    for (const char *nl; (nl = strchr(s, '\n')); s = nl + 1) {
        emit(ctx, s, (size_t)(nl - s) + 1);
        emit(ctx, "\t", 1);
    }
    emit(ctx, s, strlen(s));
}

static bool builtin_type(const go_type *t) {
    return t == &go_type_string || t == &go__type_fmtString || t == &go_type_int ||
           t == &go_type_uint || t == &go_type_float64 || t == &go_type_bool;
}

/* Go's printpanicval: v has already been turned into a string if it was an error or a
 * Stringer (preprintpanics). */
void go__format_printval(go_any v, go__emit_fn emit, void *ctx) {
    char num[32];
    if (!v.type) return emit(ctx, "nil", 3);
    const go_type *t = v.type;
    bool named = !builtin_type(t);
    if (t->kind == GO_KIND_STRING) {
        if (!named) return print_indented(emit, ctx, v.v.s);
        emit(ctx, t->name, strlen(t->name));
        emit(ctx, "(\"", 2);
        print_indented(emit, ctx, v.v.s);
        return emit(ctx, "\")", 2);
    }
    if (t->kind == GO_KIND_POINTER) {
        emit(ctx, "(", 1);
        emit(ctx, t->name, strlen(t->name));
        emit(ctx, ") ", 2);
        snprintf(num, sizeof num, "%#" PRIxPTR, (uintptr_t)v.v.p);
        if (!v.v.p) snprintf(num, sizeof num, "0x0");
        return emit(ctx, num, strlen(num));
    }
    if (named) {
        emit(ctx, t->name, strlen(t->name));
        emit(ctx, "(", 1);
    }
    switch (t->kind) {
    case GO_KIND_BOOL: snprintf(num, sizeof num, "%s", v.v.b ? "true" : "false"); break;
    case GO_KIND_INT: snprintf(num, sizeof num, "%" PRId64, v.v.i); break;
    case GO_KIND_UINT: snprintf(num, sizeof num, "%" PRIu64, v.v.u); break;
    case GO_KIND_FLOAT: num[0] = '\0'; print_float(emit, ctx, v.v.f); break;
    default: snprintf(num, sizeof num, "?"); break;
    }
    emit(ctx, num, strlen(num));
    if (named) emit(ctx, ")", 1);
}
