/* `defer recover()` in a function that the panic calls as a deferred function recovers
 * when that function returns (recover.go test4, recover1.go test5); the frame that
 * deferred it then finishes normally.  In a helper called by the deferred function it does
 * nothing (the helper is not called by the panic), nor in a function deferred by the
 * deferred function.  Deferred in a loop (with more deferred calls than a frame's inline
 * slots), only the first one to run recovers.
 * go2c: main.direct.func1 = direct_later
 * go2c: main.helper.func1 = helper_later
 * go2c: main.nested.func1 = nested_later
 * go2c: main.inLoop.func1 = inLoop_later
 */
#include "pair.h"

static void defersRecover(void *u) {
    (void)u;
    go_frame {
        go_defer_recover();
        printf("defersRecover: returns\n");
    }
}

static void helperCaller(void *u) {
    (void)u;
    defersRecover(NULL);
    printf("helperCaller: returns\n");
}

static void defersDefersRecover(void *u) {
    (void)u;
    go_frame {
        go_defer(defersRecover, NULL);
        printf("defersDefersRecover: returns\n");
    }
}

struct ik {
    int i, k;
};
static void loop_print(struct ik *a) { printf("loop: deferred %d %d\n", a->i, a->k); }
static void loop(void *u) {
    (void)u;
    go_frame {
        for (int i = 0; i < 3; i++) {
            go_defer_recover();
            for (int k = 0; k < 4; k++) go_defer_val(loop_print, ((struct ik){i, k}));
        }
    }
}

static void direct_later(void *u) {
    (void)u;
    println_any("direct: later recover", go_recover());
}
static const char *direct(void) {
    const char *volatile r = "direct: not recovered";
    go_frame {
        go_defer(direct_later, NULL);
        go_defer(defersRecover, NULL);
        r = "direct: recovered, named result kept";
        go_panic(go_str("direct"));
    }
    return r;
}

static void helper_later(void *u) {
    (void)u;
    println_any("helper: later recover", go_recover());
}
static void helper(void) {
    go_frame {
        go_defer(helper_later, NULL);
        go_defer(helperCaller, NULL);
        go_panic(go_str("helper"));
    }
}

static void nested_later(void *u) {
    (void)u;
    println_any("nested: later recover", go_recover());
}
static void nested(void) {
    go_frame {
        go_defer(nested_later, NULL);
        go_defer(defersDefersRecover, NULL);
        go_panic(go_str("nested"));
    }
}

static void inLoop_later(void *u) {
    (void)u;
    println_any("inLoop: later recover", go_recover());
}
static void inLoop(void) {
    go_frame {
        go_defer(inLoop_later, NULL);
        go_defer(loop, NULL);
        go_panic(go_str("inLoop"));
    }
}

int main(void) {
    printf("%s\n", direct());
    helper();
    nested();
    inLoop();
    printf("main: returns\n");
    return 0;
}
