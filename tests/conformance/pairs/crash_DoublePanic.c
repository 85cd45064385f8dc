/* testprog DoublePanic: both panic values, printed through their String methods.
 * go2c: main.main.func1 = panic_yyy
 */
#include "pair.h"

static size_t P_String(go_any self, char *buf, size_t size) {
    return (size_t)snprintf(buf, size, "%s", self.v.s);
}
static const go_type type_P = {.name = "main.P", .kind = GO_KIND_STRING, .string = P_String};

static void panic_yyy(void *u) {
    (void)u;
    go_panic(go_make_str(&type_P, "YYY"));
}

int main(void) {
    go_frame {
        go_defer(panic_yyy, NULL);
        go_panic(go_make_str(&type_P, "XXX"));
    }
    return 0;
}
