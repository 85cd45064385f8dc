/* The code that README.md and docs/ show, as users copy it: tests/check_builds.sh
 * compiles it (with the examples) with -Wall -Wextra -Werror at every -O level, with
 * GCC and Clang.  Keep each snippet as the document has it; only what a snippet leaves
 * out (its helpers, its enclosing function) is added here. */
#include <godefer.h>
#include <stdlib.h>

void parse(FILE *f);
int parse_or_panic(const char *s);
struct point { int x, y; };
void draw(struct point *p);
struct request { void (*handler)(struct request *); };

/* README.md */
static void to_error(go_any *err) { go_any r = go_recover(); if (!go_isnil(r)) *err = r; }

go_any parse_file(const char *path) {
    go_any err = go_nil();
    go_frame {                                /* a defer frame: any block */
        go_defer(to_error, &err);             /* a panic below becomes the result */
        FILE *f = fopen(path, "r");
        if (!f) go_panic(go_errorf("open %s", path));
        go_defer(fclose, f);                  /* runs on every way out */
        parse(f);                             /* may go_panic() */
    }
    return err;
}

/* docs/api.md */
int parse_count(const char *s) {
    volatile int n = -1;          /* read after the block, changed inside: volatile */
    go_any err = go_nil();        /* used by a deferred call: declared before the frame */
    go_frame {
        go_defer(to_error, &err);
        n = parse_or_panic(s);
    }
    return go_isnil(err) ? n : -1;
}

void draw_at(int x, int y) {
    go_frame {
        go_defer_val(draw, ((struct point){x, y}));   /* x, y as they are now */
    }
}

static void times10(int *x) { *x *= 10; }
int f(void) {
    int x = 0;
    go_frame { go_defer(times10, &x); x = 4; }
    return x;                                   /* 40 */
}

static void stop_panics(void *u) { (void)u; go_frame { go_defer_recover(); } }  /* recovers */
void defer_recover_direct(go_any v) {
    go_frame { go_defer_recover(); go_panic(v); }                              /* does not */
}
void defer_stop_panics(go_any v) {
    go_frame { go_defer(stop_panics, NULL); go_panic(v); }
}

/* docs/signals.md */
go_any handle(struct request *req) {          /* a server keeps serving */
    go_any err = go_nil();
    go_frame {
        go_defer(to_error, &err);
        req->handler(req);                     /* may dereference NULL */
    }
    return err;                                /* "runtime error: invalid memory address ..." */
}

int bounds(const int *a, int i, int n, int lo, int hi, int max, int cap, int len) {
    int v = a[go_index(i, n)];                 /* index out of range [5] with length 3 */
    go_check_slice(lo, hi, cap);               /* slice bounds out of range [:11] with capacity 10 */
    go_check_slice_len(lo, hi, len);           /* arrays and strings: "with length" */
    go_check_slice3(lo, hi, max, cap);         /* s[lo:hi:max] */
    go_check_slice3_len(lo, hi, max, len);
    if (v < 0) go_panic_bounds(GO_BOUNDS_SLICE_B, 11, 9); /* slice bounds out of range [11:9] */
    return v;
}
