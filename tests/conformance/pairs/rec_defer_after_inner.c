/* recover1.go test6 and test7: a deferred function D, called by panic 2, defers recover
 * and panics 3, which a deferred call of D recovers.  If the deferred recover runs after
 * that recovery, when D returns, it is called from D and recovers 2 (test6); if panic 3's
 * loop calls it first, it does nothing, and the older deferred call recovers 2 (test7). */
#include "pair.h"

static void catch(const char *who) {
    printf("%s ", who);
    println_any("recovered", go_recover());
}

static void d6(void *u) {
    (void)u;
    go_frame {
        go_defer_recover();
        go_defer(catch, "test6 inner:");
        go_panic(go_int(3));
    }
}

static void test6(void) {
    go_frame {
        go_defer(catch, "test6 outer:");
        go_defer(d6, NULL);
        go_panic(go_int(2));
    }
}

static void d7(void *u) {
    (void)u;
    go_frame {
        go_defer(catch, "test7 inner:");
        go_defer_recover();
        go_panic(go_int(3));
    }
}

static void test7(void) {
    go_frame {
        go_defer(catch, "test7 outer:");
        go_defer(d7, NULL);
        go_panic(go_int(2));
    }
}

int main(void) {
    test6();
    test7();
    printf("main: returns\n");
    return 0;
}
