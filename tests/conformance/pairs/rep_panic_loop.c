/* testprog PanicLoop: the value's Error method itself panics, and so on: a fatal error.
 * go2c: main.(*panicError).Error = panicError_Error
 */
#include "pair.h"

static size_t panicError_Error(go_any self, char *buf, size_t size) {
    (void)self, (void)buf, (void)size;
    go_panic(go_str("double error"));
}
static const go_type panicError = {
    .name = "*main.panicError", .kind = GO_KIND_POINTER, .error = panicError_Error};

int main(void) {
    static char obj;
    go_panic(go_make_ptr(&panicError, &obj));
}
