/* Deferred calls: order, argument evaluation, every way out of a frame, loops, the pool,
 * copied values, nesting, and that a normal frame touches no heap. */
#include <godefer.h>

#include "harness.h"

/* Count malloc calls (linked with -Wl,--wrap=malloc: see tests/CMakeLists.txt). */
void *__real_malloc(size_t n);
static long mallocs;
void *__wrap_malloc(size_t n) {
    mallocs++;
    return __real_malloc(n);
}

static void logs(const char *s) { tlog("%s", s); }
static void logi(int *p) { tlog("%d", *p); }
static void log_long(long *p) { tlog("%ld", *p); }

static void test_lifo(void) {
    go_frame {
        go_defer(logs, "a");
        go_defer(logs, "b");
        go_defer(logs, "c");
        tlog("body");
    }
    ASSERT_LOG("body c b a");
}

/* The argument is evaluated at the defer; the pointee is read when the call runs. */
static void test_args_evaluated_at_defer(void) {
    static int a = 1, b = 2;
    int *p = &a;
    go_frame {
        go_defer(logi, p);
        p = &b;
        go_defer(logi, p);
        a = 10;
    }
    ASSERT_LOG("2 10");
}

/* The function is evaluated at the defer too (Go: "function value ... evaluated"). */
static void test_fn_evaluated_at_defer(void) {
    void (*f)(const char *) = logs;
    go_frame {
        go_defer(f, "first");
        f = NULL;
    }
    ASSERT_LOG("first");
}

/* Go evaluates the deferred function value, then the arguments, each once. */
typedef void (*str_fn)(const char *);
typedef void (*int_fn)(int *);
static str_fn get_str_fn(void) {
    tlog("fn");
    return logs;
}
static const char *get_str_arg(void) {
    tlog("arg");
    return "call";
}
static int_fn get_int_fn(void) {
    tlog("fn_val");
    return logi;
}
static int get_int_val(void) {
    tlog("val");
    return 7;
}
static void test_evaluation_order(void) {
    go_frame {
        go_defer(get_str_fn(), get_str_arg());
        go_defer_val(get_int_fn(), get_int_val());
        tlog("body");
    }
    ASSERT_LOG("fn arg fn_val val body 7 call");
}

static void test_copied_value(void) {
    go_frame {
        int i = 1;
        go_defer_val(logi, i);
        i = 2;
        go_defer_val(logi, i);
        i = 3;
    }
    ASSERT_LOG("2 1");
}

struct pair { int a; double b; char name[40]; };
static void logpair(struct pair *p) { tlog("%d/%.1f/%s", p->a, p->b, p->name); }
static void test_copied_struct(void) {
    go_frame {
        struct pair p = {1, 2.5, "first"};
        go_defer_val(logpair, p);
        p.a = 7;
        strcpy(p.name, "second");
        go_defer_val(logpair, p);
        go_defer_val(logpair, ((struct pair){3, 4.5, "literal"}));
        memset(&p, 0, sizeof p);
    }
    ASSERT_LOG("3/4.5/literal 7/2.5/second 1/2.5/first");
}

/* A value bigger than a pool chunk, and an over-aligned one. */
struct big { char bytes[5000]; };
struct __attribute__((aligned(64))) aligned64 { int v; };
static void logbig(struct big *b) { tlog("big:%c%c", b->bytes[0], b->bytes[4999]); }
static void logaligned(struct aligned64 *p) {
    tlog("aligned:%d:%d", p->v, (int)((uintptr_t)p % 64));
}
static void test_copied_big_and_aligned(void) {
    static struct big b;
    memset(b.bytes, 'x', sizeof b.bytes);
    b.bytes[0] = 'A';
    b.bytes[4999] = 'Z';
    go_frame {
        go_defer_val(logbig, b);
        go_defer_val(logaligned, ((struct aligned64){42}));
        b.bytes[0] = 'q';
    }
    ASSERT_LOG("aligned:42:0 big:AZ");
}

static int exit_by_return(int x) {
    go_frame {
        go_defer(logs, "deferred");
        if (x > 0) return x * 2; /* the result is computed before the deferred calls run */
        tlog("not reached");
    }
    return -1;
}

static void test_exit_paths(void) {
    ASSERT_INT(exit_by_return(21), 42);
    ASSERT_LOG("deferred");

    tlog_reset();
    for (int i = 0; i < 3; i++) {
        go_frame {
            go_defer(logs, "d");
            if (i == 1) break; /* leaves the frame, not the for loop */
            tlog("i%d", i);
        }
    }
    ASSERT_LOG("i0 d d i2 d");

    tlog_reset();
    go_frame {
        go_defer(logs, "c");
        continue; /* leaves the frame too */
        tlog("not reached");
    }
    ASSERT_LOG("c");

    tlog_reset();
    /* volatile only for GCC's -Wclobbered on aarch64, where frames use _setjmp */
    for (volatile int i = 0; i < 5; i++) {
        go_frame {
            go_defer(logs, "g");
            if (i == 2) goto out;
            tlog("%d", i);
        }
    }
out:
    ASSERT_LOG("0 g 1 g g");
}

/* Go's named results: the deferred call sees and sets the result, which is returned
 * after the frame. */
static void times10(int *x) { *x *= 10; }
static int named_result(void) {
    int x = 0;
    go_frame {
        go_defer(times10, &x);
        x = 4;
    }
    return x;
}
static void test_named_result(void) { ASSERT_INT(named_result(), 40); }

static void test_nested_frames(void) {
    go_frame {
        go_defer(logs, "outer1");
        go_frame {
            go_defer(logs, "inner");
            tlog("body");
        }
        go_defer(logs, "outer2");
    }
    ASSERT_LOG("body inner outer2 outer1");
}

static void test_loop_accumulates(void) {
    static long vals[10000];
    go_frame {
        for (long i = 0; i < 10; i++) {
            vals[i] = i;
            go_defer(log_long, &vals[i]);
        }
    }
    ASSERT_LOG("9 8 7 6 5 4 3 2 1 0");
}

static long sum;
static void add(long *p) { sum = sum * 3 % 1000003 + *p; }
static void test_many_defers_order(void) {
    static long vals[10000];
    volatile long want = 0; /* volatile: see test_exit_paths */
    for (long i = 9999; i >= 0; i--) want = want * 3 % 1000003 + i;
    sum = 0;
    go_frame {
        for (long i = 0; i < 10000; i++) {
            vals[i] = i;
            go_defer(add, &vals[i]);
        }
    }
    ASSERT_INT(sum, want);
}

/* Records grow up and copied values grow down in the same pool chunks: a mix of sizes
 * fills chunks from both ends, and every call still runs once, newest first, with its
 * own copy. */
struct blob { long v; char pad[88]; };
static void addblob(struct blob *b) { sum = sum * 3 % 1000003 + b->v + b->pad[87]; }
static void test_records_and_values_share_chunks(void) {
    static long vals[3000];
    volatile long want = 0;
    for (long i = 2999; i >= 0; i--) want = want * 3 % 1000003 + i + (i % 3 == 2 ? 7 : 0);
    sum = 0;
    go_frame {
        for (long i = 0; i < 3000; i++) {
            vals[i] = i;
            if (i % 3 == 0) {
                go_defer_val(add, i);
            } else if (i % 3 == 1) {
                go_defer(add, &vals[i]);
            } else {
                struct blob b = {.v = i};
                b.pad[87] = 7;
                go_defer_val(addblob, b);
            }
        }
    }
    ASSERT_INT(sum, want);
}

/* Records past the frame's slots come from the thread's pool: after a first run has
 * filled the pool, a second 10,000-defer frame allocates nothing. */
static void noop(void *p) { (void)p; }
static void run_loop(int n) {
    go_frame {
        for (int i = 0; i < n; i++) go_defer(noop, NULL);
    }
}
static void test_pool_reuse(void) {
    run_loop(10000);
    long before = mallocs;
    run_loop(10000);
    run_loop(100);
    ASSERT_INT(mallocs - before, 0);
}

/* Leaving a frame gives each chunk back to the pool once its records have run, while
 * older chunks still hold pending records and the values they use: calls that run later
 * reuse the pool (a deep defer loop each), and every value must still be intact. */
static long blobs_ok, blobs_bad;
static void churn_pool(int *u) {
    (void)u;
    run_loop(2000); /* fills every chunk the pool has */
}
static void check_blob(struct blob *b) {
    if (b->pad[0] == (char)b->v && b->pad[87] == (char)(b->v * 7))
        blobs_ok++;
    else
        blobs_bad++;
}
static void test_chunks_reused_while_leaving(void) {
    static int unused;
    blobs_ok = blobs_bad = 0;
    go_frame {
        for (int i = 0; i < 400; i++) {
            struct blob b = {.v = i};
            b.pad[0] = (char)i;
            b.pad[87] = (char)(i * 7);
            go_defer_val(check_blob, b);
            if (i % 50 == 0) go_defer(churn_pool, &unused);
        }
    }
    ASSERT_INT(blobs_ok, 400);
    ASSERT_INT(blobs_bad, 0);
}

/* A frame with one to eight deferred calls touches no heap. */
static void eight(void) {
    go_frame {
        for (int i = 0; i < 8; i++) go_defer(noop, NULL);
    }
}
static void test_no_heap_for_eight(void) {
    eight();
    long before = mallocs;
    for (int i = 0; i < 1000; i++) {
        go_frame { go_defer(noop, NULL); }
        eight();
    }
    ASSERT_INT(mallocs - before, 0);
}

/* Results of deferred functions are discarded: int fclose(FILE *) works. */
static void test_fclose_and_free(void) {
    FILE *f = tmpfile();
    ASSERT(f != NULL);
    go_frame {
        go_defer(fclose, f);
        char *p = malloc(100);
        go_defer(free, p);
        fputs("x", f);
    }
}

static void mark(int *p) { *p = 1; }
static void test_defer_in_deferred_call_frame(void) {
    int inner_ran = 0;
    go_frame {
        go_defer(logs, "outer");
        go_frame {
            go_defer(mark, &inner_ran);
        }
        ASSERT_INT(inner_ran, 1);
    }
    ASSERT_LOG("outer");
}

/* Deferred calls that themselves use frames and defers, run from a frame's exit. */
static void deferred_with_frame(const char *tag) {
    go_frame {
        go_defer(logs, tag);
        go_defer(logs, "inner-of-deferred");
    }
}
static void test_deferred_call_uses_frames(void) {
    go_frame {
        go_defer(deferred_with_frame, "x");
        go_defer(deferred_with_frame, "y");
    }
    ASSERT_LOG("inner-of-deferred y inner-of-deferred x");
}

static void test_frame_sizes(void) {
    /* The documented costs (docs/design.md). */
    ASSERT_INT(sizeof(go__rec), 3 * sizeof(void *));
    ASSERT(sizeof(go__frame) <= 6 * sizeof(void *) + 8 + sizeof(go__jmpbuf) + 8 * sizeof(go__rec));
}

/* ---- slots and pool chunks at their edges -------------------------------------------
 * Past the frame's own slots (8) the records go to pool chunks (42 per chunk): frames with
 * as many calls as fill them exactly, or one more, run every call newest first. */
static int ids[200]; /* ids[i] == i, from main */

static void expect_countdown(int n) {
    char want[2048] = "", *w = want;
    for (int i = n - 1; i >= 0; i--) w += sprintf(w, i == n - 1 ? "%d" : " %d", i);
    ASSERT_LOG(want);
}

static void countdown_frame(int n) {
    go_frame {
        for (int i = 0; i < n; i++) go_defer(logi, &ids[i]);
    }
}

static void test_order_at_chunk_edges(void) {
    int ns[] = {1, 7, 8, 9, 16, 41, 42, 43, 50, 51, 84, 85, 100, 199};
    for (size_t k = 0; k < sizeof ns / sizeof ns[0]; k++) {
        tlog_reset();
        countdown_frame(ns[k]);
        expect_countdown(ns[k]);
    }
}

struct pt {
    int x, y;
};
static void show_pt(struct pt *p) { tlog("(%d,%d)", p->x, p->y); }

/* Copied values share the pool with records; the order stays LIFO across both. */
static void test_records_and_values_order(void) {
    go_frame {
        go_defer_val(show_pt, ((struct pt){1, 2}));
        go_defer(logs, "a");
        go_defer(logs, "b");
        for (int i = 0; i < 10; i++) go_defer(logi, &ids[i]);
        go_defer_val(show_pt, ((struct pt){3, 4}));
        go_defer(logs, "c");
    }
    ASSERT_LOG("c (3,4) 9 8 7 6 5 4 3 2 1 0 b a (1,2)");
    tlog_reset();
    go_frame {
        for (int i = 0; i < 8; i++) go_defer(logi, &ids[i]);
        go_defer_val(show_pt, ((struct pt){5, 6}));
        go_defer(logs, "z");
    }
    ASSERT_LOG("z (5,6) 7 6 5 4 3 2 1 0");
}

static long counted;
static void count(int *p) { counted += *p; }

/* Chunks go back to the pool and come out again many times. */
static void test_pool_chunks_cycle(void) {
    counted = 0;
    for (int round = 0; round < 300; round++) {
        go_frame {
            for (int i = 0; i < 1 + round % 137; i++) go_defer(count, &ids[1]);
            if (round % 3 == 0) go_defer_val(count, 2);
        }
    }
    long want = 0;
    for (int round = 0; round < 300; round++) want += 1 + round % 137 + (round % 3 == 0) * 2;
    ASSERT_INT(counted, want);
}

static const harness_case cases[] = {
    {"lifo", test_lifo},
    {"args_evaluated_at_defer", test_args_evaluated_at_defer},
    {"fn_evaluated_at_defer", test_fn_evaluated_at_defer},
    {"evaluation_order", test_evaluation_order},
    {"copied_value", test_copied_value},
    {"copied_struct", test_copied_struct},
    {"copied_big_and_aligned", test_copied_big_and_aligned},
    {"exit_paths", test_exit_paths},
    {"named_result", test_named_result},
    {"nested_frames", test_nested_frames},
    {"loop_accumulates", test_loop_accumulates},
    {"many_defers_order", test_many_defers_order},
    {"records_and_values_share_chunks", test_records_and_values_share_chunks},
    {"pool_reuse", test_pool_reuse},
    {"chunks_reused_while_leaving", test_chunks_reused_while_leaving},
    {"no_heap_for_eight", test_no_heap_for_eight},
    {"fclose_and_free", test_fclose_and_free},
    {"defer_in_deferred_call_frame", test_defer_in_deferred_call_frame},
    {"deferred_call_uses_frames", test_deferred_call_uses_frames},
    {"frame_sizes", test_frame_sizes},
    {"order_at_chunk_edges", test_order_at_chunk_edges},
    {"records_and_values_order", test_records_and_values_order},
    {"pool_chunks_cycle", test_pool_chunks_cycle},
    {NULL, NULL},
};

int main(int argc, char **argv) {
    for (int i = 0; i < 200; i++) ids[i] = i;
    return harness_main(argc, argv, cases, NULL);
}
