/* Values of named types print with their type name (Go's printpanicval).
 * go2c: main.main.func1 = last
 * go2c: main.main.func2 = third
 * go2c: main.main.func3 = second
 */
#include "pair.h"

static const go_type MyInt = {.name = "main.MyInt", .kind = GO_KIND_INT};
static const go_type MyStr = {.name = "main.MyStr", .kind = GO_KIND_STRING};
static const go_type MyFloat = {.name = "main.MyFloat", .kind = GO_KIND_FLOAT};
static const go_type MyBool = {.name = "main.MyBool", .kind = GO_KIND_BOOL};

static void last(void *u) {
    (void)u;
    println_any("recovered", go_recover());
    go_panic(go_make_str(&MyStr, "hi"));
}
static void third(void *u) {
    (void)u;
    println_any("recovered", go_recover());
    go_panic(go_make_float(&MyFloat, 2.5));
}
static void second(void *u) {
    (void)u;
    println_any("recovered", go_recover());
    go_panic(go_make_bool(&MyBool, true));
}

int main(void) {
    go_frame {
        go_defer(last, NULL);
        go_defer(third, NULL);
        go_defer(second, NULL);
        go_panic(go_make_int(&MyInt, 7));
    }
    return 0;
}
