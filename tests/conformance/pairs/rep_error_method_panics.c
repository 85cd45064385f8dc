/* testprog ErrorPanic: the value's Error method panics while the report is prepared.
 * go2c: main.exampleError.Error = exampleError_Error
 * go2c: main.(*exampleError).Error = -
 */
#include "pair.h"

static size_t exampleError_Error(go_any self, char *buf, size_t size) {
    (void)self, (void)buf, (void)size;
    go_panic(go_str("important error message"));
}
static const go_type exampleError = {
    .name = "main.exampleError", .kind = GO_KIND_POINTER, .error = exampleError_Error};

int main(void) { go_panic(go_make_ptr(&exampleError, NULL)); }
