/* The scenario test_coro (godefer's coroutines) and test_g (other libraries', switched
 * with go_g_switch) share: a coroutine in two frames, yielding inside each, whose inner
 * frame's panic its deferred call recovers while the other coroutine waits inside its own
 * frames.  Each step is logged (tlog) under the coroutine's name; the deferred calls take
 * a pointer to that name (the first member of each test's coroutine). */
#ifndef GODEFER_TEST_TWO_LEVEL_H
#define GODEFER_TEST_TWO_LEVEL_H

#include "harness.h"

#include <godefer.h>

static void log_outer(const char **name) { tlog("%s.outer", *name); }
static void log_inner(const char **name) { tlog("%s.inner", *name); }
static void log_recovered(const char **name) {
    go_any r = go_recover();
    if (!go_isnil(r)) tlog("%s.recovered=%s", *name, r.v.s);
}

/* yield() switches back to the resumer; check(ctx), if not NULL, runs at the start and
 * after the recovery. */
__attribute__((unused)) static void two_level_run(const char **name, void (*yield)(void),
                                                  void (*check)(void *ctx), void *ctx) {
    if (check) check(ctx);
    tlog("%s.start", *name);
    go_frame {
        go_defer(log_outer, name);
        yield();
        go_frame {
            go_defer(log_recovered, name);
            go_defer(log_inner, name);
            yield();
            go_panic(go_str(*name));
        }
        tlog("%s.after", *name);
        if (check) check(ctx);
        yield();
    }
    tlog("%s.end", *name);
}

#endif
