/* go_defer_val outside any go_frame must not compile. */
// EXPECT: go__f_
#include <godefer.h>
struct pt { int x, y; };
static void show(struct pt *p) { (void)p; }
void f(void) { go_defer_val(show, ((struct pt){1, 2})); }
