/* After a recovery deep in the stack, execution continues in the caller of the function
 * whose deferred call recovered; the functions in between are gone.
 * go2c: main.level1.func1 = level1_catch
 */
#include "pair.h"

static void say(const char *s) { printf("%s\n", s); }

static void level3(void) {
    go_frame {
        go_defer(say, "level3 deferred");
        go_panic(go_str("deep"));
    }
}

static void level2(void) {
    go_frame {
        go_defer(say, "level2 deferred");
        level3();
        printf("level2 after level3: not reached\n");
    }
}

static void level1_catch(void *u) {
    (void)u;
    println_any("level1 recovered", go_recover());
}

static void level1(void) {
    go_frame {
        go_defer(level1_catch, NULL);
        level2();
        printf("level1 after level2: not reached\n");
    }
}

int main(void) {
    level1();
    printf("main after level1\n");
    return 0;
}
